"""The incremental engine: unchanged rebuilds write nothing, edits write only what they touch,
deleted sources lose their pages, --jobs never changes a byte, and a bad cache is never trusted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jinja2
import pytest

from ssg.cache import decode_blob, encode_blob
from ssg.engine import Builder
from ssg.site import BuildOptions

from conftest import TINY_SITE, html, many_articles_site, run, snapshot, write_site

# Pagefind's index is not byte-for-byte reproducible (two clean builds of one site
# differ), so these byte-level tests build without it; test_search.py covers the index.
ENGINE_SITE = {**TINY_SITE, "site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "search: false\n"}


NOW = BuildOptions(now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """The conftest tiny site, without the search index."""
    return write_site(tmp_path / "site", ENGINE_SITE)


def mtimes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def clean_build(root: Path, out: Path, jobs: int = 1) -> dict[str, bytes]:
    report = Builder(root, options=NOW, output=out, jobs=jobs, use_cache=False).build()
    assert report.ok, report.problems
    return snapshot(out)


def backdate(root: Path) -> None:
    """Make every source look old, so size+mtime alone can prove it unchanged."""
    old = 1_600_000_000_000_000_000
    for path in (root / "content").rglob("*.md"):
        os.utime(path, ns=(old, old))


def test_unchanged_rebuild_rewrites_nothing(tiny_site: Path):
    assert run(tiny_site, "build").exit_code == 0
    out = tiny_site / "public"
    before = mtimes(out)
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert "0 written" in result.output and "0 removed" in result.output
    assert mtimes(out) == before


def test_unchanged_rebuild_with_trusted_stamps_rewrites_nothing(tiny_site: Path):
    backdate(tiny_site)
    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    before = mtimes(tiny_site / "public")
    report = Builder(tiny_site, options=NOW).build()  # a fresh process: state from disk
    assert report.ok and report.written == () and report.removed == ()
    assert report.unchanged == len(before)
    assert mtimes(tiny_site / "public") == before


def test_edit_rewrites_only_touched_pages(tiny_site: Path):
    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    out = tiny_site / "public"
    before = mtimes(out)
    path = tiny_site / "content/articles/third.md"
    path.write_text(path.read_text().replace("Third.", "Third, now longer."), encoding="utf-8")
    report = builder.build()
    assert report.ok
    after = mtimes(out)
    changed = {p for p in after if after[p] != before.get(p)}
    assert "2024/03/03/third/index.html" in changed
    # the summary shows on listings that carry the third story, nowhere else
    assert "index.html" in changed and "topics/zurich/index.html" in changed
    assert "2024/03/01/first/index.html" not in changed  # no shared topic, not related
    assert "authors/ana-ruiz/index.html" not in changed
    assert "css/style.css" not in changed
    assert set(report.written) == changed
    assert "Third, now longer." in html(out / "2024/03/03/third/index.html").text_content()
    assert snapshot(out) == clean_build(tiny_site, tiny_site / "clean")


def test_deleted_article_page_is_removed(tiny_site: Path):
    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    out = tiny_site / "public"
    assert (out / "2024/03/01/first/index.html").is_file()
    second = TINY_SITE["content/articles/second.md"].replace("[the first](first.md)", "nothing")
    write_site(tiny_site, {"content/articles/first.md": None, "content/articles/second.md": second})
    report = builder.build()
    assert report.ok, report.problems
    assert not (out / "2024/03/01/first").exists()
    assert not (out / "topics/kim-jong-un").exists()  # the topic only that story used
    assert "2024/03/01/first/index.html" in report.removed
    assert "/2024/03/01/first/" in report.changed_urls
    assert snapshot(out) == clean_build(tiny_site, tiny_site / "clean")


def test_template_change_rerenders_only_pages_using_it(tiny_site: Path):
    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    out = tiny_site / "public"
    before = mtimes(out)
    write_site(
        tiny_site,
        {
            "layouts/partials/author_box.html": '<section class="author-box">{{ author.name }}</section>'
        },
    )
    report = builder.build()
    assert report.ok
    after = mtimes(out)
    changed = {p for p in after if after[p] != before.get(p)}
    assert changed == {
        "2024/03/01/first/index.html",
        "2024/03/02/second/index.html",
        "2024/03/03/third/index.html",
    }
    assert snapshot(out) == clean_build(tiny_site, tiny_site / "clean")


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("live", [False, True])
def test_a_first_build_records_the_fingerprints_the_next_one_computes(
    tiny_site: Path, jobs: int, live: bool
):
    # a build with no state renders everything and works fingerprints out while it
    # renders; recorded wrongly, the next build would render every page again
    builder = Builder(tiny_site, options=NOW, jobs=jobs, live=live)
    first = builder.build()
    builder.close()  # a live builder saves its state here
    assert first.ok and first.rendered == first.pages
    write_site(
        tiny_site,
        {"layouts/partials/author_box.html": '<section class="box">{{ author.name }}</section>'},
    )
    report = Builder(tiny_site, options=NOW, jobs=jobs).build()  # state read from disk
    assert report.ok, report.problems
    assert report.rendered == 3  # the three story pages, which show author boxes
    assert set(report.written) == {
        "2024/03/01/first/index.html",
        "2024/03/02/second/index.html",
        "2024/03/03/third/index.html",
    }


def test_css_only_change_is_reported_as_assets_only(tiny_site: Path):
    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    write_site(tiny_site, {"assets/css/extra.css": "body { color: red }"})
    report = builder.build()
    # a new stylesheet: published under its plain and its fingerprinted name, no page changes
    assert report.ok and report.assets_only
    assert report.written[0] == "css/extra.css"
    assert re.fullmatch(r"css/extra\.[0-9a-f]{8}\.css", report.written[1])


def test_jobs_one_and_two_give_identical_output(tmp_path: Path):
    root = many_articles_site(tmp_path / "site")
    one = clean_build(root, tmp_path / "one", jobs=1)
    two = clean_build(root, tmp_path / "two", jobs=2)
    assert len(one) > 100
    assert one == two


def test_jobs_option_on_the_command_line(tmp_path: Path):
    root = many_articles_site(tmp_path / "site")
    assert run(root, "build", "--jobs", "1", "--output", "one").exit_code == 0
    assert run(root, "build", "--jobs", "2", "--output", "two").exit_code == 0
    assert snapshot(root / "one") == snapshot(root / "two")
    quiet = run(root, "build", "--quiet")
    assert quiet.exit_code == 0 and quiet.output == ""


def poison_cache(root: Path, version_suffix: bytes) -> int:
    """Rewrite every parse-cache entry with a poisoned title under another version."""
    db = sqlite3.connect(root / ".ssg-cache/parse.sqlite")
    rows = db.execute("SELECT key, blob FROM parsed").fetchall()
    for key, blob in rows:
        size = int.from_bytes(blob[41:43], "little")  # after magic, format byte and checksum
        version = blob[43 : 43 + size]
        kind, value, problems, front = decode_blob(blob, version)
        if kind == "articles":
            value = dataclasses.replace(value, title="POISON")
        db.execute(
            "UPDATE parsed SET blob = ? WHERE key = ?",
            (encode_blob((kind, value, problems, front), version + version_suffix), key),
        )
    db.commit()
    db.close()
    return len(rows)


def test_version_mismatched_cache_is_not_trusted(tiny_site: Path):
    assert Builder(tiny_site, options=NOW).build().ok
    assert poison_cache(tiny_site, b"-other-version") > 0
    # a new description changes every page, so every source's parsed value is needed again
    write_site(tiny_site, {"site.yml": ENGINE_SITE["site.yml"] + "description: Changed\n"})
    report = Builder(tiny_site, options=NOW).build()
    assert report.ok, report.problems
    out = tiny_site / "public"
    assert b"POISON" not in b"".join(snapshot(out).values())
    assert snapshot(out) == clean_build(tiny_site, tiny_site / "clean")


@pytest.mark.parametrize("damage", ["garbage", "truncate", "flip"])
def test_corrupted_cache_files_are_detected_and_rebuilt(tiny_site: Path, damage: str):
    assert Builder(tiny_site, options=NOW).build().ok
    cache = tiny_site / ".ssg-cache"
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"not a cache" * 10)
        elif damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        else:
            middle = len(data) // 2
            path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    (tiny_site / "public/index.html").write_text("stale", encoding="utf-8")
    report = Builder(tiny_site, options=NOW).build()
    assert report.ok, report.problems
    out = tiny_site / "public"
    assert snapshot(out) == clean_build(tiny_site, tiny_site / "clean")


def test_damaged_output_file_is_repaired(tiny_site: Path):
    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    out = tiny_site / "public"
    (out / "authors/index.html").write_text("tampered", encoding="utf-8")
    (out / "topics/index.html").unlink()
    report = Builder(tiny_site, options=NOW).build()
    assert report.ok
    assert set(report.written) == {"authors/index.html", "topics/index.html"}
    assert snapshot(out) == clean_build(tiny_site, tiny_site / "clean")


def dead_pid() -> int:
    """The number of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_scratch_folders_of_killed_builds_are_swept(tiny_site: Path):
    """A build killed outright leaves its staging folder (a whole site) beside the output;
    the next build deletes it once its process is gone and it is an hour old. A folder
    named without a process id, as earlier versions did, goes by its age alone."""
    assert Builder(tiny_site, options=NOW).build().ok
    hour_ago = time.time() - 3700
    gone, mine, fresh = dead_pid(), os.getpid(), dead_pid()
    stale = tiny_site / f".public.staging.{gone}.abc123"
    running = tiny_site / f".public.staging.{mine}.def456"
    recent = tiny_site / f".public.staging.{fresh}.ghi789"
    old_style = tiny_site / ".public.staging.k2j4x9qa"
    old_style_recent = tiny_site / ".public.staging.p0m3z7wb"
    for folder in (stale, running, recent, old_style, old_style_recent):
        (folder / "2024").mkdir(parents=True)
        (folder / "2024/index.html").write_text("left over", encoding="utf-8")
        if folder not in (recent, old_style_recent):
            os.utime(folder, (hour_ago, hour_ago))
    write_site(tiny_site, {"layouts/partials/card.html": "<p>{{ item.title }}</p>"})
    assert Builder(tiny_site, options=NOW).build().ok
    assert not stale.exists() and not old_style.exists()
    assert running.exists() and recent.exists() and old_style_recent.exists()
    # this build's own staging folder is gone too
    assert [p.name for p in tiny_site.glob(f".public.staging.{mine}.*")] == [running.name]


