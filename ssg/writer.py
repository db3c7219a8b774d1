"""Writing output: only files whose bytes changed, and only once the whole build succeeded.

New and changed files are first written to a staging folder beside the output folder.
When every page rendered without error, each staged file is renamed over its old
version (one atomic rename per file) and the files of deleted sources are removed.
A failed build deletes the staging folder and leaves the previous output untouched.
Should a rename fail midway (a read-only folder, a full disk), the files already moved
are put back, the old versions of replaced files having been hard-linked aside first
(`ssg.undo`): the output folder is never left half old, half new.
Unchanged files are never rewritten, so their mtimes stay put and `rsync` or a bucket
sync uploads only what really changed.

`commits_held` lets the preview server hold its requests while files are moved into its
folder (and only then: rendering into the staging folder goes on while pages are served).

Why not swap the whole folder? Swapping needs a complete copy (or hard links) of every
file on every build, which costs seconds at 10,000 articles; renaming only the changed
files keeps a one-article rebuild fast and still never exposes a half-written file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ssg.cache import OutputEntry
from ssg.undo import OutputChanges


class Outcome(StrEnum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Staged:
    """What became of one output file."""

    relative: str
    outcome: Outcome
    entry: OutputEntry


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def matches(target: Path | str, entry: OutputEntry | None) -> bool:
    """True when the file on disk is still the one recorded in `entry`."""
    if entry is None:
        return False
    try:
        st = os.stat(target)
    except OSError:
        return False
    return st.st_size == entry.size and st.st_mtime_ns == entry.mtime_ns


_made: set[str] = set()  # folders this process already created (per staging folder)


def _ensure_folder(folder: str) -> None:
    if folder not in _made:
        os.makedirs(folder, exist_ok=True)
        _made.add(folder)


def make_staging(out_dir: Path) -> Path:
    """A fresh staging folder on the same file system as the output folder."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _made.clear()
    return scratch_folder(out_dir.parent, f".{out_dir.name}.staging.")


STALE_AFTER_SECONDS = 3600


def scratch_folder(parent: Path, prefix: str) -> Path:
    """A new private folder `<prefix><pid>.<random>` in `parent`.

    A build killed outright (out of memory, SIGKILL, a power cut) cannot delete its
    scratch folders, and a staging folder holds a whole site. So folders of the same
    prefix left by a process that no longer runs, and untouched for an hour (a process
    in another container may have the same number), are deleted first; so are those
    named the way earlier versions did, without a process id, once an hour old."""
    sweep_stale(parent, prefix)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}.", dir=parent))


def sweep_stale(parent: Path, prefix: str) -> list[str]:
    """Delete the stale scratch folders of `prefix` in `parent`; returns their names."""
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    swept = []
    for name in names:
        if not name.startswith(prefix):
            continue
        pid, dot, _ = name[len(prefix) :].partition(".")
        if dot and pid.isdigit() and _running(int(pid)):
            continue  # without a process id (an earlier version's name): by age alone
        folder = parent / name
        try:
            if time.time() - folder.stat().st_mtime < STALE_AFTER_SECONDS:
                continue
        except OSError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        swept.append(name)
    return swept


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no way to ask: assume it runs
        return True
    return True


def stage_bytes(
    data: bytes,
    relative: str,
    fingerprint: bytes,
    out_dir: Path,
    staging: Path,
    previous: OutputEntry | None,
) -> Staged:
    """Stage `data` for `relative` unless the output folder already holds these bytes.

    Plain string paths and `os` calls: this runs once per output file, 19,000 times in a
    cold build of a 10,000-article site, where pathlib's overhead is measurable."""
    new_digest = digest(data)
    target = f"{out_dir}/{relative}"
    if previous is not None and previous.digest == new_digest and matches(target, previous):
        entry = OutputEntry(fingerprint, new_digest, previous.size, previous.mtime_ns)
        return Staged(relative, Outcome.UNCHANGED, entry)
    try:
        st = os.stat(target)
        if st.st_size == len(data):
            with open(target, "rb") as handle:
                if handle.read() == data:
                    entry = OutputEntry(fingerprint, new_digest, st.st_size, st.st_mtime_ns)
                    return Staged(relative, Outcome.UNCHANGED, entry)
    except OSError:
        pass
    staged = f"{staging}/{relative}"
    _ensure_folder(staged.rpartition("/")[0])
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        st = os.fstat(fd)
    finally:
        os.close(fd)
    return Staged(
        relative, Outcome.WRITTEN, OutputEntry(fingerprint, new_digest, st.st_size, st.st_mtime_ns)
    )


