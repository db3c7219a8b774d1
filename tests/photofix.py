"""Fixture photos made with Pillow: two-colour test cards, optionally with GPS and rotation EXIF."""

from __future__ import annotations

import io

from PIL import ExifTags
from PIL import Image as PILImage

TOP = (220, 30, 30)  # red: the stored top half
BOTTOM = (30, 30, 220)  # blue: the stored bottom half


def make_photo(
    width: int,
    height: int,
    fmt: str = "JPEG",
    gps: bool = False,
    orientation: int | None = None,
) -> bytes:
    """A photo whose stored top half is red and bottom half blue."""
    image = PILImage.new("RGB", (width, height), TOP)
    image.paste(BOTTOM, (0, height // 2, width, height))
    exif = PILImage.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.Base.Make] = "Fixture Camera"
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (10.0, 2.0, 3.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (105.0, 47.0, 1.0),
        }
    options: dict[str, object] = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    if len(exif):
        options["exif"] = exif
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 40) -> bool:
    """Colours equal within lossy-compression noise."""
    return all(abs(x - y) <= tolerance for x, y in zip(a[:3], b[:3], strict=True))
