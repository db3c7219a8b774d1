"""Search without a browser: what gets indexed, the /search/ page, the switch, failures, serve hooks."""

from __future__ import annotations

import errno
import gzip
import json
import os
import re
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest

from ssg import search, writer
from ssg.build import build
from ssg.config import SiteConfig
from ssg.errors import BuildFailed
from ssg.markdown import smart_text
from ssg.site import BuildOptions

from conftest import html, run, snapshot, write_site

ARTICLES = {
    "/2024/03/01/first/": "First story",
    "/2024/03/02/second/": "Second story",
    "/2024/03/03/third/": "Third story",
}


def fragments(public: Path) -> list[dict]:
    """Every page record in the Pagefind index (gzip'd JSON after a signature)."""
    records = []
    for path in sorted((public / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        records.append(json.loads(data[len(b"pagefind_dcd") :]))
    return records


def test_build_indexes_article_text_only(tiny_site: Path):
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert "Search index: 3 pages" in result.output
    records = {r["url"]: r for r in fragments(tiny_site / "public")}
    assert set(records) == set(ARTICLES)
    first = records["/2024/03/01/first/"]
    assert first["content"].startswith("First story.")
    assert "The first paragraph of the first story." in first["content"]
    for record in records.values():
        # site title, footer links, byline, topic links and author boxes stay out
        for chrome in ("Tiny Times", "Our journalists", "Topics", "By Ana", "Courts"):
            assert chrome not in record["content"], (chrome, record["url"])
    assert first["meta"]["title"] == "First story"
    assert first["meta"]["date"] == "March 1, 2024"
    assert first["filters"] == {"topic": ["Courts", "Kim Jong Un"], "author": ["Ana Ruiz"]}
    second = records["/2024/03/02/second/"]
    assert second["filters"]["author"] == ["Ana Ruiz", "Li Wei"]


def test_search_page_and_header_form(tiny_site: Path):
    run(tiny_site, "build")
    public = tiny_site / "public"
    page = html(public / "search/index.html")
    form = page.cssselect("form.search-form")[0]
    assert form.get("action") == "/search/" and form.get("method") == "get"
    assert form.cssselect("input")[0].get("name") == "q"
    app = page.cssselect("[data-search]")[0]
    assert app.get("data-bundle") == "/pagefind/"
    script = page.cssselect("script[type=module]")[0].get("src")
    assert (public / script.lstrip("/")).is_file()
    assert (public / "pagefind/pagefind.js").is_file()
    for name in ("index.html", "2024/03/01/first/index.html", "topics/index.html", "404.html"):
        header = html(public / name).cssselect("header.masthead form[role=search]")
        assert header, name
        assert header[0].get("action") == "/search/"
        assert header[0].cssselect("input[name=q]")


def test_base_path_prefix(tiny_site: Path):
    result = run(tiny_site, "build", "--base-url", "https://tiny.example/news/")
    assert result.exit_code == 0, result.output
    public = tiny_site / "public"
    page = html(public / "search/index.html")
    assert page.cssselect("[data-search]")[0].get("data-bundle") == "/news/pagefind/"
    assert page.cssselect("[data-search]")[0].get("data-base") == "/news/"
    script = page.cssselect("script[type=module]")[0].get("src")
    assert re.fullmatch(r"/news/js/search\.[0-9a-f]{8}\.js", script), script
    assert (public / script.removeprefix("/news/")).is_file()
    header = html(public / "index.html").cssselect("form[role=search]")[0]
    assert header.get("action") == "/news/search/"


def test_search_can_be_turned_off(tiny_site: Path):
    with (tiny_site / "site.yml").open("a") as config:
        config.write("search: false\n")
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    public = tiny_site / "public"
    assert "Search index" not in result.output
    assert not (public / "pagefind").exists()
    assert not (public / "search").exists()
    assert not html(public / "index.html").cssselect("form[role=search]")
    assert not html(public / "2024/03/01/first/index.html").cssselect("[data-pagefind-filter]")


def test_search_switch_must_be_a_boolean(tiny_site: Path):
    with (tiny_site / "site.yml").open("a") as config:
        config.write("search: sometimes\n")
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "site.yml:6: error: field 'search': expected true or false, got 'sometimes'" in (
        result.output
    )


def fake_pagefind(folder: Path, script: str) -> Path:
    path = folder / "fake-pagefind"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_failed_index_keeps_previous_output(tiny_site: Path, monkeypatch, tmp_path: Path):
    assert run(tiny_site, "build").exit_code == 0
    before = snapshot(tiny_site / "public")
    write_site(tiny_site, {"content/articles/fourth.md": ARTICLE_FOUR})
    broken = fake_pagefind(tmp_path, "echo 'Error: disk on fire' >&2\nexit 3\n")
    monkeypatch.setattr(search, "pagefind_executable", lambda: broken)
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "error: search: Pagefind failed with exit code 3: Error: disk on fire" in result.output
    assert "previous output was left untouched" in result.output
    assert snapshot(tiny_site / "public") == before
    assert sorted(p.name for p in tiny_site.iterdir() if p.name != ".ssg-cache") == [
        "content",
        "public",
        "site.yml",
    ]


def test_an_indexer_that_could_not_write_keeps_the_previous_index(
    tiny_site: Path, monkeypatch, tmp_path: Path
):
    # Pagefind exits with 0 when its writes fail (a full disk): an empty entry file must
    # not replace the live index
    assert run(tiny_site, "build").exit_code == 0
    before = snapshot(tiny_site / "public")
    write_site(tiny_site, {"content/articles/fourth.md": ARTICLE_FOUR})
    script = 'out=""; while [ $# -gt 0 ]; do [ "$1" = --output-path ] && out=$2; shift; done\n'
    script += 'mkdir -p "$out" && : > "$out/pagefind-entry.json"\nexit 0\n'
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake_pagefind(tmp_path, script))
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "error: search: the new index holds no page of the 4 articles" in result.output
    assert "previous output was left untouched" in result.output
    assert snapshot(tiny_site / "public") == before


def search_folders(root: Path) -> list[str]:
    return [p.name for p in root.iterdir() if p.name.startswith(".ssg-search.")]


def test_a_build_failing_after_the_index_leaves_no_index_folder(
    tiny_site: Path, monkeypatch: pytest.MonkeyPatch
):
    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer, "_move_into", full_disk)  # moving the pages in fails
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "error: cannot write the output folder" in result.output
    assert search_folders(tiny_site) == []


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), OSError(errno.ENOSPC, "No space")])
def test_an_interrupted_index_leaves_no_index_folder(
    tiny_site: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
):
    import ssg.rendering

    seen = []

    def interrupted(view: Path, *args, **kwargs):
        seen.append(view.is_dir())
        raise failure

    monkeypatch.setattr(ssg.rendering, "index_site", interrupted)
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert seen == [True]
    assert search_folders(tiny_site) == []
    assert not (tiny_site / "public").exists()


