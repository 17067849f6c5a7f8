"""PNG and JPEG: verified by Pillow, walked to their real end, bounded in pixels."""

from __future__ import annotations

import io
import struct

from django.utils.formats import number_format
from PIL import Image

from core.uploads import limits
from core.uploads.limits import Refused
from core.uploads.markup import MARKUP

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
    if any(width * height > limits.IMAGE_MAX_PIXELS for width, height in sizes):
        raise Refused(
            "image_pixels", limit=number_format(limits.IMAGE_MAX_PIXELS, force_grouping=True)
        )

    expected = "PNG" if kind == "png" else "JPEG"
    try:
        with Image.open(io.BytesIO(data), formats=[expected]) as image:
            if image.format != expected:
                raise Refused("bad_type")
            width, height = image.size
            if width < 1 or height < 1:
                raise Refused("image_damaged")
            if width * height > limits.IMAGE_MAX_PIXELS:
                raise Refused(
                    "image_pixels",
                    limit=number_format(limits.IMAGE_MAX_PIXELS, force_grouping=True),
                )
            image.verify()
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(
            "image_pixels", limit=number_format(limits.IMAGE_MAX_PIXELS, force_grouping=True)
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
