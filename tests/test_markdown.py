"""Markdown rendering: extensions, typography, figures, anchors and link rewriting."""

from __future__ import annotations

import re

import lxml.html

from ssg.markdown import render, rewrite_url


def fragment(
    text: str, path: str = "content/articles/a.md", base: str = "/"
) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(render(text, path, base).html, create_parent="div")


def test_tables_footnotes_and_typography():
    doc = fragment(
        'He said "yes" -- twice[^1].\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: Really.\n'
    )
    assert "“yes”" in doc.text_content() and "–" in doc.text_content()
    assert doc.cssselect(".table-wrap table td")
    assert doc.cssselect("section.footnotes li")


def test_footnote_links_have_names_a_screen_reader_can_say():
    doc = fragment(
        "A claim[^1] and another[^2], the first again[^1].\n\n[^1]: One.\n\n[^2]: Two.\n"
    )
    refs = doc.cssselect("sup.footnote-ref a")
    assert [(a.get("href"), a.get("aria-label"), a.text_content()) for a in refs] == [
        ("#fn1", "Footnote 1", "[1]"),
        ("#fn2", "Footnote 2", "[2]"),
        ("#fn1", "Footnote 1", "[1]"),
    ]
    ids = {a.get("id") for a in refs}
    backs = doc.cssselect("a.footnote-backref")
    assert {a.get("href").lstrip("#") for a in backs} == ids  # each leads back to its reference
    assert [a.get("aria-label") for a in backs] == [
        "Back to reference 1",
        "Back to reference 1",
        "Back to reference 2",
    ]
    assert doc.cssselect("section.footnotes")[0].get("aria-label") == "Footnotes"


def test_headings_get_anchor_ids():
    doc = fragment("## What the stations show\n")
    assert doc.cssselect("h2")[0].get("id") == "what-the-stations-show"


def test_titled_image_becomes_figure_with_caption():
    doc = fragment('![A boat](/images/boat.jpg "Boats at dawn")\n', base="/news/")
    figure = doc.cssselect("figure")[0]
    assert figure.cssselect("img")[0].get("src") == "/news/images/boat.jpg"
    assert figure.cssselect("img")[0].get("alt") == "A boat"
    assert figure.cssselect("figcaption")[0].text == "Boats at dawn"


def test_untitled_image_stays_inline():
    doc = fragment("![A boat](/images/boat.jpg)\n")
    assert not doc.cssselect("figure") and doc.cssselect("p img")


def test_attributes_plugin():
    doc = fragment("[site](https://x.example){.external}\n")
    assert doc.cssselect("a.external")


def test_markdown_links_become_markers_and_are_collected():
    result = render("[a](../b/other.md#part) and [c](/about/)", "content/articles/x/y.md", "/n/")
    assert 'href="ssg-link:content/articles/b/other.md#part"' in result.html
    assert 'href="/n/about/"' in result.html
    assert result.links == ("content/articles/b/other.md",)


def test_first_paragraph_is_plain_text():
    assert (
        render("A *bold* [claim](https://x.example).\n\nSecond.").first_paragraph == "A bold claim."
    )


def test_rewrite_leaves_external_and_fragment_links():
    assert rewrite_url("https://x.example/a.md", "content", "/n/") == "https://x.example/a.md"
    assert rewrite_url("#top", "content", "/n/") == "#top"


def test_subheads_never_take_an_id_the_templates_use():
    html = render("## Main\n\n## Related title\n\n## Author Ana Ruiz\n\n## fn1\n\n## Fnord\n").html
    ids = re.findall(r'<h2 id="([^"]+)"', html)
    assert ids == [
        "main-section",
        "related-title-section",
        "author-ana-ruiz-section",
        "fn1-section",
        "fnord",
    ]
