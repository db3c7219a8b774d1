"""The sample site built for a path prefix and served by a real nginx: no broken internal link.

nginx maps /news/ to the output folder (as a host serving the site under a prefix would);
a crawler starts at /news/ and follows every href and src inside the site, including
absolute https://example.org/news/... URLs (canonical links, feeds, sitemaps), which
it maps to the local server.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest
from sample import build_sample

PUBLIC_BASE = "https://example.org/news/"
PREFIX = "/news/"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    types {{ application/atom+xml atom; }}
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    absolute_redirect off;
    server {{
        listen 127.0.0.1:{port};
        location = {bare_prefix} {{ return 301 {prefix}; }}
        location {prefix} {{
            alias {root}/;
            index index.html;
            error_page 404 {prefix}404.html;
        }}
    }}
}}
"""


@dataclass(frozen=True, slots=True)
class Server:
    origin: str  # http://127.0.0.1:PORT

    def url(self, path: str) -> str:
        return self.origin + path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail("nginx did not start listening within 10 s")


@pytest.fixture(scope="module")
def nginx(tmp_path_factory) -> Iterator[Server]:
    """The sample site built for https://example.org/news/, served under /news/ by nginx."""
    with pytest.MonkeyPatch.context() as patch:  # a build time with articles in the news sitemap
        patch.setenv("SSG_BUILD_TIME", "2026-11-29T12:00:00+07:00")
        out = build_sample(tmp_path_factory.mktemp("prefixed"), "--base-url", PUBLIC_BASE)
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            user="user root root;" if os.geteuid() == 0 else "",
            tmp=tmp,
            port=port,
            prefix=PREFIX,
            bare_prefix=PREFIX.rstrip("/"),
            root=out,
            mime_types="/etc/nginx/mime.types",
        )
    )
    log = tmp / "error.log"
    process = subprocess.Popen(
        [NGINX, "-e", str(log), "-p", str(tmp), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process, log)
        yield Server(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) without raising on error statuses."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def links_in(content_type: str, body: bytes, page_url: str) -> list[str]:
    """Every href and src in an HTML page, and every link and loc in a feed or sitemap."""
    if content_type == "text/html":
        doc = lxml.html.fromstring(body)
        found = doc.xpath("//@href | //@src")
        found += [
            part.strip().split()[0]
            for srcset in doc.xpath("//@srcset")
            for part in srcset.split(",")
            if part.strip()
        ]
        refresh = doc.xpath('//meta[@http-equiv="refresh"]/@content')
        found += [value.split("url=", 1)[1] for value in refresh if "url=" in value]
    elif content_type.endswith("xml"):
        doc = lxml.etree.fromstring(body)
        found = doc.xpath(
            "//@href | //*[local-name()='loc']/text() | //*[local-name()='link']/text()"
        )
    else:
        return []
    return [urljoin(page_url, str(link).strip()) for link in found]


def local(server: Server, url: str) -> str | None:
    """The local URL for a link inside the site, or None for a link elsewhere."""
    url = urldefrag(url).url
    if url.startswith(PUBLIC_BASE):
        return server.url(PREFIX + url[len(PUBLIC_BASE) :])
    if url.startswith(server.origin + "/"):
        return url
    return None


def test_crawl_from_the_prefix_finds_no_broken_link(nginx: Server):
    start = nginx.url(PREFIX)
    queue, seen, broken, outside = [start], {start}, [], []
    kinds: dict[str, int] = {}
    while queue:
        url = queue.pop()
        status, content_type, body = fetch(url)
        if status != 200:
            broken.append(f"{url} -> {status}")
            continue
        kinds[content_type] = kinds.get(content_type, 0) + 1
        for link in links_in(content_type, body, url):
            target = local(nginx, link)
            if target is None or target in seen:
                continue
            seen.add(target)
            if not urlsplit(target).path.startswith(PREFIX):
                outside.append(f"{url} links to {link}, outside {PREFIX}")
                continue
            queue.append(target)
    assert broken == []
    assert outside == []
    assert kinds["text/html"] >= 30  # articles, listings, topics, authors
    assert kinds["image/jpeg"] >= 10 and kinds["text/css"] == 1
    assert sum(n for kind, n in kinds.items() if kind.endswith("xml")) >= 10  # feeds, sitemaps


def test_feeds_sitemaps_and_robots_are_served(nginx: Server):
    for path in [
        "feed.xml",
        "topics/rice/feed.xml",
        "authors/linh-tran/feed.xml",
        "sitemap.xml",
        "news-sitemap.xml",
    ]:
        status, _, body = fetch(nginx.url(PREFIX + path))
        assert status == 200, path
        assert PUBLIC_BASE.encode() in body
    status, _, body = fetch(nginx.url(PREFIX + "robots.txt"))
    assert status == 200 and f"Sitemap: {PUBLIC_BASE}sitemap.xml".encode() in body


def test_missing_page_under_the_prefix_gets_the_404_page_with_working_links(nginx: Server):
    url = nginx.url(PREFIX + "no/such/story/")
    status, content_type, body = fetch(url)
    assert status == 404 and content_type == "text/html"
    assert b"Page not found" in body
    for link in links_in(content_type, body, url):
        target = local(nginx, link)
        if target is not None and target != url:
            assert urlsplit(target).path.startswith(PREFIX), link
            assert fetch(target)[0] == 200, link


def test_the_readme_block_sends_the_bare_prefix_to_the_home_page(nginx: Server):
    connection = http.client.HTTPConnection(urlsplit(nginx.origin).netloc, timeout=10)
    connection.request("GET", PREFIX.rstrip("/"))
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location") == PREFIX
    connection.close()


def test_alias_redirect_page_leads_to_the_article(nginx: Server):
    url = nginx.url(PREFIX + "2026/11/20/delta-salinity-november/")
    status, _, body = fetch(url)
    assert status == 200
    doc = lxml.html.fromstring(body)
    refresh = doc.xpath('//meta[@http-equiv="refresh"]/@content')[0]
    target = urljoin(url, refresh.split("url=", 1)[1])
    assert target == nginx.url(PREFIX + "2026/11/20/salinity-crisis/")
    status, _, article = fetch(target)
    assert status == 200 and b"Salt water pushes deeper" in article
