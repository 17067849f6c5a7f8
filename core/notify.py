"""E-mail notifications that never block or break the request that causes them."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import transaction

logger = logging.getLogger(__name__)

# (file name, content, MIME type), e.g. ("call-notice-F1-01-7.pdf", b"%PDF-…", "application/pdf")
Attachment = tuple[str, bytes, str]


def notify_on_commit(
    *,
    subject: str,
    body: str,
    recipients: list[str],
    attachments: list[Attachment] | None = None,
) -> None:
    """Send a plain-text e-mail, with ``attachments`` if any, once the current transaction
    commits; log a failed send."""
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    files = list(attachments or ())

    def send():
        try:
            EmailMessage(subject, body, None, recipients, attachments=files).send()
        except Exception:  # noqa: BLE001 - a mail server failure must not fail the request
            logger.exception("could not send %r to %s", subject, recipients)

    transaction.on_commit(send)
