"""End-to-end builds of the tiny fixture site: pages, links, pagination, options."""

from __future__ import annotations

from pathlib import Path

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
    run(tiny_site, "build")
    page = html(tiny_site / "public/2024/03/02/second/index.html")
    published = page.cssselect(".published time")[0].get("datetime")
    assert published == "2024-03-02T00:00:00+07:00"


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
