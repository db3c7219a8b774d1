"""The preview's HTTP side: path safety, content types, index pages, 404s, base path, injection."""

from __future__ import annotations

import os
import socket
import struct
from pathlib import Path

import pytest
from servekit import raw_request, running

from ssg.httpd import Unsatisfiable, byte_range, content_type, lookup

from conftest import TINY_SITE, write_site

SECRET = "TOP-SECRET-OUTSIDE-THE-OUTPUT"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "site" / "out"
    write_site(
        folder,
        {
            "index.html": "<html><body>home</body></html>",
            "a/index.html": "<html><body>a</body></html>",
            "css/style.css": "h1{}",
            "404.html": "<html><body>missing</body></html>",
        },
    )
    (tmp_path / "secret.txt").write_text(SECRET)
    return folder


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/", "index.html"),
        ("/a/", "a/index.html"),
        ("/a/index.html", "a/index.html"),
        ("/css/style.css?v=3", "css/style.css"),
        ("/css/%73tyle.css", "css/style.css"),
        ("http://127.0.0.1:8000/a/", "a/index.html"),
    ],
)
def test_lookup_finds_files_inside_the_output(out: Path, target: str, expected: str):
    assert lookup(out, "/", target).file == (out / expected).resolve()


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/../../secret.txt",
        "/a/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/%00",
        "/%ff",
        "etc/passwd",
        "/missing/",
    ],
)
def test_lookup_refuses_everything_else(out: Path, target: str):
    found = lookup(out, "/", target)
    assert found.file is None and found.redirect is None


def test_lookup_refuses_symlinks_leading_out(out: Path, tmp_path: Path):
    (out / "link.txt").symlink_to(tmp_path / "secret.txt")
    (out / "linkdir").symlink_to(tmp_path, target_is_directory=True)
    assert lookup(out, "/", "/link.txt").file is None
    assert lookup(out, "/", "/linkdir/secret.txt").file is None


def test_lookup_redirects_folders_to_their_slash(out: Path):
    assert lookup(out, "/", "/a").redirect == "/a/"
    assert lookup(out, "/news/", "/news/a?x=1").redirect == "/news/a/?x=1"


def test_lookup_redirects_non_ascii_folders_percent_encoded(out: Path):
    write_site(out, {"tin-tức/anong/index.html": "<html><body>x</body></html>"})
    found = lookup(out, "/", "/tin-t%E1%BB%A9c/anong?x=%C3%A9")
    assert found.redirect == "/tin-t%E1%BB%A9c/anong/?x=%C3%A9"
    assert lookup(out, "/news/", "/news/tin-t%E1%BB%A9c").redirect == "/news/tin-t%E1%BB%A9c/"


@pytest.mark.parametrize("base_path", ["/", "/news/"])
@pytest.mark.parametrize("extra", ["%2F", "%2F%2F", "/%2F", "%2f/", "%5C"])
def test_lookup_never_redirects_to_another_host(out: Path, base_path: str, extra: str):
    target = base_path.rstrip("/") + "/" + extra + "a?x=1"
    redirect = lookup(out, base_path, target).redirect
    assert redirect in (None, base_path + "a/?x=1"), (target, redirect)


def test_lookup_with_a_base_path(out: Path):
    assert lookup(out, "/news/", "/news/a/").file == (out / "a/index.html").resolve()
    assert lookup(out, "/news/", "/").redirect == "/news/"
    assert lookup(out, "/news/", "/news").redirect == "/news/"
    assert lookup(out, "/news/", "/a/").file is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("feed.xml", "application/xml; charset=utf-8"),
        ("photo.jpg", "image/jpeg"),
        ("logo.PNG", "image/png"),
        ("icon.svg", "image/svg+xml"),
        ("font.woff2", "font/woff2"),
        ("data.json", "application/json"),
        ("unknown.zzz-nothing", "application/octet-stream"),
    ],
)
def test_content_types(name: str, expected: str):
    assert content_type(name) == expected


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "site", TINY_SITE)
    (tmp_path / "secret.txt").write_text(SECRET)
    write_site(root, {"assets/fonts/x.woff2": b"wOF2fake"})
    return root


TRAVERSALS = [
    "/../secret.txt",
    "/../../secret.txt",
    "/../../../../../../../../etc/passwd",
    "/%2e%2e/secret.txt",
    "/%2e%2e/%2e%2e/secret.txt",
    "/.%2e/.%2e/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/..%2f..%2fsecret.txt",
    "/css/..%2f..%2f..%2fsecret.txt",
    "/..\\..\\secret.txt",
    "//etc/passwd",
    "/etc/passwd",
    "http://127.0.0.1/../../secret.txt",
    "/%252e%252e/secret.txt",
]


