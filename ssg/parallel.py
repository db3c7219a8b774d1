"""A process pool for the heavy, independent steps (parsing, Markdown, rendering).

Work items are mapped in order, so results come back in input order whatever the
number of processes, and the output cannot depend on `--jobs`. Workers are forked, so
they inherit the already-built site model and template cache instead of re-creating it.
Small batches run in-process: forking costs more than it saves for a handful of pages.
Rendering uses `pmap_helping`, in which the calling process renders too, beside one
helper fewer: each forked process copies the pages of the site model it reads.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import functools
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
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


def _forks(jobs: int, count: int) -> bool:
    """True when `count` items are worth forking processes for (and forking exists)."""
    return jobs > 1 and count >= MIN_PARALLEL and "fork" in multiprocessing.get_all_start_methods()


def _chunk_size(count: int, jobs: int, most: int) -> int:
    """Items per task: at most `most`, and about eight tasks per process at least."""
    return max(1, min(most, count // (jobs * 8) or 1))


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
    if not _forks(jobs, len(items)):
        try:
            yield from map(func, items)
        finally:
            _shared = None
        return
    context = multiprocessing.get_context("fork")
    # The collector in a worker must not touch (and so copy) the pages it inherited; the
    # parent stays frozen while the pool lives, in case a worker is forked again.
    first_freeze = freeze_heap()
    try:
        pool = context.Pool(
            min(jobs, max(1, len(items) // MIN_PARALLEL) or 1),
            initializer=_worker_start,
            maxtasksperchild=WORKER_TASKS,
        )
        finished = False
        try:
            yield from pool.imap(func, items, chunksize=_chunk_size(len(items), jobs, chunksize))
            finished = True
        finally:
            with interrupts_held():  # a second Ctrl-C here would leave join() waiting forever
                if finished:
                    pool.close()  # every result is in: the workers finish and exit by themselves
                else:  # an error, Ctrl-C, or the caller stopped early
                    pool.terminate()
                pool.join()
    finally:
        thaw_heap(first_freeze)
        _shared = None


INTERRUPT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while worker processes are stopped and joined.

    A KeyboardInterrupt raised halfway through `Pool.terminate()` leaves the pool half
    stopped, and the `join()` after it waits forever: a second Ctrl-C a few milliseconds
    after the first (a wrapper forwarding the signal to a process that already got it
    from the terminal) hung `ssg serve` and `ssg build`. A signal that came in meanwhile
    is delivered once the block ends, unless a KeyboardInterrupt is already on its way
    out (the same request to stop). Only the main thread receives these signals; in any
    other thread this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in INTERRUPT_SIGNALS}
    previous = {signum: handler for signum, handler in previous.items() if handler is not None}
    for signum in previous:
        signal.signal(signum, lambda number, frame: held.append(number))
    stopping = isinstance(sys.exc_info()[1], KeyboardInterrupt)  # cleaning up after one
    try:
        yield
    except KeyboardInterrupt:
        stopping = True
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if not stopping:
            for signum in dict.fromkeys(held):
                signal.raise_signal(signum)


def freeze_heap() -> bool:
    """Leave every object alive now out of the cyclic garbage collector's passes, and
    say whether the heap was not frozen before (the caller then thaws it: `thaw_heap`).

    A full pass walks every object the process holds: 50-100 ms each time over the
    model of a 10,000-article site. A build's model is made of frozen, acyclic objects
    that reference counting frees anyway, so it can stay out of those passes while the
    build runs; and a forked process whose collector walked the model would copy every
    memory page of it. Freezes nest: only the first one's thaw gives objects back."""
    first = gc.get_freeze_count() == 0
    gc.freeze()
    return first


def thaw_heap(first_freeze: bool) -> None:
    """Give frozen objects back to the collector, if `freeze_heap` said this freeze was
    the first."""
    if first_freeze:
        gc.unfreeze()


