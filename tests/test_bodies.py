"""Story bodies left on disk while a one-off build renders (`ssg.bodies`): the pages
print every body as a build without the cache does, in-process and in the pool, and a
body that cannot be read back fails the build with a located error."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from ssg import bodies
from ssg.bodies import BodySource, elide_bodies
from ssg.cache import ParseCache, encode_blob
from ssg.engine import Builder
from ssg.model import Article
from ssg.plan import Output
from ssg.site import BuildOptions
from ssg.snapshot import is_elided
from ssg.sources import SourceFile

from conftest import TINY_SITE, html, many_articles_site, run, snapshot, write_site

SITE = {**TINY_SITE, "site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "search: false\n"}
NOW = BuildOptions(now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))


def clean(root: Path, out: Path) -> dict[str, bytes]:
    """A build without the parse cache: every body stays in memory."""
    report = Builder(root, options=NOW, output=out, jobs=1, use_cache=False).build()
    assert report.ok, report.problems
    return snapshot(out)


def touch_base_template(root: Path) -> None:
    """A template edit that makes the next build render every page again."""
    base = (Path(__file__).parent.parent / "layouts/base.html").read_text(encoding="utf-8")
    target = root / "layouts/base.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(base.replace("</body>", "<!-- edited --></body>"), encoding="utf-8")


def test_pages_print_the_bodies_read_back_from_disk(tmp_path: Path, monkeypatch):
    root = write_site(tmp_path / "site", SITE)
    assert Builder(root, options=NOW, jobs=1).build().ok
    read: list[str] = []
    original = BodySource._read

    def spy(self, path):
        read.append(path)
        return original(self, path)

    monkeypatch.setattr(BodySource, "_read", spy)
    touch_base_template(root)
    report = Builder(root, options=NOW, jobs=1).build()
    assert report.ok, report.problems
    assert set(read) == {
        "content/articles/first.md",
        "content/articles/third.md",
    }  # the second story links to the first: its body was rewritten, so it stayed
    page = html(root / "public/2024/03/01/first/index.html")
    assert "The first paragraph of the first story." in page.text_content()
    assert snapshot(root / "public") == clean(root, tmp_path / "clean")


def test_workers_read_bodies_back_and_match_a_build_without_cache(tmp_path: Path):
    root = many_articles_site(tmp_path / "site")
    assert Builder(root, options=NOW, jobs=2).build().ok
    touch_base_template(root)
    report = Builder(root, options=NOW, jobs=2).build()
    assert report.ok, report.problems
    assert len(report.written) > 100  # rendered in the pool, not in-process
    assert snapshot(root / "public") == clean(root, tmp_path / "clean")


def test_a_body_that_cannot_be_read_back_fails_the_build_cleanly(tmp_path: Path, monkeypatch):
    root = write_site(tmp_path / "site", SITE)
    assert Builder(root, options=NOW, jobs=1).build().ok
    before = snapshot(root / "public")
    monkeypatch.setattr(bodies.os, "pread", lambda fd, length, offset: b"")  # a short read
    touch_base_template(root)
    report = Builder(root, options=NOW, jobs=1).build()
    assert not report.ok
    lost = [p for p in report.problems if "could not be read back" in p.message]
    assert {p.path for p in lost} == {"content/articles/first.md", "content/articles/third.md"}
    assert all(p.hint and "build again" in p.hint for p in lost)
    assert snapshot(root / "public") == before


def story(path: str, body: str) -> Article:
    date = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    return Article(path=path, slug=path, title=path, date=date, author_slugs=(), body_html=body)


def test_only_bodies_exactly_as_parsed_and_stored_are_left_out(tmp_path: Path):
    cache = ParseCache(tmp_path / "cache", b"v1")
    parsed = [story("a.md", "<p>A</p>"), story("b.md", "<p>B</p>"), story("c.md", "<p>C</p>")]
    sources = [SourceFile("articles", a.path, a.path, f"key-{a.path}") for a in parsed]
    # a.md and c.md are stored; b.md is not (a failed cache write, say)
    entries = [("articles", a, [], "") for a in parsed if a.path != "b.md"]
    cache.put_many([(f"key-{e[1].path}", encode_blob(e, b"v1")) for e in entries], set())
    # the site model rewrote c.md's body (a link resolved): a new string
    linked = [parsed[0], parsed[1], story("c.md", "<p>C, linked</p>")]
    source = elide_bodies(cache, sources, parsed, [linked])
    cache.close()
    assert source is not None
    assert [is_elided(a.body_html) for a in linked] == [True, False, False]
    assert source.spans.keys() == {"a.md", "c.md"}
    page = Output("/a/", "article.html", {"article": linked[0]})
    assert source.fill(page).context["article"].body_html == "<p>A</p>"
    source.close()
    assert not list((tmp_path / "cache").glob(".bodies-*"))  # the file had no name to leave


@pytest.mark.parametrize(
    "binding",
    [
        "{% for item in related %}{% with article = item %}"
        '<div class="other" data-url="{{ article.url }}">{{ article.body_html|html }}</div>'
        "{% endwith %}{% endfor %}",
        "{% for article in related %}"
        '<div class="other" data-url="{{ article.url }}">{{ article.body_html|html }}</div>'
        "{% endfor %}",
        "{% macro body(article) %}"
        '<div class="other" data-url="{{ article.url }}">{{ article.body_html|html }}</div>'
        "{% endmacro %}{% for item in related %}{{ body(item) }}{% endfor %}",
    ],
)
def test_an_article_page_printing_other_stories_bodies_gets_them(tmp_path: Path, binding: str):
    # `article` rebound to a related story is not the page's own story: its body must be
    # there on a one-off build, which otherwise leaves bodies out of memory
    site = many_articles_site(tmp_path / "site", count=40)
    template = (
        '{% extends "base.html" %}{% block content %}<h1>{{ article.title }}</h1>'
        '<div class="own">{{ article.body_html|html }}</div>' + binding + "{% endblock %}"
    )
    write_site(site, {"layouts/article.html": template})
    result = run(site, "build", "--quiet", "--jobs", "2")
    assert result.exit_code == 0, result.output
    out = site / "public"
    own = {}
    others = []
    for page in out.rglob("index.html"):
        doc = html(page)
        if doc.cssselect(".own"):
            own["/" + page.parent.relative_to(out).as_posix() + "/"] = doc.cssselect(".own")[0]
            others += doc.cssselect(".other")
    assert len(others) > 40
    for other in others:
        expected = own[other.get("data-url")].text_content()
        assert expected.strip() and other.text_content() == expected


class _FullDisk:
    """A temporary file on a full disk: every write and the flush on closing fail."""

    def write(self, data: bytes) -> int:
        raise OSError(27, "File too large")

    def flush(self) -> None:
        raise OSError(27, "File too large")

    def close(self) -> None:
        self.flush()


def test_bodies_stay_in_memory_when_their_file_cannot_be_written(tmp_path: Path, monkeypatch):
    root = write_site(tmp_path / "site", SITE)
    assert Builder(root, options=NOW, jobs=1, output=tmp_path / "clean").build().ok
    monkeypatch.setattr(bodies.tempfile, "TemporaryFile", lambda **kw: _FullDisk())
    report = Builder(root, options=NOW, jobs=1).build()
    assert report.ok, report.problems
    assert snapshot(root / "public") == snapshot(tmp_path / "clean")