def test_failed_rebuild_leaves_output_and_no_staging(tiny_site: Path):
    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    out = tiny_site / "public"
    before, stamps = snapshot(out), mtimes(out)
    write_site(tiny_site, {"layouts/partials/card.html": "{{ item.no_such_field }}"})
    path = tiny_site / "content/articles/third.md"
    path.write_text(path.read_text().replace("Third.", "Changed."), encoding="utf-8")
    report = builder.build()
    assert not report.ok
    assert any("card.html" in (p.path or "") for p in report.problems)
    assert snapshot(out) == before and mtimes(out) == stamps
    assert not [p for p in tiny_site.iterdir() if "staging" in p.name]
    (tiny_site / "layouts/partials/card.html").unlink()
    assert builder.build().ok
    assert snapshot(out) == clean_build(tiny_site, tiny_site / "clean")


def test_cache_folder_is_configurable_and_safe_to_delete(tiny_site: Path):
    write_site(tiny_site, {"site.yml": ENGINE_SITE["site.yml"] + "cache_dir: build-cache\n"})
    assert run(tiny_site, "build").exit_code == 0
    assert (tiny_site / "build-cache/parse.sqlite").is_file()
    assert not (tiny_site / ".ssg-cache").exists()
    before = mtimes(tiny_site / "public")
    shutil.rmtree(tiny_site / "build-cache")
    result = run(tiny_site, "build")
    assert result.exit_code == 0 and "0 written" in result.output
    assert mtimes(tiny_site / "public") == before