def test_traversal_over_raw_http_gets_the_404_page(site: Path, tmp_path: Path):
    with running(site) as live:
        out = live.preview.output_dir
        (out / "escape.txt").symlink_to(tmp_path / "secret.txt")
        (out / "escape-dir").symlink_to(tmp_path, target_is_directory=True)
        for target in [*TRAVERSALS, "/escape.txt", "/escape-dir/secret.txt"]:
            response = raw_request(live.port, target)
            head, _, body = response.partition(b"\r\n\r\n")
            assert head.split(b"\r\n")[0].split()[1] == b"404", (target, head)
            assert SECRET.encode() not in response, target
            assert b"root:" not in response, target
            assert b"Page not found" in body, target


def test_files_types_indexes_and_404(site: Path):
    with running(site) as live:
        status, headers, body = live.get("/")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"Third story" in body
        assert live.get("/css/style.css")[1]["Content-Type"] == "text/css; charset=utf-8"
        assert live.get("/feed.xml")[1]["Content-Type"] == "application/xml; charset=utf-8"
        status, headers, body = live.get("/fonts/x.woff2")
        assert (status, headers["Content-Type"], body) == (200, "font/woff2", b"wOF2fake")
        status, headers, _ = live.get("/topics")
        assert status == 301 and headers["Location"] == "/topics/"
        assert live.page("/topics/").cssselect("h1")
        status, headers, body = live.get("/no/such/page/")
        assert status == 404 and b"Page not found" in body
        status, headers, body = live.get("/", method="HEAD")
        assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_non_ascii_folder_without_its_slash_redirects_over_http(site: Path):
    with running(site) as live:
        write_site(live.preview.output_dir, {"tin-tức/anong/index.html": "<p>Anong</p>"})
        status, headers, _ = live.get("/tin-t%E1%BB%A9c/anong?page=2")
        assert status == 301 and headers["Location"] == "/tin-t%E1%BB%A9c/anong/?page=2"
        status, _, body = live.get(headers["Location"])
        assert status == 200 and b"<p>Anong</p>" in body


def test_no_open_redirect_over_http(site: Path):
    with running(site) as live:
        for target in ["/%2Ftopics", "/%2F%2Ftopics", "//%2Ftopics", "/%2F2024"]:
            status, headers, _ = live.get(target)
            location = headers.get("Location", "")
            assert status in (301, 404) and not location.startswith("//"), (target, location)
            assert not location or location.startswith("/"), (target, location)


def test_live_reload_script_only_in_served_html(site: Path):
    with running(site) as live:
        served = live.get("/")[2]
        assert served.count(b"/__ssg__/events") == 1
        assert served.index(b"/__ssg__/events") < served.rindex(b"</body>")
        assert b"__ssg__" not in live.get("/css/style.css")[2]
        on_disk = live.preview.output_dir / "index.html"
        assert b"__ssg__" not in on_disk.read_bytes()
    for dirpath, _, filenames in os.walk(site):
        for name in filenames:
            assert b"__ssg__" not in (Path(dirpath) / name).read_bytes(), name


def test_base_url_path_prefix(site: Path):
    text = (site / "site.yml").read_text().replace("https://tiny.example/", "https://x.org/news/")
    (site / "site.yml").write_text(text)
    with running(site) as live:
        assert live.preview.url.endswith("/news/")
        status, headers, _ = live.get("/")
        assert status == 301 and headers["Location"] == "/news/"
        home = live.page("/news/")
        links = [a.get("href") for a in home.cssselect(".card-title a")]
        assert links and all(href.startswith("/news/") for href in links)
        assert live.page(links[0]).cssselect("h1.headline")
        assert live.get("/news/css/style.css")[0] == 200
        assert live.get("/css/style.css")[0] == 404
        canonical = home.cssselect('link[rel="canonical"]')[0].get("href")
        assert canonical == f"http://127.0.0.1:{live.port}/news/"


