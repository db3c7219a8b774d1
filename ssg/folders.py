"""The folders a build writes, checked against the site's own files before anything is written.

A build deletes files in its output folder that it did not produce (the pages of deleted
articles, or everything unknown when the cache that remembers its outputs is gone), and
the caches prune what they no longer use. So an output folder or cache folder that is the
site's folder, holds it, or overlaps `content/`, `layouts/` or `assets/` would delete the
sources: `ssg build --output content` once did. Such a setting is an error.

Also here: page addresses that stay inside the output folder (`is_plain_site_path`), a
cache folder that cannot be written (a warning: the build goes without a cache), and the
error for an output folder that cannot be written.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from ssg.errors import Problem, error, warning

SOURCE_FOLDERS = ("content", "layouts", "assets")


_NOT_PLAIN_CHAR = re.compile(r"[\\?#\x00-\x1f\x7f-\x9f]")  # a backslash, query, fragment or control


def is_plain_site_path(path: str) -> bool:
    """True for a site path that names a file inside the output folder: no '.' or '..'
    segments, no empty one, no backslash, control character, query or fragment. (Cheap: every
    planned page's address is checked on every full build.)"""
    if _NOT_PLAIN_CHAR.search(path) or "//" in path:
        return False  # '//': an empty folder name, and a link to another host to a browser
    if not path.startswith(".") and "/." not in path:
        return True  # no segment can be '.' or '..'
    return not any(segment in (".", "..") for segment in path.split("/"))


def _overlap(a: Path, b: Path) -> bool:
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def _conflict(folder: Path, root: Path) -> str | None:
    """Why `folder` (resolved) must not be written by a build of the site at `root`."""
    if folder == root or root.is_relative_to(folder):
        return "it is or holds the site's own folder"
    for name in SOURCE_FOLDERS:
        if _overlap(folder, (root / name).resolve()):
            return f"it overlaps the site's {name}/ folder"
    return None


def output_folder_problem(out_dir: Path, root: Path, shown: str, from_flag: bool) -> Problem | None:
    """The error for an output folder a build must not write (see the module), or None.
    `shown` is the folder as the user wrote it; `from_flag`: it came from `--output`,
    not from `output:` in site.yml.

    The output folder may lie inside the cache folder (the preview builds into
    `.ssg-cache/serve/`); one that holds the cache folder is `cache_dir`'s error
    (`cache_folder_problem`), as only a cache_dir setting can put it there."""
    reason = _conflict(out_dir, root.resolve())
    if reason is not None:
        message = (
            f"the output folder {shown} cannot be used: {reason}, and a build deletes files "
            "there that it did not write"
        )
    elif out_dir.exists() and not out_dir.is_dir():  # found before the whole site renders
        message = f"the output folder {shown} cannot be used: it is a file, not a folder"
    else:
        return None
    if from_flag:
        return error(message, hint="pass --output a folder of its own, such as public")
    return error(
        message,
        "site.yml",
        field="output",
        hint="set output to a folder of its own, such as public (or move the file away)",
    )


def cache_folder_problem(
    cache_dir: Path,
    root: Path,
    setting: str,
    out_dir: Path | None = None,
) -> Problem | None:
    """The error for a `cache_dir` a build must not write (see the module), or None:
    one that overlaps the sources, or lies inside the output folder `out_dir`, which a
    build cleans of files it did not write."""
    reason = _conflict(cache_dir, root.resolve())
    if reason is not None:
        reason += ", and the cache deletes entries it no longer needs"
    elif out_dir is not None and cache_dir.is_relative_to(out_dir):
        reason = (
            "it is inside the output folder, and a build deletes files there that it did not write"
        )
    if reason is None:
        return None
    return error(
        f"the cache folder {setting} cannot be used: {reason}",
        "site.yml",
        field="cache_dir",
        hint="use a folder of its own, such as .ssg-cache (the default)",
    )


def output_write_problem(out_dir: Path, exc: OSError, unrestored: Sequence[str] = ()) -> Problem:
    """The error for an output folder (or its staging folder beside it) that could not be
    written: a full disk, a read-only file system, a file where a folder should be.
    `unrestored`: the paths of the previous output that could not be put back after it."""
    where = f" ({exc.filename})" if exc.filename else ""
    damage = ""
    if unrestored:
        damage = (
            f"; {len(unrestored)} file(s) or folder(s) of the previous output could not be "
            f"put back (first: {unrestored[0]}), so it now holds part of the new site"
        )
    return error(
        f"cannot write the output folder {out_dir}: {exc.strerror or exc}{where}{damage}",
        hint="check that the disk holding it has free space and that ssg may write there "
        "(its parent must be a folder), then build again",
    )


def unusable_cache_folder(folder: Path, setting: str) -> Problem | None:
    """None when `folder` can hold cache files (it is created if missing); otherwise the
    warning that the build goes without a cache. `setting` is `cache_dir` as written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        reason = None if os.access(folder, os.W_OK | os.X_OK) else "not writable"
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
    if reason is None:
        return None
    return warning(
        f"the cache folder {setting} cannot be used ({reason}): building without it, so "
        "every build starts cold",
        "site.yml",
        field="cache_dir",
        hint="point cache_dir at a folder ssg may write to, or fix its permissions",
    )


def path_key(relative: str) -> str:
    """A site-relative path in the one Unicode form (NFC) that names a file everywhere: a
    file copied from a Mac keeps its name decomposed ("Đà Nẵng.jpg" as D + combining
    marks), while the Markdown and YAML that name it are written composed."""
    return relative if relative.isascii() else unicodedata.normalize("NFC", relative)
