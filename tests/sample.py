"""Helpers for tests that build the sample newsroom with their own options."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, run

SAMPLE_PARTS = ("content", "layouts", "assets", "site.yml")


def copy_sample(root: Path) -> Path:
    """Copy the repository's sample newsroom into `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE_PARTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    return root


def build_sample(root: Path, *args: str, curated_home: bool = True) -> Path:
    """Copy and build the sample newsroom; returns the output folder.

    `curated_home=False` drops `content/home.yml`, for builds dated before the stories
    the editors placed there were published (placing a scheduled story is an error).
    """
    copy_sample(root)
    if not curated_home:
        (root / "content" / "home.yml").unlink()
    result = run(root, "build", *args)
    assert result.exit_code == 0, result.output
    return root / "public"
