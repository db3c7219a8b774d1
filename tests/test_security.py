"""Hostile front-matter values stay text: they never become markup or break attributes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssg.config import parse_config
from ssg.fields import is_safe_link
from ssg.markdown import smart_text

from conftest import html, run, write_site
from photofix import make_photo

HOSTILE_TITLE = 'Mayor says "enough" <script>alert(1)</script> & leaves'
HOSTILE_DEK = 'It\'s <b>bold</b> " onmouseover="alert(2)'
# as a reader sees them: headlines and deks get the typographer's quotation marks (the
# dek's unpaired `"` stay straight, so they still test the attributes' escaping)
SHOWN_TITLE, SHOWN_DEK = smart_text(HOSTILE_TITLE), smart_text(HOSTILE_DEK)


def test_hostile_title_and_dek_are_escaped_everywhere(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "content/articles/hostile.md": f"""\
                ---
                title: '{HOSTILE_TITLE}'
                dek: '{HOSTILE_DEK.replace("'", "''")}'
                authors: ana-ruiz
                date: 2024-03-09
                topics: ['<img src=x onerror=alert(3)>']
                ---
                Body.
                """,
            "content/authors/ana-ruiz.md": """\
                ---
                name: 'Ana "The Pen" <i>Ruiz</i>'
                role: Courts reporter
                ---
                Bio.
                """,
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    out = tiny_site / "public"
    page = out / "2024/03/09/hostile/index.html"
    raw = page.read_text()
    assert "<script>alert(1)" not in raw
    assert "<b>bold</b>" not in raw
    assert "<img src=x" not in raw
    assert "<i>Ruiz</i>" not in raw
    doc = html(page)
    assert not doc.cssselect('script:not([type="application/ld+json"])')
    assert doc.cssselect("h1.headline")[0].text_content() == SHOWN_TITLE
    assert doc.cssselect(".dek")[0].text_content() == SHOWN_DEK
    assert doc.findtext(".//title").startswith(SHOWN_TITLE)
    assert doc.cssselect('meta[name="description"]')[0].get("content") == SHOWN_DEK
    for element in doc.iter():
        assert not any(name.startswith("on") for name in element.attrib), element.attrib
    topic_link = doc.cssselect(".story-topics a")[0]
    assert topic_link.text_content() == "<img src=x onerror=alert(3)>"
    assert (out / topic_link.get("href").lstrip("/") / "index.html").is_file()
    home = html(out / "index.html")
    assert SHOWN_TITLE in [a.text_content() for a in home.cssselect(".card-title a")]
    assert not home.cssselect('script:not([type="application/ld+json"])')


SCRIPT_LINKS = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "data:text/html,<b>x</b>",
    "vbscript:x",
]


@pytest.mark.parametrize("url", SCRIPT_LINKS)
def test_an_author_link_that_would_run_code_is_a_field_error(tiny_site: Path, url: str):
    write_site(
        tiny_site,
        {
            "content/authors/li-wei.md": f"""\
                ---
                name: Li Wei
                links:
                  - title: Profile
                    url: "{url}"
                ---
                Li edits data stories.
                """
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code != 0
    assert "content/authors/li-wei.md:5: error: field 'links.0.url': expected an http(s)" in (
        result.output
    )
    assert not (tiny_site / "public").exists()


@pytest.mark.parametrize("url", SCRIPT_LINKS)
def test_menu_and_publisher_links_that_would_run_code_are_errors(url: str):
    data = {
        "title": "T",
        "base_url": "https://x.example/",
        "menu": [{"title": "Bad", "url": url}, {"title": "About", "url": "/about/"}],
        "publisher": {"name": "P", "url": url},
    }
    _, problems = parse_config(data, "site.yml")
    assert sorted(p.field for p in problems if p.is_error) == ["menu.0.url", "publisher.url"]


@pytest.mark.parametrize(
    "url", ["https://mastodon.social/@ana", "http://x.example", "mailto:a@x.example", "/about/"]
)
def test_plain_links_are_allowed(url: str):
    assert is_safe_link(url)


@pytest.mark.parametrize("url", ["/\t/evil.example/", "/\n/evil.example/", "/\r\n/evil.example/"])
def test_a_site_path_that_browsers_read_as_another_host_is_refused(url: str):
    # browsers drop tabs and line ends from a URL: '/\t/evil.example/' goes to evil.example
    assert not is_safe_link(url)
    data = {"title": "T", "base_url": "https://x.example/", "menu": [{"title": "M", "url": url}]}
    _, problems = parse_config(data, "site.yml")
    assert [p.field for p in problems if p.is_error] == ["menu.0.url"]


EVIL_TAG = "<img src=x onerror=alert(2)>"


def test_markdown_in_front_matter_fields_shows_html_as_text(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "assets/images/pic.png": make_photo(40, 20, "PNG"),
            "content/topics/courts.md": f"---\nname: Courts\ndescription: 'Trials *and* {EVIL_TAG}'\n---\n",
            "content/articles/hostile.md": f"""\
                ---
                title: Live from the court
                authors: ana-ruiz
                date: 2024-03-09T08:00:00+07:00
                topics: [Courts]
                image:
                  src: /images/pic.png
                  alt: A pixel
                  credit: Us
                  caption: 'A *small* pixel {EVIL_TAG}'
                corrections:
                  - date: 2024-03-10
                    text: 'We fixed a name. <script>corr()</script>'
                live: true
                updates:
                  - time: "09:40"
                    text: 'The jury is back. {EVIL_TAG}'
                ---
                ## 10:15 From the body

                Body updates may embed markup: <sup>1</sup>
                """,
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    out = tiny_site / "public"
    doc = html(out / "2024/03/09/hostile/index.html")
    assert not doc.cssselect("img[onerror], script:not([type='application/ld+json'])")
    caption = doc.cssselect("figure.hero .caption")[0]
    assert caption.cssselect("em")[0].text == "small"  # Markdown still works
    assert caption.text_content() == f"A small pixel {EVIL_TAG}"
    assert doc.cssselect(".correction")[0].text_content().endswith("<script>corr()</script>")
    bodies = [b.text_content().strip() for b in doc.cssselect(".live-update-body")]
    assert f"The jury is back. {EVIL_TAG}" in bodies
    assert doc.cssselect(".live-update-body sup")  # the body's own update keeps its HTML
    topic = html(out / "topics/courts/index.html")
    assert not topic.cssselect("img[onerror]")
    assert EVIL_TAG in topic.text_content()
