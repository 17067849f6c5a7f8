"""Long exports and admin imports, run by the task worker (``core.tasks``).

A request that would export more than ``EXPORT_TASK_ROWS`` rows creates an ``ExportJob``
instead and shows its progress page; the worker builds the same ``Table`` again for the
requester, in the language they asked in, and writes the file into the default storage,
block by block: the worker's memory does not grow with the number of rows. The file is
served to the requester only, for ``EXPORT_EXPIRY_HOURS`` (``delete_expired_exports`` then
removes it).
"""

from __future__ import annotations

import datetime
import logging
import secrets
import tempfile
import time

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone, translation
from django.utils.text import get_valid_filename

from core import exports
from core.models import ExportJob, ExportJobStatus

logger = logging.getLogger(__name__)


def expiry() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "EXPORT_EXPIRY_HOURS", 24))


def storage_name(folder: str, filename: str) -> str:
    """A path nobody can guess, should the storage be readable from the web."""
    return f"{folder}/{secrets.token_urlsafe(18)}/{get_valid_filename(filename) or 'file'}"


def create_job(
    *, user, kind: str, title: str, fmt: str, params: dict, back_url: str = "", total=None
) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=user,
        kind=kind,
        title=str(title)[:200],
        format=fmt,
        params=params,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        back_url=back_url[:2000],
        rows_total=total,
        expires=timezone.now() + expiry(),
    )


class ProgressWriter:
    """Records how many rows a job has done, at most once a second.

    It writes through a database connection of its own: the job reads its rows inside a
    transaction or a COPY on the main connection, and the progress page must see the count
    at once. Progress is a courtesy: a failure to record it is logged, never fatal.
    """

    def __init__(self, job_id: int, every: float = 1.0):
        self.job_id = job_id
        self.every = every
        self.done = 0
        self._last = time.monotonic()
        self._connection = None

    def __call__(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            self.write(done)

    def write(self, done: int, total: int | None = None) -> None:
        try:
            if self._connection is None:
                self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ExportJob._meta.db_table} SET rows_done = %s,"
                    " rows_total = COALESCE(%s, rows_total), updated = now() WHERE id = %s",
                    [done, total, self.job_id],
                )
        except DatabaseError:
            logger.warning("could not record the progress of job %s", self.job_id, exc_info=True)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def claim(job_id: int) -> ExportJob | None:
    """The queued job, now marked running; None when it is gone or another worker has it."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJobStatus.QUEUED).update(
        status=ExportJobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    return ExportJob.objects.select_related("requested_by").get(pk=job_id)


def fail(job: ExportJob, error: BaseException | str) -> str:
    logger.error("job %s (%s) failed: %s", job.pk, job.kind, error)
    job.status = ExportJobStatus.FAILED
    job.error = str(error)[:2000] or type(error).__name__
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "updated"])
    return job.status


def run_export(job_id: int) -> str:
    """Write the job's table into a file in the default storage; answers the job's status."""
    job = claim(job_id)
    if job is None:
        return "not queued"
    progress = ProgressWriter(job.pk)
    try:
        with translation.override(job.language):
            table = exports.build(job.kind, job.requested_by, job.params)
            total = table.count()
            ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
            # A file on disk between the database and the storage: the storage may be
            # remote, and a spooled file never holds more than its buffer in memory.
            with tempfile.TemporaryFile() as scratch:
                table.write(job.format, scratch, progress)
                scratch.seek(0)
                name = default_storage.save(
                    storage_name("exports", f"{table.filename}.{job.format}"), File(scratch)
                )
    except Exception as error:  # noqa: BLE001 - the requester sees the failure on the page
        logger.exception("export job %s failed", job.pk)
        return fail(job, error)
    finally:
        progress.close()
    job.file.name = name
    job.status = ExportJobStatus.DONE
    job.rows_done = progress.done
    job.rows_total = progress.done
    job.finished_at = timezone.now()
    job.save()
    return job.status


def run_import(job_id: int) -> str:
    """Check (dry run) or carry out an admin import; the report lands on the job."""
    from core import admin_jobs  # the admin's side: resources, model admins

    job = claim(job_id)
    if job is None:
        return "not queued"
    progress = ProgressWriter(job.pk)
    try:
        with translation.override(job.language):
            report = admin_jobs.run_import(job, progress)
    except Exception as error:  # noqa: BLE001 - the requester sees the failure on the page
        logger.exception("import job %s failed", job.pk)
        return fail(job, error)
    finally:
        progress.close()
    job.report = report
    job.status = ExportJobStatus.DONE
    job.rows_done = report.get("rows", 0)
    job.rows_total = report.get("rows", 0)
    job.finished_at = timezone.now()
    job.save()
    return job.status


def delete_expired(now=None, keep_days: int = 7) -> tuple[int, int]:
    """Delete the files of expired jobs and fail the ones that never finished; forget the
    jobs ``keep_days`` after they expired. Answers (files deleted, jobs forgotten)."""
    now = now or timezone.now()
    files = 0
    expired = ExportJob.objects.expired(now)
    for job in expired.exclude(file="").only("pk", "file"):
        default_storage.delete(job.file.name)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        files += 1
    for job in expired.filter(kind__startswith="import:").only("pk", "params"):
        stored = (job.params or {}).get("file")
        if stored and default_storage.exists(stored):
            default_storage.delete(stored)
            files += 1
    expired.filter(status__in=[ExportJobStatus.QUEUED, ExportJobStatus.RUNNING]).update(
        status=ExportJobStatus.FAILED, error="did not finish before it expired"
    )
    forgotten, _ = ExportJob.objects.expired(now - datetime.timedelta(days=keep_days)).delete()
    return files, forgotten
