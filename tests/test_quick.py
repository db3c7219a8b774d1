"""The text-edit path (`ssg.quick`): a rebuild after only story texts changed renders
just the pages that print them, equals a clean build, and gives way to the full build
whenever anything else changed or the snapshot cannot be trusted."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import textwrap
from pathlib import Path

import pytest

from ssg.engine import Builder
from ssg.site import BuildOptions

from conftest import TINY_SITE, snapshot, write_site

NOW = BuildOptions(now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
SITE = {**TINY_SITE, "site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "search: false\n"}
FIRST_PAGE = "2024/03/01/first/index.html"
FIRST_FEEDS = {
    "feed.xml",
    "authors/ana-ruiz/feed.xml",
    "topics/courts/feed.xml",
    "topics/kim-jong-un/feed.xml",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "site", SITE)
    assert build(root).ok
    return root


def build(root: Path, jobs: int = 1):
    """A build in a new Builder, as a new `ssg build` process would run it."""
    return Builder(root, options=NOW, jobs=jobs).build()


def clean(root: Path) -> dict[str, bytes]:
    out = root.parent / "clean"
    report = Builder(root, options=NOW, output=out, jobs=1, use_cache=False).build()
    assert report.ok, report.problems
    return snapshot(out)


def append(root: Path, name: str, text: str) -> None:
    path = root / "content/articles" / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def mtimes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_a_text_edit_renders_only_the_story_page_and_its_feeds(site: Path):
    before = mtimes(site / "public")
    append(site, "first.md", "\nA second paragraph, added later.\n")
    report = build(site)
    assert report.ok and report.mode == "text"
    assert set(report.written) == {FIRST_PAGE, *FIRST_FEEDS}
    after = mtimes(site / "public")
    assert {p for p in after if after[p] != before.get(p)} == {FIRST_PAGE, *FIRST_FEEDS}
    assert snapshot(site / "public") == clean(site)
    page = (site / "public" / FIRST_PAGE).read_text(encoding="utf-8")
    assert "A second paragraph, added later." in page
    assert build(site).mode == "unchanged"


def test_the_text_path_leaves_fingerprints_a_full_build_agrees_with(tmp_path: Path):
    """After a text edit, a full build renders exactly what it would have rendered had
    the text edit gone through the full build too: the fingerprints agree."""
    rendered = {}
    for way in ("text", "full"):
        root = write_site(tmp_path / way, SITE)
        assert build(root).ok
        if way == "full":
            for snap in (root / ".ssg-cache").glob("snapshot-*"):
                snap.unlink()
        append(root, "first.md", "\nMore text.\n")
        assert build(root).mode == way
        third = root / "content/articles/third.md"
        third.write_text(third.read_text().replace("Third story", "Third, renamed"))
        report = build(root)
        assert report.mode == "full"
        rendered[way] = report.rendered
        assert snapshot(root / "public") == clean(root)
    assert rendered["text"] == rendered["full"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(("first.md", "title: First story", "title: First story, updated"), id="title"),
        pytest.param(("first.md", "topics: [Courts, ", "topics: [Rice, "), id="topics"),
        pytest.param(("first.md", "---\nThe first", "dek: A new dek\n---\nThe first"), id="dek"),
        pytest.param(("first.md", "The first paragraph", "A new first paragraph"), id="summary"),
        pytest.param(("second.md", "story links", "story still links"), id="body-with-link"),
        pytest.param(("first.md", "title:", "# a comment\ntitle:"), id="front-matter-text"),
    ],
)
def test_other_edits_take_the_full_build(site: Path, change: tuple[str, str, str]):
    name, old, new = change
    path = site / "content/articles" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    report = build(site)
    assert report.ok and report.mode == "full"
    assert snapshot(site / "public") == clean(site)


def test_a_body_photo_takes_the_full_build(site: Path):
    from PIL import Image

    (site / "assets/images").mkdir(parents=True)
    Image.new("RGB", (64, 48), (10, 120, 200)).save(site / "assets/images/a.png")
    assert build(site).mode == "full"  # a new asset
    append(site, "first.md", "\n![A photo](/images/a.png)\n")
    report = build(site)
    assert report.ok and report.mode == "full"
    assert snapshot(site / "public") == clean(site)


@pytest.mark.parametrize("damage", ["row", "garbage", "truncated", "missing", "foreign"])
def test_a_damaged_or_foreign_snapshot_is_not_trusted(site: Path, tmp_path: Path, damage: str):
    (store,) = (site / ".ssg-cache").glob("snapshot-*.sqlite")
    if damage == "row":  # one stored page altered on disk: its checksum no longer matches
        db = sqlite3.connect(store)
        (blob,) = db.execute("SELECT blob FROM outputs WHERE url = '/2024/03/01/first/'").fetchone()
        changed = bytearray(blob)
        changed[-20] ^= 0xFF
        db.execute("UPDATE outputs SET blob = ? WHERE url = '/2024/03/01/first/'", (changed,))
        db.commit()
        db.close()
    elif damage == "garbage":
        store.write_bytes(os.urandom(store.stat().st_size))
    elif damage == "truncated":
        store.write_bytes(store.read_bytes()[:3000])
    elif damage == "missing":
        store.unlink()
    else:  # the snapshot of another build of this site, with other stories in it
        other = write_site(tmp_path / "other", {**SITE, "content/articles/third.md": None})
        assert build(other).ok
        (other_store,) = (other / ".ssg-cache").glob("snapshot-*.sqlite")
        store.write_bytes(other_store.read_bytes())
    append(site, "first.md", "\nMore text.\n")
    report = build(site)
    assert report.ok and report.mode == "full"
    assert snapshot(site / "public") == clean(site)
    append(site, "first.md", "\nAnd the next text edit finds a sound snapshot again.\n")
    assert build(site).mode == "text"
    assert snapshot(site / "public") == clean(site)


def test_a_template_printing_bodies_elsewhere_turns_the_text_path_off(site: Path):
    card = '<article class="card">{{ item.title }}{{ item.body_html|html }}</article>\n'
    write_site(site, {"layouts/partials/card.html": card})
    assert build(site).mode == "full"
    append(site, "first.md", "\nShown on every listing now.\n")
    report = build(site)
    assert report.ok and report.mode == "full"
    assert snapshot(site / "public") == clean(site)
    assert (
        "Shown on every listing now." in (site / "public/topics/kim-jong-un/index.html").read_text()
    )


def test_a_missing_output_file_is_restored_by_the_full_build(site: Path):
    (site / "public/topics/index.html").unlink()
    append(site, "first.md", "\nMore text.\n")
    report = build(site)
    assert report.ok and report.mode == "full"
    assert (site / "public/topics/index.html").is_file()
    assert snapshot(site / "public") == clean(site)


def test_a_failed_build_turns_the_text_path_off_until_a_full_build(site: Path):
    path = site / "content/articles/first.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("authors: ana-ruiz", "authors: nobody"), encoding="utf-8")
    assert not build(site).ok
    path.write_text(good + "\nFixed, and more text.\n", encoding="utf-8")
    report = build(site)
    assert report.ok and report.mode == "full"
    append(site, "first.md", "\nAnd more.\n")
    assert build(site).mode == "text"
    assert snapshot(site / "public") == clean(site)


def test_a_draft_text_edit_writes_nothing(site: Path):
    write_site(
        site,
        {
            "content/articles/draft.md": "---\ntitle: Not yet\nauthors: li-wei\n"
            "date: 2024-03-04\ndraft: true\n---\nWork in progress.\n"
        },
    )
    assert build(site).mode == "full"
    before = mtimes(site / "public")
    append(site, "draft.md", "\nStill in progress.\n")
    report = build(site)
    assert report.ok and report.mode == "text" and report.written == ()
    assert mtimes(site / "public") == before


def test_several_text_edits_at_once_and_jobs_agree(site: Path):
    for name in ("first.md", "third.md"):
        append(site, name, "\nA line for both.\n")
    report = build(site, jobs=2)
    assert report.ok and report.mode == "text"
    assert "2024/03/03/third/index.html" in report.written
    assert snapshot(site / "public") == clean(site)


def test_a_new_source_takes_the_full_build(site: Path):
    write_site(
        site,
        {
            "content/articles/fourth.md": "---\ntitle: Fourth\nauthors: li-wei\ndate: 2024-03-04\n---\nNew.\n"
        },
    )
    assert build(site).mode == "full"
    os.remove(site / "content/articles/fourth.md")
    report = build(site)
    assert report.mode == "full" and "2024/03/04/fourth/index.html" in report.removed
    assert snapshot(site / "public") == clean(site)


def test_the_preview_builder_keeps_its_snapshot_in_memory(tmp_path: Path):
    root = write_site(tmp_path / "site", SITE)
    builder = Builder(root, options=NOW, jobs=1, live=True)
    assert builder.build().ok
    for round_number in range(2):  # the second edit starts from the first one's pages
        append(root, "first.md", f"\nEdit {round_number}.\n")
        report = builder.build()
        assert report.ok and report.mode == "text"
        assert set(report.written) == {FIRST_PAGE, *FIRST_FEEDS}
        assert snapshot(root / "public") == clean(root)
    assert not list((root / ".ssg-cache").glob("snapshot-*"))  # nothing written to disk
    path = root / "content/articles/first.md"
    path.write_text(path.read_text().replace("First story", "First story, renamed"))
    report = builder.build()
    assert report.ok and report.mode == "full"
    assert snapshot(root / "public") == clean(root)
    builder.close()


def test_a_text_edit_into_an_output_folder_that_refuses_writes_is_a_clean_error(
    site: Path, monkeypatch: pytest.MonkeyPatch
):
    from ssg import writer

    def refused(source, target):
        raise PermissionError(13, "Permission denied", str(target))

    append(site, "first.md", "\nA second paragraph, added later.\n")
    monkeypatch.setattr(writer.os, "replace", refused)
    report = build(site)
    assert not report.ok
    [problem] = [p for p in report.problems if p.is_error]
    assert "cannot write the output folder" in problem.message, problem