def test_ctrl_c_while_indexing_stops_the_indexer_before_its_folder_goes(
    tiny_site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    import subprocess

    started = tmp_path / "started"
    script = 'out=""; while [ $# -gt 0 ]; do [ "$1" = --output-path ] && out=$2; shift; done\n'
    script += f'echo $$ > {started}\nsleep 1\nmkdir -p "$out" && echo late > "$out/late"\n'
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake_pagefind(tmp_path, script))

    class CtrlC(subprocess.Popen):  # Ctrl-C while the build waits for the running indexer
        def communicate(self, *args, **kwargs):
            deadline = time.monotonic() + 10
            while not (started.is_file() and started.read_text().strip()):
                assert time.monotonic() < deadline, "the fake indexer never started"
                time.sleep(0.02)
            raise KeyboardInterrupt

    monkeypatch.setattr(search.subprocess, "Popen", CtrlC)
    result = run(tiny_site, "build")
    assert result.exit_code == 1 and "Aborted!" in result.output
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)  # it was ended, not left to write on
    time.sleep(1.5)  # long enough for a surviving indexer to write again
    assert search_folders(tiny_site) == []


def test_sigterm_while_indexing_stops_the_build_like_ctrl_c(
    tiny_site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # `timeout`, `docker stop` and a cancelled CI job send SIGTERM: it must clean up too
    import signal
    import subprocess

    started = tmp_path / "started"
    script = f"echo $$ > {started}\nsleep 5\n"
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake_pagefind(tmp_path, script))

    class Terminated(subprocess.Popen):
        def communicate(self, *args, **kwargs):
            deadline = time.monotonic() + 10
            while not (started.is_file() and started.read_text().strip()):
                assert time.monotonic() < deadline, "the fake indexer never started"
                time.sleep(0.02)
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the signal arrives meanwhile
            raise AssertionError("SIGTERM did not stop the build")

    monkeypatch.setattr(search.subprocess, "Popen", Terminated)
    before = signal.getsignal(signal.SIGTERM)
    result = run(tiny_site, "build")
    assert result.exit_code == 1 and "Aborted!" in result.output
    assert signal.getsignal(signal.SIGTERM) == before  # the command's handler is gone
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)
    assert search_folders(tiny_site) == []
    assert not list(tiny_site.glob(".public.staging.*"))


