"""`ssg serve`: build, serve over HTTP, rebuild on every save, and tell the open tabs.

`Preview` ties the parts together: a `Rebuilder` (how to rebuild), a `Watcher` and
`Debouncer` (when), the HTTP server (what the browser sees) and the live-reload
`Broker` (how tabs learn about a rebuild). It prints one line per rebuild.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from ssg.errors import Problem, error
from ssg.httpd import BuildGate, PreviewServer
from ssg.livereload import Broker, problem_payload
from ssg.previewdir import PreviewFolder, claim_preview_folder, preview_cache_folder
from ssg.rebuild import EngineRebuilder, Rebuilder, RebuildReport
from ssg.watch import Debouncer, Watcher
from ssg.writer import signals_handled


def url_host(host: str) -> str:
    """`host` as written inside a URL (IPv6 addresses in brackets)."""
    return f"[{host}]" if ":" in host else host


def shown_path(path: Path, root: Path) -> str:
    """`path` relative to `root` when inside it, printable (bytes of a file name that are
    not UTF-8 become U+FFFD)."""
    try:
        name = path.relative_to(root).as_posix()
    except ValueError:
        name = path.as_posix()
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def is_gone(path: Path) -> bool:
    """True when nothing is at `path` any more (a symlink, even a broken one, is there;
    so is a file in a folder that cannot be read)."""
    try:
        path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def describe_changes(paths: frozenset[Path], root: Path) -> str:
    """'content/a.md', 'content/a.md (deleted)', or 'content/a.md, b.css and 3 more'."""
    names = []
    for path in sorted(paths):
        name = shown_path(path, root)
        names.append(f"{name} (deleted)" if is_gone(path) else name)
    if not names:
        return "initial build"
    if len(names) <= 3:
        return ", ".join(names)
    return f"{', '.join(names[:2])} and {len(names) - 2} more"


def rebuild_line(changes: str, report: RebuildReport, ms: float) -> str:
    """The one terminal line for a rebuild."""
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    if report.failed:
        errors = sum(p.is_error for p in report.problems)
        return (
            f"{stamp} {changes}: build failed with {errors} error(s) in {ms:.0f} ms; "
            "still serving the last good pages"
        )
    pages = "page" if report.pages_written == 1 else "pages"
    what = f"{report.pages_written} {pages} written"
    others = len(report.changed_urls) - report.pages_written
    if others:
        what += f", {others} other file{'s' if others != 1 else ''}"
    if report.css_only:
        what += " (stylesheet swapped in place)"
    rendered = f", {report.pages_rendered} rendered" if report.pages_rendered else ""
    return f"{stamp} {changes}: {what}{rendered} in {ms:.0f} ms"


class Preview:
    """A running preview: initial build, HTTP server, watcher and rebuild loop."""

    def __init__(
        self,
        root: Path,
        config_path: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        drafts: bool = True,
        echo: Callable[[str], None] = print,
        report_problems: Callable[[list[Problem]], None] | None = None,
        debug: bool = False,
        rebuilder: Rebuilder | None = None,
        now: dt.datetime | None = None,
    ):
        self.root = root
        self.config_path = config_path
        self.host = host
        self.port = port
        self.echo = echo
        self.report_problems = report_problems or (
            lambda problems: [echo(p.format()) for p in problems]
        )
        self.debug = debug
        self.gate = BuildGate()
        self.broker = Broker()
        self.claim: PreviewFolder | None = None  # the preview folder, held while running
        if rebuilder is None:
            self.claim = claim_preview_folder(preview_cache_folder(root, config_path))
            rebuilder = EngineRebuilder(
                root,
                config_path,
                self.claim.folder,
                drafts=drafts,
                base_url_for=self._base_url,
                hold=self.gate.writing,
                now=now,
            )
        self.rebuilder: Rebuilder = rebuilder
        self._httpd: PreviewServer | None = None
        self._http_thread: threading.Thread | None = None
        self._watcher = Watcher(root, config_path.resolve(), self._on_paths)
        self._debouncer = Debouncer(self._on_batch)
        self._shown_warnings: set[Problem] = set()
        self._stopped = False
        self.rebuilds = 0  # completed rebuilds, for tests and benchmarks
        self._rebuilt = threading.Condition()

    @property
    def output_dir(self) -> Path:
        return self.rebuilder.output_dir

    @property
    def base_path(self) -> str:
        return self.rebuilder.base_path

    @property
    def url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}{self.base_path}"

    def _base_url(self, base_path: str) -> str:
        return f"http://{url_host(self.host)}:{self.port}{base_path}"

    def bind(self) -> None:
        """Open the listening socket (raises OSError when the address is in use)."""
        if self._httpd is None:
            self._httpd = PreviewServer((self.host, self.port), self)
            self.port = self._httpd.server_address[1]

    def start(self) -> RebuildReport:
        """Bind the port if needed, build once, then start serving and watching.

        The first build may fail: the server still starts and shows the problems
        until they are fixed. On any exception everything started so far is stopped.
        """
        self.bind()
        assert self._httpd is not None
        try:
            self._watcher.start()  # saves made during the first build trigger a rebuild after it
            report = self._rebuild(frozenset())
            self._http_thread = threading.Thread(
                target=self._httpd.serve_forever, args=(0.1,), name="ssg-http", daemon=True
            )
            self._http_thread.start()
            self._debouncer.start()
        except BaseException:
            self.stop()
            raise
        return report

    def stop(self) -> None:
        """Stop watching, end the event streams, and shut the server down; joins every thread.

        A second Ctrl-C (or SIGTERM) meanwhile is ignored: the stop waits for a rebuild under
        way, and one cut short would leave the event streams open (the process would not
        end while a tab is) and the preview folder claimed."""
        if self._stopped:
            return
        self._stopped = True
        with repeated_interrupts_ignored():
            self._stop()

    def _stop(self) -> None:
        self._watcher.stop()
        self._debouncer.stop()
        close = getattr(self.rebuilder, "close", None)
        if close is not None:
            close()
        self.broker.close()
        if self._http_thread is not None:
            self._httpd.shutdown()  # only valid once serve_forever has started
            self._http_thread.join()
        if self._httpd is not None:
            self._httpd.server_close()
        if self.claim is not None:
            self.claim.release()

    def wait_for_rebuilds(self, count: int, timeout: float) -> bool:
        """Block until `count` rebuilds have completed (True) or `timeout` passes (False)."""
        with self._rebuilt:
            return self._rebuilt.wait_for(lambda: self.rebuilds >= count, timeout)

    def _on_paths(self, paths: list[Path]) -> None:
        self._debouncer.add(paths)

    def _on_batch(self, paths: frozenset[Path]) -> None:
        if self._stopped:  # Ctrl-C came while the batch was gathering: no rebuild
            return
        if self._watcher.refresh():  # a renewed watch: changes may have gone unseen
            self._rebuild(frozenset(), "a watched folder was replaced: full rebuild")
        else:
            self._rebuild(paths)
        if self._stopped:  # Ctrl-C came during that rebuild: no second one
            return
        # the rebuild trusted the watcher's paths: with the tab reloaded, check the rest
        try:
            verified = self.rebuilder.verify()
        except Exception:  # the full rebuild that follows reports what is wrong
            verified = False
        if not verified:
            self._rebuild(frozenset(), "a change the watcher missed: full rebuild")

    def _rebuild(self, paths: frozenset[Path], why: str | None = None) -> RebuildReport:
        """Rebuild after `paths` changed (none: look at everything), and say so in one
        terminal line, headed by `why` or by the changed paths."""
        start = time.perf_counter()
        try:  # requests are held only while the rebuilder moves files into the preview
            report = self.rebuilder.rebuild(paths)
        except Exception as exc:  # a bug must not stop the preview
            if self.debug:
                traceback.print_exception(exc)
            message = f"unexpected failure: {type(exc).__name__}: {exc}"
            report = RebuildReport(problems=(error(message, hint="run with --debug for details"),))
        ms = (time.perf_counter() - start) * 1000
        with self.gate.writing():  # a page served after this carries the new generation
            self._announce(why or describe_changes(paths, self.root), report, ms)
        with self._rebuilt:
            self.rebuilds += 1
            self._rebuilt.notify_all()
        return report

    def _announce(self, changes: str, report: RebuildReport, ms: float) -> None:
        self.echo(rebuild_line(changes, report, ms))
        if report.failed:
            self.report_problems(list(report.problems))
            errors = [p for p in report.problems if p.is_error]
            self.broker.failed(problem_payload(errors, self.root))
            return
        fresh = [p for p in report.problems if p not in self._shown_warnings]
        self._shown_warnings |= set(fresh)
        if fresh:
            self.report_problems(fresh)
        if report.changed_urls:
            self.broker.changed(report.css_only, report.changed_urls)
        else:
            self.broker.fixed()


def stop_on_signals() -> None:
    """Make Ctrl-C and SIGTERM stop the preview cleanly, even when started in the background
    (where shells ignore SIGINT)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


STILL_STOPPING = b"Still stopping: a rebuild under way, if any, finishes first.\n"


def repeated_interrupts_ignored() -> AbstractContextManager[None]:
    """Ignore SIGINT and SIGTERM while the block runs, saying so once on stderr."""
    told: list[bool] = []

    def ignore(_number: int, _frame: object) -> None:
        if not told:
            told.append(True)
            with contextlib.suppress(OSError):  # no buffered stream: safe in a handler
                os.write(2, STILL_STOPPING)

    return signals_handled(ignore)


def ignore_interrupts() -> None:
    """Ignore SIGINT and SIGTERM from now on: the process is ending, and a repeated Ctrl-C
    must cut neither the stop nor the exit short (`Preview.stop` still says it is busy)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def wait_for_interrupt() -> None:
    """Block until Ctrl-C (SIGINT) or SIGTERM raises KeyboardInterrupt."""
    while True:
        time.sleep(3600)
