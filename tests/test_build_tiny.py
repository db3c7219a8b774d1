"""End-to-end builds of the tiny fixture site: pages, links, pagination, options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import html, run, write_site


def test_build_writes_every_page(tiny_site: Path):
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    out = tiny_site / "public"
    for page in [
        "index.html",
        "page/2/index.html",
        "2024/03/01/first/index.html",
        "2024/03/02/second/index.html",
        "2024/03/03/third/index.html",
        "topics/index.html",
        "topics/courts/index.html",
        "topics/kim-jong-un/index.html",
        "topics/zurich/index.html",
        "authors/index.html",
        "authors/ana-ruiz/index.html",
        "authors/li-wei/index.html",
        "404.html",
        "css/style.css",
    ]:
        assert (out / page).is_file(), page
    assert "Built" in result.output and "public/" in result.output


def test_home_is_newest_first_and_paginated(tiny_site: Path):
    run(tiny_site, "build")
    out = tiny_site / "public"
    first = html(out / "index.html")
    titles = [a.text_content() for a in first.cssselect(".card-title a")]
    assert titles == ["Third story", "Second story"]
    assert first.cssselect('a[rel="next"]')[0].get("href") == "/page/2/"
    second = html(out / "page/2/index.html")
    assert [a.text_content() for a in second.cssselect(".card-title a")] == ["First story"]
    assert second.cssselect('a[rel="prev"]')[0].get("href") == "/"
    assert not second.cssselect('a[rel="next"]')


def test_link_between_articles_resolves_to_url(tiny_site: Path):
    run(tiny_site, "build")
    page = html(tiny_site / "public/2024/03/02/second/index.html")
    hrefs = [a.get("href") for a in page.cssselect(".story-body a")]
    assert "/2024/03/01/first/" in hrefs


def test_naive_dates_use_site_timezone(tiny_site: Path):
    # second.md has `date: 2024-03-02`: midnight in the site's zone wherever a moment is
    # needed, and the date alone for readers, since no time of day was given
    write_site(
        tiny_site,
        {"content/articles/fourth.md": FOURTH.format(date="2024-03-04T10:15:00", extra="")},
    )
    run(tiny_site, "build")
    page = html(tiny_site / "public/2024/03/02/second/index.html")
    published = page.cssselect('meta[property="article:published_time"]')[0].get("content")
    assert published == "2024-03-02T00:00:00+07:00"
    stamp = page.cssselect(".published time")[0]
    assert (stamp.get("datetime"), stamp.text_content()) == ("2024-03-02", "March 2, 2024")
    page = html(tiny_site / "public/2024/03/04/fourth/index.html")
    stamp = page.cssselect(".published time")[0]
    assert stamp.get("datetime") == "2024-03-04T10:15:00+07:00"
    assert stamp.text_content() == "March 4, 2024, 10:15 a.m. +07"


FOURTH = """\
---
title: Fourth story
authors: li-wei
date: {date}
{extra}---
Fourth.
"""


@pytest.mark.parametrize("written", ["2024-03-04", "'2024-03-04'", "'20240304'"])
def test_a_date_without_a_time_is_shown_as_a_date(tiny_site: Path, written: str):
    extra = "updated: 2024-03-06\ncorrections:\n  - date: 2024-03-07\n    text: Fixed a name.\n"
    write_site(
        tiny_site,
        {"content/articles/fourth.md": FOURTH.format(date=written, extra=extra)},
    )
    assert run(tiny_site, "build").exit_code == 0
    out = tiny_site / "public"
    page = html(out / "2024/03/04/fourth/index.html")
    stamps = [
        (t.get("datetime"), t.text_content())
        for t in page.cssselect(".published time, .updated time, .correction time")
    ]
    assert stamps == [
        ("2024-03-04", "March 4, 2024"),
        ("2024-03-06", "March 6, 2024"),
        ("2024-03-07", "March 7, 2024"),
    ]
    [card] = [
        c for c in html(out / "index.html").cssselect(".card") if "Fourth" in c.text_content()
    ]
    assert card.cssselect("time")[0].get("datetime") == "2024-03-04"
    # machines get a moment: midnight in the site's zone, and the correction is the last change
    meta = {m.get("property"): m.get("content") for m in page.cssselect("meta[property]")}
    assert meta["article:published_time"] == "2024-03-04T00:00:00+07:00"
    assert meta["article:modified_time"] == "2024-03-07T00:00:00+07:00"


def test_corrections_are_shown_oldest_first_with_their_time_when_given(tiny_site: Path):
    extra = (
        "corrections:\n"
        "  - date: 2024-03-07T16:45:00+07:00\n    text: Third fix.\n"
        "  - date: 2024-03-05\n    text: First fix.\n"
        "  - date: 2024-03-07\n    text: Second fix, same day, written first.\n"
        "  - date: 2024-03-07\n    text: Second fix, same day, written next.\n"
    )
    write_site(
        tiny_site,
        {"content/articles/fourth.md": FOURTH.format(date="2024-03-04", extra=extra)},
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    page = html(tiny_site / "public/2024/03/04/fourth/index.html")
    shown = [
        (p.cssselect("time")[0].get("datetime"), p.text_content())
        for p in page.cssselect(".corrections .correction")
    ]
    assert shown == [
        ("2024-03-05", "March 5, 2024: First fix."),
        ("2024-03-07", "March 7, 2024: Second fix, same day, written first."),
        ("2024-03-07", "March 7, 2024: Second fix, same day, written next."),
        ("2024-03-07T16:45:00+07:00", "March 7, 2024, 4:45 p.m. +07: Third fix."),
    ]
    [data] = [
        json.loads(s.text)
        for s in page.xpath('//script[@type="application/ld+json"]')
        if json.loads(s.text)["@type"] == "NewsArticle"
    ]
    assert [(c["datePublished"], c["text"]) for c in data["correction"]] == [
        ("2024-03-05T00:00:00+07:00", "First fix."),
        ("2024-03-07T00:00:00+07:00", "Second fix, same day, written first."),
        ("2024-03-07T00:00:00+07:00", "Second fix, same day, written next."),
        ("2024-03-07T16:45:00+07:00", "Third fix."),
    ]
    assert data["dateModified"] == "2024-03-07T16:45:00+07:00"


def test_a_date_only_update_on_the_day_of_publication_is_accepted(tiny_site: Path):
    extra = "updated: 2024-03-04\n"
    write_site(
        tiny_site,
        {
            "content/articles/fourth.md": FOURTH.format(
                date="2024-03-04T09:30:00+07:00", extra=extra
            )
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert "updated" not in result.output
    out = tiny_site / "public"
    page = html(out / "2024/03/04/fourth/index.html")
    updated = page.cssselect(".updated time")[0]
    assert (updated.get("datetime"), updated.text_content()) == ("2024-03-04", "March 4, 2024")
    # the last change is still the publication: nobody said when that day it changed
    meta = {m.get("property"): m.get("content") for m in page.cssselect("meta[property]")}
    assert meta["article:modified_time"] == "2024-03-04T09:30:00+07:00"
    assert "<lastmod>2024-03-04T09:30:00+07:00</lastmod>" in (out / "sitemap.xml").read_text()
    # a time of day earlier than the publication is still an error
    extra = "updated: 2024-03-04T08:00:00+07:00\n"
    write_site(
        tiny_site,
        {
            "content/articles/fourth.md": FOURTH.format(
                date="2024-03-04T09:30:00+07:00", extra=extra
            )
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "field 'updated': is earlier than 'date'" in result.output


def test_utc_date_is_shown_in_site_timezone(tiny_site: Path):
    run(tiny_site, "build")
    page = html(tiny_site / "public/2024/03/03/third/index.html")
    assert page.cssselect(".published time")[0].get("datetime") == "2024-03-03T17:00:00+07:00"


def test_permalink_pattern_from_config(tiny_site: Path):
    config = (tiny_site / "site.yml").read_text() + "permalink: /news/{year}/{slug}.html\n"
    write_site(tiny_site, {"site.yml": config})
    assert run(tiny_site, "build").exit_code == 0
    out = tiny_site / "public"
    assert (out / "news/2024/first.html").is_file()
    home = html(out / "index.html")
    assert "/news/2024/third.html" in [a.get("href") for a in home.cssselect(".card-title a")]


def test_drafts_and_future_left_out_unless_asked(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "content/articles/draft.md": """\
                ---
                title: Unfinished draft
                authors: li-wei
                date: 2024-03-04
                draft: true
                ---
                Draft.
                """,
            "content/articles/future.md": """\
                ---
                title: From the future
                authors: li-wei
                date: 2999-01-01
                ---
                Later.
                """,
            "content/articles/expired.md": """\
                ---
                title: Expired offer
                authors: li-wei
                date: 2024-01-01
                expires: 2024-02-01
                ---
                Gone.
                """,
        },
    )
    run(tiny_site, "build")
    out = tiny_site / "public"
    assert not (out / "2024/03/04/draft").exists()
    assert not (out / "2999/01/01/future").exists()
    assert not (out / "2024/01/01/expired").exists()
    home_text = (out / "index.html").read_text()
    assert "Unfinished draft" not in home_text and "From the future" not in home_text

    run(tiny_site, "build", "--drafts", "--future")
    assert (out / "2024/03/04/draft/index.html").is_file()
    assert (out / "2999/01/01/future/index.html").is_file()
    assert not (out / "2024/01/01/expired").exists()


def test_base_url_with_path_prefixes_every_internal_url(tiny_site: Path):
    result = run(tiny_site, "build", "--base-url", "https://tiny.example/news/")
    assert result.exit_code == 0, result.output
    out = tiny_site / "public"
    for page in out.rglob("*.html"):
        doc = html(page)
        for element in doc.iter("a", "link", "img", "script"):
            value = element.get("href") or element.get("src")
            if not value or value.startswith(("http", "mailto:", "#")):
                continue
            assert value.startswith("/news/"), f"{page}: {value}"
    canonical = html(out / "2024/03/01/first/index.html").cssselect('link[rel="canonical"]')[0]
    assert canonical.get("href") == "https://tiny.example/news/2024/03/01/first/"


def test_site_layouts_override_the_theme(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "layouts/404.html": """\
                {% extends "base.html" %}
                {% block content %}<h1 id="custom">Lost at sea</h1>{% endblock %}
                """
        },
    )
    run(tiny_site, "build")
    assert html(tiny_site / "public/404.html").cssselect("#custom")[0].text == "Lost at sea"


def test_output_option(tiny_site: Path, tmp_path: Path):
    target = tmp_path / "elsewhere"
    assert run(tiny_site, "build", "--output", str(target)).exit_code == 0
    assert (target / "index.html").is_file()


def test_theme_assets_are_css_js_and_favicon_only(tiny_site: Path):
    assert run(tiny_site, "build").exit_code == 0
    out = tiny_site / "public"
    assert (out / "favicon.svg").is_file() and (out / "css/style.css").is_file()
    # the sample newsroom's photos live beside the theme in a checkout: never copied
    assert not (out / "images").exists()


def test_an_update_later_than_now_is_a_warning(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SSG_BUILD_TIME", "2024-03-10T12:00:00Z")
    extra = "updated: 2025-03-06T09:00:00Z\n"
    write_site(
        tiny_site, {"content/articles/fourth.md": FOURTH.format(date="2024-03-04", extra=extra)}
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert (
        "content/articles/fourth.md:5: warning: field 'updated': 'updated' is later than now "
        "(2025-03-06T09:00:00+00:00)" in result.output
    )
    monkeypatch.setenv("SSG_BUILD_TIME", "2025-03-07T12:00:00Z")  # the update has happened
    result = run(tiny_site, "build")
    assert result.exit_code == 0 and "later than now" not in result.output


def test_a_correction_later_than_now_is_a_warning_at_its_line(
    tiny_site: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SSG_BUILD_TIME", "2024-03-10T12:00:00Z")
    extra = (
        "corrections:\n"
        "  - date: 2024-03-05\n    text: Fixed a name.\n"
        "  - text: Fixed a date.\n    date: 2025-03-06T09:00:00Z\n"
    )
    write_site(
        tiny_site, {"content/articles/fourth.md": FOURTH.format(date="2024-03-04", extra=extra)}
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert (
        "content/articles/fourth.md:9: warning: field 'corrections': correction dated "
        "2025-03-06T09:00:00+00:00 is later than now" in result.output
    )
    assert result.output.count("later than now") == 1  # the past correction is fine
    monkeypatch.setenv("SSG_BUILD_TIME", "2025-03-07T12:00:00Z")  # the correction is out
    result = run(tiny_site, "build")
    assert result.exit_code == 0 and "later than now" not in result.output


def test_an_override_can_extend_the_built_in_template_it_replaces(tiny_site: Path):
    override = (
        '{% extends "theme/article.html" %}{% block content %}'
        '<p class="desk-note">{{ note }}</p>{{ super() }}{% endblock %}'
    )
    write_site(tiny_site, {"layouts/article.html": override.replace("{{ note }}", "From the desk")})
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    page = html(tiny_site / "public/2024/03/01/first/index.html")
    assert page.cssselect(".desk-note")[0].text_content() == "From the desk"
    assert page.cssselect("h1.headline")[0].text_content() == "First story"  # the theme's own
    # an edit of the override re-renders the stories
    write_site(tiny_site, {"layouts/article.html": override.replace("{{ note }}", "Updated")})
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    page = html(tiny_site / "public/2024/03/01/first/index.html")
    assert page.cssselect(".desk-note")[0].text_content() == "Updated"


def test_an_override_extending_itself_is_a_clear_error(tiny_site: Path):
    write_site(tiny_site, {"layouts/article.html": '{% extends "article.html" %}'})
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "layouts/article.html:1: error: template error: maximum recursion depth" in result.output
    assert "extend 'theme/<its name>'" in result.output and "Traceback" not in result.output


def test_folders_named_like_ignored_files_are_ignored(tiny_site: Path):
    story = "---\ntitle: {}\nauthors: li-wei\ndate: 2024-03-05\n---\nGone.\n"
    write_site(
        tiny_site,
        {
            "content/articles/.trash/binned.md": story.format("Binned"),
            "content/articles/_old/retired.md": story.format("Retired"),
            "content/articles/2024/kept.md": story.format("Kept"),
        },
    )
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    out = tiny_site / "public"
    assert (out / "2024/03/05/kept/index.html").is_file()
    assert not (out / "2024/03/05/binned").exists() and not (out / "2024/03/05/retired").exists()


def test_a_symlinked_folder_of_stories_is_announced(tiny_site: Path, tmp_path: Path):
    elsewhere = write_site(
        tmp_path / "elsewhere",
        {"desk/linked.md": "---\ntitle: Linked\nauthors: li-wei\ndate: 2024-03-05\n---\nB.\n"},
    )
    (tiny_site / "content/articles/desk").symlink_to(elsewhere / "desk", target_is_directory=True)
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    warning = "content/articles/desk: warning: a symlinked folder is not read"
    assert warning in result.output
    again = run(tiny_site, "build")  # still said, and nothing rebuilt for it
    assert warning in again.output and " 0 written" in again.output
