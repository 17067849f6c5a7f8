"""Attachments: the type is read from the content, and the content is checked deep enough.

``validate_attachment`` refuses, with a message naming the file and the reason:

* files over ``ALLIANCE_ATTACHMENT_MAX_BYTES``, and files whose first bytes do not match the
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

The limits are module constants so that tests (and a deployment, if ever needed) can lower them.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import time
import uuid
import zlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
OLE_MAIN_STREAMS = {  # the stream each legacy format cannot do without
    "doc": {"worddocument"},
    "xls": {"workbook", "book"},
    "ppt": {"powerpoint document"},
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

# --- Limits ------------------------------------------------------------------------------

SCAN_SECONDS = 15  # a hostile file must not hold the request longer than this
POLYGLOT_EDGE_BYTES = 8 * 1024  # the head and tail searched for HTML in every file
POLYGLOT_SMALL_BYTES = 1024 * 1024  # files up to this size are searched whole
PDF_MAX_OBJECTS = 30_000  # pypdf reads some 3,000 objects a second: this fits SCAN_SECONDS
PDF_MAX_PAGES = 3_000
PDF_MAX_STREAM_BYTES = 50 * 1024 * 1024  # what pypdf may inflate for one object stream
IMAGE_MAX_PIXELS = 50_000_000
ZIP_MAX_ENTRIES = 2_000
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
ZIP_MAX_RATIO = 200  # uncompressed / compressed, for entries past ZIP_RATIO_FLOOR_BYTES
ZIP_RATIO_FLOOR_BYTES = 1024 * 1024
ZIP_CONTENT_TYPES_MAX_BYTES = 1024 * 1024

# --- Messages ----------------------------------------------------------------------------

MESSAGES = {
    "bad_type": gettext_lazy(
        "%(name)s is not a PDF, Word, Excel, PowerPoint, PNG or JPEG file whose content "
        "matches its name."
    ),
    "too_complex": gettext_lazy(
        "%(name)s: the file is too complex to check; please simplify or split it."
    ),
    "polyglot": gettext_lazy("%(name)s: files containing HTML or script code are not accepted."),
    "pdf_damaged": gettext_lazy("%(name)s: the PDF file is damaged and cannot be read."),
    "pdf_encrypted": gettext_lazy(
        "%(name)s: password-protected PDF files are not accepted; please upload an "
        "unprotected copy."
    ),
    "pdf_javascript": gettext_lazy("%(name)s: PDF files with JavaScript are not accepted."),
    "pdf_launch": gettext_lazy("%(name)s: PDF files with launch actions are not accepted."),
    "pdf_embedded": gettext_lazy("%(name)s: PDF files with embedded files are not accepted."),
    "pdf_xfa": gettext_lazy("%(name)s: PDF files with XFA forms are not accepted."),
    "pdf_objects": gettext_lazy("%(name)s: PDF files may have at most %(limit)s objects."),
    "pdf_pages": gettext_lazy("%(name)s: PDF files may have at most %(limit)s pages."),
    "image_damaged": gettext_lazy("%(name)s: the image is damaged and cannot be read."),
    "image_trailing": gettext_lazy("%(name)s: the image has extra data after its end."),
    "image_pixels": gettext_lazy("%(name)s: images may have at most %(limit)s pixels."),
    "office_damaged": gettext_lazy("%(name)s: the Office file is damaged and cannot be read."),
    "office_entries": gettext_lazy("%(name)s: Office files may have at most %(limit)s parts."),
    "office_size": gettext_lazy("%(name)s: the Office file unpacks to more than %(limit)s."),
    "office_ratio": gettext_lazy(
        "%(name)s: the Office file is compressed suspiciously well and is not accepted."
    ),
    "office_encrypted": gettext_lazy("%(name)s: encrypted Office files are not accepted."),
    "office_path": gettext_lazy("%(name)s: the Office file contains a part with an unsafe path."),
    "office_macros": gettext_lazy("%(name)s: Office files with macros are not accepted."),
}


class Refused(Exception):
    """Why a file is refused: a key of ``MESSAGES`` and the values its message needs."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


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
        return "pdf", CONTENT_TYPES["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", CONTENT_TYPES["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg", CONTENT_TYPES["jpeg"]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole", ""
    if _is_zip(head) and "[Content_Types].xml" in zip_names:
        found = [
            (prefix, kind_and_type)
            for prefix, kind_and_type in OOXML.items()
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
    import zipfile

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


def validate_attachment(upload) -> str:
    """Check size, type and content; answer the content type to serve the file with.

    Raises ``ValidationError`` (and nothing else) naming the file and the reason.
    """
    name = str(upload.name or "")
    limit = settings.ALLIANCE_ATTACHMENT_MAX_BYTES
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
        _("%(name)s is %(size)s; attachments may be at most %(limit)s.")
        % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        code="too_large",
    )


def _error(name: str, refused: Refused) -> ValidationError:
    return ValidationError(
        str(MESSAGES[refused.code]) % {"name": name, **refused.params}, code=refused.code
    )


def _check(data: bytes, extension: str) -> str:
    deadline = time.monotonic() + SCAN_SECONDS
    office = {kind for kind, _type in OOXML.values()}
    zip_names = _checked_zip_names(data) if _is_zip(data) and extension in office else []
    found = _sniff(data[:8], extension, zip_names)
    if found is not None and found[0] == "ole" and extension in office:
        _check_ole_encrypted_package(data)  # what Office makes of a password-protected .docx
    if found is None or extension not in EXTENSIONS[found[0]]:
        raise Refused("bad_type")
    kind, content_type = found
    _check_markup(data)
    if kind == "pdf":
        _check_pdf(data, deadline)
    elif kind in {"png", "jpeg"}:
        _check_image(data, kind)
    elif kind == "ole":
        _check_ole(data, extension)
        return OLE[extension]
    else:
        _check_ooxml(data, kind, deadline)
    return content_type


# --- Polyglots -----------------------------------------------------------------------------

# What makes a browser (or a careless viewer) take bytes for a web page. A tag name counts only
# when followed by what ends a tag name, so random compressed bytes rarely match.
MARKUP = re.compile(
    rb"<(?:html|script|svg|iframe|body|head)[\s/>]|<!doctype\s+html|javascript:", re.IGNORECASE
)


def _check_markup(data: bytes) -> None:
    if len(data) <= POLYGLOT_SMALL_BYTES:
        regions = [data]
    else:
        regions = [data[:POLYGLOT_EDGE_BYTES], data[-POLYGLOT_EDGE_BYTES:]]
    if any(MARKUP.search(region) for region in regions):
        raise Refused("polyglot")


# --- PDF -----------------------------------------------------------------------------------

# Keys and names (after #xx escapes are decoded) that refuse a PDF, and why.
PDF_KEYS = {
    "/JS": "pdf_javascript",
    "/JavaScript": "pdf_javascript",
    "/EmbeddedFiles": "pdf_embedded",
    "/EF": "pdf_embedded",
    "/XFA": "pdf_xfa",
}
PDF_NAMES = {
    "/JavaScript": "pdf_javascript",
    "/Launch": "pdf_launch",
    "/EmbeddedFile": "pdf_embedded",
    "/FileAttachment": "pdf_embedded",
    "/GoToE": "pdf_embedded",
    "/RichMedia": "pdf_embedded",
}
PDF_RAW = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|EF|FileAttachment|GoToE|RichMedia|XFA)"
    rb"(?=[\s/<>\[\]()%{}]|\Z)"
)
PDF_RAW_REASONS = {**PDF_KEYS, **PDF_NAMES}
PDF_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _check_pdf(data: bytes, deadline: float) -> None:
    # 1. The text outside streams, as written: this also sees objects that no cross-reference
    #    table lists, which pypdf skips but another reader's repair could revive.
    outside = PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), _pdf_outside_streams(data))
    if match := PDF_RAW.search(outside):
        raise Refused(PDF_RAW_REASONS[match[0].decode()])
    if re.search(rb"javascript:", outside, re.IGNORECASE):
        raise Refused("pdf_javascript")
    # 2. Every object the file lists, parsed, including those packed in object streams.
    from pypdf import PdfReader, apply_configuration

    limits = {
        "zlib_maximum_output_length": PDF_MAX_STREAM_BYTES,
        "lzw_maximum_output_length": PDF_MAX_STREAM_BYTES,
        "run_length_maximum_output_length": PDF_MAX_STREAM_BYTES,
        "page_tree_maximum_entries": PDF_MAX_PAGES * 2,
        "jbig2dec_binary": None,  # never run an external program on an upload
        "disable_legacy_handling": True,
    }
    with apply_configuration(**limits):
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            _pdf_decrypt(reader)
            _pdf_scan_objects(reader, deadline)
            pages = len(reader.pages)
        except Refused:
            raise
        except RecursionError:
            raise Refused("too_complex") from None
        except Exception:  # noqa: BLE001 - pypdf raises many kinds on hostile input
            raise Refused("pdf_damaged") from None
    if pages < 1:
        raise Refused("pdf_damaged")
    if pages > PDF_MAX_PAGES:
        raise Refused("pdf_pages", limit=number_format(PDF_MAX_PAGES, force_grouping=True))


