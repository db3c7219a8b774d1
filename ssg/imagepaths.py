"""Photo addresses: the file under assets/ that an image URL names, whether a file is a
photo we resize, and the names its encoded copies are published under."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote

from ssg import images
from ssg.folders import path_key


def is_photo(asset: str) -> bool:
    """True for files we resize (JPEG, PNG, WebP), by suffix as `PurePosixPath` reads it
    (plain string work: this runs for every story's photo on every build)."""
    name = asset.rstrip("/").rpartition("/")[2]
    dot = name.rfind(".")
    return 0 < dot < len(name) - 1 and name[dot:].lower() in images.RASTER_FORMATS


def output_name(asset: str, key: str, suffix: str) -> str:
    """'images/a.jpg' + key + '480.webp' -> 'images/a.<key8>.480.webp' (safe to cache forever)."""
    path = PurePosixPath(asset)
    return str(path.with_name(f"{path.stem}.{key[:8]}.{suffix}"))


def asset_of(src: str, base_path: str = "/") -> str | None:
    """The path under assets/ for a local image URL, or None for remote/data URLs."""
    if src.startswith(("http://", "https://", "//", "data:")):
        return None
    if base_path != "/" and src.startswith(base_path):
        src = src[len(base_path) :]
    return path_key(unquote(src.lstrip("/"))) or None  # Markdown percent-encodes 'my photo.jpg'
