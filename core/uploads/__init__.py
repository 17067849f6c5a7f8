"""Uploads: the type is read from the content, and the content is checked deep enough.

``validate_upload`` refuses, with a message naming the file and the reason:

* files over the size limit it is given, and files whose first bytes do not match the
  extension (PDF, DOCX/XLSX/PPTX, DOC/XLS/PPT, PNG, JPEG);
* polyglots: HTML or script markers in the first or last kilobytes, anywhere in a small
  file, or anywhere in an image's metadata;
* PDFs that pypdf cannot parse, or that carry JavaScript, launch actions, embedded files or
  XFA forms; the scan is bounded in objects, pages and time;
* images that Pillow cannot verify, that are larger than ``IMAGE_MAX_PIXELS``, or that carry
  data after their end (JPEG EOI, PNG IEND);
* Office (OOXML) files whose zip has too many entries, unpacks too large or suspiciously well,
  has encrypted entries, unsafe paths, macros, or lacks the parts its extension calls for.
  The directory is read without trusting it: every entry is inflated with a byte budget and
  must yield exactly the size and checksum the directory claims;
* legacy Office (OLE) files that olefile cannot read, whose main stream does not match the
  extension, or that carry a VBA macro storage.

The limits live in ``core.uploads.limits``; each kind of file has its own module.
"""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.uploads import limits
from core.uploads.images import _check_image
from core.uploads.limits import MESSAGES, Refused
from core.uploads.markup import _check_markup
from core.uploads.office import (
    _check_ole,
    _check_ole_encrypted_package,
    _check_ooxml,
    _checked_zip_names,
    _zip_directory_bound,
)
from core.uploads.pdf import _check_pdf

# --- Sniffing ------------------------------------------------------------------------------


def sniff(upload) -> tuple[str, str] | None:
    """(kind, content type) read from the file's first bytes, or None.

    This tells the container only; ``validate_attachment`` checks the content behind it.
    """
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return _sniff(head, _extension(upload.name), _zip_names(upload) if _is_zip(head) else [])


def _sniff(head: bytes, extension: str, zip_names: list[str]) -> tuple[str, str] | None:
    if head.startswith(b"%PDF-"):
        return "pdf", limits.CONTENT_TYPES["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", limits.CONTENT_TYPES["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg", limits.CONTENT_TYPES["jpeg"]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole", ""
    if _is_zip(head) and "[Content_Types].xml" in zip_names:
        found = [
            (prefix, kind_and_type)
            for prefix, kind_and_type in limits.OOXML.items()
            if any(name.startswith(prefix) for name in zip_names)
        ]
        # A file with parts of two kinds is taken as the kind its name says, if it has those.
        for _prefix, (kind, content_type) in found:
            if kind == extension:
                return kind, content_type
        if found:
            return found[0][1]
    return None


def _is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _zip_names(upload) -> list[str]:

    try:
        data = _read_all(upload)
        _zip_directory_bound(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except Exception:  # noqa: BLE001 - any failure means "not an Office file"
        return []


def _extension(name) -> str:
    return PurePath(str(name or "")).suffix.lower().lstrip(".")


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


# --- Entry point ---------------------------------------------------------------------------


def validate_upload(upload, *, max_bytes: int) -> str:
    """Check size, type and content; answer the content type to serve the file with.

    Raises ``ValidationError`` (and nothing else) naming the file and the reason.
    """
    name = str(upload.name or "")
    limit = max_bytes
    if upload.size is None or upload.size > limit:
        raise _too_large(name, upload.size or 0, limit)
    data = _read_all(upload)
    if len(data) > limit:  # the size attribute is only what the upload says
        raise _too_large(name, len(data), limit)
    extension = _extension(name)
    # The HTML form checks the upload, then the service checks it again: scan once.
    fingerprint = (hashlib.sha256(data).digest(), name)
    checked = getattr(upload, "_attachment_checked", None)
    if checked and checked[0] == fingerprint:
        return checked[1]
    try:
        content_type = _check(data, extension)
    except Refused as refused:
        raise _error(name, refused) from None
    except RecursionError:
        raise _error(name, Refused("too_complex")) from None
    finally:
        upload.seek(0)
    upload._attachment_checked = (fingerprint, content_type)
    return content_type


def _too_large(name: str, size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("%(name)s is %(size)s; files may be at most %(limit)s.")
        % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        code="too_large",
    )


def _error(name: str, refused: Refused) -> ValidationError:
    return ValidationError(
        str(MESSAGES[refused.code]) % {"name": name, **refused.params}, code=refused.code
    )


def _check(data: bytes, extension: str) -> str:
    deadline = time.monotonic() + limits.SCAN_SECONDS
    office = {kind for kind, _type in limits.OOXML.values()}
    zip_names = _checked_zip_names(data) if _is_zip(data) and extension in office else []
    found = _sniff(data[:8], extension, zip_names)
    if found is not None and found[0] == "ole" and extension in office:
        _check_ole_encrypted_package(data)  # what Office makes of a password-protected .docx
    if found is None or extension not in limits.EXTENSIONS[found[0]]:
        raise Refused("bad_type")
    kind, content_type = found
    _check_markup(data)
    if kind == "pdf":
        _check_pdf(data, deadline)
    elif kind in {"png", "jpeg"}:
        _check_image(data, kind)
    elif kind == "ole":
        _check_ole(data, extension)
        return limits.OLE[extension]
    else:
        _check_ooxml(data, kind, deadline)
    return content_type
