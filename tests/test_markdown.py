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


def test_typography_changes_quotes_dashes_and_ellipses_only():
    text = "Sen. Jane Roe (R) and section 3(c) (TM) +- 5,, Wait.. then... so -- yes---no ...."
    out = fragment(text).text_content()
    assert "(R)" in out and "3(c)" in out and "(TM)" in out  # not ®, ©, ™
    assert "+-" in out and "5,," in out and "Wait.." in out and "...." in out
    assert "then\u2026 so \u2013 yes\u2014no" in out
    assert fragment("`a -- b...`").text_content().strip() == "a -- b..."  # code is left alone
    assert (
        fragment("<https://x.example/a--b...>").text_content().strip()
        == "https://x.example/a--b..."
    )


def test_front_matter_markdown_gets_no_attributes_and_no_images():
    from ssg.markdown import render_inline

    html = render_inline(
        '[river](https://x.example){style="position:fixed" id=main ping="https://t.example/"}'
        " ![pixel](https://t.example/p.gif)"
    )
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    (link, *others) = doc.cssselect("a")
    assert link.get("href") == "https://x.example" and link.attrib.keys() == ["href"]
    assert not doc.cssselect("img") and not doc.cssselect("[style], [id], [ping]")
    assert [a.get("href") for a in others] == ["https://t.example/p.gif"]  # a link at most
    assert "!" not in doc.text_content()  # not "!" before the link


def test_links_to_sources_with_accents_or_spaces_in_their_names():
    rendered = render(
        "[a](sub/đại-ngãi.md#top) [b](<my story.md>) [c](sub/my%20story.md)",
        "content/articles/a.md",
    )
    assert rendered.links == (
        "content/articles/sub/đại-ngãi.md",
        "content/articles/my story.md",
        "content/articles/sub/my story.md",
    )


def test_the_summary_skips_photos_and_breaks_lines_at_br():
    rendered = render("![Flooded paddy at dawn](/images/a.jpg)\n\nThe lede<br>goes on.", "x.md")
    assert rendered.first_paragraph == "The lede goes on."


def test_a_captioned_photo_in_a_tight_list_is_a_figure():
    doc = fragment('- ![A](/images/a.jpg "Caption")\n- second\n\nTerm\n: ![B](/b.jpg "Cap B")\n')
    assert len(doc.cssselect("li > figure > figcaption")) == 1
    assert len(doc.cssselect("dd > figure > figcaption")) == 1
    assert not doc.cssselect("li > figcaption, dd > figcaption")


def test_quotation_marks_follow_the_language():
    from ssg.markdown import render_inline

    text = "Il a dit \"bonjour\" et 'salut'."
    assert "\u00ab\u00a0bonjour\u00a0\u00bb" in render(text, "a.md", language="fr").html
    assert "\u201ebonjour\u201c" in render(text, "a.md", language="de-AT").html
    assert "\u201cbonjour\u201d" in render(text, "a.md", language="en-GB").html
    assert "\u201cbonjour\u201d" in render(text, "a.md", language="pt-BR").html
    assert "\u300cbonjour\u300d" in render(text, "a.md", language="zh-Hant-TW").html
    assert "\u00abbonjour\u00bb" in render_inline(text, language="es")


def test_changing_the_language_changes_the_quotes_of_a_built_site(tiny_site):
    import textwrap

    from conftest import TINY_SITE, run, write_site

    body = '---\ntitle: T\nauthors: ana-ruiz\ndate: 2024-03-05\n---\nHe said "yes".\n'
    write_site(tiny_site, {"content/articles/t.md": body})
    assert run(tiny_site, "build").exit_code == 0
    page = tiny_site / "public/2024/03/05/t/index.html"
    assert "\u201cyes\u201d" in page.read_text()
    config = textwrap.dedent(TINY_SITE["site.yml"]) + "language: de\n"
    write_site(tiny_site, {"site.yml": config})
    assert run(tiny_site, "build").exit_code == 0
    assert "\u201eyes\u201c" in page.read_text()


def test_a_photo_caption_gets_typography_markdown_and_collected_links():
    rendered = render(
        "![A](/images/a.jpg 'Er sagte \"nein\" -- *wirklich* [davor](b.md)')",
        "content/articles/a.md",
        language="de",
    )
    doc = lxml.html.fragment_fromstring(rendered.html, create_parent="div")
    (caption,) = doc.cssselect("figure > figcaption")
    assert caption.text_content() == "Er sagte \u201enein\u201c \u2013 wirklich davor"
    assert caption.cssselect("em") and caption.cssselect("a")
    assert rendered.links == ("content/articles/b.md",)  # resolved like the body's links


def test_a_caption_in_a_story_with_footnotes_holds_no_footnotes():
    doc = fragment('A claim[^1].\n\n![A](/images/a.jpg "At dawn.")\n\n[^1]: A note.\n')
    assert doc.cssselect("figcaption")[0].text_content() == "At dawn."
    assert len(doc.cssselect("section.footnotes")) == 1


def test_headlines_and_deks_get_the_typographer_everywhere_they_are_shown(tiny_site):
    import json
    import textwrap

    import feedparser

    from conftest import TINY_SITE, html, run, write_site

    story = textwrap.dedent(
        """\
        ---
        title: "Mayor's \\"plan\\" -- a *first* <b>look</b>..."
        dek: "'Not yet,' she says"
        authors: ana-ruiz
        date: 2024-03-05
        live: true
        updates:
          - time: 2024-03-05T10:00:00Z
            title: "The \\"second\\" wave"
            text: Water rises.
        ---
        Body.
        """
    )
    write_site(tiny_site, {"content/articles/t.md": story})
    assert run(tiny_site, "build").exit_code == 0
    headline = "Mayor\u2019s \u201cplan\u201d \u2013 a *first* <b>look</b>\u2026"
    dek = "\u2018Not yet,\u2019 she says"
    page = html(tiny_site / "public/2024/03/05/t/index.html")
    assert page.cssselect("h1.headline")[0].text_content() == headline
    assert page.cssselect(".dek")[0].text_content() == dek
    assert page.cssselect('meta[property="og:title"]')[0].get("content") == headline
    assert "The \u201csecond\u201d wave" in page.cssselect(".live-update")[0].text_content()
    data = [json.loads(s.text) for s in page.xpath('//script[@type="application/ld+json"]')]
    assert headline in [d.get("headline") for d in data]
    home = html(tiny_site / "public/index.html")
    assert headline in [a.text_content() for a in home.cssselect(".card-title a")]
    feed = feedparser.parse((tiny_site / "public/feed.xml").read_bytes())
    assert headline in [e.title for e in feed.entries]
    config = textwrap.dedent(TINY_SITE["site.yml"]) + "language: fr\n"
    write_site(tiny_site, {"site.yml": config})
    assert run(tiny_site, "build").exit_code == 0
    page = html(tiny_site / "public/2024/03/05/t/index.html")
    assert "\u00ab\u00a0plan\u00a0\u00bb" in page.cssselect("h1.headline")[0].text_content()
