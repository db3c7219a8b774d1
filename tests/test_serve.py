"""`ssg serve` end to end over HTTP: rebuild on save, events for the tabs, clean stop."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import lxml.html
import pytest
from servekit import EventReader, request, running, wait_until

from ssg.httpd import is_loopback
from ssg.rebuild import RebuildReport
from ssg.serve import describe_changes

from conftest import REPO, TINY_SITE, many_articles_site, write_site

THIRD = Path("content/articles/third.md")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", TINY_SITE)


def card_titles(live, path: str) -> list[str]:
    return [a.text_content() for a in live.page(path).cssselect(".card-title a")]


def test_deleting_an_article_removes_it_from_home_and_topics(site: Path):
    with running(site) as live:
        assert "Third story" in card_titles(live, "/")
        assert "Third story" in card_titles(live, "/topics/zurich/")
        live.save_and_wait(site, {str(THIRD): None})
        assert "Third story" not in card_titles(live, "/")
        assert card_titles(live, "/topics/zurich/") == ["Second story"]
        assert live.get("/2024/03/03/third/")[0] == 404
        assert "content/articles/third.md (deleted)" in live.lines[-1]


def test_renaming_an_article_moves_it(site: Path):
    with running(site) as live:
        done = live.preview.rebuilds
        (site / THIRD).rename(site / "content/articles/third-renamed.md")
        assert live.preview.wait_for_rebuilds(done + 1, 20)
        # a rename is one burst of events: one rebuild
        assert not live.preview.wait_for_rebuilds(done + 2, 0.5)
        home = live.page("/")
        links = {a.text_content(): a.get("href") for a in home.cssselect(".card-title a")}
        assert links["Third story"] == "/2024/03/03/third-renamed/"
        assert live.get("/2024/03/03/third/")[0] == 404
        assert live.page("/2024/03/03/third-renamed/").cssselect("h1.headline")
        topic = live.page("/topics/zurich/")
        hrefs = [a.get("href") for a in topic.cssselect(".card-title a")]
        assert "/2024/03/03/third-renamed/" in hrefs


def test_creating_an_article_adds_it(site: Path):
    with running(site) as live:
        new = "---\ntitle: Breaking news\nauthors: li-wei\ndate: 2024-03-09\ntopics: [Courts]\n---\nNew.\n"
        live.save_and_wait(site, {"content/articles/breaking.md": new})
        assert card_titles(live, "/")[0] == "Breaking news"
        assert card_titles(live, "/topics/courts/")[0] == "Breaking news"


def test_editing_home_yml_rebuilds_the_front_page(site: Path):
    with running(site) as live:
        assert [a.text_content() for a in live.page("/").cssselect(".lead .card-title a")] == [
            "Third story"
        ]
        live.save_and_wait(site, {"content/home.yml": "lead: first\n"})
        lead = live.page("/").cssselect(".lead .card-title a")
        assert [a.text_content() for a in lead] == ["First story"]
        assert "content/home.yml" in live.lines[-1]


def test_edits_are_seen_after_content_is_replaced_by_a_copy(site: Path):
    with running(site) as live:
        done = live.preview.rebuilds
        (site / "content").rename(site / "content.old")
        shutil.copytree(site / "content.old", site / "content")
        shutil.rmtree(site / "content.old")
        assert live.preview.wait_for_rebuilds(done + 1, 20)  # the replacement is a change
        text = (site / THIRD).read_text()
        (site / THIRD).write_text(text.replace("Third.", "Third, edited."))
        assert wait_until(lambda: b"Third, edited." in live.get("/2024/03/03/third/")[2])
        after = live.lines[done:]
        assert any("a watched folder was replaced: full rebuild" in line for line in after)
        assert not any("initial build" in line for line in after)


def test_events_reload_problems_and_clear(site: Path):
    with running(site) as live:
        events = EventReader(live.port)
        try:
            assert events.content_type == "text/event-stream"
            hello = json.loads(events.wait_for("hello"))
            page = live.get("/2024/03/03/third/")[2].decode()
            served = int(re.search(r'"generation": (\d+)', page).group(1))
            assert hello == {"generation": served, "problems": []}
            text = (site / THIRD).read_text()
            live.save_and_wait(site, {str(THIRD): text.replace("Third.", "Third, edited.")})
            reload = json.loads(events.wait_for("reload"))
            assert reload["generation"] == served + 1 and "/2024/03/03/third/" in reload["urls"]
            assert b"Third, edited." in live.get("/2024/03/03/third/")[2]

            broken = text.replace("authors: li-wei", "authors: [li-wei")
            live.save_and_wait(site, {str(THIRD): broken})
            problems = json.loads(events.wait_for("problems"))["problems"]
            assert problems[0]["path"] == "content/articles/third.md"
            assert problems[0]["line"] and "YAML" in problems[0]["message"]
            assert any(row[2] for row in problems[0]["source"])  # the problem line is marked
            # the last good pages are still served
            assert b"Third, edited." in live.get("/2024/03/03/third/")[2]
            assert "build failed with 1 error(s)" in live.lines[-2]
            assert "content/articles/third.md" in live.lines[-1]
            # a tab opened now learns about the problem at once
            late = EventReader(live.port)
            assert json.loads(late.wait_for("hello"))["problems"] == problems
            late.close()

            live.save_and_wait(site, {str(THIRD): text.replace("Third.", "Third, edited.")})
            events.wait_for("clear")
            assert "reload" not in events.names()  # nothing changed since the last good build
        finally:
            events.close()


def test_css_change_sends_css_event_and_renders_no_page(site: Path):
    write_site(site, {"assets/css/style.css": "h1 { color: red; }"})
    with running(site) as live:
        events = EventReader(live.port)
        try:
            events.wait_for("hello")
            live.save_and_wait(site, {"assets/css/style.css": "h1 { color: blue; }"})
            data = json.loads(events.wait_for("css"))
            assert data["urls"] == ["/css/style.css"]
            assert b"blue" in live.get("/css/style.css")[2]
            assert re.search(
                r"assets/css/style\.css: 0 pages written, 1 other file", live.lines[-1]
            )
        finally:
            events.close()


def test_template_error_is_reported_with_file_and_line(site: Path):
    with running(site) as live:
        events = EventReader(live.port)
        try:
            events.wait_for("hello")
            template = "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n{% endblock %}\n"
            live.save_and_wait(site, {"layouts/404.html": template})
            problem = json.loads(events.wait_for("problems"))["problems"][0]
            assert problem["path"] == "layouts/404.html" and problem["line"] == 3
            assert "template syntax error" in problem["message"]
        finally:
            events.close()


def test_one_terminal_line_per_rebuild(site: Path):
    with running(site) as live:
        assert len(live.lines) == 1 and "initial build" in live.lines[0]
        text = (site / THIRD).read_text()
        live.save_and_wait(site, {str(THIRD): text + "\nMore.\n"})
        assert len(live.lines) == live.preview.rebuilds == 2
        line = live.lines[1]
        assert re.fullmatch(
            r"\d\d:\d\d:\d\d content/articles/third\.md: \d+ pages? written"
            r"(, \d+ other files?)?, \d+ rendered in \d+ ms",
            line,
        ), line


def test_describe_changes(tmp_path: Path):
    (tmp_path / "a.md").write_text("x")
    paths = frozenset(tmp_path / n for n in ("a.md", "b.md"))
    assert describe_changes(paths, tmp_path) == "a.md, b.md (deleted)"
    many = frozenset(tmp_path / f"{n}.md" for n in range(6))
    assert describe_changes(many, tmp_path).endswith("and 4 more")
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_a_symlink_loop_is_a_located_problem(site: Path, monkeypatch, capfd):
    monkeypatch.chdir(site)  # as when ssg serve runs in the site's folder
    with running(site) as live:
        events = EventReader(live.port)
        try:
            events.wait_for("hello")
            articles = site / "content/articles"
            (articles / "l1.md").symlink_to("l2.md")
            (articles / "l2.md").symlink_to("l1.md")
            problems = json.loads(events.wait_for("problems"))["problems"]
            assert {p["path"] for p in problems} == {
                "content/articles/l1.md",
                "content/articles/l2.md",
            }
            assert "symbolic links" in problems[0]["message"]
            assert "build failed" in " ".join(live.lines)
            assert live.get("/")[0] == 200  # still serving
        finally:
            events.close()
    assert "Traceback" not in capfd.readouterr().err


def test_a_file_name_that_is_not_utf8_is_a_located_problem(site: Path, capfd):
    with running(site) as live:
        events = EventReader(live.port)
        try:
            events.wait_for("hello")
            bad = os.path.join(os.fsencode(site), b"content/articles/bad\xff.md")
            with open(bad, "wb") as handle:
                handle.write(b"---\ntitle: Bad\n---\n")
            problem = json.loads(events.wait_for("problems"))["problems"][0]
            assert problem["path"] == "content/articles/bad\ufffd.md"
            assert problem["message"] == "file name is not UTF-8"
            assert any("bad\ufffd.md" in line for line in live.lines)
            os.unlink(bad)
            events.wait_for("clear")
        finally:
            events.close()
    assert "Traceback" not in capfd.readouterr().err


def without_file_permissions() -> list[str]:
    """A command prefix under which file permissions apply (root drops its capabilities)."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]


