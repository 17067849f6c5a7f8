"""Attachments of achievements: checked by content (``core.uploads``), stored under a
random name."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings

from core.uploads import sniff, validate_upload

__all__ = ["attachment_path", "sniff", "validate_attachment"]


def validate_attachment(upload) -> str:
    """Check size, type and content; answer the content type to serve the file with.

    Raises ``ValidationError`` (and nothing else) naming the file and the reason.
    """
    return validate_upload(upload, max_bytes=settings.ALLIANCE_ATTACHMENT_MAX_BYTES)


def attachment_path(instance, filename: str) -> str:
    """A random name under achievements/: the original name is kept in the database only."""
    extension = PurePath(filename).suffix.lower()
    return f"achievements/{instance.achievement_id}/{uuid.uuid4().hex}{extension}"
