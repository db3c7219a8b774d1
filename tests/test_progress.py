"""The progress bar: only on a terminal, only for builds that already took a second."""

from __future__ import annotations

import time

from ssg.progress import ProgressBar, progress_bar


def test_no_bar_without_a_terminal_or_when_quiet():
    assert not progress_bar(quiet=True).enabled
    assert not progress_bar(quiet=False).enabled  # pytest's stderr is not a terminal


def test_bar_appears_only_after_a_second():
    bar = ProgressBar(enabled=True)
    with bar:
        bar.update("render", 10, 100)
        assert bar._progress is None  # a quick build never draws
        bar._start = time.monotonic() - 2
        bar.update("render", 50, 100)
        assert bar._progress is not None
        task = bar._progress.tasks[0]
        assert (task.description, task.completed, task.total) == ("render", 50, 100)
    assert bar._progress is None  # stopped and cleared when the build ends


def test_disabled_bar_never_draws():
    bar = ProgressBar(enabled=False)
    bar._start = time.monotonic() - 10
    bar.update("parse", 1, 2)
    assert bar._progress is None


def test_a_small_build_reports_its_photos_and_every_page(tmp_path):
    # the bar shows for a slow build of any size: the sample site (about 110 pages, most
    # of its time spent encoding photos) drew nothing when only every 200th page reported
    from ssg.engine import Builder

    from conftest import TINY_SITE, write_site
    from photofix import make_photo

    story = "---\ntitle: With a photo\nauthors: li-wei\ndate: 2024-03-05\nimage:\n"
    story += "  src: /images/hero.jpg\n  alt: A test card\n  credit: Li Wei/Tiny\n---\nBody.\n"
    root = write_site(
        tmp_path / "site",
        {
            **TINY_SITE,
            "assets/images/hero.jpg": make_photo(1200, 800),
            "content/articles/photo.md": story,
        },
    )
    updates: list[tuple[str, int, int]] = []
    report = Builder(root, progress=lambda *update: updates.append(update)).build()
    assert report.ok, report.problems
    photos = [u for u in updates if u[0] == "photos"]
    assert photos and photos[-1][1] == photos[-1][2] > 0
    render = [u for u in updates if u[0] == "render"]
    assert render and render[-1][1] == render[-1][2] == report.rendered > 3