def test_card_partial_change_rerenders_listings_and_related(tiny_site: Path):
    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    write_site(
        tiny_site,
        {"layouts/partials/card.html": '<p class="my-card">{{ item.title }} ({{ level }})</p>\n'},
    )
    report = builder.build()
    assert report.ok, report.problems
    out = tiny_site / "public"
    assert {"index.html", "topics/courts/index.html", "authors/li-wei/index.html"} <= set(
        report.written
    )
    cards = [
        p.text_content() for p in html(out / "authors/li-wei/index.html").cssselect(".my-card")
    ]
    assert cards == ["Third story (3)", "Second story (3)"]  # author pages use level 3
    related = html(out / "2024/03/02/second/index.html").cssselect(".related .my-card")
    assert sorted(p.text_content() for p in related) == ["First story (3)", "Third story (3)"]
    assert snapshot(out) == clean_build(tiny_site, tiny_site / "clean")


def test_warnings_are_repeated_when_nothing_changed(tiny_site: Path):
    path = tiny_site / "content/articles/third.md"
    path.write_text(path.read_text().replace("topics:", "tpoics: x\ntopics:"), encoding="utf-8")
    first = run(tiny_site, "build")
    second = run(tiny_site, "build")
    assert first.exit_code == second.exit_code == 0
    assert "0 written" in second.output
    for result in (first, second):
        assert (
            "content/articles/third.md:5: warning: field 'tpoics': unknown field" in result.output
        )


