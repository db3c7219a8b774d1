"""Site search: index the written HTML with Pagefind so readers can search in the browser.

Pagefind (`pagefind[bin]` on PyPI ships the indexer binary) reads the built pages and
writes a static index into `<output>/pagefind/`; the `/search/` page loads it with
JavaScript, so search works on any static host. Only what the article template marks
with `data-pagefind-body` (headline, dek, body) is indexed; navigation and footers are
not. This module is the file-system edge for that step: `index_site` runs the indexer,
`BackgroundIndexer` re-runs it after edits in `ssg serve`, debounced, off the request path.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ssg.config import SiteConfig
from ssg.errors import BuildFailed, Problem, error, warning
from ssg.writer import scratch_folder

BUNDLE = "pagefind"
SEARCH_URL = "/search/"
INDEX_PARTS = ("index", "fragment", "filter")
NO_BODY_NOTICE = "Did not find a data-pagefind-body element"
GLOB_PARTS = {"year": "[0-9][0-9][0-9][0-9]", "month": "[0-9][0-9]", "day": "[0-9][0-9]"}
INSTALL_HINT = "install it with pip install 'pagefind[bin]', or turn search off with 'search: false' in site.yml"


@dataclass(frozen=True, slots=True)
class SearchReport:
    """What one indexing run produced: pages indexed, index and bundle size, duration."""

    pages: int
    index_bytes: int
    bundle_bytes: int
    files: int
    seconds: float
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> str:
        """One line for the build summary."""
        return (
            f"Search index: {self.pages} pages, {format_size(self.index_bytes)} "
            f"(bundle {format_size(self.bundle_bytes)}, {self.files} files) in {self.seconds:.2f} s"
        )


def format_size(size: int) -> str:
    """'812 B', '14.2 KiB', '3.1 MiB'."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def pagefind_executable() -> Path | None:
    """The Pagefind binary: the extended one of `pagefind[extended]` when installed (it
    splits Chinese and Japanese text into words), else the one of `pagefind[bin]`, else
    one on PATH, else None."""
    for module in ("pagefind_bin_extended", "pagefind_bin"):  # the wheels bundling it
        try:
            get_executable = importlib.import_module(module).get_executable
        except (ImportError, AttributeError):
            continue
        try:
            return Path(get_executable())
        except FileNotFoundError:
            continue
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(found) if found else None


# languages written without spaces between words: Pagefind's standard build indexes each
# run of text as one word there, so a search finds almost nothing
UNSPACED_LANGUAGES = ("zh", "ja")
EXTENDED_HINT = "pip install 'pagefind[extended]' (a larger download) and build again"


def segmentation_warning(language: str, executable: Path) -> Problem | None:
    """A warning when the site's language needs the extended indexer and it is missing."""
    if language.split("-")[0].lower() not in UNSPACED_LANGUAGES:
        return None
    if "extended" in executable.name:
        return None
    return warning(
        f"search: words in '{language}' text are not split by the standard Pagefind "
        "indexer, so searches find few pages",
        hint=EXTENDED_HINT,
    )


def article_glob(permalink: str) -> str | None:
    """A Pagefind file glob that matches every article page the permalink pattern makes,
    and few other pages: '/{year}/{month}/{slug}/' -> '[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html'.
    None when the pattern has characters that mean something in a glob."""
    literal = re.sub(r"{\w+}", "", permalink)
    if any(c in literal for c in "*?[]{}!\\"):
        return None
    glob = re.sub(r"{(\w+)}", lambda m: GLOB_PARTS.get(m.group(1), "*"), permalink).lstrip("/")
    return glob + "index.html" if glob.endswith("/") or not glob else glob


def pagefind_command(
    executable: Path, site_dir: Path, bundle_dir: Path, language: str, glob: str | None = None
) -> list[str]:
    """The command line that indexes `site_dir` (only files matching `glob`, if given)
    into `bundle_dir`."""
    command = [
        str(executable),
        "--site",
        str(site_dir),
        "--output-path",
        str(bundle_dir),
        "--force-language",
        language,
    ]
    return [*command, "--glob", glob] if glob else command


def stage_view(out_dir: Path, staging: Path, fresh: set[str], files: Iterable[str]) -> Path:
    """A folder of hard links to the next version of every HTML page, for indexing.

    Pages in `fresh` come from `staging` (this build wrote them), the rest from
    `out_dir`; indexing the view before the output is touched means a failed index
    leaves the previous site, pages and index alike, as it was.
    """
    view = scratch_folder(out_dir.parent, ".ssg-search.")
    try:
        for relative in files:
            if not relative.endswith(".html"):
                continue
            source = (staging if relative in fresh else out_dir) / relative
            target = view / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
    except BaseException:  # a full disk, say: the caller reports it, nothing is left
        shutil.rmtree(view, ignore_errors=True)
        raise
    return view