def wait_for_output(proc: subprocess.Popen, text: str, timeout: float = 20) -> str:
    """The next line the server prints that holds `text` (fails after `timeout`)."""
    found: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if text in line:
                found.append(line)
                return

    threading.Thread(target=read, daemon=True).start()
    assert wait_until(lambda: bool(found), timeout), f"no line with {text!r}"
    return found[0]


def test_a_folder_locked_while_serving_is_no_traceback(site: Path):
    locked = site / "content/articles/locked"
    article = "---\ntitle: Locked story\nauthors: li-wei\ndate: 2024-03-05\n---\nL.\n"
    write_site(site, {"content/articles/locked/a.md": article})
    proc, _ = start_cli(site, prefix=without_file_permissions())
    try:
        (locked / "a.md").write_text(article + "More.\n")
        locked.chmod(0)  # within the same burst: the rebuild finds the folder unreadable
        line = wait_for_output(proc, "content/articles/locked")
        assert "content/articles/locked/a.md: build failed" in line, line
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        locked.chmod(0o755)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "Traceback" not in err, err


def start_cli(
    site: Path, *args: str, prefix: list[str] | None = None
) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [*(prefix or []), sys.executable, "-m", "ssg", "serve", "--port", "0", *args],
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("Serving "):
            return proc, line.split()[1]
    proc.kill()
    raise AssertionError(f"server did not start: {proc.stderr.read() if proc.stderr else ''}")


