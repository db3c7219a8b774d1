"""The process pool in which the caller helps (`pmap_helping`): results in input order,
work shared with the forked helpers, their failures raised in the caller, never a hang."""

from __future__ import annotations

import itertools
import os
import signal
import time

import pytest

from ssg.parallel import MIN_PARALLEL, pmap_helping, shared

ITEMS = list(range(MIN_PARALLEL * 2))


def _who(item: int) -> tuple[int, int, object, object]:
    time.sleep(0.005)  # long enough for the helpers to start and take chunks
    return item, os.getpid(), signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)


def _fail_in_helper(item: int) -> int:
    if os.getpid() != shared():
        raise ValueError(f"item {item} failed in a helper")
    time.sleep(0.005)
    return item


def _die_in_helper(item: int) -> int:
    if os.getpid() != shared():
        os._exit(3)
    time.sleep(0.005)
    return item


def test_results_come_in_order_from_the_caller_and_its_helpers():
    results = list(pmap_helping(_who, ITEMS, 3))
    assert [r[0] for r in results] == ITEMS
    pids = {r[1] for r in results}
    assert os.getpid() in pids and len(pids) >= 2
    helpers = {(r[2], r[3]) for r in results if r[1] != os.getpid()}
    assert helpers == {(signal.SIG_DFL, signal.SIG_IGN)}  # see _worker_start


def test_a_helpers_exception_is_raised_in_the_caller():
    with pytest.raises(ValueError, match="failed in a helper"):
        list(pmap_helping(_fail_in_helper, ITEMS, 2, os.getpid()))


def test_a_helper_that_dies_is_an_error_not_a_hang():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="stopped without its results"):
        list(pmap_helping(_die_in_helper, ITEMS, 2, os.getpid()))
    assert time.monotonic() - start < 30


def test_small_batches_run_in_the_caller():
    results = list(pmap_helping(_who, ITEMS[:3], 2))
    assert {r[1] for r in results} == {os.getpid()}


def _mark_in_helper(item: int) -> int:
    caller, marker = shared()
    if os.getpid() != caller:
        marker.touch()
    return item


def test_meanwhile_runs_once_in_the_caller_while_the_helpers_work(tmp_path):
    marker = tmp_path / "a-helper-worked"
    calls: list[tuple[int, bool]] = []

    def meanwhile() -> None:  # waits for a helper's first item: they must run already
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        calls.append((os.getpid(), marker.exists()))

    state = (os.getpid(), marker)
    results = list(pmap_helping(_mark_in_helper, ITEMS, 2, state, meanwhile=meanwhile))
    assert results == ITEMS
    assert calls == [(os.getpid(), True)]


def test_meanwhile_runs_first_when_nothing_is_forked():
    order: list[str] = []
    results = pmap_helping(
        lambda item: order.append("item") or item,
        [1, 2],
        2,
        None,
        meanwhile=lambda: order.append("meanwhile"),
    )
    assert list(results) == [1, 2]
    assert order == ["meanwhile", "item", "item"]


def test_the_caller_works_from_the_front_and_its_helper_from_the_back():
    """Neighbouring items stay in one process: the caller's results are a prefix of the
    input and the helper's the rest (items that share work are put side by side)."""
    owners = [pid for _, pid, *_ in pmap_helping(_who, ITEMS, 2)]
    caller = os.getpid()
    assert owners[0] == caller and owners[-1] != caller
    switches = sum(1 for a, b in itertools.pairwise(owners) if a != b)
    assert switches == 1
