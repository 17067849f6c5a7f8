"""Attachments are checked by content: every hostile sample is built here, from scratch."""

import io
import random
import struct
import warnings
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from core.uploads import limits
from projects.files import validate_attachment
from projects.models import Attachment

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def refused(name: str, data: bytes) -> ValidationError:
    """The error ``validate_attachment`` raises; its message must name the file."""
    upload = SimpleUploadedFile(name, data)
    with pytest.raises(ValidationError) as caught:
        validate_attachment(upload)
    assert name in caught.value.messages[0]
    assert upload.tell() == 0  # left ready to be read again
    return caught.value


# --- Builders -------------------------------------------------------------------------------


def pdf(change=None, pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def action(**entries) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject(f"/{key}"): (
                NameObject(value) if value.startswith("/") else TextStringObject(value)
            )
            for key, value in entries.items()
        }
    )


def pdf_with_object_stream(packed: bytes) -> bytes:
    """A one-page PDF whose catalog opens object 4, packed compressed in object stream 5.

    The packed object is invisible to a byte search; only a parser that reads object streams
    and cross-reference streams finds it. pypdf writes neither, so this is written by hand.
    """
    index = b"4 0 "
    stream = zlib.compress(index + packed)
    bodies = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        5: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(index), len(stream))
        + stream
        + b"\nendstream",
    }
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in bodies.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, 7):
        if number == 4:
            rows.append(struct.pack(">BIH", 2, 5, 0))  # in object stream 5, at index 0
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    table = b"".join(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    )
    return bytes(out)


def image(fmt: str, size=(16, 16), **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size without carrying its pixels: a bomb's calling card."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00"))
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_segment(marker: int, body: bytes, jpeg: bytes | None = None) -> bytes:
    """A JPEG with one more marker segment right after its SOI."""
    jpeg = jpeg or image("JPEG")
    return jpeg[:2] + bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


MAIN_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}


