"""The preview's HTTP side: safe path lookup, content types, and the request handler.

Only files inside the preview output folder are ever served: `..` segments (raw or
percent-encoded), absolute request targets and symlinks that lead outside the folder
all get the site's 404 page. HTML responses get the live-reload script added on the
way out; requests wait while a rebuild is swapping files, so a tab never sees a
half-built site.
"""

from __future__ import annotations

import contextlib
import ipaddress
import mimetypes
import os
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import quote, unquote, urlsplit

from ssg.livereload import EVENTS_PATH, Broker, inject

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".oga": "audio/ogg",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".vtt": "text/vtt; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".geojson": "application/geo+json",
}

CHUNK = 256 * 1024  # bytes sent at a time from a file


def content_type(name: str) -> str:
    """The Content-Type for a file name (explicit table first, then the system's guess)."""
    suffix = Path(name).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Lookup:
    """Where a request leads: a file to send, a redirect, or nothing (404)."""

    file: Path | None = None
    redirect: str | None = None


NOT_FOUND = Lookup()
# When there is no 404.html yet (say the first build failed), a page that still gets the
# live-reload script, so the tab shows the problems and reloads once they are fixed.
FALLBACK_404 = (
    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not found</title>'
    b"</head><body><h1>Not found</h1><p>Nothing is built at this address (yet).</p></body></html>"
)


LOCAL_NAMES = ("localhost", "ip6-localhost")


def is_loopback(host: str) -> bool:
    """True when `host` only accepts connections from this machine (127.0.0.0/8, ::1,
    localhost)."""
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def local_host_header(value: str | None) -> bool:
    """True when a request's Host header names this machine: `localhost` (or a name under
    `.localhost`) or a loopback address, with any port. A page on another site whose name
    an attacker points at 127.0.0.1 (DNS rebinding) sends its own name, and is refused."""
    if not value:
        return False
    host = value.strip().lower()
    if host.startswith("["):  # [::1]:8000
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    return host.endswith(".localhost") or is_loopback(host)


def request_path(target: str) -> str | None:
    """The decoded path of a request target, or None when it is not a plain path."""
    if target.startswith(("http://", "https://")):  # absolute-form: keep only its path
        target = urlsplit(target).path or "/"
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target.startswith("/"):
        return None
    path = unquote(target, errors="strict") if "%" in target else target
    if "\x00" in path or "\\" in path:
        return None
    return path


def lookup(folder: Path, base_path: str, target: str) -> Lookup:
    """Map a request target to a file inside `folder` (the output, served at `base_path`)."""
    try:
        path = request_path(target)
    except UnicodeDecodeError:
        return NOT_FOUND
    if path is None:
        return NOT_FOUND
    if base_path != "/":
        if path in ("/", base_path.rstrip("/")):
            return Lookup(redirect=base_path)
        if not path.startswith(base_path):
            return NOT_FOUND
        path = "/" + path[len(base_path) :]
    segments = [s for s in path.split("/") if s]
    if any(s in (".", "..") for s in segments):
        return NOT_FOUND
    root = folder.resolve()
    candidate = root.joinpath(*segments)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return NOT_FOUND
    if real != root and not real.is_relative_to(root):
        return NOT_FOUND  # a symlink leading out of the output
    if real.is_dir():
        if not path.endswith("/"):
            return Lookup(redirect=folder_location(base_path, segments, target))
        index = real / "index.html"
        if index.is_file() and index.resolve().is_relative_to(root):
            return Lookup(file=index.resolve())
        return NOT_FOUND
    return Lookup(file=real) if real.is_file() else NOT_FOUND


# characters a path segment may hold as they are (RFC 3986 `pchar`, besides letters,
# digits and `-._~`, which `quote` always keeps)
SEGMENT_SAFE = "!$&'()*+,;=:@"


def folder_location(base_path: str, segments: list[str], target: str) -> str:
    """Where a folder asked for without its slash redirects: its decoded path `segments`
    (below `base_path`) percent-encoded again, with a slash, and `target`'s query string.

    Built from the non-empty segments, so it always starts with a single slash: a
    Location of `//2026/` (from `/%2F2026`) would send the browser to another host."""
    query = target.split("?", 1)[1] if "?" in target else ""
    encoded = "".join("/" + quote(segment, safe=SEGMENT_SAFE) for segment in segments)
    return base_path.rstrip("/") + encoded + "/" + (f"?{query}" if query else "")


