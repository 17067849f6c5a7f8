"""Views every deployment needs, whatever the apps: the health check, and the pages of the
long exports and imports that run in the background (``core.jobs``)."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import exports, jobs
from core.models import ExportJob, ExportJobStatus
from core.tasks import queue_job


def bad_request(request, exception):
    """The 400 page, naming what was wrong with the request: the portal's own ``BadRequest``
    messages are written for the reader. Anything else Django refuses as suspicious (a
    forged host, a malformed cookie) gets Django's plain page, which reads nothing of the
    request."""
    if not isinstance(exception, BadRequest):
        return defaults.bad_request(request, exception)
    return render(request, "400.html", {"message": str(exception)}, status=400)


@never_cache
def healthz(request):
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def back_url(request, drop=("export", "page")) -> str:
    """The page the export was asked from, without the export's own parameters."""
    query = [(k, v) for k, values in request.GET.lists() if k not in drop for v in values]
    return request.path + (f"?{urlencode(query)}" if query else "")


def export_or_queue(request, kind: str, params: dict, fmt: str):
    """Stream the registered export ``kind``; past ``EXPORT_TASK_ROWS`` rows, hand it to the
    worker and send the requester to the job's progress page instead.

    Anonymous exports (public pages) always stream: a job's file needs someone to own it.
    """
    fmt = fmt if fmt in exports.FORMATS else "csv"
    table = exports.build(kind, request.user, params)
    if request.user.is_authenticated and table.exceeds(exports.task_threshold()):
        job = jobs.create_job(
            user=request.user,
            kind=kind,
            title=table.title or table.filename,
            fmt=fmt,
            params=params,
            back_url=back_url(request),
        )
        queue_job(job)
        return redirect(job)
    return table.response(fmt)


def _job(request, pk) -> ExportJob:
    return get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)


def _status(job: ExportJob) -> dict:
    ready = job.status == ExportJobStatus.DONE and not job.is_expired
    return {
        "id": job.pk,
        "status": job.status,
        "label": job.get_status_display(),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "ready": ready,
        "download_url": (
            reverse("export_job_download", args=[job.pk])
            if ready and job.file and not job.is_import
            else None
        ),
        "error": job.error if job.status == ExportJobStatus.FAILED else "",
        "expires": job.expires.isoformat(),
    }


@login_required
def export_job(request, pk):
    """A job's progress; the download or the import's report once it is done."""
    job = _job(request, pk)
    gone = job.status == ExportJobStatus.DONE and job.is_expired
    context = {
        "job": job,
        "state": _status(job),
        "gone": gone,
        "report": job.report or {},
        "may_confirm": (
            job.is_import
            and job.status == ExportJobStatus.DONE
            and not gone
            and not (job.report or {}).get("confirmed")
            and not (job.report or {}).get("refused")
            and not job.params.get("confirmed_by")
        ),
    }
    return render(request, "core/export_job.html", context, status=410 if gone else 200)


@never_cache
@login_required
def export_job_status(request, pk):
    """The job's progress as JSON, for the page's poller (static/js/export-progress.js)."""
    return JsonResponse(_status(_job(request, pk)))


@login_required
def export_job_download(request, pk):
    """The file, to its requester only (anyone else: 404); after it expired: 410."""
    job = _job(request, pk)
    if job.status != ExportJobStatus.DONE or job.is_import:
        raise Http404(_("This export is not ready."))
    if job.is_expired or not job.file:
        return render(
            request,
            "core/export_job.html",
            {"job": job, "state": _status(job), "gone": True, "report": {}},
            status=410,
        )
    return FileResponse(
        default_storage.open(job.file.name),
        as_attachment=True,
        filename=PurePosixPath(job.file.name).name,
        content_type=exports.CONTENT_TYPES.get(job.format, "application/octet-stream"),
    )


@require_POST
@login_required
def import_job_confirm(request, pk):
    """Carry out an import whose check found no refused row: a second job, same file."""
    with transaction.atomic():
        # The row lock makes a double click start one import, not two.
        job = get_object_or_404(
            ExportJob.objects.select_for_update().visible_to(request.user), pk=pk
        )
        report = job.report or {}
        if not job.is_import or job.status != ExportJobStatus.DONE or report.get("confirmed"):
            raise Http404(_("There is no checked import to carry out here."))
        if job.params.get("confirmed_by"):
            return redirect("export_job", job.params["confirmed_by"])
        if report.get("refused") or job.is_expired:
            return redirect(job)
        follow_up = jobs.create_job(
            user=request.user,
            kind=job.kind,
            title=job.title,
            fmt=job.format,
            params={**job.params, "confirmed": True},
            back_url=job.back_url,
            total=job.rows_total,
        )
        job.params = {**job.params, "confirmed_by": follow_up.pk}
        job.save(update_fields=["params", "updated"])
    queue_job(follow_up)
    return redirect(follow_up)
