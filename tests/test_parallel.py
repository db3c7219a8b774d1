"""The process pool in which the caller helps (`pmap_helping`): results in input order,
work shared with the forked helpers, their failures raised in the caller, never a hang."""

from __future__ import annotations

import gc
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from servekit import wait_until

from ssg.parallel import MIN_PARALLEL, freeze_heap, pmap, pmap_helping, shared, thaw_heap

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


def _fail_in_caller(item: int) -> int:
    if os.getpid() == shared():
        raise KeyError(f"item {item} failed in the caller")
    time.sleep(0.005)
    return item


def test_the_callers_work_thread_raises_in_the_caller_and_never_outlives_the_map():
    """The caller does its share in a thread of its own (a fresh malloc arena): its
    exceptions still reach the caller, and the thread is gone once the map ends, so
    the next fork copies a single-threaded process."""
    before = threading.active_count()
    assert [r[0] for r in pmap_helping(_who, ITEMS, 2)] == ITEMS
    assert threading.active_count() == before
    with pytest.raises(KeyError, match="failed in the caller"):
        list(pmap_helping(_fail_in_caller, ITEMS, 2, os.getpid()))
    assert threading.active_count() == before


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


def _frozen_count(item: int) -> int:
    return gc.get_freeze_count()


@pytest.fixture
def thawed():
    """A heap nothing froze (a live builder tested earlier in this process leaves its
    model frozen, as `ssg serve` does)."""
    gc.unfreeze()


@pytest.mark.parametrize("run", [pmap, pmap_helping])
def test_the_pools_freeze_the_heap_and_thaw_only_their_own_freeze(run, thawed):
    counts = list(run(_frozen_count, ITEMS, 2))
    assert min(counts) > 0  # workers and caller ran with the inherited heap frozen
    assert gc.get_freeze_count() == 0  # given back to the collector afterwards
    first = freeze_heap()
    try:
        list(run(_frozen_count, ITEMS, 2))
        assert gc.get_freeze_count() > 0  # an outer freeze is not undone
    finally:
        thaw_heap(first)
    assert first and gc.get_freeze_count() == 0


def test_a_build_gives_its_frozen_model_back_to_the_collector(tmp_path, thawed):
    from ssg.engine import Builder

    from conftest import TINY_SITE, write_site

    root = write_site(tmp_path / "site", TINY_SITE)
    report = Builder(root, jobs=2).build()
    assert report.ok, report.problems
    assert gc.get_freeze_count() == 0


INTERRUPTED_POOL = """
import signal, sys, time
from ssg.parallel import pmap, pmap_helping

def slow(item):
    time.sleep(0.01)
    return item

signal.signal(signal.SIGTERM, signal.default_int_handler)  # as ssg serve does
mapper = pmap if sys.argv[1] == "pmap" else pmap_helping
try:
    for done, _ in enumerate(mapper(slow, list(range(100_000)), 4)):
        if done == 0:
            print("working", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def group_is_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("mapper", ["pmap", "pmap_helping"])
def test_ctrl_c_twice_in_quick_succession_stops_the_pool(tmp_path: Path, mapper: str):
    """A wrapper forwarding Ctrl-C to a process that already got it from the terminal:
    the second signal, a millisecond after the first, used to land inside
    Pool.terminate(), and the join() after it waited forever."""
    script = tmp_path / "interrupted_pool.py"
    script.write_text(INTERRUPTED_POOL)
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, str(script), mapper],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as under a terminal
        )
        try:
            assert proc.stdout is not None and proc.stdout.readline() == "working\n"
            os.killpg(proc.pid, signal.SIGINT)
            time.sleep(0.001)
            os.killpg(proc.pid, signal.SIGINT)
            out, _ = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        assert out == "interrupted\n"
        assert wait_until(lambda pid=proc.pid: group_is_gone(pid), timeout=2), "stray workers"