class Unsatisfiable(ValueError):
    """A byte range that starts past the end of the file (answered with 416)."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte a `Range` header asks for in a file of `size`
    bytes, or None to send the whole file (no header, several ranges, another unit, or a
    malformed one: ignoring the header is always allowed). Raises Unsatisfiable for a
    range beginning at or past the end.

    Media elements ask for ranges (`bytes=0-`, then `bytes=1048576-`): Safari plays no
    video or audio from a server that ignores them, and no browser can seek in one."""
    if not header:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    first_text, last_text = first_text.strip(), last_text.strip()
    if not dash or not (first_text or last_text):
        return None
    if not all(part.isdigit() for part in (first_text, last_text) if part):
        return None
    if not first_text:  # `bytes=-500`: the last 500 bytes
        length = int(last_text)
        if length == 0:
            raise Unsatisfiable(header)
        return max(0, size - length), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        raise Unsatisfiable(header)
    return first, min(last, size - 1)


class BuildGate:
    """Lets many requests read at once, but none while a rebuild is changing the files."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._writing = True
            self._cond.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class Site(Protocol):
    """What the handler needs from the running preview."""

    gate: BuildGate
    broker: Broker

    @property
    def output_dir(self) -> Path: ...

    @property
    def base_path(self) -> str: ...


class PreviewServer(ThreadingHTTPServer):
    """A threaded HTTP server that joins its request threads when closed.

    Closing first shuts down every open connection: a thread waiting on an idle one (a
    browser's preconnect) would otherwise hold up the stop for the handler's timeout."""

    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 128  # tabs reloading at once, each fetching its photos

    def __init__(self, address: tuple[str, int], site: Site):
        self.site = site
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.local_only = is_loopback(address[0])
        super().__init__(address, PreviewHandler)

    def handle_error(self, request, client_address) -> None:
        """A browser that goes away mid-response (a click, a reload) is no error."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def process_request(self, request, client_address) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        """Stop listening, end every open connection, and join the request threads."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by its thread
                connection.shutdown(socket.SHUT_RDWR)
        super().server_close()


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the preview: site files, the 404 page, and the event stream."""

    server: PreviewServer
    server_version = "ssg-serve"
    timeout = 60  # seconds a silent connection may stay open

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal shows rebuilds, not every request

    def do_HEAD(self) -> None:
        if self.host_allowed():
            self.respond(head=True)

    def do_GET(self) -> None:
        if not self.host_allowed():
            return
        if self.path.split("?", 1)[0] == EVENTS_PATH:
            self.stream_events()
            return
        self.respond(head=False)

    def host_allowed(self) -> bool:
        """Refuse (403) a request naming another host when the preview listens on this
        machine only: drafts must not be readable by a page from elsewhere."""
        if not self.server.local_only or local_host_header(self.headers.get("Host")):
            return True
        body = b"ssg serve answers requests for localhost and 127.0.0.1 only.\n"
        self.send_response(HTTPStatus.FORBIDDEN)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return False

    def respond(self, head: bool) -> None:
        site = self.server.site
        handle = None
        with site.gate.reading():
            generation = site.broker.generation
            folder = site.output_dir
            found = lookup(folder, site.base_path, self.path)
            if found.redirect:
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", found.redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = HTTPStatus.OK
            file = found.file
            if file is None:
                status = HTTPStatus.NOT_FOUND
                file = lookup(folder, "/", "/404.html").file  # never a symlink out
            kind = content_type(file.name) if file else CONTENT_TYPES[".html"]
            if file is None or kind.startswith("text/html"):
                body = file.read_bytes() if file else FALLBACK_404
            else:  # opened while no rebuild swaps files; read after, however long it takes
                handle = file.open("rb")
        if handle is not None:
            with handle:
                self.send_file(handle, kind, status, head)
            return
        body = inject(body, generation)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def send_file(self, handle: BinaryIO, kind: str, status: HTTPStatus, head: bool) -> None:
        """Send an open file, or the byte range the request asks for (206, or 416)."""
        size = os.fstat(handle.fileno()).st_size
        first, last = 0, size - 1
        if status is HTTPStatus.OK and not self.headers.get("If-Range"):
            try:
                wanted = byte_range(self.headers.get("Range"), size)
            except Unsatisfiable:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if wanted is not None:
                (first, last), status = wanted, HTTPStatus.PARTIAL_CONTENT
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(last - first + 1))
        if status is HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head:
            return
        handle.seek(first)
        left = last - first + 1
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break  # the file shrank since: the client sees a short response
            self.wfile.write(chunk)
            left -= len(chunk)

    def stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        events = self.server.site.broker.subscribe()
        try:
            for event in events:
                self.wfile.write(event)
                self.wfile.flush()
        except OSError:
            pass  # the tab went away
        finally:
            events.close()