def _pdf_outside_streams(data: bytes) -> bytes:
    parts, position = [], 0
    while match := PDF_STREAM.search(data, position):
        parts.append(data[position : match.start()])
        end = data.find(b"endstream", match.end())
        if end < 0:
            return b" ".join(parts)
        position = end + len(b"endstream")
    parts.append(data[position:])
    return b" ".join(parts)


def _pdf_decrypt(reader) -> None:
    """Open an encrypted PDF with the empty password, as viewers do, or refuse it."""
    if not reader.is_encrypted:
        return
    from pypdf import PasswordType

    try:
        opened = reader.decrypt("")
    except Exception:  # noqa: BLE001 - e.g. AES without a crypto library
        raise Refused("pdf_encrypted") from None
    if opened == PasswordType.NOT_DECRYPTED:
        raise Refused("pdf_encrypted")


def _pdf_scan_objects(reader, deadline: float) -> None:
    from pypdf.generic import IndirectObject

    numbers = {
        (number, generation) for generation, table in reader.xref.items() for number in table
    }
    numbers.update((number, 0) for number in reader.xref_objStm)
    if len(numbers) > PDF_MAX_OBJECTS:
        raise Refused("pdf_objects", limit=number_format(PDF_MAX_OBJECTS, force_grouping=True))
    pages = 0
    _pdf_inspect(reader.trailer)
    for number, generation in sorted(numbers):
        if time.monotonic() > deadline:
            raise Refused("too_complex")
        pages += _pdf_inspect(reader.get_object(IndirectObject(number, generation, reader)))
        if pages > PDF_MAX_PAGES:
            raise Refused("pdf_pages", limit=number_format(PDF_MAX_PAGES, force_grouping=True))


