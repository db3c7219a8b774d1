"""A hostile headline and author name stay text everywhere: HTML, attributes, feeds, JSON-LD, sitemaps."""

from __future__ import annotations

import json
from pathlib import Path

import extruct
import feedparser
import lxml.etree
import pytest

from ssg.markdown import smart_text

from conftest import html, run, write_site

TITLE = """Mayor's "plan" & <b>bold</b> </script><script>alert("t")</script> <!-- ]]> \u2028end 9" tall"""
# a headline gets the typographer's quotation marks; the `"` after a digit (inches) stays
SHOWN = smart_text(TITLE)
NAME = """Ana "Boss" </script><img src=x onerror=alert(1)> O'Neil & Co"""
BASE = "https://hostile.example/"


def yaml_quote(text: str) -> str:
    return json.dumps(text)  # JSON strings are valid YAML double-quoted scalars


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    write_site(
        root,
        {
            "site.yml": f"title: Hostile Times\nbase_url: {BASE}\nrss: true\n",
            "content/authors/ana.md": f"---\nname: {yaml_quote(NAME)}\n---\nBio.\n",
            "content/articles/story.md": (
                f"---\ntitle: {yaml_quote(TITLE)}\ndek: {yaml_quote(TITLE)}\nauthors: ana\n"
                "date: 2024-05-01T10:00:00Z\ntopics: [Courts]\n---\nBody text.\n"
            ),
        },
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SSG_BUILD_TIME", "2024-05-02T10:00:00Z")
        result = run(root, "build")
    assert result.exit_code == 0, result.output
    return root / "public"


def test_html_text_and_attributes(hostile: Path):
    page = html(hostile / "2024/05/01/story/index.html")
    assert page.cssselect("h1.headline")[0].text_content() == SHOWN
    assert page.cssselect(".byline a")[0].text_content() == NAME
    assert page.cssselect("title")[0].text_content() == f"{SHOWN} | Hostile Times"
    for selector in [
        'meta[property="og:title"]',
        'meta[property="og:description"]',
        'meta[name="description"]',
    ]:
        assert page.cssselect(selector)[0].get("content") == SHOWN
    assert not page.xpath("//img[@onerror]") and not page.xpath("//b")
    scripts = page.xpath("//script")
    assert scripts and all(s.get("type") == "application/ld+json" for s in scripts)


def test_jsonld_keeps_the_text_and_the_block_closed(hostile: Path):
    text = (hostile / "2024/05/01/story/index.html").read_text(encoding="utf-8")
    items = extruct.extract(text, base_url=BASE, syntaxes=["json-ld"])["json-ld"]
    article = next(i for i in items if i["@type"] == "NewsArticle")
    assert article["headline"] == SHOWN
    assert [a["name"] for a in article["author"]] == [NAME]
    crumbs = next(i for i in items if i["@type"] == "BreadcrumbList")
    assert crumbs["itemListElement"][-1]["name"] == SHOWN
    profile = (hostile / "authors/ana/index.html").read_text(encoding="utf-8")
    [page] = extruct.extract(profile, base_url=BASE, syntaxes=["json-ld"])["json-ld"]
    assert page["mainEntity"]["name"] == NAME


@pytest.mark.parametrize(
    "name", ["feed.xml", "rss.xml", "authors/ana/feed.xml", "topics/courts/feed.xml"]
)
def test_feeds_keep_the_text(hostile: Path, name: str):
    feed = feedparser.parse((hostile / name).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    [entry] = feed.entries
    assert entry.title == SHOWN
    assert entry.author == NAME
    # the raw XML parses, and the title is exactly one text node
    root = lxml.etree.fromstring((hostile / name).read_bytes())
    titles = [t for t in root.iter("{*}title", "title") if t.text == SHOWN]
    assert titles and all(len(t) == 0 for t in titles)


def test_feed_titles_and_author_names(hostile: Path):
    feed = feedparser.parse((hostile / "authors/ana/feed.xml").read_bytes())
    assert feed.feed.title == f"{NAME} | Hostile Times"


def test_sitemaps_stay_well_formed(hostile: Path):
    news = lxml.etree.fromstring((hostile / "news-sitemap.xml").read_bytes())
    [title] = news.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")
    assert title.text == SHOWN
    lxml.etree.fromstring((hostile / "sitemap.xml").read_bytes())
