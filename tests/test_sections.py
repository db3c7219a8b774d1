"""Sections: declared in site.yml, checked on articles, each with a front, a feed and a nav link."""

from __future__ import annotations

import itertools
from pathlib import Path

import lxml.etree
import pytest
from buildtime import article_md, run_at

from ssg.config import parse_config

from conftest import html, write_site

SECTIONS_YML = """\
sections:
  - title: World
    description: News from everywhere.
  - slug: money
    title: Business
  - Politics
"""

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def sectioned(tiny_site: Path) -> Path:
    """The tiny site with three sections and seven articles spread over them."""
    config = (tiny_site / "site.yml").read_text() + SECTIONS_YML
    files: dict[str, str | None] = {"site.yml": config}
    for name in ("first", "second", "third"):
        files[f"content/articles/{name}.md"] = None
    stories = [
        ("w1", "2024-03-01T09:00:00+07:00", "World"),
        ("w2", "2024-03-05T09:00:00+07:00", "world"),  # any case is accepted
        ("w3", "2024-03-03T09:00:00+07:00", "World"),
        ("w4", "2024-03-04T09:00:00+07:00", "World"),
        ("b1", "2024-03-02T09:00:00+07:00", "Business"),
        ("p1", "2024-03-06T09:00:00+07:00", "politics"),
        ("n1", "2024-03-07T09:00:00+07:00", ""),
    ]
    for slug, date, section in stories:
        files[f"content/articles/{slug}.md"] = article_md(f"Story {slug}", date, section)
    return write_site(tiny_site, files)


def card_titles(path: Path) -> list[str]:
    return [a.text_content() for a in html(path).cssselect(".card-title a")]


def test_config_reads_sections_in_order():
    config, problems = parse_config(
        {
            "title": "T",
            "base_url": "https://t.example/",
            "sections": [
                {"title": "World", "description": "D"},
                {"slug": "money", "title": "Business"},
                "Politics",
            ],
        },
        "site.yml",
    )
    assert not problems
    assert [(s.slug, s.title, s.description) for s in config.sections] == [
        ("world", "World", "D"),
        ("money", "Business", ""),
        ("politics", "Politics", ""),
    ]


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ("sections:\n  - slug: topics\n    title: Topics\n", "field 'sections.0.slug'"),
        ("sections:\n  - slug: '2024'\n    title: Year\n", "field 'sections.0.slug'"),
        ("sections:\n  - World\n  - title: world\n", "section 'world' is declared twice"),
        ("sections:\n  - slug: x\n", "field 'sections.0.title': missing required field"),
    ],
)
def test_bad_section_declarations_are_located(tiny_site: Path, sections: str, expected: str):
    config = (tiny_site / "site.yml").read_text() + sections
    write_site(tiny_site, {"site.yml": config})
    result = run_at(tiny_site, None, "build")
    assert result.exit_code == 1
    assert "site.yml:" in result.output and expected in result.output


def test_unknown_section_is_a_located_error_with_the_known_list(sectioned: Path):
    write_site(
        sectioned,
        {"content/articles/bad.md": article_md("Bad", "2024-03-02", "Sport", topics="[X]")},
    )
    result = run_at(sectioned, None, "build")
    assert result.exit_code == 1
    assert (
        "content/articles/bad.md:5: error: field 'section': unknown section 'Sport' "
        "(known: World, Business, Politics)"
    ) in result.output
    assert not (sectioned / "public").exists()


def test_without_declared_sections_section_stays_free_text(tiny_site: Path):
    write_site(tiny_site, {"content/articles/x.md": article_md("X", "2024-03-02", "Anything")})
    result = run_at(tiny_site, None, "build")
    assert result.exit_code == 0, result.output
    page = html(tiny_site / "public/2024/03/02/x/index.html")
    assert "Anything" in page.cssselect(".section-name")[0].text_content()
    assert not page.cssselect(".section-nav")
    assert not (tiny_site / "public/anything").exists()


