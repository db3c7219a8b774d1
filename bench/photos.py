"""Benchmarks' shared fix-up: every photo a generated corpus names must be a real image.

The shared corpus generator writes its photos only when Pillow is importable; ssg
processes every photo with Pillow, so a missing one is filled in with a copy of one of
the sample newsroom's photos.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PHOTO_SRC = re.compile(r'^\s*src:\s*"?(/?images/[^"\n]+)"?', re.M)


def add_missing_photos(site: Path) -> None:
    """Copy a sample photo wherever an article of `site` names a photo that is missing."""
    stand_in = sorted((REPO / "assets" / "images" / "photos").glob("*.jpg"))[0]
    wanted: set[str] = set()
    for path in (site / "content").rglob("*.md"):
        wanted.update(PHOTO_SRC.findall(path.read_text(encoding="utf-8")))
    for src in sorted(wanted):
        target = site / "assets" / src.lstrip("/")
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(stand_in, target)