def test_cli_serves_and_stops_cleanly_on_ctrl_c(site: Path):
    proc, url = start_cli(site)
    try:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        assert url == f"http://127.0.0.1:{port}/"
        status, _, body = request(port, "/")
        assert status == 200 and b"Third story" in body
        assert (site / ".ssg-cache/serve/index.html").is_file()
        assert not (site / "public").exists()  # never the ssg build output
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Traceback" not in out
    assert "Stopped." in out


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_cli_stops_promptly_despite_idle_connections(site: Path, signum: int):
    proc, url = start_cli(site)
    port = int(url.rsplit(":", 1)[1].strip("/"))
    # a browser's preconnect, and a keep-alive connection after one response
    idle = socket.create_connection(("127.0.0.1", port))
    kept = socket.create_connection(("127.0.0.1", port))
    try:
        kept.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert kept.recv(100).startswith(b"HTTP/1.0 200")
        started = time.monotonic()
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=20)
        assert time.monotonic() - started < 3, "an idle connection held up the stop"
    finally:
        idle.close()
        kept.close()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "Stopped." in out and "Traceback" not in err


def test_a_second_ctrl_c_while_stopping_lets_the_stop_finish(tmp_path: Path):
    """Ctrl-C during a long rebuild, then again and again while "Stopping…" waits for it: the
    stop must still end the event streams and give the preview folder back (a stop cut
    short left the process hanging while a tab was open)."""
    site = many_articles_site(tmp_path / "site", 400)
    proc, url = start_cli(site)
    port = int(url.rsplit(":", 1)[1].strip("/"))
    events = EventReader(port)  # an open tab
    try:
        events.wait_for("hello")
        theme = (REPO / "layouts/base.html").read_text()
        write_site(site, {"layouts/base.html": theme + "<!-- edited -->\n"})  # every page
        time.sleep(0.1)  # the rebuild is under way (writing 1,600 pages takes a while)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:  # Ctrl-C, Ctrl-C, Ctrl-C…
            proc.send_signal(signal.SIGINT)
            time.sleep(0.02)
        out, err = proc.communicate(timeout=10)
    finally:
        events.close()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Stopped." in out and "Traceback" not in err and "Aborted" not in err, err
    assert err.count("Still stopping") <= 1  # said once at most
    assert not (site / ".ssg-cache/serve.lock").exists()


def test_cli_warns_about_non_loopback_host(site: Path):
    proc, url = start_cli(site, "--host", "0.0.0.0")
    try:
        assert url.startswith("http://0.0.0.0:")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "warning: --host 0.0.0.0 makes the preview reachable from other machines" in err


