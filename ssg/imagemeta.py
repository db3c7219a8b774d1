"""Metadata out of JPEG, PNG and WebP files without decoding them: the image data is
kept byte for byte.

Each format is a run of chunks, and only those that say how to draw the pixels are
kept (a list of what to keep, not of what to drop: a chunk nobody has heard of is
dropped too). Anything after the end of the image goes as well.

A JPEG file is a run of marker segments; the picture itself is in the scans (a start of
scan segment, then entropy-coded data up to the next marker). What can tell where and
by whom a photo was taken sits in application segments (APP1: EXIF with GPS, XMP;
APP13: Photoshop and IPTC; APP2: multi-picture index) and comments, and some phones
add further pictures after the end of the first. Keeping only the segments that say
how to draw the pixels publishes the photo exactly as the photographer exported it,
with no second round of lossy compression, in a fraction of the time of re-encoding.

`without_metadata` returns None for anything it does not read plainly; the caller
then decodes and re-encodes the photo instead.
"""

from __future__ import annotations

import re

SOI, EOI, SOS, APP0, APP2, APP14, COM = 0xD8, 0xD9, 0xDA, 0xE0, 0xE2, 0xEE, 0xFE
RESTARTS = range(0xD0, 0xD8)
# Application segments that only say how to draw the pixels, by their leading bytes
DRAWING_APP_SEGMENTS = {APP0: (b"JFIF\x00",), APP2: (b"ICC_PROFILE\x00",), APP14: (b"Adobe",)}
_JFIF_NO_THUMBNAIL = 12  # JFIF: identifier, version, density units and density; then the thumbnail
_ADOBE = 12  # Adobe: identifier, version, two flag words and the colour transform
# a marker inside entropy-coded data: 0xFF followed by neither a stuffed 0x00 nor a restart
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")


def without_metadata(data: bytes, fmt: str) -> bytes | None:
    """`data`, a file in Pillow's format `fmt` (JPEG, PNG or WEBP), with only what is
    needed to draw it; None when it is not read plainly (or is in another format)."""
    strip = {
        "JPEG": jpeg_without_metadata,
        "PNG": png_without_metadata,
        "WEBP": webp_without_metadata,
    }.get(fmt)
    return strip(data) if strip else None


def jpeg_without_metadata(data: bytes) -> bytes | None:
    """A JPEG file with only the segments needed to draw it, up to the end of its first
    image, or None when it is not read plainly from start to end of image."""
    if not data.startswith(bytes((0xFF, SOI))):
        return None
    kept = [bytes((0xFF, SOI))]
    pos, size = 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            return None
        while pos < size and data[pos] == 0xFF:  # fill bytes may precede a marker
            pos += 1
        if pos >= size:
            return None
        marker = data[pos]
        pos += 1
        if marker == EOI:
            kept.append(bytes((0xFF, EOI)))
            return b"".join(kept)
        if marker in RESTARTS or marker == 0x01:  # markers without a length
            kept.append(bytes((0xFF, marker)))
            continue
        if marker in (0x00, SOI) or pos + 2 > size:
            return None
        length = int.from_bytes(data[pos : pos + 2], "big")
        end = pos + length
        if length < 2 or end > size:
            return None
        segment = _kept_segment(marker, data[pos + 2 : end])
        if segment is not None:
            kept.append(segment)
        pos = end
        if marker == SOS:
            scan_end = _end_of_scan(data, pos)
            if scan_end is None:
                return None
            kept.append(data[pos:scan_end])
            pos = scan_end
    return None  # no end of image


def _kept_segment(marker: int, payload: bytes) -> bytes | None:
    """The segment as it is to be written (marker, length, payload), or None to drop it."""
    if 0xE0 <= marker <= 0xEF:
        if not payload.startswith(DRAWING_APP_SEGMENTS.get(marker, ())):
            return None
        if marker == APP0 and len(payload) >= _JFIF_NO_THUMBNAIL:
            # a thumbnail can show what was cropped out of the photo: keep no thumbnail
            payload = payload[:_JFIF_NO_THUMBNAIL] + b"\x00\x00"
        elif marker == APP14:
            payload = payload[:_ADOBE]
    elif marker == COM:
        return None
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def _end_of_scan(data: bytes, pos: int) -> int | None:
    """Where the entropy-coded data that starts at `pos` ends: at the first 0xFF that
    is neither a stuffed 0xFF 0x00 nor a restart marker."""
    found = _SCAN_END.search(data, pos)
    return found.start() if found else None


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that draw the picture (with its palette, transparency, colour space and
# animation); text, EXIF, time stamps and private chunks are left out.
PNG_DRAWING_CHUNKS = frozenset(
    b"IHDR PLTE IDAT IEND tRNS gAMA cHRM sRGB iCCP sBIT pHYs bKGD cICP mDCv cLLi acTL fcTL fdAT".split()
)


def png_without_metadata(data: bytes) -> bytes | None:
    """A PNG file with only the chunks that draw it, up to its end chunk, or None when it
    is not read plainly (each chunk keeps its checksum: it is copied whole)."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    kept = [PNG_SIGNATURE]
    pos, size = len(PNG_SIGNATURE), len(data)
    while pos + 12 <= size:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > size or (pos == len(PNG_SIGNATURE) and kind != b"IHDR"):
            return None
        if kind in PNG_DRAWING_CHUNKS:
            kept.append(data[pos:end])
        if kind == b"IEND":
            return b"".join(kept)
        pos = end
    return None  # no end chunk


# RIFF chunks that draw a WebP picture, and the VP8X flags that announce EXIF and XMP
WEBP_DRAWING_CHUNKS = frozenset((b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"))
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def webp_without_metadata(data: bytes) -> bytes | None:
    """A WebP file with only the chunks that draw it (its header flags for EXIF and XMP
    cleared), or None when it is not read plainly."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    end = 8 + int.from_bytes(data[4:8], "little")
    if end > len(data):
        return None
    kept = []
    pos = 12
    while pos + 8 <= end:
        kind = data[pos : pos + 4]
        length = int.from_bytes(data[pos + 4 : pos + 8], "little")
        stop = pos + 8 + length + (length & 1)  # chunks are padded to an even length
        if pos + 8 + length > end:
            return None
        chunk = data[pos : min(stop, end)]
        if kind == b"VP8X" and length >= 1:
            flags = chunk[8] & ~(_VP8X_EXIF | _VP8X_XMP)
            chunk = chunk[:8] + bytes((flags,)) + chunk[9:]
        if kind in WEBP_DRAWING_CHUNKS:
            kept.append(chunk)
        pos = stop
    if pos < end or not kept:
        return None
    body = b"WEBP" + b"".join(kept)
    return b"RIFF" + len(body).to_bytes(4, "little") + body
