"""What uploads may be: the formats, the limits of a check and the messages of a refusal.

The limits are module constants so that tests (and a deployment, if ever needed) can lower
them; the checks read them from here at call time."""

from __future__ import annotations

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
