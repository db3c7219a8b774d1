"""Putting the output folder back as it was when moving a build's files into it fails.

`ssg.writer.commit` moves staged files into the output folder one rename at a time. A
rename can fail halfway through (a read-only folder, a file where a folder should be, a
full disk), and the output folder must then not stay half old, half new. `OutputChanges`
makes each change and remembers how to undo it:

- a file about to be replaced is first hard-linked into a keep folder (no bytes are
  copied; a copy only where the file system has no hard links), so the rename over it
  stays atomic and the old file, with its mtime, can be renamed back;
- a file to be removed is renamed into the keep folder instead of deleted;
- a new file, and each folder made for one, is simply deleted again.

An empty output folder has nothing to keep: then no keep folder is made and no link is
tried. The keep folder lies inside the staging folder, which `commit` deletes in any case.
"""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Change(StrEnum):
    ADDED = "added"  # a new file
    REPLACED = "replaced"  # a file renamed over an old one
    REMOVED = "removed"  # a file taken out
    MADE = "made"  # a new folder
    PRUNED = "pruned"  # a folder deleted once emptied


@dataclass(frozen=True, slots=True)
class Step:
    """One change made to the output folder; `kept` is the old file's path in the keep
    folder (for a replaced or removed file)."""

    change: Change
    path: str
    kept: str = ""
    mode: int = 0o755  # a pruned folder's permissions, to make it again as it was


class OutputChanges:
    """Changes to `out_dir` that can all be undone until the keep folder is deleted."""

    def __init__(self, out_dir: Path, scratch: Path) -> None:
        """`scratch`: a folder on the output folder's file system, for the keep folder."""
        self.out_dir = str(out_dir)
        self.steps: list[Step] = []
        self._keep = None if _is_empty(out_dir) else tempfile.mkdtemp(prefix="kept.", dir=scratch)
        self._folders: set[str] = set()  # folders known to exist in the output folder
        self._numbers = itertools.count()  # names in the keep folder
        self.unpruned: list[tuple[str, str]] = []  # emptied folders left in place, and why

    def move_in(self, staged: str, relative: str) -> None:
        """Rename the file `staged` to `relative` in the output folder, keeping any old one."""
        target = f"{self.out_dir}/{relative}"
        self._ensure_folder(target.rpartition("/")[0])
        kept = self._keep_copy(target) if self._keep is not None else ""
        os.replace(staged, target)
        self.steps.append(
            Step(Change.REPLACED, target, kept) if kept else Step(Change.ADDED, target)
        )

    def remove(self, relative: str) -> None:
        """Take `relative` out of the output folder (if there), then its emptied folders."""
        target = f"{self.out_dir}/{relative}"
        if self._keep is None:
            return  # an empty output folder: nothing to remove
        kept = self._next_kept()
        try:
            os.rename(target, kept)
        except FileNotFoundError:
            return
        self.steps.append(Step(Change.REMOVED, target, kept))
        folder = os.path.dirname(target)
        while folder != self.out_dir and folder.startswith(self.out_dir + "/"):
            try:
                mode = stat.S_IMODE(os.stat(folder).st_mode)
                os.rmdir(folder)
            except OSError as exc:  # not empty: it holds other pages, as it should
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    where = os.path.relpath(folder, self.out_dir)
                    self.unpruned.append((where, exc.strerror or str(exc)))
                return
            self.steps.append(Step(Change.PRUNED, folder, mode=mode))
            self._folders.discard(folder)
            folder = os.path.dirname(folder)

    def undo(self) -> list[str]:
        """Undo every step, last first; returns the paths that could not be put back."""
        failed = []
        for step in reversed(self.steps):
            try:
                if step.change in (Change.REPLACED, Change.REMOVED):
                    os.replace(step.kept, step.path)
                elif step.change is Change.ADDED:
                    os.unlink(step.path)
                elif step.change is Change.MADE:
                    os.rmdir(step.path)
                else:  # pruned: made again with its permissions (mkdir applies the umask)
                    os.mkdir(step.path)
                    os.chmod(step.path, step.mode)
            except OSError:
                failed.append(os.path.relpath(step.path, self.out_dir))
        self.steps.clear()
        return failed

    def _ensure_folder(self, folder: str) -> None:
        if folder in self._folders:
            return
        missing = []
        probe = folder
        while not os.path.isdir(probe) and probe.startswith(self.out_dir + "/"):
            missing.append(probe)
            probe = os.path.dirname(probe)
        for made in reversed(missing):
            os.mkdir(made)  # a file where a folder should be fails here: undone by the caller
            self.steps.append(Step(Change.MADE, made))
        self._folders.add(folder)

    def _keep_copy(self, target: str) -> str:
        """Hard-link (or copy) `target` into the keep folder; "" when there is no such file."""
        kept = self._next_kept()
        try:
            os.link(target, kept, follow_symlinks=False)
        except FileNotFoundError:
            return ""
        except OSError:  # no hard links on this file system, or not allowed for this file
            try:
                shutil.copy2(target, kept, follow_symlinks=False)
            except FileNotFoundError:
                return ""
        return kept

    def _next_kept(self) -> str:
        return f"{self._keep}/{next(self._numbers)}"


def _is_empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None
