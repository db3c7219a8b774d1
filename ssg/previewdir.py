"""Where `ssg serve` builds: a folder of its own under the site's cache folder.

The preview goes into `<cache_dir>/serve/` (`cache_dir` from site.yml, read once at
start; `.ssg-cache` when site.yml cannot be read or names an unusable folder). A
server claims its folder with a lock file holding its process id, `serve.lock` beside
`serve/`, so a second server on the same site (another port, `--no-drafts`) builds into
`serve-2/` instead of overwriting the first one's pages. A lock whose process no longer
runs is stale and taken over.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ssg.config import load_config
from ssg.folders import cache_folder_problem

DEFAULT_CACHE = ".ssg-cache"
FOLDER_NAME = "serve"
MOST_SERVERS = 50  # folders tried before giving up on the cache folder


def preview_cache_folder(root: Path, config_path: Path) -> Path:
    """The cache folder site.yml sets (`cache_dir`), or `.ssg-cache` when it cannot be read
    or its setting could not be used by a build."""
    config, _ = load_config(config_path)
    if config is None:
        return root / DEFAULT_CACHE
    cache_dir = root / config.cache_dir
    if cache_folder_problem(cache_dir.resolve(), root, config.cache_dir) is not None:
        return root / DEFAULT_CACHE
    return cache_dir


def process_is_running(pid: int) -> bool:
    """True when a process with this id exists (it may belong to another user)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def lock_owner(lock: Path) -> int | None:
    """The process id a lock file names, or None when it is unreadable or not a number."""
    try:
        return int(lock.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def try_lock(lock: Path) -> bool:
    """Create `lock` holding this process's id; False when a running process holds it.
    A lock of a process that no longer runs is removed and taken."""
    for _ in range(2):  # the second try follows the removal of a stale lock
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            owner = lock_owner(lock)
            if owner is not None and process_is_running(owner):  # this process too
                return False
            if owner is None and lock.exists():
                return False  # being written by a server starting right now
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()
            continue
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(f"{os.getpid()}\n")
        return True
    return False


@dataclass
class PreviewFolder:
    """A claimed preview folder; `release()` gives it back when the server stops."""

    folder: Path
    lock: Path | None  # None: a temporary folder, deleted on release
    others: int = 0  # servers already previewing the site when this one claimed

    def release(self) -> None:
        if self.lock is None:
            shutil.rmtree(self.folder.parent, ignore_errors=True)
        elif lock_owner(self.lock) == os.getpid():
            with contextlib.suppress(OSError):
                self.lock.unlink()


def claim_preview_folder(cache_dir: Path) -> PreviewFolder:
    """The first of `serve/`, `serve-2/`, ... under `cache_dir` that no running server
    holds, locked for this process; a temporary folder when `cache_dir` cannot be written."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for number in range(1, MOST_SERVERS + 1):
            name = FOLDER_NAME if number == 1 else f"{FOLDER_NAME}-{number}"
            lock = cache_dir / f"{name}.lock"
            if try_lock(lock):
                return PreviewFolder(cache_dir / name, lock, others=number - 1)
    except OSError:
        pass
    return PreviewFolder(Path(tempfile.mkdtemp(prefix="ssg-serve-")) / FOLDER_NAME, None)
