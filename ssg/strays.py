"""Files in a site's folders that are not the site's: hidden files, editors' backup, swap
and autosave files, and downloads in progress. The build skips them and `ssg serve`
ignores their changes, by this one rule (so a save the preview ignores is never one the
build would have read)."""

from __future__ import annotations

STRAY_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", ".bak", ".orig")


def is_stray(name: str, folder: bool = False) -> bool:
    """True for a file or folder name that is not a site file: `.DS_Store`, `.git`,
    `a.md~`, `.a.md.swp`, `#a.md#` (Emacs), `a.css.bak`, `photo.jpg.part`, and the file
    `4913` (vim's probe of a folder's permissions; a folder may well be named so)."""
    return (
        name.startswith(".")
        or (name.startswith("#") and name.endswith("#") and len(name) > 1)
        or name.endswith(STRAY_SUFFIXES)
        or (name == "4913" and not folder)
    )


def is_source_name(name: str) -> bool:
    """True for a Markdown source's file name under content/: `.md`, not hidden, not
    set aside with a leading `_`."""
    return name.endswith(".md") and not name.startswith((".", "_"))


def is_source_folder_name(name: str) -> bool:
    """True for a folder under content/ whose sources are read (not `.trash`, `_old`)."""
    return not name.startswith((".", "_"))
