"""The last build's state (`BuildState`): what the next build compares its inputs and
outputs with. A one-off build reads it from the cache folder and writes it back; a live
builder (the preview) keeps it in memory between builds and writes it when it closes."""

from __future__ import annotations

import contextlib
from pathlib import Path

from ssg.cache import BuildState, read_blob, write_blob

STATE_VERSION = b"state-3"


class StateKeeper:
    """Reads, keeps and writes one builder's last `BuildState`."""

    def __init__(self, version: bytes, live: bool):
        """`version`: the code version plus `STATE_VERSION`; a state file written by other
        code is not trusted. `live`: keep the state in memory, written by `flush`."""
        self.version = version
        self.live = live
        self.last: BuildState | None = None
        self._file: Path | None = None  # where a live builder's state goes on `flush`
        self._unsaved = False

    def load(self, state_file: Path | None, out_dir: Path) -> BuildState:
        """The last build's state for `out_dir`: the one kept in memory, else the one in
        `state_file`, else an empty state (everything is built)."""
        if self.last is not None and self.last.out_dir == str(out_dir):
            return self.last
        if state_file is not None:
            loaded = read_blob(state_file, self.version)
            if isinstance(loaded, BuildState) and loaded.out_dir == str(out_dir):
                return loaded
        return BuildState()

    def save(self, state_file: Path | None, state: BuildState) -> None:
        """Keep `state` as the last build's and write it to `state_file` (a live builder
        writes it on `flush` instead). A folder that cannot be written costs the next
        process a full build, nothing more."""
        self.last = state
        if state_file is None:
            return
        if self.live:
            self._file, self._unsaved = state_file, True
            return
        with contextlib.suppress(OSError):
            write_blob(state_file, state, self.version)

    def flush(self) -> None:
        """Write a live builder's state kept since the last flush."""
        if self._unsaved and self._file is not None and self.last is not None:
            with contextlib.suppress(OSError):
                write_blob(self._file, self.last, self.version)
            self._unsaved = False
