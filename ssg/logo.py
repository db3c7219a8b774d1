"""The publisher logo named in site.yml: its pixel size, and an error when its file is missing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

from ssg.config import SiteConfig, setting_line
from ssg.errors import Problem, error
from ssg.imageinfo import image_size


def with_logo_size(config: SiteConfig, asset_paths: Mapping[str, Path]) -> SiteConfig:
    """`config` with the publisher logo's own size in pixels, read from the file when the
    logo is a local image whose size can be read (an SVG's from its width, height or
    viewBox): templates print it so the masthead keeps its shape while the logo loads."""
    logo = config.publisher.logo
    if not logo or logo.startswith(("http://", "https://")):
        return config
    size = image_size(asset_paths.get(unquote(logo.lstrip("/"))))
    if size is None:
        return config
    publisher = replace(config.publisher, logo_width=size[0], logo_height=size[1])
    return replace(config, publisher=publisher)


def logo_problem(config: SiteConfig, assets: Iterable[str], config_path: Path) -> Problem | None:
    """An error when `publisher.logo` names a file that is not among the assets: the
    masthead of every page and the publisher in every story's JSON-LD would show a
    broken image."""
    logo = config.publisher.logo
    if not logo or logo.startswith(("http://", "https://")):
        return None
    relative = unquote(logo.lstrip("/"))
    if relative in assets:
        return None
    return error(
        f"logo file not found: assets/{relative}",
        str(config_path),
        setting_line(config_path, "publisher.logo"),
        field="publisher.logo",
        hint="logo paths are relative to the assets/ folder, e.g. /images/logo.png",
    )