def _pdf_inspect(root) -> int:
    """Refuse what ``root`` holds directly (not through references); answer how many pages."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    pages, stack = 0, [root]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            continue  # its target is scanned in its own turn
        if isinstance(item, NameObject):
            if str(item) in PDF_NAMES:
                raise Refused(PDF_NAMES[str(item)])
        elif isinstance(item, DictionaryObject):
            for key, value in dict.items(item):
                if str(key) in PDF_KEYS:
                    raise Refused(PDF_KEYS[str(key)])
                if key == "/URI" and _javascript_uri(value):
                    raise Refused("pdf_javascript")
                if key == "/Type" and value == "/Page":
                    pages += 1
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
    return pages


def _javascript_uri(value) -> bool:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return False
    return re.sub(r"[\x00-\x20]", "", value).lower().startswith("javascript:")


# --- Images --------------------------------------------------------------------------------


def _check_image(data: bytes, kind: str) -> None:
    end, segments = _png_structure(data) if kind == "png" else _jpeg_structure(data)
    if end is None:
        raise Refused("image_damaged")
    if data[end:].strip(b"\x00"):
        raise Refused("image_trailing")
    if any(MARKUP.search(body) for _marker, body in segments):
        raise Refused("polyglot")
    # The size the header declares, checked before Pillow opens the image at all.
    sizes = [_image_size(marker, body) for marker, body in segments]
    if any(width * height > IMAGE_MAX_PIXELS for width, height in sizes):
        raise Refused("image_pixels", limit=number_format(IMAGE_MAX_PIXELS, force_grouping=True))
    from PIL import Image

    expected = "PNG" if kind == "png" else "JPEG"
    try:
        with Image.open(io.BytesIO(data), formats=[expected]) as image:
            if image.format != expected:
                raise Refused("bad_type")
            width, height = image.size
            if width < 1 or height < 1:
                raise Refused("image_damaged")
            if width * height > IMAGE_MAX_PIXELS:
                raise Refused(
                    "image_pixels", limit=number_format(IMAGE_MAX_PIXELS, force_grouping=True)
                )
            image.verify()
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(
            "image_pixels", limit=number_format(IMAGE_MAX_PIXELS, force_grouping=True)
        ) from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on hostile input
        raise Refused("image_damaged") from None


JPEG_FRAMES = {0xC0 + n for n in range(16)} - {0xC4, 0xC8, 0xCC}  # SOF0…SOF15


def _image_size(marker: bytes | int, body: bytes) -> tuple[int, int]:
    """(width, height) from a PNG IHDR chunk or a JPEG start-of-frame segment, else (0, 0)."""
    if marker == b"IHDR" and len(body) >= 8:
        return struct.unpack(">II", body[:8])
    if marker in JPEG_FRAMES and len(body) >= 5:
        height, width = struct.unpack(">HH", body[1:5])
        return width, height
    return 0, 0


def _png_structure(data: bytes) -> tuple[int | None, list[tuple[bytes, bytes]]]:
    """(offset just past IEND, (type, data) of every chunk but the pixel data)."""
    position, metadata = 8, []
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        chunk_type = data[position + 4 : position + 8]
        end = position + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            return None, metadata
        if chunk_type == b"IEND":
            return end, metadata
        if chunk_type not in {b"IDAT", b"fdAT"}:
            metadata.append((chunk_type, data[position + 8 : end - 4]))
        position = end
    return None, metadata


def _jpeg_structure(data: bytes) -> tuple[int | None, list[tuple[int, bytes]]]:
    """(offset just past the EOI that ends the image, (marker, data) of every segment).

    Segments are skipped by their length, so a thumbnail's own EOI inside EXIF is not taken
    for the end; entropy-coded data ends at the first marker that is not a stuffed 0xFF00,
    a restart marker or fill.
    """
    position, metadata, size = 2, [], len(data)
    while True:
        if position >= size or data[position] != 0xFF:
            return None, metadata
        while position < size and data[position] == 0xFF:
            position += 1
        if position >= size:
            return None, metadata
        marker = data[position]
        position += 1
        if marker == 0xD9:  # EOI
            return position, metadata
        if 0xD0 <= marker <= 0xD7 or marker in {0x01, 0xD8}:
            if marker == 0xD8:
                return None, metadata  # a second SOI before the first image ended
            continue
        if position + 2 > size:
            return None, metadata
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2 or position + length > size:
            return None, metadata
        if marker != 0xDA:
            metadata.append((marker, data[position + 2 : position + length]))
        position += length
        if marker == 0xDA:  # start of scan: skip the entropy-coded data
            while True:
                found = data.find(b"\xff", position)
                if found < 0 or found + 1 >= size:
                    return None, metadata
                following = data[found + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    position = found + 2
                elif following == 0xFF:
                    position = found + 1
                else:
                    position = found
                    break


# --- Office (OOXML) ------------------------------------------------------------------------

MACRO_PARTS = {"vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"}


def _checked_zip_names(data: bytes) -> list[str]:
    """The entry names, once the directory is known to be small enough to read."""
    import zipfile

    _zip_directory_bound(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except Exception:  # noqa: BLE001 - zipfile raises many kinds on hostile input
        raise Refused("office_damaged") from None


def _zip_directory_bound(data: bytes) -> None:
    """Count the central directory's entries the way zipfile will walk them, before it does.

    zipfile builds an object for every entry up front: 300,000 empty entries fit in 20 MB
    and take it tens of seconds, so the count is bounded first, cheaply.
    """
    size = len(data)
    if size >= 22 and data[-22:-18] == b"PK\x05\x06" and data[-2:] == b"\x00\x00":
        record = size - 22
    else:
        record = data.rfind(b"PK\x05\x06", max(0, size - 65536 - 22))
        if record < 0 or record + 22 > size:
            raise Refused("office_damaged")
    entries, directory_size = struct.unpack("<xxxxxxxxxxHI", data[record : record + 16])
    location = record
    locator = record - 20
    if locator >= 56 and data[locator : locator + 4] == b"PK\x06\x07":  # zip64
        zip64 = locator - 56
        if data[zip64 : zip64 + 4] == b"PK\x06\x06":
            entries, directory_size = struct.unpack("<QQ", data[zip64 + 32 : zip64 + 48])
            location = zip64
    if entries > ZIP_MAX_ENTRIES:
        raise Refused("office_entries", limit=number_format(ZIP_MAX_ENTRIES, force_grouping=True))
    position = location - directory_size
    if position < 0:
        raise Refused("office_damaged")
    end, count = min(location, position + directory_size), 0
    while position < end:
        if data[position : position + 4] != b"PK\x01\x02" or position + 46 > size:
            raise Refused("office_damaged")
        name, extra, comment = struct.unpack("<HHH", data[position + 28 : position + 34])
        position += 46 + name + extra + comment
        count += 1
        if count > ZIP_MAX_ENTRIES:
            raise Refused(
                "office_entries", limit=number_format(ZIP_MAX_ENTRIES, force_grouping=True)
            )


def _check_ooxml(data: bytes, kind: str, deadline: float) -> None:
    import zipfile

    prefix = next(prefix for prefix, (known, _type) in OOXML.items() if known == kind)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except Exception:  # noqa: BLE001
        raise Refused("office_damaged") from None
    names = [entry.orig_filename for entry in entries]
    if len(set(names)) != len(names):
        raise Refused("office_damaged")  # two parts of one name: readers disagree which counts
    if "[Content_Types].xml" not in names or not any(n.startswith(prefix) for n in names):
        raise Refused("bad_type")
    declared = 0
    for entry in entries:
        if entry.flag_bits & 0x41:  # traditional or strong encryption
            raise Refused("office_encrypted")
        if _unsafe_zip_path(entry.orig_filename):
            raise Refused("office_path")
        if PurePath(entry.orig_filename.replace("\\", "/")).name.lower() in MACRO_PARTS:
            raise Refused("office_macros")
        declared += entry.file_size
        if declared > ZIP_MAX_UNCOMPRESSED_BYTES:
            raise Refused("office_size", limit=filesizeformat(ZIP_MAX_UNCOMPRESSED_BYTES))
        if entry.file_size > ZIP_RATIO_FLOOR_BYTES and entry.file_size > ZIP_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise Refused("office_ratio")
    # The directory may lie: inflate every entry with a budget and hold it to its word.
    budget = ZIP_MAX_UNCOMPRESSED_BYTES
    spans = []
    for entry in entries:
        if time.monotonic() > deadline:
            raise Refused("too_complex")
        start = _zip_data_start(data, entry)
        spans.append((start, start + entry.compress_size))
        keep = ZIP_CONTENT_TYPES_MAX_BYTES if entry.orig_filename == "[Content_Types].xml" else 0
        produced, kept = _inflate(data, entry, start, budget, keep)
        budget -= produced
        if keep and re.search(rb"macroEnabled|vbaProject", kept, re.IGNORECASE):
            raise Refused("office_macros")
    spans.sort()
    if any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False)):
        raise Refused("office_damaged")  # overlapping entries: the classic non-recursive bomb


def _unsafe_zip_path(name: str) -> bool:
    path = name.replace("\\", "/")
    return (
        "\x00" in path
        or path.startswith("/")
        or re.match(r"[A-Za-z]:", path) is not None
        or ".." in path.split("/")
    )


def _zip_data_start(data: bytes, entry) -> int:
    """Where the entry's compressed bytes start, after a local header that agrees with the
    directory (a different name in the two places is a known way to smuggle parts)."""
    header = entry.header_offset
    if header < 0 or data[header : header + 4] != b"PK\x03\x04" or header + 30 > len(data):
        raise Refused("office_damaged")
    name_length, extra_length = struct.unpack("<HH", data[header + 26 : header + 30])
    local_name = data[header + 30 : header + 30 + name_length]
    encoding = "utf-8" if entry.flag_bits & 0x800 else "cp437"
    try:
        if local_name.decode(encoding) != entry.orig_filename:
            raise Refused("office_damaged")
    except UnicodeDecodeError:
        raise Refused("office_damaged") from None
    start = header + 30 + name_length + extra_length
    if start + entry.compress_size > len(data):
        raise Refused("office_damaged")
    return start


def _inflate(data: bytes, entry, start: int, budget: int, keep: int) -> tuple[int, bytes]:
    """Decompress one entry, refusing it past ``budget`` bytes or when it is not exactly what
    the directory says (size, checksum, end of the compressed stream). Answer the bytes it
    produced and up to ``keep`` of them."""
    raw = memoryview(data)[start : start + entry.compress_size]
    chunk = 64 * 1024
    kept = bytearray()
    produced, checksum = 0, 0

    def take(piece: bytes) -> None:
        nonlocal produced, checksum
        produced += len(piece)
        if produced > budget:
            raise Refused("office_size", limit=filesizeformat(ZIP_MAX_UNCOMPRESSED_BYTES))
        if produced > entry.file_size:
            raise Refused("office_damaged")  # more than the directory declared: it lies
        checksum = zlib.crc32(piece, checksum)
        if len(kept) < keep:
            kept.extend(piece[: keep - len(kept)])

    if entry.compress_type == 0:  # stored
        for offset in range(0, len(raw), chunk):
            take(bytes(raw[offset : offset + chunk]))
    elif entry.compress_type == 8:  # deflated
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            for offset in range(0, len(raw), chunk):
                take(inflater.decompress(raw[offset : offset + chunk], chunk))
                while inflater.unconsumed_tail and not inflater.eof:
                    take(inflater.decompress(inflater.unconsumed_tail, chunk))
            while not inflater.eof and (piece := inflater.decompress(b"", chunk)):
                take(piece)
        except zlib.error:
            raise Refused("office_damaged") from None
        if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
            raise Refused("office_damaged")
    else:  # Office writes only these two
        raise Refused("office_damaged")
    if produced != entry.file_size or checksum != entry.CRC:
        raise Refused("office_damaged")
    return produced, bytes(kept)


# --- Office (OLE) --------------------------------------------------------------------------

OLE_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba", "_vba_project"}


def _check_ole(data: bytes, extension: str) -> None:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            paths = [
                [part.lower() for part in path] for path in ole.listdir(streams=True, storages=True)
            ]
    except Exception:  # noqa: BLE001 - olefile raises many kinds on hostile input
        raise Refused("office_damaged") from None
    if any(part in OLE_MACRO_STORAGES for path in paths for part in path):
        raise Refused("office_macros")
    top = {path[0] for path in paths if len(path) == 1}
    if not top & OLE_MAIN_STREAMS[extension]:
        raise Refused("bad_type")


def _check_ole_encrypted_package(data: bytes) -> None:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            encrypted = ole.exists("EncryptedPackage")
    except Exception:  # noqa: BLE001
        return
    if encrypted:
        raise Refused("office_encrypted")


def attachment_path(instance, filename: str) -> str:
    """A random name under achievements/: the original name is kept in the database only."""
    extension = PurePath(filename).suffix.lower()
    return f"achievements/{instance.achievement_id}/{uuid.uuid4().hex}{extension}"
