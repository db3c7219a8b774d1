"""Live reload: the browser script, its injection into served HTML, and the event stream.

The preview server injects a small script into every HTML response (never into files on
disk). The script listens to Server-Sent Events from `EVENTS_PATH`: `reload` reloads the
tab keeping its scroll position, `css` swaps stylesheets in place, `problems` shows an
overlay naming the broken file and line, and `clear` removes it. `Broker` fans events
out to every connected tab and remembers the current state for tabs that connect later.
"""

from __future__ import annotations

import json
import queue
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from ssg.errors import Problem

EVENTS_PATH = "/__ssg__/events"
CLIENT_SCRIPT = (Path(__file__).with_name("livereload.js")).read_text(encoding="utf-8")
SOURCE_CONTEXT = 2  # lines shown around the problem line in the overlay
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def script_tag(generation: int) -> bytes:
    """The inline script for a page rendered at `generation` of the preview."""
    settings = json.dumps({"events": EVENTS_PATH, "generation": generation})
    # settings holds only ASCII digits and a fixed path: safe inside a <script> element
    return f"<script>window.__ssg={settings};\n{CLIENT_SCRIPT}</script>".encode()


def inject(page: bytes, generation: int) -> bytes:
    """The page with the live-reload script added before its last `</body>` (or at the end)."""
    tag = script_tag(generation)
    ends = list(_BODY_END.finditer(page))
    if not ends:
        return page + tag
    at = ends[-1].start()
    return page[:at] + tag + page[at:]


def format_event(name: str, data: object) -> bytes:
    """One Server-Sent Event with a JSON payload."""
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def source_excerpt(path: Path, line: int, around: int = SOURCE_CONTEXT) -> list[list]:
    """[[number, text, is_problem_line], ...] for the lines around `line`, or [] if unreadable."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    first = max(1, line - around)
    last = min(len(lines), line + around)
    return [[n, lines[n - 1], n == line] for n in range(first, last + 1)]


def problem_payload(problems: Iterable[Problem], root: Path) -> list[dict]:
    """Problems as JSON-friendly dicts for the overlay, paths relative to the site, with source."""
    payload = []
    for problem in problems:
        item = problem.as_dict()
        if problem.path:
            path = Path(problem.path)
            try:
                in_site = not path.is_absolute() and (root / path).exists()
            except OSError:  # in a folder that cannot be read
                in_site = True
            full = root / path if in_site else path
            try:
                item["path"] = full.resolve().relative_to(root.resolve()).as_posix()
            except (ValueError, OSError, RuntimeError):  # outside, unreadable, a symlink loop
                item["path"] = problem.path
            if problem.line:
                item["source"] = source_excerpt(full, problem.line)
        payload.append(item)
    return payload


class Broker:
    """Delivers events to every connected tab; remembers the generation and open problems."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: set[queue.SimpleQueue] = set()
        self._closed = False
        self.generation = 0
        self.problems: list[dict] = []

    def connected(self) -> int:
        """How many tabs are listening."""
        with self._lock:
            return len(self._clients)

    def publish(self, name: str, data: dict) -> None:
        """Send one event to every connected tab."""
        event = format_event(name, data)
        with self._lock:
            for client in self._clients:
                client.put(event)

    def changed(self, css_only: bool, urls: Iterable[str]) -> None:
        """A rebuild changed some files: swap stylesheets or reload the tabs."""
        with self._lock:
            self.generation += 1
            self.problems = []
        data = {"generation": self.generation, "urls": list(urls)}
        self.publish("css" if css_only else "reload", data)

    def failed(self, problems: list[dict]) -> None:
        """A rebuild failed: show the problems in every tab."""
        with self._lock:
            self.problems = problems
        self.publish("problems", {"problems": problems})

    def fixed(self) -> None:
        """A rebuild succeeded without changing anything: remove any overlay."""
        with self._lock:
            had_problems, self.problems = bool(self.problems), []
        if had_problems:
            self.publish("clear", {"generation": self.generation})

    def subscribe(self, timeout: float = 15.0) -> Iterator[bytes]:
        """Events for one tab, starting with `hello`; a comment line keeps idle streams alive.

        The stream ends when the broker closes; the caller stops iterating when the
        browser goes away.
        """
        client: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            if self._closed:
                return
            self._clients.add(client)
            hello = {"generation": self.generation, "problems": self.problems}
        try:
            yield format_event("hello", hello)
            while True:
                try:
                    event = client.get(timeout=timeout)
                except queue.Empty:
                    yield b": keep-alive\n\n"
                    continue
                if event is None:
                    return
                yield event
        finally:
            with self._lock:
                self._clients.discard(client)

    def close(self) -> None:
        """End every stream, so server threads can finish."""
        with self._lock:
            self._closed = True
            for client in self._clients:
                client.put(None)
