"""Attachments: the type is read from the content, not trusted from the name."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OOXML = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
OLE = {  # the legacy binary Office formats share one container: the name tells which
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
EXTENSIONS = {
    "pdf": {"pdf"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "pptx": {"pptx"},
    "ole": set(OLE),
    "png": {"png"},
    "jpeg": {"jpg", "jpeg"},
}
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def sniff(upload) -> tuple[str, str] | None:
    """(kind, content type) read from the file's first bytes, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf", CONTENT_TYPES["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", CONTENT_TYPES["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg", CONTENT_TYPES["jpeg"]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole", ""
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            for prefix, (kind, content_type) in OOXML.items():
                if any(name.startswith(prefix) for name in names):
                    return kind, content_type
    return None


def validate_attachment(upload) -> str:
    """Check size and type; answer the content type to serve the file with."""
    limit = settings.ALLIANCE_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; attachments may be at most %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    found = sniff(upload)
    if found is None or extension not in EXTENSIONS[found[0]]:
        raise ValidationError(
            _(
                "%(name)s is not a PDF, Word, Excel, PowerPoint, PNG or JPEG file whose content "
                "matches its name."
            )
            % {"name": upload.name},
            code="bad_type",
        )
    kind, content_type = found
    return OLE[extension] if kind == "ole" else content_type


def attachment_path(instance, filename: str) -> str:
    """A random name under achievements/: the original name is kept in the database only."""
    extension = PurePath(filename).suffix.lower()
    return f"achievements/{instance.achievement_id}/{uuid.uuid4().hex}{extension}"
