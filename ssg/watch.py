"""Watching the site's sources: filesystem events in, one debounced batch of paths out.

`Watcher` listens (with watchdog) to `content/`, `layouts/`, `assets/` and `site.yml`;
`Debouncer` gathers bursts of events (double saves, write-then-rename, a git checkout)
into one batch and hands each batch to a callback on its own thread, one at a time,
so rebuilds never overlap.
"""

from __future__ import annotations

import contextlib
import stat
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from ssg.assets import is_stray_asset
from ssg.frontpage import HOME_PATH
from ssg.strays import is_source_folder_name, is_source_name, is_stray

WATCHED_FOLDERS = ("content", "layouts", "assets")
EVENT_TYPES = frozenset({"created", "deleted", "modified", "moved", "closed"})
QUIET_SECONDS = 0.025  # a batch is handed over after this long without new events
# (an editor's save-twice or write-then-rename comes within a few milliseconds; every
# millisecond waited here is added to what the reporter waits for after saving)
MAX_WAIT_SECONDS = 1.0  # ...or after this long, even if events keep coming
# Only changes are asked of the kernel. Without a filter, watchdog also subscribes to
# every open and read-only close, and the build itself reads every template, source
# and asset it checks: each read then woke the watcher thread, which competed with
# the rebuild for the interpreter (one save at 1,000 articles: 15 events, now 3).
CHANGE_EVENTS = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
]


def is_relevant(path: Path, root: Path, config_path: Path, is_directory: bool = False) -> bool:
    """True when a change to `path` (a file, or a folder) can change the site."""
    if path == config_path:
        return True
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if not parts or parts[0] not in WATCHED_FOLDERS:
        return False
    if parts[0] == "content":  # what the build reads as a source (ssg.sources)
        if "/".join(parts) == HOME_PATH:
            return True
        folders = parts[1:] if is_directory else parts[1:-1]
        if not all(is_source_folder_name(part) for part in folders):
            return False
        return is_directory or is_source_name(parts[-1])
    last = len(parts) - 1
    if parts[0] == "assets":  # what the build publishes (ssg.assets)
        stray: Callable[[str, bool], bool] = is_stray_asset
    else:  # layouts/ (ssg.templates)
        stray = is_stray
    return not any(stray(part, is_directory or i < last) for i, part in enumerate(parts[1:], 1))


class Debouncer:
    """Collects paths and calls `on_batch(paths)` once things have been quiet for a moment."""

    def __init__(
        self,
        on_batch: Callable[[frozenset[Path]], None],
        quiet: float = QUIET_SECONDS,
        max_wait: float = MAX_WAIT_SECONDS,
    ):
        self.on_batch = on_batch
        self.quiet = quiet
        self.max_wait = max_wait
        self._pending: set[Path] = set()
        self._first = 0.0
        self._last = 0.0
        self._stopping = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="ssg-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def add(self, paths: Iterable[Path]) -> None:
        """Record changed paths; the batch is handed over after the quiet period."""
        paths = set(paths)
        if not paths:
            return
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending |= paths
            self._last = now
            self._cond.notify()

    def stop(self) -> None:
        """Stop the worker thread (after the batch it is handling, if any)."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join()

    def _next_batch(self) -> frozenset[Path] | None:
        with self._cond:
            while True:
                if self._stopping:
                    return None
                if not self._pending:
                    self._cond.wait()
                    continue
                now = time.monotonic()
                due = min(self._last + self.quiet, self._first + self.max_wait)
                if now >= due:
                    batch = frozenset(self._pending)
                    self._pending.clear()
                    return batch
                self._cond.wait(due - now)

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                self.on_batch(batch)
            except Exception:  # keep watching: the next save may fix it
                traceback.print_exc()


class _Forward(FileSystemEventHandler):
    """Turns watchdog events into relevant paths for the debouncer."""

    def __init__(self, root: Path, config_path: Path, sink: Callable[[list[Path]], None]):
        self.root = root
        self.config_path = config_path
        self.sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in EVENT_TYPES:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return
        raw = [event.src_path, getattr(event, "dest_path", "")]
        paths = [Path(p if isinstance(p, str) else p.decode()) for p in raw if p]
        relevant = [
            p for p in paths if is_relevant(p, self.root, self.config_path, event.is_directory)
        ]
        if relevant:
            self.sink(relevant)


class Watcher:
    """Watches the site's source folders and `site.yml`, feeding changed paths to `sink`."""

    def __init__(self, root: Path, config_path: Path, sink: Callable[[list[Path]], None]):
        self.root = root
        self.config_path = config_path
        self._handler = _Forward(root, config_path, sink)
        self._observer = Observer()
        # each watched folder's watch, and the folder's identity (device, inode) it follows
        self._watched: dict[Path, tuple[ObservedWatch, tuple[int, int]]] = {}
        # `refresh` runs on the rebuild thread, `stop` on the one that got Ctrl-C: a refresh
        # must never schedule a watch on an observer that is stopping (its inotify file
        # descriptor is closed already)
        self._lock = threading.Lock()
        self._stopped = False

    def start(self) -> None:
        self._observer.schedule(
            self._handler,
            str(self.config_path.parent),
            recursive=False,
            event_filter=CHANGE_EVENTS,
        )
        if self.config_path.parent != self.root:
            self._observer.schedule(
                self._handler, str(self.root), recursive=False, event_filter=CHANGE_EVENTS
            )
        self.refresh()
        self._observer.start()

    def refresh(self) -> bool:
        """Watch source folders created, or replaced (moved away, deleted, copied back),
        since the last call; stop watching folders that are gone. True when a folder is
        watched anew: changes in it before now may have gone unreported.

        A watch follows the folder itself, not its name: after `mv content content.old`
        it would report the old folder's changes, and none of the new one's. A folder
        deleted and copied back can get its old inode number again, so a watch whose
        folder was deleted (its emitter has stopped) is renewed too.

        Once `stop` has begun, this does nothing and returns False."""
        with self._lock:
            if self._stopped:
                return False
            return self._renew_watches()

    def _renew_watches(self) -> bool:
        renewed = False
        for name in WATCHED_FOLDERS:
            folder = self.root / name
            identity = folder_identity(folder)
            known = self._watched.get(folder)
            if known is not None and known[1] == identity and self._is_live(known[0]):
                continue
            if known is not None:
                self._unschedule(known[0])
                del self._watched[folder]
            if identity is not None:
                watch = self._observer.schedule(
                    self._handler, str(folder), recursive=True, event_filter=CHANGE_EVENTS
                )
                self._watched[folder] = (watch, identity)
                renewed = True
        return renewed

    def _is_live(self, watch: ObservedWatch) -> bool:
        """False once the watch's emitter has stopped (its folder was deleted)."""
        if not self._observer.is_alive():  # not started: nothing has stopped yet
            return True
        return any(e.watch == watch and e.is_alive() for e in self._observer.emitters)

    def _unschedule(self, watch: ObservedWatch) -> None:
        with contextlib.suppress(KeyError):  # already gone with its folder
            self._observer.unschedule(watch)

    def stop(self) -> None:
        """Stop watching; joins the observer's threads. Later refreshes do nothing."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            # an observer never started still has its inotify reader thread running
            self._observer.stop()
            if self._observer.is_alive():
                self._observer.join()


def folder_identity(folder: Path) -> tuple[int, int] | None:
    """(device, inode) of a folder, or None when it is not a folder (or is unreadable)."""
    try:
        st = folder.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None
