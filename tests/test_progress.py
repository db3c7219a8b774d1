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
