"""PDFs: parsed with pypdf, refused when they carry active content; bounded."""

from __future__ import annotations

import io
import re
import time

from django.utils.formats import number_format
from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from core.uploads import limits
from core.uploads.limits import Refused

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

    bounds = {
        "zlib_maximum_output_length": limits.PDF_MAX_STREAM_BYTES,
        "lzw_maximum_output_length": limits.PDF_MAX_STREAM_BYTES,
        "run_length_maximum_output_length": limits.PDF_MAX_STREAM_BYTES,
        "page_tree_maximum_entries": limits.PDF_MAX_PAGES * 2,
        "jbig2dec_binary": None,  # never run an external program on an upload
        "disable_legacy_handling": True,
    }
    with apply_configuration(**bounds):
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
    if pages > limits.PDF_MAX_PAGES:
        raise Refused("pdf_pages", limit=number_format(limits.PDF_MAX_PAGES, force_grouping=True))


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

    try:
        opened = reader.decrypt("")
    except Exception:  # noqa: BLE001 - e.g. AES without a crypto library
        raise Refused("pdf_encrypted") from None
    if opened == PasswordType.NOT_DECRYPTED:
        raise Refused("pdf_encrypted")


def _pdf_scan_objects(reader, deadline: float) -> None:

    numbers = {
        (number, generation) for generation, table in reader.xref.items() for number in table
    }
    numbers.update((number, 0) for number in reader.xref_objStm)
    if len(numbers) > limits.PDF_MAX_OBJECTS:
        raise Refused(
            "pdf_objects", limit=number_format(limits.PDF_MAX_OBJECTS, force_grouping=True)
        )
    pages = 0
    _pdf_inspect(reader.trailer)
    for number, generation in sorted(numbers):
        if time.monotonic() > deadline:
            raise Refused("too_complex")
        pages += _pdf_inspect(reader.get_object(IndirectObject(number, generation, reader)))
        if pages > limits.PDF_MAX_PAGES:
            raise Refused(
                "pdf_pages", limit=number_format(limits.PDF_MAX_PAGES, force_grouping=True)
            )


def _pdf_inspect(root) -> int:
    """Refuse what ``root`` holds directly (not through references); answer how many pages."""

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