def office(
    kind: str = "docx", extra=(), content_types: str = "<Types/>", compression=zipfile.ZIP_DEFLATED
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(MAIN_PARTS[kind], "<document>hello</document>")
        for name, content in extra:
            archive.writestr(name, content)
    return buffer.getvalue()


def patch_zip_entry(data: bytes, name: bytes, **fields) -> bytes:
    """Rewrite an entry's header fields, in the central directory and the local header."""
    central = {"flags": (8, "<H"), "crc": (16, "<I"), "compressed": (20, "<I"), "size": (24, "<I")}
    local = {"flags": (6, "<H"), "crc": (14, "<I"), "compressed": (18, "<I"), "size": (22, "<I")}
    out = bytearray(data)
    for signature, name_at, layout in ((b"PK\x01\x02", 46, central), (b"PK\x03\x04", 30, local)):
        position = out.find(signature + b"")
        while position >= 0:
            if out[position + name_at : position + name_at + len(name)] == name:
                for field, value in fields.items():
                    offset, fmt = layout[field]
                    struct.pack_into(fmt, out, position + offset, value)
            position = out.find(signature, position + 4)
    return bytes(out)


def zip_of_zeros(member: str, size: int, kind: str = "docx") -> bytes:
    """A valid zip whose ``member`` inflates to ``size`` zero bytes, streamed so that the
    zeros never sit in memory at once: 200 MB compress to under 1 MB in about a second."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)
    block, crc, compressed = bytes(1024 * 1024), 0, []
    for start in range(0, size, len(block)):
        piece = block[: min(len(block), size - start)]
        crc = zlib.crc32(piece, crc)
        compressed.append(compressor.compress(piece))
    compressed.append(compressor.flush())
    bomb = b"".join(compressed)
    small = office(kind)  # the normal parts, then the bomb appended by hand
    directory_at = small.find(b"PK\x01\x02")
    locals_, directory = small[:directory_at], small[directory_at : small.find(b"PK\x05\x06")]
    name = member.encode()
    local = (
        struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(bomb), size, len(name), 0
        )
        + name
    )
    entry = (
        struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(bomb), size, len(name), 0, 0, 0, 0, 0,
            len(locals_),
        )
        + name
    )  # fmt: skip
    directory += entry
    count = directory.count(b"PK\x01\x02")
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(directory),
        len(locals_) + len(local) + len(bomb), 0,
    )  # fmt: skip
    return locals_ + local + bomb + directory + end


def ole(streams: dict[str, bytes]) -> bytes:
    """A compound file (the legacy .doc/.xls/.ppt container) holding ``streams``, keyed by
    path ("Macros/VBA/dir" makes the storages). Streams are padded to 4 KB so that they live
    in ordinary sectors and no mini stream is needed."""
    end_of_chain, free, fat_sector, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    entries = [{"name": "Root Entry", "type": 5, "children": [], "data": None}]
    storages = {"": 0}
    for path, data in streams.items():
        parts = path.split("/")
        for depth in range(1, len(parts)):
            key = "/".join(parts[:depth])
            if key not in storages:
                storages[key] = len(entries)
                entries.append({"name": parts[depth - 1], "type": 1, "children": [], "data": None})
                entries[storages["/".join(parts[: depth - 1])]]["children"].append(storages[key])
        entries.append({"name": parts[-1], "type": 2, "children": [], "data": data.ljust(4096)})
        entries[storages["/".join(parts[:-1])]]["children"].append(len(entries) - 1)
    directory_sectors = -(-len(entries) // 4)
    data_sectors = sum(len(entry["data"]) // 512 for entry in entries if entry["data"])
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + directory_sectors + data_sectors:
        fat_sectors += 1
    fat = [fat_sector] * fat_sectors
    fat += list(range(fat_sectors + 1, fat_sectors + directory_sectors)) + [end_of_chain]
    sectors = []
    for entry in entries:
        if entry["data"]:
            entry["start"] = len(fat)
            count = len(entry["data"]) // 512
            fat += list(range(len(fat) + 1, len(fat) + count)) + [end_of_chain]
            sectors.append(entry["data"])
    fat += [free] * (fat_sectors * 128 - len(fat))
    directory = bytearray()
    for entry in entries:
        name = entry["name"].encode("utf-16-le") + b"\x00\x00"
        children = entry["children"]
        child = children[0] if children else none
        directory += name.ljust(64, b"\x00") + struct.pack("<HBB", len(name), entry["type"], 1)
        directory += struct.pack("<III", none, none, child) + bytes(16 + 4 + 16)
        directory += struct.pack("<IQ", entry.get("start", end_of_chain), len(entry["data"] or b""))
    for entry in entries:  # each storage's children as a chain of right siblings
        for left, right in zip(entry["children"], entry["children"][1:], strict=False):
            struct.pack_into("<I", directory, 128 * left + 72, right)
    while len(directory) % 512:
        directory += b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0)
        directory += struct.pack("<III", none, none, none) + bytes(36) + bytes(12)
    difat = list(range(fat_sectors)) + [free] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, fat_sectors, fat_sectors, 0, 4096, end_of_chain, 0,
                      end_of_chain, 0)
        + struct.pack("<109I", *difat)
    )  # fmt: skip
    return header + struct.pack(f"<{len(fat)}I", *fat) + bytes(directory) + b"".join(sectors)


# --- PDF --------------------------------------------------------------------------------------


def test_a_plain_pdf_is_accepted():
    assert validate_attachment(SimpleUploadedFile("report.pdf", pdf(pages=3))) == "application/pdf"


def test_a_pdf_with_an_object_stream_is_accepted():
    packed = b"<< /Type /Action /S /URI /URI (https://www.cas.cn/) >>"
    assert validate_attachment(SimpleUploadedFile("report.pdf", pdf_with_object_stream(packed)))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param(
            lambda w: w.add_open_action(JavaScript("app.alert(1)")),
            "pdf_javascript",
            id="javascript-in-the-names-tree",
        ),
        pytest.param(
            lambda w: w.root_object.__setitem__(
                NameObject("/OpenAction"), action(S="/JavaScript", JS="app.alert(1)")
            ),
            "pdf_javascript",
            id="open-action-javascript",
        ),
        pytest.param(
            lambda w: w.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert(1)")),
            "pdf_javascript",
            id="page-additional-action",
        ),
        pytest.param(
            lambda w: w.root_object.__setitem__(
                NameObject("/OpenAction"), action(S="/URI", URI=" JaVaScRiPt:alert(1)")
            ),
            "pdf_javascript",
            id="javascript-uri",
        ),
        pytest.param(
            lambda w: w.root_object.__setitem__(
                NameObject("/OpenAction"), action(S="/Launch", F="C:\\Windows\\calc.exe")
            ),
            "pdf_launch",
            id="launch-action",
        ),
        pytest.param(
            lambda w: w.add_attachment("payload.exe", b"MZ\x90\x00"),
            "pdf_embedded",
            id="embedded-file",
        ),
        pytest.param(
            lambda w: w.root_object.__setitem__(
                NameObject("/AcroForm"),
                DictionaryObject(
                    {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): ArrayObject()}
                ),
            ),
            "pdf_xfa",
            id="xfa-form",
        ),
    ],
)
def test_active_pdf_content_is_refused(change, code):
    error = refused("report.pdf", pdf(change))
    assert error.code == code


def test_the_javascript_message_names_the_file_and_the_reason():
    error = refused("report.pdf", pdf(lambda w: w.add_open_action(JavaScript("app.alert(1)"))))
    assert error.messages == ["report.pdf: PDF files with JavaScript are not accepted."]


@pytest.mark.parametrize(
    ("packed", "code"),
    [
        (b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>", "pdf_javascript"),
        (b"<< /S /J#61va#53cript /J#53 (app.alert\\(1\\)) >>", "pdf_javascript"),
        (b"<< /S /L#61unch /F (calc.exe) >>", "pdf_launch"),
    ],
)
def test_actions_hidden_in_a_compressed_object_stream_are_refused(packed, code):
    data = pdf_with_object_stream(packed)
    assert b"JavaScript" not in data and b"Launch" not in data  # not findable by a byte search
    assert refused("report.pdf", data).code == code


def test_a_name_spelled_with_escapes_is_refused_outside_streams_too():
    data = pdf(
        lambda w: w.root_object.__setitem__(
            NameObject("/OpenAction"), action(S="/Launch", F="calc.exe")
        )
    ).replace(b"/Launch", b"/L#61unch")
    assert refused("report.pdf", data).code == "pdf_launch"


def test_an_object_no_table_lists_is_still_searched():
    hidden = b"99 0 obj\n<< /S /JavaScript /JS (app.alert\\(1\\)) >>\nendobj\n"
    data = pdf()
    data = data.replace(b"xref\n", hidden + b"xref\n", 1)  # offsets still right for the rest
    assert refused("report.pdf", data).code == "pdf_javascript"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # no cross-reference, no catalog
        b"%PDF-1.7\n" + bytes(range(256)) * 4,
        pdf()[:120],
    ],
    ids=["bare-header", "binary-junk", "truncated"],
)
def test_a_pdf_that_does_not_parse_is_refused(data):
    assert refused("report.pdf", data).code == "pdf_damaged"


def test_a_pdf_locked_with_a_password_is_refused():
    def lock(writer):
        writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")

    assert refused("report.pdf", pdf(lock)).code == "pdf_encrypted"


def test_a_pdf_encrypted_only_against_editing_is_opened_and_checked():
    def protect(writer):
        writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")

    assert validate_attachment(SimpleUploadedFile("report.pdf", pdf(protect)))

    def protect_and_script(writer):
        writer.add_open_action(JavaScript("app.alert(1)"))
        protect(writer)

    assert refused("report.pdf", pdf(protect_and_script)).code == "pdf_javascript"


def test_pdf_pages_and_objects_are_bounded(monkeypatch):
    monkeypatch.setattr(limits, "PDF_MAX_PAGES", 2)
    error = refused("long.pdf", pdf(pages=3))
    assert error.code == "pdf_pages"
    assert "at most 2 pages" in error.messages[0]
    monkeypatch.setattr(limits, "PDF_MAX_PAGES", 100)
    monkeypatch.setattr(limits, "PDF_MAX_OBJECTS", 3)
    assert refused("long.pdf", pdf(pages=3)).code == "pdf_objects"


def test_a_pdf_scan_that_runs_out_of_time_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "SCAN_SECONDS", -1)
    assert refused("slow.pdf", pdf()).code == "too_complex"


# --- Polyglots --------------------------------------------------------------------------------

MARKERS = [
    b"<html><body>x</body></html>",
    b"<SCRIPT>alert(1)</SCRIPT>",
    b"<svg onload=alert(1)>",
    b"<!DOCTYPE html>",
    b"<iframe src=x>",
    b"JavaScript:alert(1)",
]


def good_samples() -> dict[str, bytes]:
    return {
        "report.pdf": pdf(),
        "photo.png": image("PNG"),
        "photo.jpg": image("JPEG"),
        "notes.docx": office("docx"),
        "sheet.xlsx": office("xlsx"),
        "slides.pptx": office("pptx"),
        "notes.doc": ole({"WordDocument": b"\xec\xa5"}),
    }


@pytest.mark.parametrize("marker", MARKERS)
@pytest.mark.parametrize("name", list(good_samples()))
def test_markup_appended_to_any_type_is_refused(name, marker):
    sample = good_samples()[name]
    assert validate_attachment(SimpleUploadedFile(name, sample))
    assert refused(name, sample + marker).code == "polyglot"


def test_markup_just_after_the_pdf_header_is_refused():
    data = pdf().replace(b"\n", b"\n%<!doctype html><html>\n", 1)
    error = refused("report.pdf", data)
    assert error.messages == ["report.pdf: files containing HTML or script code are not accepted."]


def test_large_files_are_searched_at_both_ends(monkeypatch):
    monkeypatch.setattr(limits, "POLYGLOT_SMALL_BYTES", 256)
    monkeypatch.setattr(limits, "POLYGLOT_EDGE_BYTES", 64)
    data = pdf()
    assert len(data) > 256
    assert refused("report.pdf", data.replace(b"\n", b"\n%<script>\n", 1)).code == "polyglot"
    assert refused("report.pdf", data + b"<script>").code == "polyglot"


def test_a_jpeg_with_html_in_a_comment_is_refused_wherever_the_comment_sits(monkeypatch):
    monkeypatch.setattr(limits, "POLYGLOT_SMALL_BYTES", 16)
    monkeypatch.setattr(limits, "POLYGLOT_EDGE_BYTES", 16)
    padded = jpeg_with_segment(0xE1, b"Exif\x00\x00" + bytes(2000))
    data = jpeg_with_segment(0xFE, b"<html><script>alert(1)</script>", padded)
    assert refused("photo.jpg", data).code == "polyglot"


def test_a_png_with_html_in_a_text_chunk_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "POLYGLOT_SMALL_BYTES", 16)
    monkeypatch.setattr(limits, "POLYGLOT_EDGE_BYTES", 16)
    png = image("PNG")
    chunk = png_chunk(b"tEXt", b"Comment\x00<svg onload=alert(1)>")
    data = png[:33] + png_chunk(b"tEXt", b"Pad\x00" + bytes(200)) + chunk + png[33:]
    assert refused("photo.png", data).code == "polyglot"


def test_an_ordinary_word_is_not_taken_for_markup():
    data = office("docx", extra=[("word/notes.xml", "<p>scripts, htmlish, svg2 and head-room</p>")])
    assert validate_attachment(SimpleUploadedFile("notes.docx", data)) == DOCX


# --- Images -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("photo.png", image("PNG"), "image/png"),
        ("photo.jpg", image("JPEG"), "image/jpeg"),
        ("photo.JPEG", image("JPEG", quality=90, progressive=True), "image/jpeg"),
        ("photo.jpg", image("JPEG", exif=Image.Exif()), "image/jpeg"),
    ],
)
def test_real_images_are_accepted(name, data, content_type):
    assert validate_attachment(SimpleUploadedFile(name, data)) == content_type


def test_a_jpeg_whose_exif_thumbnail_has_its_own_end_marker_is_accepted():
    thumbnail = image("JPEG", size=(4, 4))  # SOI … EOI inside an APP1 segment
    data = jpeg_with_segment(0xE1, b"Exif\x00\x00" + thumbnail)
    assert validate_attachment(SimpleUploadedFile("photo.jpg", data)) == "image/jpeg"


def test_zero_padding_after_the_image_end_is_tolerated():
    assert validate_attachment(SimpleUploadedFile("photo.jpg", image("JPEG") + bytes(16)))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.png", image("PNG") + b"PK\x03\x04 a zip rides along"),
        ("photo.jpg", image("JPEG") + b"PK\x03\x04 a zip rides along"),
        ("photo.jpg", image("JPEG") + image("JPEG")),
    ],
)
def test_data_after_the_image_end_is_refused(name, data):
    error = refused(name, data)
    assert error.code == "image_trailing"
    assert error.messages == [f"{name}: the image has extra data after its end."]


@pytest.mark.parametrize(
    ("name", "data"),
    [("photo.jpg", image("PNG")), ("photo.png", image("JPEG")), ("photo.pdf", image("PNG"))],
)
def test_an_image_must_match_its_extension(name, data):
    assert refused(name, data).code == "bad_type"


def test_damaged_images_are_refused():
    png = image("PNG")
    assert refused("photo.png", png[: len(png) // 2]).code == "image_damaged"
    corrupt_crc = png[:29] + bytes([png[29] ^ 0xFF]) + png[30:]  # IHDR's checksum
    assert refused("photo.png", corrupt_crc).code == "image_damaged"
    assert refused("photo.jpg", image("JPEG")[:-2]).code == "image_damaged"  # no EOI


def test_image_pixels_are_bounded(monkeypatch):
    error = refused("huge.png", png_header_only(10_000, 10_000))  # 100 million pixels
    assert error.code == "image_pixels"
    assert "50,000,000 pixels" in error.messages[0]
    # past Pillow's own bomb guard, which raises before the size can be read
    assert refused("huge.png", png_header_only(30_000, 30_000)).code == "image_pixels"
    monkeypatch.setattr(limits, "IMAGE_MAX_PIXELS", 255)
    assert refused("small.png", image("PNG", size=(16, 16))).code == "image_pixels"


# --- Office (zip) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "content_type"),
    [("notes.docx", "docx", DOCX), ("sheet.xlsx", "xlsx", XLSX), ("slides.pptx", "pptx", PPTX)],
)
def test_minimal_office_files_are_accepted(name, kind, content_type):
    assert validate_attachment(SimpleUploadedFile(name, office(kind))) == content_type
    stored = office(kind, compression=zipfile.ZIP_STORED)
    assert validate_attachment(SimpleUploadedFile(name, stored)) == content_type


def test_an_office_file_needs_the_parts_its_extension_calls_for():
    assert refused("sheet.docx", office("xlsx")).code == "bad_type"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert refused("notes.docx", buffer.getvalue()).code == "bad_type"  # no [Content_Types].xml


def zip_of_empty_entries(names: list[str]) -> bytes:
    """A stored zip of empty entries, written by hand: zipfile takes seconds for 100,000."""
    empty_crc = 0
    locals_, directory = [], []
    offset = 0
    for name in map(str.encode, names):
        local = (
            struct.pack(
                "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 0, 0, 0, empty_crc, 0, 0, len(name), 0
            )
            + name
        )
        directory.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                0,
                0,
                0,
                empty_crc,
                0,
                0,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
        locals_.append(local)
        offset += len(local)
    central = b"".join(directory)
    count = min(len(names), 0xFFFF)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(central), offset, 0)
    return b"".join(locals_) + central + end  # fmt: skip


def test_a_100000_entry_zip_is_refused_before_it_is_parsed():
    names = ["[Content_Types].xml", "word/document.xml"] + [str(n) for n in range(100_000)]
    data = zip_of_empty_entries(names)
    assert len(zipfile.ZipFile(io.BytesIO(zip_of_empty_entries(names[:5]))).namelist()) == 5
    error = refused("many.docx", data)
    assert error.code == "office_entries"
    assert "at most 2,000 parts" in error.messages[0]


def test_the_entry_count_is_bounded_even_when_the_end_record_understates_it(monkeypatch):
    monkeypatch.setattr(limits, "ZIP_MAX_ENTRIES", 10)
    data = bytearray(office("docx", extra=[(f"word/media/{n}.xml", "<x/>") for n in range(10)]))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 3, 3)  # claims three entries
    assert refused("many.docx", bytes(data)).code == "office_entries"


def test_a_200_mb_zip_bomb_is_refused_from_its_directory():
    data = zip_of_zeros("word/media/image1.bin", 200 * 1024 * 1024)
    assert len(data) < 2 * 1024 * 1024
    error = refused("report.docx", data)
    assert error.code == "office_size"
    assert error.messages == ["report.docx: the Office file unpacks to more than 100.0\xa0MB."]


def test_a_zip_bomb_that_lies_about_its_size_is_caught_while_inflating():
    data = zip_of_zeros("word/media/image1.bin", 50 * 1024 * 1024)
    name = b"word/media/image1.bin"
    small = 64 * 1024
    crc = zlib.crc32(bytes(small))  # the checksum of what a trusting reader would stop at
    data = patch_zip_entry(data, name, size=small, crc=crc)
    assert refused("report.docx", data).code == "office_damaged"


def test_total_uncompressed_size_is_bounded(monkeypatch):
    monkeypatch.setattr(limits, "ZIP_MAX_UNCOMPRESSED_BYTES", 100_000)
    noise = random.Random(7).randbytes(120_000)  # incompressible: no ratio alarm
    error = refused("big.xlsx", office("xlsx", extra=[("xl/media/noise.bin", noise)]))
    assert error.code == "office_size"


def test_a_suspicious_compression_ratio_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "ZIP_RATIO_FLOOR_BYTES", 1000)
    data = office("docx", extra=[("word/media/zeros.bin", bytes(500_000))])
    assert refused("notes.docx", data).code == "office_ratio"


def test_ordinary_xml_compression_passes_the_ratio_bound():
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n % 97}</v></c></row>' for n in range(60_000))
    data = office("xlsx", extra=[("xl/worksheets/sheet1.xml", f"<sheetData>{rows}</sheetData>")])
    assert validate_attachment(SimpleUploadedFile("sheet.xlsx", data)) == XLSX


def test_an_encrypted_entry_is_refused():
    data = patch_zip_entry(office("docx"), b"word/document.xml", flags=0x1)
    error = refused("secret.docx", data)
    assert error.messages == ["secret.docx: encrypted Office files are not accepted."]


def test_a_password_protected_office_document_is_refused_as_encrypted():
    data = ole({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 16})
    assert refused("secret.docx", data).code == "office_encrypted"


@pytest.mark.parametrize(
    "path", ["../evil.xml", "word/../../evil.xml", "/etc/evil.xml", "C:/evil.xml", "..\\evil.xml"]
)
def test_an_entry_path_that_escapes_is_refused(path):
    data = office("docx", extra=[(path, "<x/>")])
    assert refused("notes.docx", data).code == "office_path"


@pytest.mark.parametrize(
    ("kind", "extra", "content_types"),
    [
        ("docx", [("word/vbaProject.bin", b"\xcc\x61")], "<Types/>"),
        ("xlsx", [("xl/vbaProject.bin", b"\xcc\x61")], "<Types/>"),
        (
            "docx",
            [],
            '<Types><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        ),
    ],
)
def test_macros_are_refused(kind, extra, content_types):
    name = f"macro.{kind}"
    error = refused(name, office(kind, extra=extra, content_types=content_types))
    assert error.messages == [f"{name}: Office files with macros are not accepted."]


def test_two_parts_of_one_name_are_refused():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is told to write
        data = office("docx", extra=[("word/document.xml", "<other/>")])
    assert refused("notes.docx", data).code == "office_damaged"


def test_a_local_header_that_disagrees_with_the_directory_is_refused():
    data = office("docx")
    local = data.find(b"PK\x03\x04" + data[4:26]) + 30  # the first local header's name
    data = data[:local] + b"X" + data[local + 1 :]
    assert refused("notes.docx", data).code == "office_damaged"


def test_a_truncated_office_file_is_refused():
    data = office("docx")
    assert refused("notes.docx", data[: len(data) // 2]).code == "office_damaged"


# --- Office (legacy OLE) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stream", "content_type"),
    [
        ("notes.doc", "WordDocument", "application/msword"),
        ("sheet.xls", "Workbook", "application/vnd.ms-excel"),
        ("slides.ppt", "PowerPoint Document", "application/vnd.ms-powerpoint"),
    ],
)
def test_legacy_office_files_are_accepted(name, stream, content_type):
    data = ole({stream: b"\x00" * 100, "\x05SummaryInformation": b"\xfe\xff"})
    assert validate_attachment(SimpleUploadedFile(name, data)) == content_type


@pytest.mark.parametrize(
    ("name", "streams"),
    [
        ("macro.doc", {"WordDocument": b"x", "Macros/VBA/dir": b"x", "Macros/PROJECT": b"x"}),
        ("macro.xls", {"Workbook": b"x", "_VBA_PROJECT_CUR/VBA/dir": b"x"}),
    ],
)
def test_legacy_office_macros_are_refused(name, streams):
    assert refused(name, ole(streams)).code == "office_macros"


def test_a_legacy_file_must_match_its_extension():
    assert refused("sheet.doc", ole({"Workbook": b"x"})).code == "bad_type"


def test_a_damaged_legacy_file_is_refused():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert refused("notes.doc", data).code == "office_damaged"


def test_one_upload_is_scanned_once_however_often_it_is_checked(monkeypatch):
    upload = SimpleUploadedFile("report.pdf", pdf())
    assert validate_attachment(upload) == "application/pdf"
    monkeypatch.setattr(limits, "SCAN_SECONDS", -1)  # a second scan would now refuse
    assert validate_attachment(upload) == "application/pdf"
    assert refused("report.pdf", pdf()).code == "too_complex"  # another upload is scanned
    upload.name = "renamed.pdf"
    assert refused_upload(upload).code == "too_complex"


def refused_upload(upload) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_attachment(upload)
    return caught.value


# --- Nothing is saved -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_file_is_not_saved(settings, tmp_path, draft_a, submitter_a):
    from projects import services

    settings.MEDIA_ROOT = tmp_path
    hostile = pdf(lambda w: w.add_open_action(JavaScript("app.alert(1)")))
    with pytest.raises(ValidationError, match="report.pdf: PDF files with JavaScript"):
        services.attachment_add(
            achievement=draft_a, actor=submitter_a, upload=SimpleUploadedFile("report.pdf", hostile)
        )
    assert not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


@pytest.mark.django_db
def test_the_api_answers_400_naming_the_file(settings, tmp_path, api, draft_a, submitter_a):
    settings.MEDIA_ROOT = tmp_path
    response = api.as_user(submitter_a).post(
        f"/api/v1/achievements/{draft_a.pk}/attachments/",
        {"file": SimpleUploadedFile("photo.jpg", image("JPEG") + b"<html><script>")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "photo.jpg: files containing HTML or script code are not accepted." in str(response.data)
    assert draft_a.attachments.count() == 0


# --- Fuzzing ----------------------------------------------------------------------------------

SAMPLES = sorted(good_samples().items()) + [
    ("object-stream.pdf", pdf_with_object_stream(b"<< /S /URI /URI (https://a.cn/) >>")),
    ("macro.doc", ole({"WordDocument": b"x", "Macros/VBA/dir": b"x"})),
]
EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "docx", "xlsx", "pptx", "doc", "xls", "ppt", "exe", ""]


# Names as the upload parser hands them over: a base name, never a path.
stems = st.text(st.characters(exclude_characters="/\\\x00"), max_size=16).map(lambda s: "f" + s)


@st.composite
def mutated(draw):
    """A good sample, its bytes flipped, cut or spliced, under its own or another name."""
    name, data = draw(st.sampled_from(SAMPLES))
    data = bytearray(data)
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        operation = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        if operation == "flip" and data:
            data[position] ^= draw(st.integers(1, 255))
        elif operation == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif operation == "delete":
            del data[position : position + draw(st.integers(1, 64))]
        else:
            del data[position:]
    if draw(st.booleans()):
        name = draw(stems) + "." + draw(st.sampled_from(EXTENSIONS))
    return name, bytes(data)


MAGIC = [b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"]


@st.composite
def random_files(draw):
    body = draw(st.binary(max_size=2048))
    if draw(st.booleans()):
        body = draw(st.sampled_from(MAGIC)) + body
    name = draw(stems) + draw(st.sampled_from(["", "."])) + draw(st.sampled_from(EXTENSIONS))
    return name, body


@hypothesis_settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.one_of(mutated(), random_files()))
def test_any_bytes_under_any_name_raise_only_validation_errors(named):
    name, data = named
    upload = SimpleUploadedFile(name, data)
    try:
        assert validate_attachment(upload) in set(limits.CONTENT_TYPES.values()) | set(
            limits.OLE.values()
        ) | {content_type for _kind, content_type in limits.OOXML.values()}
    except ValidationError as error:
        assert error.messages and all(message for message in error.messages)
