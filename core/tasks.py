"""Background work of the ground: sending the outbox, long exports and admin imports.

Run by ``manage.py db_worker`` (django-tasks-db) beside the web servers. A message that
cannot be sent is tried again after 1, 2, 4, 8... minutes, ``OUTBOX_MAX_ATTEMPTS`` times in
all, then marked failed; the secretariat or the fund team may send it again from the admin.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task, task_backends
from django.utils import timezone

from core import jobs
from core.models import ExportJob, OutboxAttachment, OutboxMessage, OutboxStatus
from core.notify import mail_configured, not_configured_reason, print_attachment

logger = logging.getLogger(__name__)

RETRY_BASE = datetime.timedelta(minutes=1)


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 5)


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failure: 1, 2, 4, 8... minutes."""
    return RETRY_BASE * (2 ** max(attempts - 1, 0))


@task()
def send_outbox_message(message_id: int) -> str:
    """Send one outbox message, unless it was sent or is not yet due; answers its status."""
    with transaction.atomic():
        # The row stays locked during the send: a second task for the same message (a
        # "send again", the sweep) waits, then finds it sent and does nothing.
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.QUEUED:
            return message.status if message else "missing"
        if message.next_attempt_at > timezone.now():
            return message.status
        if not mail_configured():
            message.status = OutboxStatus.NOT_CONFIGURED
            message.last_error = not_configured_reason()
            message.save(update_fields=["status", "last_error", "updated"])
            return message.status
        message.attempts += 1
        try:
            files = [_file(attachment) for attachment in message.attachments.all()]
            EmailMessage(
                message.subject, message.body, None, [message.recipient], attachments=files
            ).send()
        except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= max_attempts():
                message.status = OutboxStatus.FAILED
            else:
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
                retry_later(message)
            logger.warning(
                "outbox message %s to %s failed (attempt %s): %s",
                message.pk,
                message.recipient,
                message.attempts,
                message.last_error,
            )
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save()
        return message.status


def _file(attachment: OutboxAttachment) -> tuple[str, bytes, str]:
    """The attachment's file, printed first if it is still to print (and kept, so that
    every attempt sends the same file). A failure to print fails the attempt: the mail
    says the file is attached."""
    if attachment.content is None:
        attachment.filename, content, attachment.mimetype = print_attachment(attachment)
        attachment.content = content
        attachment.save(update_fields=["filename", "content", "mimetype"])
    return attachment.filename, bytes(attachment.content), attachment.mimetype


def retry_later(message: OutboxMessage) -> None:
    """Enqueue the next attempt for ``next_attempt_at`` once this transaction commits.

    A backend that cannot defer (the immediate one of the tests) gets nothing: the message
    stays queued for ``manage.py send_outbox``.
    """
    backend = task_backends[send_outbox_message.backend]
    if not backend.supports_defer:
        return
    deferred = send_outbox_message.using(run_after=message.next_attempt_at)
    transaction.on_commit(lambda: deferred.enqueue(message.pk), robust=True)


@task()
def run_export_job(job_id: int) -> str:
    """Write a long export's file (``core.jobs.run_export``)."""
    return jobs.run_export(job_id)


@task()
def run_import_job(job_id: int) -> str:
    """Check or carry out an admin import (``core.admin_jobs.run_import``)."""
    return jobs.run_import(job_id)


def queue_job(job: ExportJob) -> None:
    """Hand the job to the worker. The immediate backend of the tests runs it at once."""
    (run_import_job if job.is_import else run_export_job).enqueue(job.pk)