def test_the_kicker_names_a_section_that_matches_the_kind_once(tiny_site: Path):
    config = (tiny_site / "site.yml").read_text() + "sections: [Opinion, World]\n"
    write_site(
        tiny_site,
        {
            "site.yml": config,
            "content/articles/first.md": None,
            "content/articles/second.md": None,
            "content/articles/third.md": None,
            "content/articles/col.md": article_md("Col", "2024-03-02", "opinion", kind="Opinion"),
            "content/articles/ana.md": article_md("Ana", "2024-03-03", "World", kind="Analysis"),
        },
    )
    result = run_at(tiny_site, None, "build")
    assert result.exit_code == 0, result.output
    out = tiny_site / "public"
    kicker = html(out / "2024/03/02/col/index.html").cssselect(".story-header .kicker")[0]
    assert " ".join(kicker.text_content().split()) == "Opinion"
    kicker = html(out / "2024/03/03/ana/index.html").cssselect(".story-header .kicker")[0]
    assert " ".join(kicker.text_content().split()) == "Analysis · World"
    cards = html(out / "index.html").cssselect(".card .kicker")
    assert sorted(" ".join(k.text_content().split()) for k in cards) == ["Analysis", "Opinion"]


def test_section_front_lists_exactly_its_articles_newest_first_paginated(sectioned: Path):
    result = run_at(sectioned, None, "build")
    assert result.exit_code == 0, result.output
    out = sectioned / "public"
    first = html(out / "world/index.html")
    assert first.cssselect("h1")[0].text_content().strip() == "World"
    assert [a.text_content() for a in first.cssselect(".lead .card-title a")] == ["Story w2"]
    assert card_titles(out / "world/index.html") == ["Story w2", "Story w4"]  # per_page: 2
    assert first.cssselect('a[rel="next"]')[0].get("href") == "/world/page/2/"
    second = html(out / "world/page/2/index.html")
    assert card_titles(out / "world/page/2/index.html") == ["Story w3", "Story w1"]
    assert not second.cssselect('a[rel="next"]')
    # no heading level is skipped after the page's h1 (HTML's outline rules)
    levels = [int(h.tag[1]) for h in second.cssselect("main h1, main h2, main h3")]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))
    # the slug comes from site.yml, the title from the article's matching section
    assert card_titles(out / "money/index.html") == ["Story b1"]
    assert card_titles(out / "politics/index.html") == ["Story p1"]
    article = html(out / "2024/03/06/p1/index.html")
    assert "Politics" in article.cssselect(".section-name")[0].text_content()


def test_navigation_lists_sections_in_declared_order(sectioned: Path):
    run_at(sectioned, None, "build")
    out = sectioned / "public"
    nav = html(out / "index.html").cssselect(".section-nav a")
    assert [(a.text_content(), a.get("href")) for a in nav] == [
        ("World", "/world/"),
        ("Business", "/money/"),
        ("Politics", "/politics/"),
    ]
    current = html(out / "money/index.html").cssselect('.section-nav a[aria-current="page"]')
    assert [a.get("href") for a in current] == ["/money/"]


def test_each_section_has_an_atom_feed_of_its_articles(sectioned: Path):
    run_at(sectioned, None, "build")
    out = sectioned / "public"
    feed = lxml.etree.parse(str(out / "world/feed.xml")).getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "The Tiny Times: World"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Story w2",
        "Story w4",
        "Story w3",
        "Story w1",
    ]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links[0] == "https://tiny.example/2024/03/05/w2/"
    assert feed.findtext(f"{ATOM}updated") == "2024-03-05T09:00:00+07:00"
    alternate = html(out / "world/index.html").cssselect('link[type="application/atom+xml"]')
    assert [a.get("href") for a in alternate] == [
        "https://tiny.example/feed.xml",
        "https://tiny.example/world/feed.xml",
    ]


def test_section_front_cannot_collide_with_a_page(sectioned: Path):
    write_site(sectioned, {"content/pages/world.md": "---\ntitle: World page\n---\nHi.\n"})
    result = run_at(sectioned, None, "build")
    assert result.exit_code == 1
    assert "content/pages/world.md:2: error: field 'slug': output URL /world/ is also" in (
        result.output
    )


def test_section_placeholder_in_permalinks_uses_the_declared_slug(sectioned: Path):
    config = (sectioned / "site.yml").read_text() + "permalink: /{section}/{slug}/\n"
    write_site(sectioned, {"site.yml": config})
    result = run_at(sectioned, None, "build")
    assert result.exit_code == 0, result.output
    out = sectioned / "public"
    assert (out / "money/b1/index.html").is_file()
    assert (out / "world/w2/index.html").is_file()
    assert (out / "news/n1/index.html").is_file()
    current = html(out / "money/b1/index.html").cssselect('.section-nav a[aria-current="page"]')
    assert [a.get("href") for a in current] == ["/money/"]
