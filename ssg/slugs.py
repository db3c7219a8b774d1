"""Stable, Unicode-aware URL slugs ("Kim Jong Un" -> kim-jong-un, "Zürich" -> zurich)."""

from __future__ import annotations

from functools import lru_cache

from slugify import slugify as _slugify


@lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; transliterates accents and other scripts."""
    return _slugify(text, lowercase=True) or "untitled"