def pmap_helping(
    func: Callable[[T], R],
    items: list[T],
    jobs: int,
    state: Any = None,
    chunksize: int = 32,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[R]:
    """Like `pmap`, but the calling process works through the items too, beside
    `jobs - 1` forked helpers: one process fewer for the same number of cores.

    `meanwhile`, when given, is called in the calling process once the helpers have
    started, before it takes any item: other work of the caller's then overlaps theirs
    (without helpers, it is simply called first).

    For steps that read a large inherited state (rendering reads the site model): a
    forked process copies each memory page of the state it touches, so every process
    spared saves that copy; the caller, which only collects small results, would
    otherwise sit idle. Chunks are handed out one at a time, the caller taking them from
    the front and the helpers from the back, so the work stays balanced and each process
    works through neighbouring items (put items that share work, such as pages showing
    the same story cards, next to each other); results come back in input order.

    Every process does its share in a thread of its own (`_FreshArena`).
    """
    global _shared
    if not _forks(jobs, len(items)):
        if meanwhile is not None:
            meanwhile()
        yield from pmap(func, items, 1, state)
        return
    size = _chunk_size(len(items), jobs, chunksize)
    chunks = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    claim = _ChunkCounter(context, len(chunks))
    results = context.SimpleQueue()
    _shared = state
    first_freeze = freeze_heap()  # see `pmap`
    helpers = [
        context.Process(target=_help, args=(func, items, chunks, claim, results), daemon=True)
        for _ in range(jobs - 1)
    ]
    arena: _FreshArena | None = None
    try:
        for helper in helpers:
            helper.start()
        arena = _FreshArena()  # after the forks: a process is best forked from one thread
        if meanwhile is not None:
            arena.run(meanwhile)
        done: dict[int, list[R]] = {}
        for wanted in range(len(chunks)):
            while wanted not in done:  # collect what came in, else work, else wait
                if not results.empty():
                    _receive(results.get(), done)
                elif (mine := claim.next()) is not None:
                    start, end = chunks[mine]
                    done[mine] = arena.run(functools.partial(_apply, func, items, start, end))
                else:  # every chunk is taken: wait for the helpers' results
                    _wait_for(results, helpers, done)
            yield from done.pop(wanted)
    finally:
        with interrupts_held():
            if arena is not None:
                arena.close()
            for helper in helpers:
                if helper.is_alive():
                    helper.terminate()
                helper.join()
        results.close()
        thaw_heap(first_freeze)
        _shared = None


class _ChunkCounter:
    """The chunks still to take, shared by the caller and its helpers: the caller takes
    them from the front, the helpers from the back, until the two ends meet."""

    def __init__(self, context: Any, count: int):
        self._ends = context.RawArray("q", [0, count])  # the next front chunk, the back end
        self._lock = context.Lock()

    def next(self, from_back: bool = False) -> int | None:
        with self._lock:
            front, back = self._ends[0], self._ends[1]
            if front >= back:
                return None
            if from_back:
                self._ends[1] = back - 1
                return back - 1
            self._ends[0] = front + 1
            return front


def _apply(func: Callable[[T], R], items: list[T], start: int, end: int) -> list[R]:
    return [func(items[i]) for i in range(start, end)]


class _FreshArena:
    """A thread that runs the calls handed to it, one at a time, while the caller waits.

    glibc's malloc gives a new thread its own arena. The building process's main arena
    is left in thousands of free pieces once the parsed bodies are written out and
    freed (`ssg.bodies`), and its forked helpers inherit that heap: every large block
    freed there (a page's HTML, a body read back) was then sorted into long lists of
    free blocks, which took 5-6% of a cold build's CPU. Allocated from a thread's
    fresh arena, the same blocks cost next to nothing.
    """

    def __init__(self) -> None:
        self._executor = concurrent.futures.ThreadPoolExecutor(1, "ssg-work")

    def run(self, call: Callable[[], R]) -> R:
        """The result of `call()`, run in the thread; its exception is raised here."""
        return self._executor.submit(call).result()

    def close(self) -> None:
        """Stop the thread, once the call it is running (if any) has returned."""
        self._executor.shutdown(wait=True, cancel_futures=True)


def _help(func, items, chunks, claim: _ChunkCounter, results) -> None:
    """A helper process: take chunks until none is left, send back each one's results
    (in a thread of its own: see `_FreshArena`)."""
    _worker_start()
    arena = _FreshArena()
    try:
        arena.run(lambda: _help_with(func, items, chunks, claim, results))
    finally:
        arena.close()


def _help_with(func, items, chunks, claim: _ChunkCounter, results) -> None:
    while (mine := claim.next(from_back=True)) is not None:
        start, end = chunks[mine]
        try:
            results.put((mine, _apply(func, items, start, end), None))
        except BaseException as exc:  # handed to the caller, which raises it
            results.put((mine, None, _picklable(exc)))
            return


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _receive(message: tuple, done: dict) -> None:
    chunk, values, exc = message
    if exc is not None:
        raise exc
    done[chunk] = values


def _wait_for(results: Any, helpers: list, done: dict) -> None:
    """Block until a helper sends a result; fail if every helper has stopped without."""
    while not results._reader.poll(0.1):
        if all(h.exitcode is not None for h in helpers) and results.empty():
            codes = ", ".join(str(h.exitcode) for h in helpers)
            raise RuntimeError(f"a worker process stopped without its results (exit {codes})")
    _receive(results.get(), done)


def release_free_memory() -> None:
    """Hand memory the process has freed back to the system (glibc's `malloc_trim`).

    Freed blocks otherwise stay in the process's heap and count in its memory, and in
    that of every worker forked from it. Elsewhere than glibc this does nothing."""
    with contextlib.suppress(AttributeError, OSError, TypeError):  # not glibc
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