_holds: dict[str, Callable[[], AbstractContextManager[object]]] = {}  # see `commits_held`


@contextlib.contextmanager
def commits_held(
    out_dir: Path, hold: Callable[[], AbstractContextManager[object]]
) -> Iterator[None]:
    """While the block runs, every `commit` into `out_dir` happens inside `hold()`."""
    key = str(out_dir.resolve())
    _holds[key] = hold
    try:
        yield
    finally:
        _holds.pop(key, None)


class CommitFailed(OSError):
    """Moving the staged files into the output folder failed at `filename` (a path in the
    output folder), and what was already moved was put back; `unrestored` lists the files
    and folders (relative to the output folder) that could not be, normally none."""

    def __init__(self, cause: OSError, failed_at: Path, unrestored: list[str]) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), str(failed_at))
        self.unrestored = unrestored


def commit(
    staging: Path, out_dir: Path, written: list[str], removed: list[str]
) -> list[tuple[str, str]]:
    """Move staged files into the output folder and delete removed ones, then drop staging.
    Returns the folders emptied by removals that could not be deleted, and why.

    Ctrl-C or SIGTERM meanwhile takes effect once every file is in place: an interrupted
    build never leaves the output folder half old, half new. When a move fails, the
    changes already made are undone and CommitFailed is raised."""
    with signals_deferred():
        try:
            with _holds.get(str(out_dir.resolve()), contextlib.nullcontext)():
                return _move_into(staging, out_dir, written, removed)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def signals_handled(handler: Callable[[int, object], None]) -> Iterator[None]:
    """Handle SIGINT and SIGTERM with `handler` until the block ends, then restore the
    handlers before (Python's handlers run in the main thread only: elsewhere this
    changes nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then act on the first one received."""
    received: list[int] = []
    with signals_handled(lambda number, _frame: received.append(number)):
        yield
    if received:
        signal.raise_signal(received[0])


def _move_into(
    staging: Path, out_dir: Path, written: list[str], removed: list[str]
) -> list[tuple[str, str]]:
    if not out_dir.exists():
        staging.chmod(0o755)
        staging.rename(out_dir)
        return []
    changes = OutputChanges(out_dir, scratch=staging)
    relative = ""
    try:
        for relative in written:
            changes.move_in(f"{staging}/{relative}", relative)
        for relative in removed:
            changes.remove(relative)
    except OSError as exc:
        unrestored = changes.undo()
        raise CommitFailed(exc, out_dir / relative, unrestored) from exc
    except BaseException:
        changes.undo()
        raise
    return changes.unpruned


# folders at the top of the output folder a build never touches: a `gh-pages` worktree's
# version control (Jekyll keeps them too)
KEPT_FOLDERS = frozenset({".git", ".hg", ".svn"})


def existing_files(out_dir: Path) -> list[str]:
    """Every file under the output folder, as relative POSIX paths, but those in
    `KEPT_FOLDERS`: what a build that does not know the folder may remove."""
    found = []
    for dirpath, dirnames, filenames in os.walk(out_dir):
        base = Path(dirpath).relative_to(out_dir)
        if dirpath == str(out_dir):
            dirnames[:] = [d for d in dirnames if d not in KEPT_FOLDERS]
        for name in filenames:
            found.append((base / name).as_posix())
    return found
