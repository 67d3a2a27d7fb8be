"""A post's image files: read, checked, and measured from their first bytes.

Why by hand: ``platforms/`` must not import Qt, and Pillow is not a
dependency. Bluesky wants the MIME type with the upload (and refuses what is
not an image) and lays a post out from ``aspectRatio``; without it the app
shows a square placeholder until the image loads. Reading the header of a
PNG, JPEG, WebP or GIF is a few lines each. A JPEG's EXIF orientation 5-8
(a phone photo taken upright) swaps width and height, as viewers show it.

EXIF is not stripped here: the blob is uploaded as the file is. Stripping
location data needs a re-encode (the composer's job, with Qt), noted in the
connector's docstring.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from smmdesk.platforms.base import PermanentError


@dataclass(frozen=True)
class ImageInfo:
    mime_type: str
    width: int = 0  # 0 when the header could not be read
    height: int = 0


@dataclass(frozen=True)
class Picture:
    data: bytes
    info: ImageInfo


def read_pictures(
    paths: Sequence[Path], max_count: int, max_bytes: int, types: Sequence[str]
) -> list[Picture]:
    """Read and check a post's images; ``PermanentError`` before anything is sent."""
    if len(paths) > max_count:
        raise PermanentError(f"Bluesky takes at most {max_count} images per post.")
    pictures = []
    for raw in paths:
        path = Path(raw)
        try:
            size = path.stat().st_size
            data = path.read_bytes() if size <= max_bytes else b""
        except OSError as exc:
            raise PermanentError(f"The image {path.name} cannot be read: {exc}") from None
        if size > max_bytes:
            raise PermanentError(
                f"The image {path.name} is {size / 1e6:.1f} MB; Bluesky takes at most "
                f"{max_bytes / 1e6:.1f} MB per image."
            )
        info = sniff(data)
        if info is None or info.mime_type not in types:
            raise PermanentError(
                f"The image {path.name} is not a JPEG, PNG or WebP picture; Bluesky does not "
                "take it."
            )
        pictures.append(Picture(data, info))
    return pictures


def sniff(data: bytes) -> ImageInfo | None:
    """The image's type and size, or None when it is not a PNG/JPEG/WebP/GIF."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return _png(data)
        if data.startswith(b"\xff\xd8\xff"):
            return _jpeg(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp(data)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack("<HH", data[6:10])
            return ImageInfo("image/gif", width, height)
    except (struct.error, IndexError, ValueError):
        pass
    return None


def _png(data: bytes) -> ImageInfo:
    if data[12:16] != b"IHDR":
        return ImageInfo("image/png")
    width, height = struct.unpack(">II", data[16:24])
    return ImageInfo("image/png", width, height)


def _webp(data: bytes) -> ImageInfo:
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
    elif chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        width, height = 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    elif chunk == b"VP8 ":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        height = int.from_bytes(data[28:30], "little") & 0x3FFF
    else:
        return ImageInfo("image/webp")
    return ImageInfo("image/webp", width, height)


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> ImageInfo:
    """Walk the JPEG segments up to the frame header (bounded by the data)."""
    position = 2
    orientation = 1
    width = height = 0
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            break
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if length < 2:
            break
        segment = data[position + 4 : position + 2 + length]
        if marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            orientation = _exif_orientation(segment[6:]) or orientation
        elif marker in _SOF and len(segment) >= 5:
            height, width = struct.unpack(">HH", segment[1:5])
            break
        elif marker == 0xDA:  # start of scan: no frame header before it
            break
        position += 2 + length
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return ImageInfo("image/jpeg", width, height)


def _exif_orientation(tiff: bytes) -> int:
    """Tag 0x0112 of IFD0, or 0 when absent or unreadable."""
    if tiff[:2] == b"II":
        order = "<"
    elif tiff[:2] == b"MM":
        order = ">"
    else:
        return 0
    (ifd,) = struct.unpack(order + "I", tiff[4:8])
    (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
    for index in range(min(count, 512)):
        entry = tiff[ifd + 2 + 12 * index : ifd + 14 + 12 * index]
        if len(entry) < 12:
            break
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag == 0x0112 and kind == 3:
            (value,) = struct.unpack(order + "H", entry[8:10])
            return int(value)
    return 0