def test_body_edit_rerenders_only_its_page_and_feeds(tiny_site: Path):
    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    out = tiny_site / "public"
    before = mtimes(out)
    story = tiny_site / "content/articles/first.md"
    story.write_text(story.read_text() + "\nA second paragraph, added later.\n")
    report = builder.build()
    assert report.ok
    after = mtimes(out)
    changed = {p for p in after if after[p] != before.get(p)}
    # cards show the headline and the first paragraph, not the body: listings stay
    assert changed == {
        "2024/03/01/first/index.html",
        "feed.xml",
        "authors/ana-ruiz/feed.xml",
        "topics/courts/feed.xml",
        "topics/kim-jong-un/feed.xml",
    }
    assert snapshot(out) == clean_build(tiny_site, tiny_site / "clean")


def test_a_card_that_prints_bodies_keeps_listings_fresh(tiny_site: Path):
    card = '<article class="card"><a href="{{ url(item.url) }}">{{ item.title }}</a>{{ item.body_html|html }}</article>'
    write_site(tiny_site, {"layouts/partials/card.html": card})
    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    story = tiny_site / "content/articles/first.md"
    story.write_text(story.read_text() + "\nA second paragraph, added later.\n")
    assert builder.build().ok
    assert "A second paragraph" in (tiny_site / "public/topics/courts/index.html").read_text()
    assert snapshot(tiny_site / "public") == clean_build(tiny_site, tiny_site / "clean")


def _signal_handlers(_item: int) -> tuple[object, object]:
    import signal

    return signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)


def test_pool_workers_do_not_inherit_the_servers_signal_handlers():
    """`ssg serve` turns SIGTERM into KeyboardInterrupt; a pool worker must not (it could
    raise while holding the pool's queue lock and hang its sibling forever)."""
    import signal

    from ssg.parallel import MIN_PARALLEL, pmap

    before = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        seen = set(pmap(_signal_handlers, list(range(MIN_PARALLEL * 2)), 2))
    finally:
        signal.signal(signal.SIGTERM, before)
    assert seen == {(signal.SIG_DFL, signal.SIG_IGN)}


