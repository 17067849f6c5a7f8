"""Office files: OOXML zips inflated with a byte budget, legacy OLE files read with olefile."""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
import zlib
from pathlib import PurePath

import olefile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format

from core.uploads import limits
from core.uploads.limits import Refused

# --- Office (limits.OOXML) ------------------------------------------------------------------------

MACRO_PARTS = {"vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"}


def _checked_zip_names(data: bytes) -> list[str]:
    """The entry names, once the directory is known to be small enough to read."""

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
    if entries > limits.ZIP_MAX_ENTRIES:
        raise Refused(
            "office_entries", limit=number_format(limits.ZIP_MAX_ENTRIES, force_grouping=True)
        )
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
        if count > limits.ZIP_MAX_ENTRIES:
            raise Refused(
                "office_entries", limit=number_format(limits.ZIP_MAX_ENTRIES, force_grouping=True)
            )


def _check_ooxml(data: bytes, kind: str, deadline: float) -> None:

    prefix = next(prefix for prefix, (known, _type) in limits.OOXML.items() if known == kind)
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
        if declared > limits.ZIP_MAX_UNCOMPRESSED_BYTES:
            raise Refused("office_size", limit=filesizeformat(limits.ZIP_MAX_UNCOMPRESSED_BYTES))
        if (
            entry.file_size > limits.ZIP_RATIO_FLOOR_BYTES
            and entry.file_size > limits.ZIP_MAX_RATIO * max(entry.compress_size, 1)
        ):
            raise Refused("office_ratio")
    # The directory may lie: inflate every entry with a budget and hold it to its word.
    budget = limits.ZIP_MAX_UNCOMPRESSED_BYTES
    spans = []
    for entry in entries:
        if time.monotonic() > deadline:
            raise Refused("too_complex")
        start = _zip_data_start(data, entry)
        spans.append((start, start + entry.compress_size))
        keep = (
            limits.ZIP_CONTENT_TYPES_MAX_BYTES
            if entry.orig_filename == "[Content_Types].xml"
            else 0
        )
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
            raise Refused("office_size", limit=filesizeformat(limits.ZIP_MAX_UNCOMPRESSED_BYTES))
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


# --- Office (limits.OLE) --------------------------------------------------------------------------

OLE_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba", "_vba_project"}


def _check_ole(data: bytes, extension: str) -> None:

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
    if not top & limits.OLE_MAIN_STREAMS[extension]:
        raise Refused("bad_type")


def _check_ole_encrypted_package(data: bytes) -> None:

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            encrypted = ole.exists("EncryptedPackage")
    except Exception:  # noqa: BLE001
        return
    if encrypted:
        raise Refused("office_encrypted")
