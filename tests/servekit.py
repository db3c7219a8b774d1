"""Helpers for tests of `ssg serve`: an in-process preview, raw HTTP, and an SSE reader."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from ssg.serve import Preview


@dataclass
class Running:
    """A started preview and the lines it printed."""

    preview: Preview
    lines: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.preview.port

    def get(
        self, path: str, method: str = "GET", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        return request(self.port, path, method, headers)

    def page(self, path: str) -> lxml.html.HtmlElement:
        status, _, body = self.get(path)
        assert status == 200, (path, status)
        return lxml.html.fromstring(body)

    def save_and_wait(self, root: Path, files: dict[str, str | None], timeout: float = 20) -> None:
        """Write (atomically, as many editors do) or delete files, then wait for the rebuild."""
        done = self.preview.rebuilds
        for name, text in files.items():
            path = root / name
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f".{path.name}.tmp")
                partial.write_text(text, encoding="utf-8")
                os.replace(partial, path)
        assert self.preview.wait_for_rebuilds(done + 1, timeout), "no rebuild after the save"


@contextlib.contextmanager
def running(root: Path, **options) -> Iterator[Running]:
    """Start a preview of the site at `root` on a free port; stop it afterwards."""
    lines: list[str] = []
    preview = Preview(
        root,
        root / "site.yml",
        port=0,
        echo=lines.append,
        report_problems=lambda problems: lines.extend(p.format() for p in problems),
        **options,
    )
    preview.start()
    try:
        yield Running(preview, lines)
    finally:
        preview.stop()


def request(
    port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request with http.client (the path is sent as given)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def raw_request(port: int, target: str) -> bytes:
    """Send a request line byte for byte over a socket; return the whole response."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


class EventReader:
    """Reads the preview's Server-Sent Events on a background thread."""

    def __init__(self, port: int):
        self.events: list[tuple[str, str]] = []
        self._cond = threading.Condition()
        self._conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self._conn.request("GET", "/__ssg__/events")
        self._response = self._conn.getresponse()
        self.content_type = self._response.getheader("Content-Type")
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self._response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and data:
                    with self._cond:
                        self.events.append((name, data))
                        self._cond.notify_all()
                    name, data = "message", ""
        except (OSError, ValueError):
            pass

    def wait_for(self, name: str, timeout: float = 20) -> str:
        """The data of the next unseen event called `name`."""
        with self._cond:
            ok = self._cond.wait_for(lambda: any(n == name for n, _ in self.events), timeout)
            assert ok, f"no {name!r} event; got {self.events}"
            index = next(i for i, (n, _) in enumerate(self.events) if n == name)
            return self.events.pop(index)[1]

    def names(self) -> list[str]:
        with self._cond:
            return [n for n, _ in self.events]

    def close(self) -> None:
        self._conn.close()


def wait_until(check: Callable[[], bool], timeout: float = 20, step: float = 0.05) -> bool:
    """Poll `check` until it is true or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()
