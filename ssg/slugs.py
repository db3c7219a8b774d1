"""Stable, Unicode-aware URL slugs ("Kim Jong Un" -> kim-jong-un, "Zürich" -> zurich)."""

from __future__ import annotations

from functools import lru_cache

from slugify import slugify as _slugify


@lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; transliterates accents and other scripts."""
    return _slugify(text, lowercase=True) or "untitled"


NEW_FILE_SLUG_LIMIT = 80  # characters: a readable address, far below a file name's 255 bytes


def file_slug(text: str) -> str:
    """`slugify(text)` cut at a word boundary to at most 80 characters, for the name of
    a new file (`ssg new`): a long headline would otherwise make a name the file system
    refuses. The leading words are kept, in order, up to the first that does not fit
    (`save_order`: without it a shorter word from further on takes the place of a long
    one). The result is its own slug, so the file's address is the same slug."""
    slug = _slugify(
        text,
        lowercase=True,
        max_length=NEW_FILE_SLUG_LIMIT,
        word_boundary=True,
        save_order=True,
    )
    return slug or "untitled"