def count_compiles(monkeypatch) -> list[str]:
    """Names of the templates Jinja compiles from source from now on."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def spy(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    return compiled


def test_compiled_templates_are_kept_between_processes(tiny_site: Path, monkeypatch):
    assert Builder(tiny_site, options=NOW).build().ok
    folder = tiny_site / ".ssg-cache/templates"
    (folder / "an-older-version").mkdir()
    compiled = count_compiles(monkeypatch)
    # a new process rendering every page into a new folder compiles nothing
    report = Builder(tiny_site, options=NOW, output=tiny_site / "second").build()
    assert report.ok and compiled == []
    assert snapshot(tiny_site / "second") == snapshot(tiny_site / "public")
    assert [p.name for p in folder.iterdir()] != [] and not (folder / "an-older-version").exists()
    # damaged entries are compiled again, never trusted
    entries = list(folder.glob("*/*.code"))
    assert entries
    for entry in entries:
        entry.write_bytes(b"garbage")
    report = Builder(tiny_site, options=NOW, output=tiny_site / "third").build()
    assert report.ok and "article.html" in compiled
    assert snapshot(tiny_site / "third") == snapshot(tiny_site / "public")


@pytest.mark.parametrize("live", [False, True])
def test_a_file_changed_between_scan_and_parse_is_not_remembered_under_the_scans_key(
    tiny_site: Path, monkeypatch, live: bool
):
    """`git checkout` back and forth while serving: the scan keys a story by its new
    bytes, but the old ones are back when it is parsed. That parse is used once and
    never kept under the new key, so when the new bytes return the page shows them."""
    import ssg.sources

    builder = Builder(tiny_site, options=NOW, live=live)
    assert builder.build().ok
    path = tiny_site / "content/articles/third.md"
    old = path.read_text(encoding="utf-8")
    new = old.replace("Third.", "Third, as on the other branch.")
    real_parse = ssg.sources.parse_job

    def parse_after_checkout_back(source):  # the old bytes are back before the parse
        if source.path.endswith("third.md"):
            path.write_text(old, encoding="utf-8")
        return real_parse(source)

    path.write_text(new, encoding="utf-8")
    monkeypatch.setattr(ssg.sources, "parse_job", parse_after_checkout_back)
    builder.build()
    monkeypatch.undo()
    path.write_text(new, encoding="utf-8")  # and the new bytes once more
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert builder.build().ok
    page = html(tiny_site / "public/2024/03/03/third/index.html").text_content()
    assert "Third, as on the other branch." in page


def test_a_file_deleted_between_scan_and_parse_is_a_located_error(tiny_site: Path, monkeypatch):
    import ssg.sources

    builder = Builder(tiny_site, options=NOW)
    assert builder.build().ok
    path = tiny_site / "content/articles/third.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    real_parse = ssg.sources.parse_job

    def parse_after_delete(source):
        if source.path.endswith("third.md"):
            path.unlink(missing_ok=True)
        return real_parse(source)

    monkeypatch.setattr(ssg.sources, "parse_job", parse_after_delete)
    report = builder.build()
    assert not report.ok
    messages = [p.format() for p in report.problems]
    assert any(
        m.startswith("content/articles/third.md: error: the file could not be read")
        and "build again" in m
        for m in messages
    ), messages


@pytest.mark.parametrize("edit_between", [False, True])
def test_a_build_as_of_an_earlier_time_unpublishes_what_was_scheduled(
    tiny_site: Path, monkeypatch: pytest.MonkeyPatch, edit_between: bool
):
    # a preview "as of" a later time publishes the third story (2024-03-03T10:00Z); a
    # build with the clock back before it must take it down again, on every path
    with (tiny_site / "site.yml").open("a") as config:
        config.write("search: false\n")
    monkeypatch.setenv("SSG_BUILD_TIME", "2024-03-04T12:00:00Z")
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    out = tiny_site / "public"
    assert (out / "2024/03/03/third/index.html").is_file()
    if edit_between:  # a text edit alone takes the quick path
        story = tiny_site / "content/articles/first.md"
        story.write_text(story.read_text() + "\nOne more line.\n")
    monkeypatch.setenv("SSG_BUILD_TIME", "2024-03-02T12:00:00Z")
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    assert not (out / "2024/03/03/third").exists()
    assert "Third story" not in (out / "index.html").read_text()
    clean = tiny_site / "clean-out"  # another output folder: no state, a full build
    assert run(tiny_site, "build", "--quiet", "--output", str(clean)).exit_code == 0
    assert snapshot(out) == snapshot(clean)


@pytest.mark.parametrize("asset", ["assets/css/extra.css", "assets/favicon.svg"])
def test_a_same_size_asset_edit_in_the_same_second_is_published(
    tiny_site: Path, asset: str, monkeypatch
):
    # on a file system that keeps whole seconds (or two saves in one clock tick), a second
    # edit of the same size leaves size and time as the build saw them after the first.
    # The file's time is set by hand, so the window is widened to cover a first build that
    # takes more than two seconds on a busy machine: the rule, not the clock, is tested.
    monkeypatch.setattr("ssg.cache.RACY_NS", 120 * 10**9)
    with (tiny_site / "site.yml").open("a") as config:
        config.write("search: false\n")
    second = int(time.time())
    path = tiny_site / asset
    path.parent.mkdir(parents=True, exist_ok=True)
    for colour in ("#111", "#222"):
        path.write_text(f"/* {colour} */ .probe {{ color: {colour} }}\n")
        os.utime(path, (second, second))
        assert run(tiny_site, "build", "--quiet").exit_code == 0
    out = tiny_site / "public"
    published = [p for p in out.rglob(f"{path.stem}*{path.suffix}")]
    assert published and all("#222" in p.read_text() for p in published)
    clean = tiny_site / "clean-out"
    assert run(tiny_site, "build", "--quiet", "--output", str(clean)).exit_code == 0
    assert snapshot(out) == snapshot(clean)


def test_ctrl_c_while_files_move_into_place_leaves_a_whole_output(
    tiny_site: Path, monkeypatch: pytest.MonkeyPatch
):
    import signal

    from ssg import writer

    write_site(tiny_site, {"site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "search: false\n"})
    assert Builder(tiny_site, options=NOW).build().ok
    footer = tiny_site / "layouts/base.html"  # a change to every page
    base = (Path(__file__).parent.parent / "layouts/base.html").read_text()
    write_site(
        tiny_site, {"layouts/base.html": base.replace("</footer>", "<p>New footer</p></footer>")}
    )
    moves = []
    real_replace = os.replace

    def interrupted(source, target):  # Ctrl-C after the third file is in place
        moves.append(target)
        real_replace(source, target)
        if len(moves) == 3:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(writer.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Builder(tiny_site, options=NOW).build()
    assert len(moves) > 3  # every file went in before the interrupt took effect
    monkeypatch.setattr(writer.os, "replace", real_replace)
    assert snapshot(tiny_site / "public") == clean_build(tiny_site, tiny_site / "clean")
    assert not [p for p in tiny_site.iterdir() if ".staging." in p.name]
    assert footer.is_file()