def test_missing_indexer_is_a_clear_error(tiny_site: Path, monkeypatch):
    monkeypatch.setattr(search, "pagefind_executable", lambda: None)
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "error: search: the Pagefind indexer is not installed" in result.output
    assert "pip install 'pagefind[bin]'" in result.output
    assert "search: false" in result.output
    assert not (tiny_site / "public").exists()


def test_layout_without_body_markers_warns(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "layouts/article.html": """\
                {% extends "base.html" %}
                {% block content %}<h1>{{ article.title }}</h1>{{ article.body_html|html }}{% endblock %}
                """
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert "layouts/article.html: warning: search: no page marks its text" in result.output


LIVE_STORY = """\
    ---
    title: "Live: the river crests"
    authors: ana-ruiz
    date: 2024-03-05T08:00:00+07:00
    live: true
    updates:
      - time: "09:10"
        title: Sandbags arrive at the quay
        author: li-wei
        text: Trucks brought hessian sacks to the pier.
    ---
    The river is expected to crest today.

    ## 10:30 Warning issued

    The city sounded the klaxon downtown.
    """


def test_live_updates_are_indexed_with_the_story(tiny_site: Path):
    write_site(tiny_site, {"content/articles/live.md": LIVE_STORY})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    public = tiny_site / "public"
    page = html(public / "2024/03/05/live/index.html")
    indexed = " ".join(e.text_content() for e in page.cssselect("[data-pagefind-body]"))
    for words in ("Sandbags arrive at the quay", "hessian sacks", "Warning issued", "klaxon"):
        assert words in indexed, words
    # the updates' heading, time and bylines stay out, like the story's own
    assert "Latest updates" not in indexed and "Li Wei" not in indexed
    record = next(r for r in fragments(public) if r["url"] == "/2024/03/05/live/")
    assert "hessian sacks" in record["content"] and "klaxon" in record["content"]
    assert "Li Wei" not in record["content"]


ARTICLE_FOUR = """\
    ---
    title: Fourth story
    authors: li-wei
    date: 2024-03-04
    ---
    Fourth.
    """


def test_rebuild_reindexes_only_when_pages_change(tiny_site: Path):
    assert run(tiny_site, "build").exit_code == 0
    public = tiny_site / "public"
    entry = public / "pagefind" / "pagefind-entry.json"
    first = entry.stat().st_mtime_ns
    result = run(tiny_site, "build")  # nothing changed: the index is left alone
    assert "Search index" not in result.output and entry.stat().st_mtime_ns == first
    write_site(tiny_site, {"content/articles/fourth.md": ARTICLE_FOUR})
    result = run(tiny_site, "build")
    assert "Search index: 4 pages" in result.output
    assert {r["url"] for r in fragments(public)} == {*ARTICLES, "/2024/03/04/fourth/"}
    leftovers = [p.name for p in tiny_site.iterdir() if p.name.startswith(".ssg-search")]
    assert leftovers == []


def test_build_without_indexing_keeps_the_last_index(tiny_site: Path):
    assert run(tiny_site, "build").exit_code == 0
    public = tiny_site / "public"
    old_index = snapshot(public / "pagefind")
    write_site(tiny_site, {"content/articles/fourth.md": ARTICLE_FOUR})
    result = build(tiny_site, options=BuildOptions(search_index=False))
    assert result.search is None
    assert (public / "2024/03/04/fourth/index.html").is_file()
    assert snapshot(public / "pagefind") == old_index
    report = search.index_site(public, tiny_config())
    assert report.pages == 4
    assert {r["url"] for r in fragments(public)} == {*ARTICLES, "/2024/03/04/fourth/"}
    leftovers = [p.name for p in public.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def tiny_config() -> SiteConfig:
    return SiteConfig(title="The Tiny Times", base_url="https://tiny.example/")


def test_index_report_measures_the_bundle(tiny_site: Path):
    run(tiny_site, "build")
    public = tiny_site / "public"
    report = search.index_site(public, tiny_config())
    files = [p for p in (public / "pagefind").rglob("*") if p.is_file()]
    assert report.files == len(files)
    assert report.bundle_bytes == sum(p.stat().st_size for p in files)
    index_files = [p for p in files if p.relative_to(public / "pagefind").parts[0] == "fragment"]
    assert 0 < sum(p.stat().st_size for p in index_files) < report.index_bytes < report.bundle_bytes
    assert report.summary().startswith("Search index: 3 pages, ")


def test_front_matter_cannot_break_out_of_the_index_markup(tiny_site: Path):
    nasty = 'Evil </span><script>alert(1)</script> "quoted"'
    write_site(
        tiny_site,
        {
            "content/articles/evil.md": f"""\
                ---
                title: '{nasty}'
                dek: '{nasty}'
                authors: li-wei
                date: 2024-03-05
                topics: ['{nasty}']
                section: '{nasty}'
                ---
                Body.
                """
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    page = html(tiny_site / "public/2024/03/05/evil/index.html")
    assert not page.cssselect(".search-meta script, h1 script, .dek script")
    meta = page.cssselect(".search-meta")[0]
    assert meta.cssselect("[data-pagefind-filter=section]")[0].text_content() == nasty
    record = next(r for r in fragments(tiny_site / "public") if r["url"].endswith("/evil/"))
    assert record["filters"]["section"] == [nasty]
    assert record["filters"]["topic"] == [nasty]
    assert record["meta"]["title"] == smart_text(nasty)  # a headline gets curly quotes


class FakeIndex:
    """Stands in for index_site: counts runs; each run waits until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.started = threading.Semaphore(0)
        self.release = threading.Event()

    def __call__(self, output_dir: Path, config: SiteConfig) -> search.SearchReport:
        self.calls += 1
        self.started.release()
        assert self.release.wait(10)
        return search.SearchReport(self.calls, 0, 0, 0, 0.0)


def test_background_indexer_collapses_bursts(tmp_path: Path):
    fake = FakeIndex()
    done: list = []
    finished = threading.Semaphore(0)

    def on_done(outcome) -> None:
        done.append(outcome)
        finished.release()

    indexer = search.BackgroundIndexer(tmp_path, tiny_config(), 0.05, on_done, index=fake)
    for _ in range(5):
        indexer.request()  # returns at once: the edited page can reload meanwhile
    assert fake.started.acquire(timeout=10)
    indexer.request()  # arrives while indexing: one more run afterwards
    indexer.request()
    fake.release.set()
    assert finished.acquire(timeout=10)
    assert finished.acquire(timeout=10)
    indexer.close()
    assert not finished.acquire(timeout=0.3)
    assert fake.calls == 2
    assert [r.pages for r in done] == [1, 2]


def test_background_indexer_reports_failures(tmp_path: Path):
    failures: list = []
    finished = threading.Event()

    def broken(output_dir: Path, config: SiteConfig) -> search.SearchReport:
        raise BuildFailed([search.failure_problem(2, "boom")])

    def on_done(outcome) -> None:
        failures.append(outcome)
        finished.set()

    indexer = search.BackgroundIndexer(tmp_path, tiny_config(), 0.01, on_done, index=broken)
    indexer.request()
    assert finished.wait(10)
    indexer.close()
    assert isinstance(failures[0], BuildFailed)
    assert "exit code 2: boom" in failures[0].problems[0].message


def test_background_indexer_hides_failures_a_newer_run_replaces(tmp_path: Path):
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []
    done: list = []
    finished = threading.Event()

    def flaky(output_dir: Path, config: SiteConfig) -> search.SearchReport:
        calls.append(1)
        if len(calls) == 1:
            started.set()
            assert release.wait(10)
            raise FileNotFoundError("output folder swapped")
        return search.SearchReport(7, 0, 0, 0, 0.0)

    def on_done(outcome) -> None:
        done.append(outcome)
        finished.set()

    indexer = search.BackgroundIndexer(tmp_path, tiny_config(), 0.01, on_done, index=flaky)
    indexer.request()
    assert started.wait(10)
    indexer.request()  # a rebuild finished while the first run was indexing
    release.set()
    assert finished.wait(10)
    indexer.close()
    assert len(calls) == 2
    assert [type(o) for o in done] == [search.SearchReport]


@pytest.mark.parametrize(
    ("permalink", "glob"),
    [
        (
            "/{year}/{month}/{day}/{slug}/",
            "[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html",
        ),
        ("/{section}/{slug}.html", "*/*.html"),
        ("/news/{year}/{slug}/", "news/[0-9][0-9][0-9][0-9]/*/index.html"),
        ("/{slug}/", "*/index.html"),
        ("/[draft]/{slug}/", None),
    ],
)
def test_article_glob(permalink: str, glob: str | None):
    assert search.article_glob(permalink) == glob


@pytest.mark.parametrize("permalink", ["/{slug}/", "/{section}/{year}/{slug}.html"])
def test_every_article_is_indexed_whatever_the_permalink(tiny_site: Path, permalink: str):
    with (tiny_site / "site.yml").open("a") as config:
        config.write(f"permalink: {permalink}\n")
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert "Search index: 3 pages" in result.output
    assert len(fragments(tiny_site / "public")) == 3


def test_index_reads_the_whole_site_when_the_glob_misses(tiny_site: Path, monkeypatch):
    monkeypatch.setattr(search, "article_glob", lambda permalink: "nowhere/*.html")
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert {r["url"] for r in fragments(tiny_site / "public")} == set(ARTICLES)


def test_site_without_articles_has_nothing_to_index(tiny_site: Path):
    for name in ("first", "second", "third"):
        (tiny_site / f"content/articles/{name}.md").unlink()
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert "Search index: 0 pages" in result.output
    assert "warning" not in result.output
    assert not (tiny_site / "public/pagefind").exists()
    assert (tiny_site / "public/search/index.html").is_file()


def test_closing_the_background_indexer_ends_a_running_indexer(tmp_path: Path, monkeypatch) -> None:
    """Stopping the preview must not leave Pagefind running on in the background, nor
    its scratch folder behind."""
    site = tmp_path / "out"
    site.mkdir()
    started = tmp_path / "started"
    slow = fake_pagefind(tmp_path, f"echo $$ > {started}\nexec sleep 60\n")
    monkeypatch.setattr(search, "pagefind_executable", lambda: slow)
    done: list = []
    finished = threading.Semaphore(0)

    def on_done(outcome) -> None:
        done.append(outcome)
        finished.release()

    indexer = search.BackgroundIndexer(site, tiny_config(), 0.01, on_done)
    indexer.request()
    deadline = time.monotonic() + 10
    while not (started.is_file() and started.read_text().strip()):
        assert time.monotonic() < deadline, "the fake indexer never started"
        time.sleep(0.02)
    pid = int(started.read_text())
    assert [p.name for p in site.iterdir() if p.name.startswith(".pagefind.")]  # its scratch
    indexer.close()
    # close waited for the run: it has ended, and deleted its scratch folder, by now (the
    # preview's process may exit right after; a folder left would be served ever after)
    assert finished.acquire(timeout=0)
    assert [p.name for p in site.iterdir() if p.name.startswith(".pagefind.")] == []
    assert isinstance(done[0], BuildFailed)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_the_preview_indexes_at_low_cpu_priority(tmp_path: Path, monkeypatch) -> None:
    """A save made while the preview re-indexes must not wait for the indexer."""
    site = tmp_path / "out"
    site.mkdir()
    niceness = tmp_path / "niceness"
    fake = fake_pagefind(tmp_path, f"nice > {niceness}\nexit 3\n")
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake)
    finished = threading.Semaphore(0)
    indexer = search.BackgroundIndexer(site, tiny_config(), 0.01, lambda _: finished.release())
    indexer.request()
    try:
        assert finished.acquire(timeout=10)
    finally:
        indexer.close()
    base = os.nice(0)
    assert int(niceness.read_text()) == min(base + 10, 19)


def test_a_full_disk_while_staging_the_index_view_leaves_no_folder(tiny_site: Path, monkeypatch):
    assert run(tiny_site, "build").exit_code == 0
    before = snapshot(tiny_site / "public")
    write_site(tiny_site, {"content/articles/fourth.md": ARTICLE_FOUR})

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    class Failing:  # a module as ssg.search sees it, with some calls failing
        def __init__(self, module, *names: str):
            self.module, self.names = module, names

        def __getattr__(self, name: str):
            return no_space if name in self.names else getattr(self.module, name)

    monkeypatch.setattr(search, "os", Failing(os, "link"))
    monkeypatch.setattr(search, "shutil", Failing(shutil, "copy2"))
    result = run(tiny_site, "build")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert snapshot(tiny_site / "public") == before
    scratch = (".ssg-search.", ".public.staging.")
    assert [p.name for p in tiny_site.iterdir() if p.name.startswith(scratch)] == []


def test_each_search_landmark_has_its_own_name(tiny_site: Path):
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    page = html(tiny_site / "public/search/index.html")
    names = [form.get("aria-label") for form in page.cssselect('[role="search"]')]
    assert len(names) == 2 and all(names) and len(set(names)) == 2, names


def test_chinese_and_japanese_sites_are_told_about_the_extended_indexer():
    from pathlib import Path

    from ssg.search import segmentation_warning

    standard, extended = Path("/x/pagefind"), Path("/x/pagefind_extended")
    for language in ("ja", "zh-Hant-TW", "zh"):
        problem = segmentation_warning(language, standard)
        assert problem is not None and not problem.is_error
        assert "pagefind[extended]" in (problem.hint or "")
        assert segmentation_warning(language, extended) is None
    assert segmentation_warning("vi", standard) is None
    assert segmentation_warning("en-GB", standard) is None


def test_a_japanese_site_built_with_the_standard_indexer_is_warned(tiny_site: Path):
    import textwrap

    from conftest import TINY_SITE

    write_site(tiny_site, {"site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "language: ja\n"})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    if "extended" in search.pagefind_executable().name:
        assert "not split" not in result.output
    else:
        assert "warning: search: words in 'ja' text are not split" in result.output


def test_an_html_file_under_assets_builds_with_search_on(tiny_site: Path):
    """An interactive graphic published as an HTML file under assets/: the index view
    finds it in the staging folder, where this build put it."""
    write_site(tiny_site, {"assets/graphics/chart.html": "<!doctype html><p>chart</p>\n"})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert (tiny_site / "public/graphics/chart.html").read_text().endswith("<p>chart</p>\n")
    write_site(tiny_site, {"assets/graphics/chart.html": "<!doctype html><p>v2</p>\n"})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert "v2" in (tiny_site / "public/graphics/chart.html").read_text()
