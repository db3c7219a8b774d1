"""Source lines for photo problems: the line of a story's front matter or body that names
a photo (a site.yml setting's line comes from `ssg.config.setting_line`)."""

from __future__ import annotations

from pathlib import Path

from ssg.frontmatter import field_line


def _source(root: Path, path: str) -> str:
    try:
        return (root / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def front_line(root: Path, path: str, key: str, fallback: str = "") -> int | None:
    """The line of `key` (else of `fallback`) in the front matter of the source at `path`."""
    text = _source(root, path).removeprefix("\ufeff")  # a BOM, as split() drops it
    if not text.startswith("---"):
        return None
    front = text.split("\n---", 1)[0]
    return field_line(front, key, first_line=1) or (
        field_line(front, fallback, first_line=1) if fallback else None
    )


def body_line(root: Path, path: str, asset: str, nth: int = 0) -> int | None:
    """The line of the `nth` image naming `asset` in the source (counted from 0)."""
    for number, line in enumerate(_source(root, path).splitlines(), start=1):
        if asset in line and "](" in line:
            if nth < line.count(asset):
                return number
            nth -= line.count(asset)
    return None
