"""A live builder looks only at the paths its watcher reported (`sources.rescan`) and
`Builder.verify` catches what the watcher missed; `ssg serve` then builds again."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from ssg.engine import Builder
from ssg.site import BuildOptions
from ssg.sources import rescan, scan

from conftest import TINY_SITE, snapshot, write_site

NOW = BuildOptions(now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
SITE = {**TINY_SITE, "site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "search: false\n"}
FOURTH = "---\ntitle: Fourth story\nauthors: li-wei\ndate: 2024-03-04\n---\nFourth.\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", SITE)


def clean(root: Path) -> dict[str, bytes]:
    out = root.parent / "clean"
    assert Builder(root, options=NOW, output=out, jobs=1, use_cache=False).build().ok
    return snapshot(out)


def test_rescan_equals_a_full_scan_after_edits_additions_and_deletions(site: Path):
    version = b"v"
    sources, stamps, _ = scan(site, {}, version)
    write_site(
        site,
        {
            "content/articles/first.md": SITE["content/articles/first.md"] + "More.\n",
            "content/articles/2024/fourth.md": FOURTH,
            "content/articles/third.md": None,
        },
    )
    changed = [
        site / "content/articles/first.md",
        site / "content/articles/2024/fourth.md",
        site / "content/articles/third.md",
        site / "layouts/partials/card.html",  # read in full by every build: no scan needed
    ]
    found = rescan(site, sources, stamps, changed, version)
    assert found is not None
    full = scan(site, stamps, version)
    assert [(s.name, s.key) for s in found[0]] == [(s.name, s.key) for s in full[0]]
    assert {k: v[:3] for k, v in found[1].items()} == {k: v[:3] for k, v in full[1].items()}


@pytest.mark.parametrize(
    "path",
    ["content/articles/2024", "content/authors/team/ana.md", "content/articles/notes.txt", "x.md"],
)
def test_rescan_asks_for_a_full_scan_when_paths_cannot_tell(site: Path, path: str):
    sources, stamps, _ = scan(site, {}, b"v")
    assert rescan(site, sources, stamps, [site / path], b"v") is None


def test_a_missed_event_is_caught_by_verify_and_the_next_build(site: Path):
    builder = Builder(site, options=NOW, jobs=1, live=True)
    assert builder.build().ok
    first = site / "content/articles/first.md"
    third = site / "content/articles/third.md"
    first.write_text(first.read_text() + "\nReported by the watcher.\n")
    third.write_text(third.read_text().replace("Third story", "Third, not reported"))
    report = builder.build({first})
    assert report.ok
    assert "Third, not reported" not in (site / "public/index.html").read_text()
    assert not builder.verify()  # the full scan finds third.md changed
    report = builder.build(set())  # what `ssg serve` does then
    assert report.ok
    assert builder.verify()
    assert snapshot(site / "public") == clean(site)
    builder.close()


def test_reported_paths_keep_the_preview_equal_to_a_clean_build(site: Path):
    builder = Builder(site, options=NOW, jobs=1, live=True)
    assert builder.build().ok
    steps = [
        {"content/articles/2024/fourth.md": FOURTH},
        {"content/articles/first.md": SITE["content/articles/first.md"] + "A new line.\n"},
        {"content/articles/second.md": None},
        {"content/authors/li-wei.md": "---\nname: Li Wei\nrole: Editor\n---\nA new bio.\n"},
    ]
    for files in steps:
        write_site(site, files)
        report = builder.build({site / name for name in files})
        assert report.ok, report.problems
        assert builder.verify()
        assert snapshot(site / "public") == clean(site)
    builder.close()
