"""Pixel sizes of image files, read from their headers with Pillow and cached by path and mtime."""

from __future__ import annotations

import os
import warnings
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError


@lru_cache(maxsize=4096)
def _size(path: str, mtime_ns: int, length: int) -> tuple[int, int] | None:
    # mtime_ns and length are part of the cache key: an edited file is read again
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # reads the header only, not the pixels
                return image.size
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None  # photos used by stories are decoded, and judged, by ssg.images


def image_size(path: Path | None) -> tuple[int, int] | None:
    """(width, height) in pixels of the image at `path`, or None when it cannot be read."""
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _size(str(path), stat.st_mtime_ns, stat.st_size)


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
