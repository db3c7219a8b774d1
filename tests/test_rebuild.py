"""The preview's rebuilder: what changed, whether only CSS changed, and failures."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ssg.plan import url_of_file
from ssg.rebuild import EngineRebuilder, report_for, stylesheet_links

from conftest import REPO, TINY_SITE, snapshot, write_site


def rebuilder(root: Path) -> EngineRebuilder:
    return EngineRebuilder(root, root / "site.yml", root / ".ssg-cache/serve")


def test_url_of_file():
    assert url_of_file("index.html") == "/"
    assert url_of_file("a/b/index.html") == "/a/b/"
    assert url_of_file("404.html") == "/404.html"
    assert url_of_file("css/style.css") == "/css/style.css"


def test_report_for():
    report = report_for(["css/a.css", "css/b.css"], [], 10)
    assert report.css_only and report.pages_written == 0
    assert not report_for([], [], 10).css_only
    assert not report_for(["css/a.css", "index.html"], [], 10).css_only


def test_edit_one_article_reports_its_page_and_listings(tmp_path: Path):
    root = write_site(tmp_path / "site", TINY_SITE)
    path = root / "content/articles/third.md"
    path.write_text(path.read_text() + "\nA closing paragraph.\n")
    builder = rebuilder(root)
    first = builder.rebuild(frozenset())
    html_pages = [u for u in first.changed_urls if u.endswith("/") or u.endswith(".html")]
    assert not first.failed and first.pages_written == len(html_pages) > 10
    assert first.pages_written <= first.pages_rendered  # feeds and sitemaps are rendered too
    path.write_text(path.read_text().replace("A closing", "A last"))
    report = builder.rebuild(frozenset({path}))
    # the body is in the article page and, as full content, in the feeds that list it
    assert set(report.changed_urls) == {
        "/2024/03/03/third/",
        "/feed.xml",
        "/authors/li-wei/feed.xml",
        "/topics/zurich/feed.xml",
    }
    assert report.pages_written == 1 and not report.css_only
    path.write_text(path.read_text().replace("title: Third story", "title: Third tale"))
    report = builder.rebuild(frozenset({path}))
    urls = set(report.changed_urls)
    # the article, the home page and topic/author pages listing it, and related cards
    assert {"/2024/03/03/third/", "/", "/topics/zurich/", "/authors/li-wei/"} <= urls
    assert "/topics/kim-jong-un/" not in urls  # does not list the third story


def test_css_only_change(tmp_path: Path):
    root = write_site(tmp_path / "site", {**TINY_SITE, "assets/css/style.css": "h1{color:red}"})
    builder = rebuilder(root)
    builder.rebuild(frozenset())
    css = root / "assets/css/style.css"
    css.write_text("h1{color:blue}")
    report = builder.rebuild(frozenset({css}))
    assert report.css_only and report.changed_urls == ("/css/style.css",)
    assert report.pages_written == 0 and report.pages_rendered == 0  # copied, nothing rendered
    assert (builder.output_dir / "css/style.css").read_text() == "h1{color:blue}"
    # the copy is what a full build would have written
    assert builder.rebuild(frozenset()).changed_urls == ()


def test_css_copied_into_the_preview_is_minified_when_the_site_minifies(tmp_path: Path):
    site_yml = textwrap.dedent(TINY_SITE["site.yml"]) + "assets:\n  minify: true\n"
    css_text = "/* the house style */\nh1 {\n  color: red;\n}\n"
    files = {**TINY_SITE, "site.yml": site_yml, "assets/css/style.css": css_text}
    root = write_site(tmp_path / "site", files)
    builder = rebuilder(root)
    builder.rebuild(frozenset())
    css = root / "assets/css/style.css"
    css.write_text(css_text.replace("red", "blue"))
    report = builder.rebuild(frozenset({css}))
    assert report.css_only
    assert (builder.output_dir / "css/style.css").read_text() == "h1{color:blue}"
    assert builder.rebuild(frozenset()).changed_urls == ()  # what a full build writes


def test_css_change_while_broken_does_a_full_build(tmp_path: Path):
    root = write_site(tmp_path / "site", {**TINY_SITE, "assets/css/style.css": "h1{color:red}"})
    builder = rebuilder(root)
    builder.rebuild(frozenset())
    bad = root / "content/articles/bad.md"
    bad.write_text("---\ntitle: [oops\n---\nBody\n")
    assert builder.rebuild(frozenset({bad})).failed
    css = root / "assets/css/style.css"
    css.write_text("h1{color:blue}")
    assert builder.rebuild(frozenset({css})).failed  # still broken: the error is not hidden
    bad.unlink()
    report = builder.rebuild(frozenset({bad}))
    assert not report.failed and report.changed_urls == ("/css/style.css",)


def test_failure_keeps_the_last_good_output(tmp_path: Path):
    root = write_site(tmp_path / "site", TINY_SITE)
    builder = rebuilder(root)
    builder.rebuild(frozenset())
    before = snapshot(builder.output_dir)
    bad = root / "content/articles/bad.md"
    bad.write_text("---\ntitle: [oops\n---\nBody\n")
    report = builder.rebuild(frozenset({bad}))
    assert report.failed and report.changed_urls == ()
    assert any(p.path == "content/articles/bad.md" and p.line for p in report.problems)
    assert snapshot(builder.output_dir) == before
    bad.unlink()
    report = builder.rebuild(frozenset({bad}))
    assert not report.failed and report.changed_urls == ()  # back to the same site


def test_drafts_and_scheduled_get_banners_only_when_included(tmp_path: Path):
    root = write_site(
        tmp_path / "site",
        {
            **TINY_SITE,
            "content/articles/draft.md": "---\ntitle: Secret draft\nauthors: li-wei\n"
            "date: 2024-03-04\ndraft: true\n---\nDraft body.\n",
            "content/articles/later.md": "---\ntitle: Future piece\nauthors: li-wei\n"
            "date: 2999-01-01\n---\nLater.\n",
        },
    )
    builder = rebuilder(root)
    assert not builder.rebuild(frozenset()).failed
    out = builder.output_dir
    import lxml.html

    draft = lxml.html.fromstring((out / "2024/03/04/draft/index.html").read_bytes())
    assert draft.cssselect(".status-banner.status-draft")[0].text_content().startswith("Draft")
    later = lxml.html.fromstring((out / "2999/01/01/later/index.html").read_bytes())
    assert "Scheduled" in later.cssselect(".status-banner.status-scheduled")[0].text_content()
    home = lxml.html.fromstring((out / "index.html").read_bytes())
    labels = [p.text_content() for p in home.cssselect(".status-label")]
    assert labels == ["Scheduled", "Draft"]
    third = lxml.html.fromstring((out / "2024/03/03/third/index.html").read_bytes())
    assert not third.cssselect(".status-banner")

    no_drafts = EngineRebuilder(root, root / "site.yml", tmp_path / "plain", drafts=False)
    assert not no_drafts.rebuild(frozenset()).failed
    assert not (tmp_path / "plain/2024/03/04/draft").exists()
    for page in (tmp_path / "plain").rglob("*.html"):
        assert b"status-banner" not in page.read_bytes()
        assert b"status-label" not in page.read_bytes()


def page(css: str, text: str) -> bytes:
    return f'<html><head><link rel="stylesheet" href="/news/{css}"></head><body>{text}</body></html>'.encode()


def test_stylesheet_links(tmp_path: Path):
    (tmp_path / "404.html").write_bytes(page("css/style.css", "x"))
    assert stylesheet_links(tmp_path / "404.html", "/news/") == {"css/style.css"}
    assert stylesheet_links(tmp_path / "missing.html", "/") == set()


def test_stylesheet_no_page_links_by_name_needs_a_build(tmp_path: Path):
    layout = (REPO / "layouts/base.html").read_text().replace("css/style.css", "css/style.css?v=1")
    root = write_site(
        tmp_path / "site",
        {**TINY_SITE, "assets/css/extra.css": "p{}", "layouts/base.html": layout},
    )
    builder = rebuilder(root)
    builder.rebuild(frozenset())
    extra = root / "assets/css/extra.css"
    extra.write_text("p{color:red}")
    report = builder.rebuild(frozenset({extra}))
    # not linked by name from pages, so not a plain copy: the engine publishes it, and
    # since no page depends on its bytes, renders nothing
    assert (builder.output_dir / "css/extra.css").read_text() == "p{color:red}"
    assert report.css_only and report.changed_urls == ("/css/extra.css",)


def test_a_stylesheet_swapped_for_a_symlink_out_of_assets_is_not_copied(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    root = write_site(tmp_path / "site", {**TINY_SITE, "assets/css/style.css": "h1{color:red}"})
    builder = rebuilder(root)
    builder.rebuild(frozenset())
    css = root / "assets/css/style.css"
    css.unlink()
    css.symlink_to(secret)
    report = builder.rebuild(frozenset({css}))
    published = builder.output_dir / "css/style.css"
    assert not published.exists() or "TOP-SECRET" not in published.read_text()
    assert any("symlink leading outside" in p.message for p in report.problems), report.problems
