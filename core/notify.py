"""E-mail notifications that never block or break the request that causes them."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def notify_on_commit(*, subject: str, body: str, recipients: list[str]) -> None:
    """Send a plain-text e-mail once the current transaction commits; log a failed send."""
    recipients = [address for address in recipients if address]
    if not recipients:
        return

    def send():
        try:
            send_mail(subject, body, None, recipients)
        except Exception:  # noqa: BLE001 - a mail server failure must not fail the request
            logger.exception("could not send %r to %s", subject, recipients)

    transaction.on_commit(send)
