"""The identity memo: a step's result is reused only for the very same input objects."""

from __future__ import annotations

from dataclasses import dataclass

from ssg.errors import warning
from ssg.memo import IdentityMemo, NoMemo


@dataclass(frozen=True, slots=True)
class Item:
    name: str


def test_same_objects_give_the_remembered_result_and_equal_ones_do_not():
    memo = IdentityMemo()
    memo.start_build("scope")
    item = Item("a")
    calls = []

    def step(value):
        return memo.get("step", (value,), None, lambda: calls.append(value) or value.name.upper())

    assert step(item) == "A"
    memo.end_build()
    memo.start_build("scope")
    assert step(item) == "A"
    assert step(Item("a")) == "A"  # equal, but another object: computed again
    assert calls == [item, Item("a")]


def test_problems_are_reported_again_when_the_result_is_reused():
    memo = IdentityMemo()
    item = Item("a")
    for _ in range(2):
        memo.start_build("scope")
        found: list = []
        memo.get_with_problems(
            "step", (item,), None, lambda out: out.append(warning("careful")) or 1, found
        )
        memo.end_build()
        assert [p.message for p in found] == ["careful"]


def test_a_new_scope_or_an_unused_entry_is_forgotten():
    memo = IdentityMemo()
    item = Item("a")
    counter = iter(range(100))

    def step():
        return memo.get("step", (item,), None, lambda: next(counter))

    memo.start_build("one")
    first = step()
    memo.end_build()
    memo.start_build("two")  # the configuration changed
    assert step() != first
    memo.end_build()
    memo.start_build("two")
    memo.end_build()  # a build that did not use the entry
    memo.start_build("two")
    assert step() == first + 2


def test_no_memo_always_computes():
    memo = NoMemo()
    counter = iter(range(10))
    assert [memo.get("s", (), None, lambda: next(counter)) for _ in range(3)] == [0, 1, 2]
