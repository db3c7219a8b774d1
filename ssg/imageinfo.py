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
