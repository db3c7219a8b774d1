"""A progress bar for long builds on a terminal, and silence everywhere else.

The bar (drawn by `rich`, which degrades cleanly and is already the usual choice for
terminal output in Python tools) appears only when standard error is a terminal, the
build was not asked to be quiet, and the build has already run for a second, so quick
rebuilds and CI logs stay clean.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType

SHOW_AFTER = 1.0  # seconds


class ProgressBar:
    """Receives `(phase, done, total)` updates; draws a bar once the build is slow enough."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._start = time.monotonic()
        self._progress = None
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> ProgressBar:
        self._start = time.monotonic()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def update(self, phase: str, done: int, total: int) -> None:
        """Report that `done` of `total` items of `phase` are finished."""
        if not self.enabled or time.monotonic() - self._start < SHOW_AFTER:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("{task.description:>8}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
        if phase not in self._tasks:
            self._tasks[phase] = self._progress.add_task(phase, total=total)
        self._progress.update(self._tasks[phase], completed=done, total=total)


def progress_bar(quiet: bool) -> ProgressBar:
    """A bar that draws only on an interactive terminal and when not quiet."""
    return ProgressBar(enabled=not quiet and sys.stderr.isatty())