def get_with_host(port: int, target: str, host: str) -> bytes:
    """A request naming `host` in its Host header (a DNS-rebinding page sends its own)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_page_of_another_host_cannot_read_the_preview(site: Path):
    with running(site) as live:
        port = live.port
        for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", ""):
            for target in ("/", "/feed.xml", "/__ssg__/events"):
                response = get_with_host(port, target, host)
                assert response.startswith(b"HTTP/1.0 403"), (host, target, response[:60])
                assert b"Third story" not in response and b"event:" not in response
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", "preview.localhost", "[::1]"):
            assert get_with_host(port, "/", host).startswith(b"HTTP/1.0 200"), host


def test_the_404_page_is_never_a_symlink_out(site: Path, tmp_path: Path):
    with running(site) as live:
        page = live.preview.output_dir / "404.html"
        page.unlink()
        page.symlink_to(tmp_path / "secret.txt")
        status, _, body = live.get("/no/such/page/")
        assert status == 404 and SECRET.encode() not in body


def test_a_browser_leaving_mid_response_prints_nothing(
    site: Path, capfd: pytest.CaptureFixture[str]
):
    write_site(site, {"assets/big.bin": os.urandom(8_000_000)})
    with running(site) as live:
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
                sock.sendall(b"GET /big.bin HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                sock.recv(1000)  # the response has started
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        assert live.get("/")[0] == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception occurred" not in err


SIZE = 1000


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-", (0, SIZE - 1)),
        ("bytes=100-199", (100, 199)),
        ("bytes=900-5000", (900, SIZE - 1)),
        ("bytes=-10", (SIZE - 10, SIZE - 1)),
        ("bytes=-5000", (0, SIZE - 1)),
        (" Bytes = 5-6 ", (5, 6)),
        ("bytes=0-1,5-6", None),  # several ranges: the whole file is allowed
        ("items=0-1", None),
        ("bytes=9-2", None),
        ("bytes=a-b", None),
        ("bytes=-", None),
        ("bytes=5", None),
    ],
)
def test_byte_ranges(header: str | None, expected: tuple[int, int] | None):
    assert byte_range(header, SIZE) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_byte_ranges_past_the_end(header: str):
    with pytest.raises(Unsatisfiable):
        byte_range(header, SIZE)


def test_media_are_served_in_ranges_for_players_and_seeking(site: Path):
    video = bytes(range(256)) * 4096  # 1 MiB
    write_site(site, {"assets/media/clip.mp4": video, "assets/media/clip.vtt": "WEBVTT\n"})
    with running(site) as live:
        status, headers, body = live.get("/media/clip.mp4")
        assert (status, headers["Content-Type"], body) == (200, "video/mp4", video)
        assert headers["Accept-Ranges"] == "bytes"

        status, headers, body = live.get("/media/clip.mp4", headers={"Range": "bytes=0-"})
        assert status == 206 and body == video
        assert headers["Content-Range"] == f"bytes 0-{len(video) - 1}/{len(video)}"
        status, headers, body = live.get("/media/clip.mp4", headers={"Range": "bytes=70000-70099"})
        assert status == 206 and body == video[70000:70100]
        assert headers["Content-Length"] == "100"
        assert headers["Content-Range"] == f"bytes 70000-70099/{len(video)}"
        status, _, body = live.get("/media/clip.mp4", headers={"Range": "bytes=-16"})
        assert status == 206 and body == video[-16:]

        status, headers, body = live.get("/media/clip.mp4", headers={"Range": "bytes=9999999-"})
        assert status == 416 and headers["Content-Range"] == f"bytes */{len(video)}"
        assert body == b""
        # a validator the preview cannot match: the whole file, as the standard asks
        ranged = {"Range": "bytes=0-9", "If-Range": '"x"'}
        assert live.get("/media/clip.mp4", headers=ranged)[0] == 200
        status, headers, body = live.get(
            "/media/clip.mp4", method="HEAD", headers={"Range": "bytes=10-19"}
        )
        assert (status, headers["Content-Length"], body) == (206, "10", b"")
        assert live.get("/media/clip.vtt")[1]["Content-Type"] == "text/vtt; charset=utf-8"
        # pages are sent whole, with the live-reload script
        status, _, body = live.get("/", headers={"Range": "bytes=0-9"})
        assert status == 200 and b"</html>" in body


def test_a_slow_download_does_not_hold_up_a_rebuild(site: Path):
    write_site(site, {"assets/media/long.mp3": os.urandom(8 * 1024 * 1024)})
    with running(site) as live, socket.create_connection(("127.0.0.1", live.port), 10) as sock:
        sock.sendall(b"GET /media/long.mp3 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.0 200")  # then the player stalls
        live.save_and_wait(site, {"content/articles/third.md": None})
        assert live.get("/")[0] == 200