def has_index(output_dir: Path) -> bool:
    """True when `output_dir` holds a complete search bundle."""
    return (output_dir / BUNDLE / "pagefind-entry.json").is_file()


def index_site(
    output_dir: Path, config: SiteConfig, articles: int | None = None, *, niceness: int = 0
) -> SearchReport:
    """Index the site written in `output_dir` into `output_dir/pagefind/`.

    With `articles` (how many article pages the build wrote), only files the permalink
    pattern can produce are read, which skips listing pages and saves about a quarter of
    the indexing time; should that find fewer pages, the whole site is read again. With
    no articles there is nothing to index and no bundle is written.

    The new bundle is written beside the old one and renamed into place, so a reader
    of the live folder (for instance `ssg serve`) never sees a half-written index.
    Raises BuildFailed with one located problem when the indexer is missing or fails.
    `niceness` lowers the indexer's CPU priority (the preview's background index must
    not slow down the next rebuild).
    """
    start = time.perf_counter()
    if articles == 0:
        return SearchReport(0, 0, 0, 0, time.perf_counter() - start)
    executable = pagefind_executable()
    if executable is None:
        raise BuildFailed(
            [error("search: the Pagefind indexer is not installed", hint=INSTALL_HINT)]
        )
    output_dir = output_dir.resolve()
    fresh = scratch_folder(output_dir, f".{BUNDLE}.")
    try:
        glob = article_glob(config.permalink) if articles else None
        log, pages = "", -1
        if glob:
            with contextlib.suppress(BuildFailed):  # Pagefind fails when nothing matches
                log, pages = run_pagefind(
                    executable, output_dir, fresh, config.language, glob, niceness=niceness
                )
        if pages < (articles or 1):
            shutil.rmtree(fresh)
            fresh.mkdir()
            log, pages = run_pagefind(
                executable, output_dir, fresh, config.language, niceness=niceness
            )
        if articles and pages <= 0:  # the indexer's writes failed: it still exits with 0
            raise BuildFailed(
                [
                    error(
                        f"search: the new index holds no page of the {articles} articles "
                        "(its files could not be written); the previous index was kept",
                        str(output_dir),
                        hint="check the free space and permissions where the site is written",
                    )
                ]
            )
        replace_bundle(fresh, output_dir / BUNDLE)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    index_bytes, bundle_bytes, files = measure(output_dir / BUNDLE)
    return SearchReport(
        pages=pages,
        index_bytes=index_bytes,
        bundle_bytes=bundle_bytes,
        files=files,
        seconds=time.perf_counter() - start,
        warnings=tuple(
            [
                *indexer_warnings(log),
                *filter(None, [segmentation_warning(config.language, executable)]),
            ]
        ),
    )


PAGEFIND_TIMEOUT = 1800  # seconds; a 10,000-article index takes about 30 s of CPU


def run_pagefind(
    executable: Path,
    site_dir: Path,
    bundle_dir: Path,
    language: str,
    glob: str | None = None,
    *,
    niceness: int = 0,
) -> tuple[str, int]:
    """Run the indexer once; returns its log and the number of pages indexed.

    While it runs, `stop_indexers()` (the preview shutting down) can end it."""
    command = pagefind_command(executable, site_dir, bundle_dir, language, glob)
    nice = shutil.which("nice") if niceness else None
    if nice:  # not preexec_fn, which may deadlock the child of a process with threads
        command = [nice, "-n", str(niceness), *command]
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError as exc:
        raise BuildFailed(
            [error(f"search: cannot run Pagefind ({executable}): {exc}", hint=INSTALL_HINT)]
        ) from exc
    with _RUNNING_LOCK:
        _RUNNING.add(process)
    try:
        out, err = process.communicate(timeout=PAGEFIND_TIMEOUT)
    except subprocess.TimeoutExpired as exc:  # a stuck indexer must not hang a build forever
        process.kill()
        process.communicate()
        raise BuildFailed(
            [
                error(
                    f"search: Pagefind did not finish within {PAGEFIND_TIMEOUT} s",
                    hint="the previous output was kept; try again, or set 'search: false'",
                )
            ]
        ) from exc
    except BaseException:  # Ctrl-C: it must not write on into a folder about to be deleted
        process.kill()
        process.wait()
        raise
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(process)
    if process.returncode != 0:
        raise BuildFailed([failure_problem(process.returncode, out + err)])
    return out, indexed_pages(bundle_dir)


_RUNNING: set[subprocess.Popen] = set()  # indexer processes of this process, while they run
_RUNNING_LOCK = threading.Lock()


