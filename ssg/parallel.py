"""A process pool for the heavy, independent steps (parsing, Markdown, rendering).

Work items are mapped in order, so results come back in input order whatever the
number of processes, and the output cannot depend on `--jobs`. Workers are forked, so
they inherit the already-built site model and template cache instead of re-creating it.
Small batches run in-process: forking costs more than it saves for a handful of pages.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 64  # fewer items than this are handled in the calling process
# Batches a worker handles before it is replaced by a fresh fork (None: never). Reading
# an inherited object changes its reference count, which copies its memory page into
# the worker; replacing workers gives those copies back (lower peak memory), but a
# fresh worker also starts without the story cards its predecessor had rendered.
WORKER_TASKS: int | None = None

_shared: Any = None  # state inherited by forked workers; see `shared()`


def default_jobs() -> int:
    """The default number of processes: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def shared() -> Any:
    """The state handed to `pmap`, as seen inside a worker (or in-process)."""
    return _shared


def pmap(
    func: Callable[[T], R],
    items: list[T],
    jobs: int,
    state: Any = None,
    chunksize: int = 32,
) -> Iterator[R]:
    """Apply `func` to each item, in order, across `jobs` forked processes.

    `func` must be a module-level function; it reads `state` through `shared()`.
    """
    global _shared
    _shared = state
    use_pool = (
        jobs > 1
        and len(items) >= MIN_PARALLEL
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if not use_pool:
        try:
            yield from map(func, items)
        finally:
            _shared = None
        return
    context = multiprocessing.get_context("fork")
    # The collector in a worker must not touch (and so copy) the pages it inherited; the
    # parent stays frozen while the pool lives, in case a worker is forked again.
    gc.freeze()
    try:
        pool = context.Pool(
            min(jobs, max(1, len(items) // MIN_PARALLEL) or 1),
            initializer=_worker_start,
            maxtasksperchild=WORKER_TASKS,
        )
        try:
            size = max(1, min(chunksize, len(items) // (jobs * 8) or 1))
            yield from pool.imap(func, items, chunksize=size)
        except BaseException:  # an error, Ctrl-C, or the caller stopped early
            pool.terminate()
            raise
        else:
            pool.close()  # every result is in: the workers finish and exit by themselves
        finally:
            pool.join()
    finally:
        gc.unfreeze()
        _shared = None


def release_free_memory() -> None:
    """Hand memory the process has freed back to the system (glibc's `malloc_trim`).

    Freed blocks otherwise stay in the process's heap and count in its memory, and in
    that of every worker forked from it. Elsewhere than glibc this does nothing."""
    gc.collect()
    with contextlib.suppress(AttributeError, OSError):  # not glibc
        ctypes.CDLL(None).malloc_trim(0)


def _worker_start() -> None:
    """Undo signal handlers a worker inherits from its parent.

    `ssg serve` turns SIGTERM into KeyboardInterrupt for a clean shutdown. In a worker,
    that exception could strike while it holds the pool's shared queue lock, and the
    other worker would then wait for that lock forever. A worker dies at once on
    SIGTERM (the pool terminates it) and ignores Ctrl-C, which the parent handles.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Split an iterable into lists of at most `size` items."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
