"""Images named by sources (an article's `image`, an author's `photo`): checked against the
asset files, and given their URL and pixel size."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import unquote

from ssg.errors import Problem, error
from ssg.evolve import evolve
from ssg.folders import path_key
from ssg.imageinfo import image_size, not_an_image
from ssg.model import Image
from ssg.urls import asset_url


def check_image(
    image: Image,
    path: str,
    key: str,
    assets: set[str],
    locate: Callable[[str, str], int | None],
    problems: list[Problem],
    asset_paths: Mapping | None = None,
) -> Image:
    """`image` with its URL and size; a missing or unshowable file adds an error, located
    at the `key` field of the source at `path`, to `problems`."""
    if image.is_remote:
        return evolve(image, url=image.src)
    relative = path_key(unquote(image.src.lstrip("/")))  # 'my%20photo.jpg': 'my photo.jpg'

    def line() -> int | None:  # looked up only for a problem: it reads the front matter
        return locate(path, f"{key}.src") or locate(path, key)

    if relative not in assets:
        problems.append(
            error(
                f"image file not found: assets/{relative}",
                path,
                line(),
                field=f"{key}.src",
                hint="image paths are relative to the assets/ folder, e.g. /images/photo.jpg",
            )
        )
    elif why := not_an_image((asset_paths or {}).get(relative), relative):
        problems.append(
            error(
                f"cannot show assets/{relative} as an image: {why}",
                path,
                line(),
                field=f"{key}.src",
                hint="point src at a photo or graphic file",
            )
        )
    size = image_size((asset_paths or {}).get(relative)) if relative in assets else None
    width, height = size if size else (None, None)
    return evolve(image, url=asset_url(relative), width=width, height=height)