def stop_indexers() -> None:
    """End every indexer this process is running (the preview is stopping); each of
    their runs fails, and the output keeps its previous index."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        with contextlib.suppress(OSError):
            process.kill()


def failure_problem(code: int, log: str) -> Problem:
    """A problem for a failed indexer run, quoting the end of its log."""
    tail = " | ".join(line.strip() for line in log.strip().splitlines()[-3:] if line.strip())
    return error(
        f"search: Pagefind failed with exit code {code}" + (f": {tail}" if tail else ""),
        hint="the previous output was kept; run with 'search: false' in site.yml to build without search",
    )


def indexer_warnings(log: str) -> list[Problem]:
    """Warnings worth showing from Pagefind's log."""
    if NO_BODY_NOTICE in log:
        return [
            warning(
                "search: no page marks its text with data-pagefind-body, so whole pages "
                "(navigation and footers included) were indexed",
                "layouts/article.html",
                hint="add data-pagefind-body to the headline, dek and body elements",
            )
        ]
    return []


def indexed_pages(bundle_dir: Path) -> int:
    """Pages in the index, from the bundle's `pagefind-entry.json`."""
    try:
        entry = json.loads((bundle_dir / "pagefind-entry.json").read_text(encoding="utf-8"))
        return sum(int(lang.get("page_count", 0)) for lang in entry["languages"].values())
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return 0


def measure(bundle_dir: Path) -> tuple[int, int, int]:
    """(index bytes, whole bundle bytes, file count): the index is what readers download
    as they search; the bundle adds Pagefind's scripts and WebAssembly."""
    index_bytes = bundle_bytes = files = 0
    for path in bundle_dir.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        files += 1
        bundle_bytes += size
        if path.relative_to(bundle_dir).parts[0] in INDEX_PARTS:
            index_bytes += size
    return index_bytes, bundle_bytes, files


def replace_bundle(fresh: Path, target: Path) -> None:
    """Move the new bundle to `target`, replacing any previous one by renames."""
    fresh.chmod(0o755)
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{BUNDLE}.old.", dir=target.parent))
        old.rmdir()
        target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        fresh.rename(target)


CLOSE_WAIT = 10.0  # seconds `BackgroundIndexer.close` waits for the run it ends


class BackgroundIndexer:
    """Re-indexes a live output folder in a background thread, debounced.

    `request()` returns at once; the index is rebuilt `delay` seconds after the last
    request, never twice at the same time, and once more if requests arrived while it
    ran. `on_done` receives each SearchReport, or the BuildFailed that stopped it (a
    failure is not reported when a newer request will run again anyway, as when a
    rebuild swapped the output folder under a running index).

    In `ssg serve`: build with `BuildOptions(search_index=False)` (the new output keeps
    the previous index), reload the browser, then call `request()`.
    """

    def __init__(
        self,
        output_dir: Path,
        config: SiteConfig,
        delay: float = 1.0,
        on_done: Callable[[SearchReport | BuildFailed], None] | None = None,
        index: Callable[[Path, SiteConfig], SearchReport] | None = None,
    ) -> None:
        self.output_dir = output_dir
        self.config = config
        self.delay = delay
        self.on_done = on_done
        # at low CPU priority: a save made while the index is rebuilt must not wait for it
        self._index = index or (lambda folder, config: index_site(folder, config, niceness=10))
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._running = False
        self._worker: threading.Thread | None = None  # the thread of the run in progress
        self._again = False
        self._closed = False

    def request(self) -> None:
        """Ask for a fresh index soon; repeated calls within `delay` collapse into one run."""
        with self._lock:
            if self._closed:
                return
            if self._running:
                self._again = True
                return
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self._run)
            self._timer.daemon = True
            self._timer.start()

    def _run(self) -> None:
        with self._lock:
            self._timer = None
            if self._closed:
                return
            self._running = True
            self._worker = threading.current_thread()
        try:
            try:
                outcome: SearchReport | BuildFailed = self._index(self.output_dir, self.config)
            except BuildFailed as failed:
                outcome = failed
            except OSError as exc:  # the folder was swapped by a rebuild mid-run
                outcome = BuildFailed([error(f"search: indexing interrupted: {exc}")])
            with self._lock:
                superseded = self._again and isinstance(outcome, BuildFailed)
            if self.on_done is not None and not superseded:
                self.on_done(outcome)
        finally:
            with self._lock:
                self._running = False
                again, self._again = self._again, False
            if again:
                self.request()

    def close(self) -> None:
        """Cancel a pending run, end one in progress and wait until it has deleted its
        scratch folder (the preview is stopping: the process may end right after)."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            worker = self._worker if self._running else None
        if worker is threading.current_thread():
            worker = None
        # an indexer the run starts just after a kill (it was between two) meets the next;
        # a run that will not end within CLOSE_WAIT is left (its scratch folder is swept
        # as stale later: see `scratch_folder`)
        deadline = time.monotonic() + CLOSE_WAIT
        while worker is not None and worker.is_alive() and time.monotonic() < deadline:
            stop_indexers()
            worker.join(0.05)
