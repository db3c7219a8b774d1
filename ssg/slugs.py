"""Stable, Unicode-aware URL slugs ("Kim Jong Un" -> kim-jong-un, "Zürich" -> zurich)."""

from __future__ import annotations

import posixpath
from functools import lru_cache

from slugify import slugify as _slugify


@lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; transliterates accents and other scripts."""
    return _slugify(text, lowercase=True) or "untitled"


def source_slug(path: str) -> str:
    """The slug a source file's name gives it: `content/authors/Linh Tran.md` -> linh-tran."""
    return slugify(posixpath.splitext(posixpath.basename(path))[0])


MAX_SLUG = 200  # characters: a slug names a folder, and file systems refuse names past 255 bytes
MAX_FOLDER_BYTES = 255  # a folder name, in UTF-8, on ext4, APFS, NTFS and the like


def overlong_part(path: str) -> str | None:
    """The first '/'-separated part of a site path too long to name a folder, or None."""
    return next((p for p in path.split("/") if len(p.encode()) > MAX_FOLDER_BYTES), None)


def too_long_message(what: str, slug: str) -> str:
    """The error text for a name whose slug is longer than `MAX_SLUG`."""
    return (
        f"expected {what} of at most {MAX_SLUG} characters in its address, got {len(slug)} "
        f"('{slug[:24]}…'): it names a folder, and file systems refuse names past 255 bytes"
    )


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
