"""Results of pure build steps, remembered by the identity of their inputs across builds.

A long-lived `Builder` (the live-preview server) gets the very same `Article` object
back from the parse cache for every source whose bytes did not change. A step that is
given the same objects (and the same plain extra key) returns its previous result, the
same object again, so the steps after it and the fingerprints can recognise unchanged
values by identity instead of recomputing and re-hashing them.

Only frozen values built from frozen values (the content model) may be keys. Entries
not used during a build are dropped at the start of the one after (two generations),
so memory follows the site, not its history.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from ssg.errors import Problem

T = TypeVar("T")


class IdentityMemo:
    """Remembers `compute()` results keyed by the identities of input objects."""

    def __init__(self) -> None:
        self._current: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}
        self._previous: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}
        self._scope: Hashable = None
        self._carried: dict[str, Any] = {}

    def start_build(self, scope: Hashable) -> None:
        """Begin a build; `scope` names everything the steps read besides their inputs
        (configuration, options): when it changes, nothing remembered is trusted."""
        if scope != self._scope:
            self._current, self._previous, self._carried = {}, {}, {}
            self._scope = scope
            return
        self._previous = {**self._previous, **self._current}
        self._current = {}

    def end_build(self) -> None:
        """Forget what the build just finished did not use."""
        self._previous = self._current
        self._current = {}

    def get(
        self,
        step: str,
        inputs: tuple[Any, ...],
        extra: Hashable,
        compute: Callable[[], T],
    ) -> T:
        """The result of `compute()` for these inputs: remembered, or computed now.

        The entry holds the input objects, so their ids cannot be reused while it lives.
        """
        key = (step, tuple(map(id, inputs)), extra)
        entry = self._current.get(key)
        if entry is None:
            entry = self._previous.get(key)
            if entry is None:
                entry = (inputs, compute())
            self._current[key] = entry
        return entry[1]

    def get_with_problems(
        self,
        step: str,
        inputs: tuple[Any, ...],
        extra: Hashable,
        compute: Callable[[list[Problem]], T],
        problems: list[Problem],
    ) -> T:
        """Like `get`, for a step that reports problems: they are remembered with the
        result and reported again whenever the result is reused."""

        def run() -> tuple[T, tuple[Problem, ...]]:
            found: list[Problem] = []
            value = compute(found)
            return value, tuple(found)

        value, found = self.get(step, inputs, extra, run)
        problems.extend(found)
        return value

    def carry(self, step: str, value: Any) -> None:
        """Hand `value` to the same step of the next build (in the same scope)."""
        self._carried[step] = value

    def carried(self, step: str) -> Any:
        """What `step` handed over in the last build, or None."""
        return self._carried.get(step)


class NoMemo(IdentityMemo):
    """A memo that remembers nothing (one-off builds, tests of the plain steps)."""

    def get(self, step, inputs, extra, compute):  # type: ignore[override]
        return compute()

    def carry(self, step: str, value: Any) -> None:
        pass
