"""Lossless metadata stripping of JPEG, PNG and WebP: the same pixels, none of the metadata."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image as PILImage
from PIL import ImageCms, ImageDraw

from ssg import images
from ssg.imagemeta import (
    jpeg_without_metadata,
    png_without_metadata,
    webp_without_metadata,
    without_metadata,
)

from photofix import make_photo

XMP = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description exif:GPSLatitude='10,2N'/>"
PHOTOSHOP = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02x\x00\x07Caption"
MPF = b"MPF\x00II*\x00\x08\x00\x00\x00"


def segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def with_segments(data: bytes, *segments: bytes) -> bytes:
    """`data` with `segments` inserted right after its start-of-image marker."""
    return data[:2] + b"".join(segments) + data[2:]


def busy_photo(mode: str = "RGB", **options: object) -> bytes:
    """A JPEG with detail in it (so its scans hold stuffed 0xFF bytes), GPS EXIF and an
    embedded colour profile, saved with `options`."""
    image = PILImage.linear_gradient("L").resize((320, 200)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for i in range(0, 320, 7):
        draw.line((i, 0, 319 - i, 199), fill=(i % 256, 255 - i % 256, (i * 7) % 256), width=2)
    exif = PILImage.open(io.BytesIO(make_photo(8, 8, gps=True))).getexif()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    extra = {"icc_profile": icc} if mode == "RGB" else {}
    image.convert(mode).save(out, "JPEG", quality=85, exif=exif, **extra, **options)
    return out.getvalue()


def pixels(data: bytes) -> bytes:
    with PILImage.open(io.BytesIO(data)) as image:
        return image.tobytes()


# Pillow warns that the stand-in multi-picture index is malformed: it only has to be dropped
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    "options",
    [{}, {"progressive": True}, {"restart_marker_blocks": 3}, {"subsampling": 0}],
    ids=["baseline", "progressive", "restart-markers", "no-subsampling"],
)
def test_metadata_goes_and_every_pixel_stays(options):
    source = with_segments(
        busy_photo(**options),
        segment(0xE1, XMP),
        segment(0xED, PHOTOSHOP),
        segment(0xE2, MPF),
        segment(0xFE, b"shot at 10 Nguyen Hue street"),
    )
    assert images.has_metadata(source)
    stripped = jpeg_without_metadata(source)
    assert stripped is not None
    assert pixels(stripped) == pixels(source)
    assert not images.has_metadata(stripped)
    for secret in (b"Exif\x00\x00", b"xmpmeta", b"Photoshop", b"MPF\x00", b"Nguyen Hue"):
        assert secret not in stripped
    with PILImage.open(io.BytesIO(stripped)) as image:
        assert image.info.get("icc_profile")  # the colour profile says how to draw it
        assert image.info.get("progressive", 0) == options.get("progressive", 0)


def test_a_cmyk_photo_keeps_its_adobe_segment_and_its_colours():
    source = busy_photo("CMYK")
    stripped = jpeg_without_metadata(source)
    assert stripped is not None and b"Adobe" in stripped
    assert pixels(stripped) == pixels(source)
    # only the Adobe segment's 12 bytes are kept: nothing can ride along after them
    padded = source.replace(b"\xff\xee\x00\x0eAdobe", b"\xff\xee\x00\x14Adobe", 1)
    at = padded.index(b"Adobe") + 12
    padded = padded[:at] + b"secret" + padded[at:]
    cut = jpeg_without_metadata(padded)
    assert cut is not None and b"secret" not in cut and pixels(cut) == pixels(source)


def test_pictures_after_the_first_and_jfif_thumbnails_are_dropped():
    first = busy_photo()
    assert first[2:4] == b"\xff\xe0"  # Pillow's own JFIF segment, without a thumbnail
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x02\x01" + bytes(2 * 1 * 3)  # 2x1 thumbnail
    source = with_segments(first[:2] + first[2 + 18 :], segment(0xE0, jfif))
    appended = source + make_photo(40, 30, gps=True)  # a phone's second picture
    stripped = jpeg_without_metadata(appended)
    assert stripped is not None and stripped.endswith(b"\xff\xd9")
    assert stripped.count(b"\xff\xd8") == 1 and b"Exif" not in stripped
    assert pixels(stripped) == pixels(first)
    start = stripped.index(b"JFIF\x00")
    assert stripped[start - 2 : start] == (16).to_bytes(2, "big")
    assert stripped[start + 12 : start + 14] == b"\x00\x00"  # no thumbnail


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut in the middle of the scan
        lambda data: data[:2] + b"\xff\xe1\x00\x01" + data[2:],  # a length below 2
        lambda data: data[:2] + b"\xff\xe1\xff\xff" + data[2:200],  # longer than the file
        lambda data: b"\x89PNG\r\n\x1a\n" + data[2:],  # not a JPEG
        lambda data: data[:2] + b"\x00" + data[2:],  # junk where a marker belongs
    ],
    ids=["truncated", "short-length", "overlong", "not-jpeg", "junk"],
)
def test_anything_not_read_plainly_is_left_to_re_encoding(damage):
    assert jpeg_without_metadata(damage(busy_photo())) is None


def test_strip_keeps_an_upright_jpeg_as_it_was_encoded():
    source = busy_photo(progressive=False)
    encoded, published = images.strip(source, "JPEG")
    assert (encoded.width, encoded.height) == (320, 200)
    assert pixels(published) == pixels(source)  # no second lossy compression
    assert not images.has_metadata(published)


def test_strip_re_encodes_a_rotated_jpeg_upright():
    source = make_photo(300, 200, gps=True, orientation=6)
    encoded, published = images.strip(source, "JPEG")
    assert (encoded.width, encoded.height) == (200, 300)
    with PILImage.open(io.BytesIO(published)) as image:
        assert image.size == (200, 300) and image.info.get("progressive")
    assert not images.has_metadata(published)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload).to_bytes(4, "big")
    return len(payload).to_bytes(4, "big") + kind + payload + crc


def test_png_text_exif_and_private_chunks_go_and_every_pixel_stays():
    image = PILImage.new("RGBA", (40, 30), (200, 10, 10, 128))
    image.paste((10, 10, 200, 255), (0, 15, 40, 30))
    out = io.BytesIO()
    exif = PILImage.open(io.BytesIO(make_photo(8, 8, gps=True))).getexif()
    image.save(out, "PNG", exif=exif)
    source = out.getvalue()
    iend = source.rindex(b"IEND") - 4
    ihdr_end = 8 + 25
    planted = (
        png_chunk(b"tEXt", b"Author\x00Ana Ruiz, 10 Nguyen Hue")
        + png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"shot at home"))
        + png_chunk(b"iTXt", b"Description\x00\x00\x00\x00\x00secret place")
        + png_chunk(b"tIME", b"\x07\xe8\x01\x02\x03\x04\x05")
        + png_chunk(b"prVt", b"private data")
    )
    source = source[:ihdr_end] + planted + source[ihdr_end:iend] + planted + source[iend:]
    source += b"trailing secret"
    assert images.has_metadata(source)
    stripped = png_without_metadata(source)
    assert stripped is not None and stripped.endswith(b"IEND\xaeB`\x82")
    assert pixels(stripped) == pixels(source)
    assert not images.has_metadata(stripped)
    for secret in (b"Nguyen Hue", b"tEXt", b"zTXt", b"iTXt", b"tIME", b"prVt", b"eXIf", b"secret"):
        assert secret not in stripped


def test_webp_exif_and_xmp_go_and_the_header_stops_announcing_them():
    image = PILImage.new("RGB", (40, 30), (200, 10, 10))
    exif = PILImage.open(io.BytesIO(make_photo(8, 8, gps=True))).getexif()
    out = io.BytesIO()
    image.save(out, "WEBP", lossless=True, exif=exif, xmp=b"<x:xmpmeta>secret place</x:xmpmeta>")
    source = out.getvalue() + b"trailing secret"
    assert images.has_metadata(source)
    stripped = webp_without_metadata(source)
    assert stripped is not None
    assert pixels(stripped) == pixels(source)
    assert not images.has_metadata(stripped)
    assert b"EXIF" not in stripped and b"secret" not in stripped
    assert int.from_bytes(stripped[4:8], "little") == len(stripped) - 8
    assert stripped[20] & 0x0C == 0  # the VP8X header's EXIF and XMP flags


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_not_read_plainly_are_left_to_re_encoding(fmt):
    source = make_photo(40, 30, fmt, gps=True)
    assert without_metadata(source[: len(source) // 2], fmt) is None
    assert without_metadata(b"not an image at all", fmt) is None
