"""Pixel sizes of image files, read from their headers (Pillow for raster files, the root
element for SVG) and cached by path and mtime."""

from __future__ import annotations

import os
import re
import warnings
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError


@lru_cache(maxsize=4096)
def _header(path: str, mtime_ns: int, length: int) -> tuple[int, int, bool] | None:
    """(width, height, animated) from the file's header, or None when unreadable."""
    # mtime_ns and length are part of the cache key: an edited file is read again
    if path.lower().endswith(".svg"):
        try:
            with open(path, "rb") as handle:
                size = svg_size(handle.read(SVG_HEAD))
        except OSError:
            return None
        return (*size, False) if size else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # reads the header only, not the pixels
                width, height = image.size
                animated = bool(getattr(image, "is_animated", False))
                # a phone's photo stored sideways, shown (and published) upright
                if image.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8):
                    return height, width, animated
                return width, height, animated
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None  # photos used by stories are decoded, and judged, by ssg.images


def _read_header(path: Path | None) -> tuple[int, int, bool] | None:
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _header(str(path), stat.st_mtime_ns, stat.st_size)


def image_size(path: Path | None) -> tuple[int, int] | None:
    """(width, height) in pixels of the image at `path`, or None when it cannot be read."""
    header = _read_header(path)
    return header[:2] if header else None


def is_animated(path: Path | None) -> bool:
    """True for an image of several frames (an animated PNG or WebP)."""
    header = _read_header(path)
    return bool(header and header[2])


ORIENTATION = 0x0112  # the EXIF tag
SVG_HEAD = 16384  # the root element's start tag is within the first bytes of an SVG file
_SVG_TAG = re.compile(rb"<svg\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(rb"([A-Za-z_][\w:.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(px|pt|pc|in|cm|mm)?\s*")
_CSS_PIXELS = {
    None: 1.0,
    "px": 1.0,
    "pt": 4 / 3,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
}


def _svg_length(value: str | None) -> float | None:
    """An absolute SVG length in CSS pixels; None for percentages, em and the like."""
    match = _LENGTH.fullmatch(value) if value else None
    if match is None:
        return None
    pixels = float(match[1]) * _CSS_PIXELS[match[2]]
    return pixels if pixels > 0 else None


def svg_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) of the SVG document starting with `head`, in CSS pixels.

    From the root element's `width` and `height` when both are absolute lengths, else
    from its `viewBox` (scaled to the one absolute length given, if any); None when the
    drawing has no intrinsic size (or no <svg> element is found)."""
    tag = _SVG_TAG.search(head)
    if tag is None:
        return None
    attributes = {
        m[1].decode("ascii").lower(): (m[2] if m[2] is not None else m[3]).decode(
            "utf-8", "replace"
        )
        for m in _ATTRIBUTE.finditer(tag[1])
    }
    width, height = _svg_length(attributes.get("width")), _svg_length(attributes.get("height"))
    box = (attributes.get("viewbox") or "").replace(",", " ").split()
    ratio = None
    if len(box) == 4:
        try:
            box_width, box_height = float(box[2]), float(box[3])
        except ValueError:
            box_width = box_height = 0.0
        if box_width > 0 and box_height > 0:
            ratio = box_width / box_height
            if width is None and height is None:
                width, height = box_width, box_height
    if ratio and width is not None and height is None:
        height = width / ratio
    elif ratio and height is not None and width is None:
        width = height * ratio
    if width is None or height is None:
        return None
    return max(1, round(width)), max(1, round(height))


# Files an <img> can show; JPEG, PNG and WebP are decoded by the photo stage, the others
# are published as they are, so their first bytes are checked here
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg", ".avif")
_MAGIC = {
    ".gif": lambda head: head.startswith((b"GIF87a", b"GIF89a")),
    ".svg": lambda head: b"<svg" in head,
    ".avif": lambda head: head[4:12] in (b"ftypavif", b"ftypavis"),
}


def not_an_image(path: Path | None, name: str) -> str | None:
    """Why the asset `name` (found at `path`) cannot be shown as an image, or None."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in IMAGE_SUFFIXES:
        return (
            f"expected an image ({', '.join(IMAGE_SUFFIXES)}), got a {suffix or 'suffix-less'} file"
        )
    check = _MAGIC.get(suffix)
    if check is None or path is None:
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(2048)
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    if not check(head):
        return f"the file does not hold {suffix[1:].upper()} data"
    return None
