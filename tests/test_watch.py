"""Watching and debouncing: which paths count, bursts become one batch, real file events."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from servekit import wait_until

from ssg.watch import Debouncer, Watcher, is_relevant

ROOT = Path("/site")
CONFIG = ROOT / "site.yml"


@pytest.mark.parametrize(
    ("path", "relevant"),
    [
        ("/site/site.yml", True),
        ("/site/content/articles/a.md", True),
        ("/site/content/articles/sedEZ56sO", False),
        ("/site/content/articles/notes.txt", False),
        ("/site/content/home.yml", True),
        ("/site/content/articles/home.yml", False),
        ("/site/content/.home.yml.swp", False),
        ("/site/layouts/feed.xml", True),
        ("/site/layouts/base.html", True),
        ("/site/assets/css/style.css", True),
        ("/site/assets/.well-known/security.txt", True),  # published dot names
        ("/site/assets/.nojekyll", True),
        ("/site/assets/files/.htaccess", True),
        ("/site/assets/.DS_Store", False),
        ("/site/assets/.well-known/.security.txt.swp", False),
        ("/site/public/index.html", False),
        ("/site/.ssg-cache/serve/index.html", False),
        ("/site/README.md", False),
        ("/site/content/articles/.a.md.swp", False),
        ("/site/content/articles/a.md~", False),
        ("/site/content/articles/4913", False),
        ("/site/content/.git/index", False),
        # what the build reads, publishes or loads, and nothing else (ssg.strays)
        ("/site/content/articles/#odd name.md", True),
        ("/site/content/articles/#a.md#", False),
        ("/site/content/articles/_set-aside.md", False),
        ("/site/content/articles/_old/a.md", False),
        ("/site/layouts/base.html.bak", False),
        ("/site/layouts/partials/card.html.orig", False),
        ("/site/assets/css/style.css.orig", False),
        ("/site/assets/files/report.pdf.part", False),
        ("/site/assets/files/#1-ranked.pdf", True),  # a '#' name is stray only as '#…#'
        ("/site/assets/images/4913/clinic.jpg", True),  # a folder may be named 4913
        ("/site/layouts/4913", False),  # vim's probe file
        ("/elsewhere/content/a.md", False),
    ],
)
def test_is_relevant(path: str, relevant: bool):
    assert is_relevant(Path(path), ROOT, CONFIG) is relevant


def test_folders_under_content_are_relevant():
    assert is_relevant(Path("/site/content/articles/2024"), ROOT, CONFIG, is_directory=True)
    assert not is_relevant(Path("/site/content/articles/2024"), ROOT, CONFIG)
    assert not is_relevant(Path("/site/content/articles/_old"), ROOT, CONFIG, is_directory=True)


class Recorder:
    def __init__(self) -> None:
        self.batches: list[frozenset[Path]] = []
        self.lock = threading.Lock()

    def __call__(self, batch: frozenset[Path]) -> None:
        with self.lock:
            self.batches.append(batch)

    def all_paths(self) -> set[Path]:
        with self.lock:
            return set().union(*self.batches) if self.batches else set()


def test_a_burst_becomes_one_batch():
    seen = Recorder()
    debouncer = Debouncer(seen, quiet=0.4, max_wait=5)
    debouncer.start()
    try:
        for i in range(20):
            debouncer.add([Path(f"/site/content/{i % 5}.md")])
            time.sleep(0.005)
        assert wait_until(lambda: seen.batches, timeout=5)
        time.sleep(0.6)
        assert len(seen.batches) == 1
        assert seen.batches[0] == {Path(f"/site/content/{i}.md") for i in range(5)}
    finally:
        debouncer.stop()


def test_events_during_a_rebuild_make_the_next_batch():
    started, release = threading.Event(), threading.Event()
    batches: list[frozenset[Path]] = []

    def slow(batch: frozenset[Path]) -> None:
        batches.append(batch)
        started.set()
        release.wait(5)

    debouncer = Debouncer(slow, quiet=0.02)
    debouncer.start()
    try:
        debouncer.add([Path("/a")])
        assert started.wait(5)
        debouncer.add([Path("/b")])
        debouncer.add([Path("/c")])
        time.sleep(0.1)
        assert len(batches) == 1  # never two rebuilds at once
        release.set()
        assert wait_until(lambda: len(batches) == 2, timeout=5)
        assert batches == [frozenset({Path("/a")}), frozenset({Path("/b"), Path("/c")})]
    finally:
        release.set()
        debouncer.stop()


def test_a_steady_stream_is_still_handed_over_after_max_wait():
    seen = Recorder()
    debouncer = Debouncer(seen, quiet=0.2, max_wait=0.3)
    debouncer.start()
    try:
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            debouncer.add([Path("/a")])
            time.sleep(0.02)
        assert seen.batches  # did not wait for the stream to end
    finally:
        debouncer.stop()


@pytest.fixture
def watched(tmp_path: Path):
    root = tmp_path / "site"
    for folder in ("content/articles", "layouts", "assets/css", "public"):
        (root / folder).mkdir(parents=True)
    (root / "site.yml").write_text("title: x\n")
    (root / "content/articles/old.md").write_text("old")
    received: list[Path] = []
    lock = threading.Lock()

    def sink(paths: list[Path]) -> None:
        with lock:
            received.extend(paths)

    watcher = Watcher(root, root / "site.yml", sink)
    watcher.start()
    time.sleep(0.1)
    yield root, received
    watcher.stop()


def test_watcher_sees_created_deleted_renamed_and_config(watched):
    root, received = watched
    articles = root / "content/articles"
    (articles / "new.md").write_text("new")
    (articles / "old.md").rename(articles / "moved.md")
    (root / "assets/css/style.css").write_text("h1{}")
    (root / "layouts/base.html").write_text("<html></html>")
    (root / "site.yml").write_text("title: y\n")
    (root / "public/index.html").write_text("ignored")
    (articles / ".new.md.swp").write_text("ignored")
    expected = {
        articles / "new.md",
        articles / "old.md",
        articles / "moved.md",
        root / "assets/css/style.css",
        root / "layouts/base.html",
        root / "site.yml",
    }
    assert wait_until(lambda: expected <= set(received), timeout=10), received
    (articles / "new.md").unlink()
    assert wait_until(lambda: received.count(articles / "new.md") >= 2, timeout=10)
    assert root / "public/index.html" not in received
    assert articles / ".new.md.swp" not in received


def test_watcher_picks_up_a_folder_created_later(tmp_path: Path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yml").write_text("title: x\n")
    received: list[Path] = []
    watcher = Watcher(root, root / "site.yml", received.extend)
    watcher.start()
    try:
        (root / "layouts").mkdir()
        assert wait_until(lambda: root / "layouts" in received, timeout=10)
        watcher.refresh()
        time.sleep(0.1)
        (root / "layouts/base.html").write_text("x")
        assert wait_until(lambda: root / "layouts/base.html" in received, timeout=10)
    finally:
        watcher.stop()


@pytest.mark.parametrize("name", ["content", "layouts", "assets"])
def test_watcher_follows_a_folder_replaced_by_a_copy(tmp_path: Path, name: str):
    root = tmp_path / "site"
    (root / name / "sub").mkdir(parents=True)
    (root / "site.yml").write_text("title: x\n")
    received: list[Path] = []
    watcher = Watcher(root, root / "site.yml", received.extend)
    watcher.start()
    try:
        folder, old = root / name, root / f"{name}.old"
        folder.rename(old)  # mv content content.old && cp -r content.old content && rm -rf ...
        shutil.copytree(old, folder)
        shutil.rmtree(old)
        assert wait_until(lambda: folder in received, timeout=10)  # the replacement counts
        watcher.refresh()  # what the preview does before each rebuild
        assert_edits_reported(folder, received)
    finally:
        watcher.stop()


@pytest.mark.parametrize("name", ["content", "layouts", "assets"])
def test_watcher_follows_a_folder_deleted_and_copied_back(tmp_path: Path, name: str):
    """`rm -rf layouts && cp -r backup layouts`: the new folder often gets the old one's
    inode number back, yet the old watch stopped with its folder. The refresh before
    the next rebuild renews it, and says so (the preview then rebuilds everything)."""
    root = tmp_path / "site"
    (root / name / "sub").mkdir(parents=True)
    (root / "site.yml").write_text("title: x\n")
    backup = tmp_path / "backup"
    shutil.copytree(root / name, backup)
    received: list[Path] = []
    watcher = Watcher(root, root / "site.yml", received.extend)
    watcher.start()
    try:
        folder = root / name
        shutil.rmtree(folder)
        shutil.copytree(backup, folder)
        assert wait_until(lambda: folder in received, timeout=10)
        # once the old watch has seen its folder go and stopped, a refresh renews it
        assert wait_until(watcher.refresh, timeout=10)
        assert watcher.refresh() is False  # nothing more to renew
        assert_edits_reported(folder, received)
    finally:
        watcher.stop()


def assert_edits_reported(folder: Path, received: list[Path]) -> None:
    """A file saved in `folder` (once its watch is in place) reaches the sink."""
    time.sleep(0.1)
    edited = folder / "sub" / "a.md"
    edited.write_text("x")
    assert wait_until(lambda: edited in received, timeout=10)


def refresh_until_stopped(watcher: Watcher, stopping: threading.Event, seen: list) -> None:
    """Call `watcher.refresh()` until `stopping` is set (once more after); record what
    each call returned, or what it raised."""
    try:
        while True:
            done = stopping.is_set()
            seen.append(watcher.refresh())
            if done:
                return
    except BaseException as exc:
        seen.append(exc)


def test_a_refresh_while_the_watcher_stops_does_nothing(tmp_path: Path):
    """The preview's rebuild thread refreshes the watches before each rebuild; Ctrl-C
    stops the watcher from another thread meanwhile. A refresh that meets a stopping
    (or stopped) watcher must neither fail nor start a new watch."""
    root = tmp_path / "site"
    for name in ("content", "layouts", "assets"):
        (root / name).mkdir(parents=True)
    (root / "site.yml").write_text("title: x\n")
    for _ in range(20):
        watcher = Watcher(root, root / "site.yml", lambda paths: None)
        watcher.start()
        stopping, seen = threading.Event(), []
        refresher = threading.Thread(target=refresh_until_stopped, args=(watcher, stopping, seen))
        refresher.start()
        watcher.stop()
        stopping.set()
        refresher.join()
        assert set(seen) == {False}  # nothing raised, nothing renewed
        assert not watcher._observer.emitters  # no watch left behind


def test_stopping_a_watcher_never_started_ends_its_threads(tmp_path: Path):
    """A preview that fails before it starts watching still stops its watcher; the
    observer's inotify reader thread must end with it (and close its descriptor)."""
    (tmp_path / "site.yml").write_text("title: x\n")
    before = set(threading.enumerate())
    watcher = Watcher(tmp_path, tmp_path / "site.yml", lambda paths: None)
    watcher.stop()
    assert wait_until(lambda: set(threading.enumerate()) <= before, timeout=5)