@pytest.mark.parametrize("host", ["", " "])
def test_cli_refuses_an_empty_host(site: Path, host: str):
    result = subprocess.run(
        [sys.executable, "-m", "ssg", "serve", "--port", "0", "--host", host],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2, result.stdout
    assert "Invalid value for '--host': must not be empty" in result.stderr
    assert "Serving" not in result.stdout and "Traceback" not in result.stderr


def test_cli_second_server_on_a_site_says_where_it_builds(site: Path):
    first, _ = start_cli(site)
    try:
        second, url = start_cli(site, "--no-drafts")
        try:
            port = int(url.rsplit(":", 1)[1].strip("/"))
            assert request(port, "/")[0] == 200
            assert (site / ".ssg-cache/serve-2/index.html").is_file()
            second.send_signal(signal.SIGINT)
            _, err = second.communicate(timeout=20)
            assert second.returncode == 0, err
        finally:
            if second.poll() is None:
                second.kill()
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=20)
    assert sorted(p.name for p in (site / ".ssg-cache").glob("*.lock")) == []


def test_cli_port_in_use_is_a_clear_error(site: Path):
    proc, url = start_cli(site)
    try:
        port = url.rsplit(":", 1)[1].strip("/")
        second = subprocess.run(
            [sys.executable, "-m", "ssg", "serve", "--port", port],
            cwd=site,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 1
        assert f"error: cannot listen on 127.0.0.1:{port}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)


def test_drafts_can_be_left_out(site: Path):
    draft = "---\ntitle: Hidden draft\nauthors: li-wei\ndate: 2024-03-05\ndraft: true\n---\nD.\n"
    write_site(site, {"content/articles/draft.md": draft})
    with running(site) as live:
        assert card_titles(live, "/")[0] == "Hidden draft"
        assert live.page("/").cssselect(".status-label")[0].text_content() == "Draft"
    with running(site, drafts=False) as live:
        assert "Hidden draft" not in card_titles(live, "/")


def test_site_yml_changes_and_errors(site: Path):
    config = (site / "site.yml").read_text()
    with running(site) as live:
        events = EventReader(live.port)
        try:
            events.wait_for("hello")
            live.save_and_wait(
                site, {"site.yml": config.replace("The Tiny Times", "The Big Times")}
            )
            events.wait_for("reload")
            assert live.page("/").cssselect("title")[0].text_content() == "The Big Times"
            live.save_and_wait(site, {"site.yml": config + "per_page: [\n"})
            problem = json.loads(events.wait_for("problems"))["problems"][0]
            assert problem["path"] == "site.yml" and problem["line"]
            assert live.page("/").cssselect("title")[0].text_content() == "The Big Times"
        finally:
            events.close()


class SlowRebuilder:
    """A stand-in Rebuilder: moves one page in, slowly, to show requests wait for that."""

    def __init__(self, output_dir: Path):
        self.output_dir = output_dir
        self.base_path = "/"
        self.started = threading.Event()
        self.version = 0
        self.hold = contextlib.nullcontext  # the preview's gate.writing, set by the test

    def verify(self) -> bool:
        return True

    def rebuild(self, changed: frozenset[Path]) -> RebuildReport:
        self.version += 1
        self.output_dir.mkdir(parents=True, exist_ok=True)
        with self.hold():
            if changed:
                self.started.set()
                (self.output_dir / "index.html").write_text("<html><body>half")
                time.sleep(0.5)
            page = f"<html><body>v{self.version}</body></html>"
            (self.output_dir / "index.html").write_text(page)
        return RebuildReport(pages_written=1, changed_urls=("/",))


def test_requests_wait_while_files_are_moved_in(site: Path, tmp_path: Path):
    rebuilder = SlowRebuilder(tmp_path / "out")
    with running(site, rebuilder=rebuilder) as live:
        rebuilder.hold = live.preview.gate.writing
        assert b"v1" in live.get("/")[2]
        (site / THIRD).write_text((site / THIRD).read_text() + "\nMore.\n")
        assert rebuilder.started.wait(10)
        status, _, body = live.get("/")  # sent while the rebuild is half done
        assert status == 200 and b"v2" in body and b"half" not in body
        assert "1 page written" in live.lines[-1]


class StoppableRebuilder(SlowRebuilder):
    """A rebuild after an edit waits for `release`; `verify` always asks for another."""

    def __init__(self, output_dir: Path):
        super().__init__(output_dir)
        self.release = threading.Event()
        self.calls: list[frozenset[Path]] = []

    def rebuild(self, changed: frozenset[Path]) -> RebuildReport:
        self.calls.append(changed)
        if changed:
            self.started.set()
            self.release.wait(10)
        self.output_dir.mkdir(parents=True, exist_ok=True)
        (self.output_dir / "index.html").write_text("<html><body>page</body></html>")
        return RebuildReport(pages_written=1, changed_urls=("/",))

    def verify(self) -> bool:
        return False


def test_stopping_during_a_rebuild_starts_no_other(site: Path, tmp_path: Path):
    rebuilder = StoppableRebuilder(tmp_path / "out")
    with running(site, rebuilder=rebuilder) as live:
        (site / THIRD).write_text((site / THIRD).read_text() + "\nMore.\n")
        assert rebuilder.started.wait(10)
        stopping = threading.Thread(target=live.preview.stop)
        stopping.start()  # Ctrl-C while the rebuild runs
        time.sleep(0.2)
        rebuilder.release.set()
        stopping.join(20)
        assert not stopping.is_alive()
    # the first build, the edit's rebuild, and not the full one its verify asked for
    assert len(rebuilder.calls) == 2 and rebuilder.calls[1]


def test_a_batch_handed_over_after_stop_starts_no_rebuild(site: Path, tmp_path: Path):
    """The rebuild thread may take a batch just as Ctrl-C stops the preview: the watches
    are gone by then, and so is the reason to rebuild."""
    rebuilder = StoppableRebuilder(tmp_path / "out")
    with running(site, rebuilder=rebuilder) as live:
        live.preview.stop()
        live.preview._on_batch(frozenset({site / THIRD}))  # what the rebuild thread would do
    assert len(rebuilder.calls) == 1  # the first build only


def test_requests_are_answered_while_a_rebuild_renders(tmp_path: Path):
    site = many_articles_site(tmp_path / "site", 600)
    with running(site) as live:
        cache = live.preview.output_dir.parent
        done = live.preview.rebuilds
        config = site / "site.yml"
        config.write_text(config.read_text().replace("title: ", "title: Renamed ", 1))
        # rendering has begun (into a staging folder): every page changes with the title
        assert wait_until(lambda: any(cache.glob(".serve.staging.*")), step=0.002)
        status, _, body = live.get("/")
        assert status == 200 and b"Renamed" not in body  # the last good page, at once
        assert live.preview.rebuilds == done  # ...while the rebuild still runs
        assert live.preview.wait_for_rebuilds(done + 1, 60)
        assert b"Renamed" in live.get("/")[2]


def test_first_build_failing_still_serves_a_page_that_follows_the_fix(site: Path):
    good = (site / "site.yml").read_text()
    (site / "site.yml").write_text(good + "per_page: [\n")
    with running(site) as live:
        status, headers, body = live.get("/")
        assert status == 404 and headers["Content-Type"].startswith("text/html")
        assert b"/__ssg__/events" in body  # the tab can show the overlay and follow the fix
        events = EventReader(live.port)
        try:
            hello = json.loads(events.wait_for("hello"))
            assert hello["problems"][0]["path"] == "site.yml"
            live.save_and_wait(site, {"site.yml": good})
            events.wait_for("reload")
            assert b"Third story" in live.get("/")[2]
        finally:
            events.close()


def test_a_change_the_watcher_did_not_report_is_built_after_the_check(site: Path):
    """The preview's rebuild looks only at the reported paths; the full check right after
    it finds the unreported change and builds again."""
    with running(site) as live:
        live.preview._watcher.stop()  # only the batch below reaches the preview
        done = live.preview.rebuilds
        first, third = site / "content/articles/first.md", site / THIRD
        first.write_text(first.read_text() + "\nReported.\n")
        third.write_text(third.read_text().replace("Third story", "Third, unreported"))
        live.preview._on_batch(frozenset({first}))  # as if the watcher saw only first.md
        assert live.preview.rebuilds == done + 2  # the rebuild, then the check's
        assert "Third, unreported" in card_titles(live, "/")


def test_the_preview_judges_scheduled_stories_by_ssg_build_time(
    site: Path, monkeypatch: pytest.MonkeyPatch
):
    story = "---\ntitle: Later\nauthors: li-wei\ndate: 2030-01-01T08:00:00Z\n---\nSoon.\n"
    write_site(site, {"content/articles/later.md": story})
    pages = {}
    for when in (None, "2030-02-01T00:00:00Z"):
        if when:
            monkeypatch.setenv("SSG_BUILD_TIME", when)
        proc, url = start_cli(site)
        try:
            port = int(url.rsplit(":", 1)[1].strip("/"))
            status, _, body = request(port, "/2030/01/01/later/")
            assert status == 200
            pages[when] = lxml.html.fromstring(body)
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert pages[None].cssselect(".status-banner")  # scheduled by the real clock
    assert not pages["2030-02-01T00:00:00Z"].cssselect(".status-banner")  # published by then
