"""Date archives: /YYYY/ and /YYYY/MM/ list exactly that period's articles; /archive/ links them."""

from __future__ import annotations

from pathlib import Path

from buildtime import article_md, run_at

from conftest import html, write_site

DATES = {
    "a": "2023-12-31T23:30:00+07:00",  # still December in the site's time zone
    "b": "2024-01-01T06:00:00+07:00",  # Dec. 31 in UTC, January in the site's zone
    "c": "2024-01-15T10:00:00+07:00",
    "d": "2024-03-02T10:00:00+07:00",
    "e": "2024-03-01T10:00:00+07:00",
    "f": "2024-03-03T10:00:00+07:00",
}


def build(tiny_site: Path) -> Path:
    files: dict[str, str | None] = {
        f"content/articles/{n}.md": None for n in ("first", "second", "third")
    }
    for slug, date in DATES.items():
        files[f"content/articles/{slug}.md"] = article_md(slug.upper(), date)
    write_site(tiny_site, files)
    result = run_at(tiny_site, "2024-06-01T00:00:00Z", "build")
    assert result.exit_code == 0, result.output
    return tiny_site / "public"


def listed(path: Path) -> list[str]:
    return [a.text_content() for a in html(path).cssselect(".river .card-title a")]


def test_month_pages_list_exactly_their_articles_newest_first(tiny_site: Path):
    out = build(tiny_site)
    assert listed(out / "2023/12/index.html") == ["A"]
    assert listed(out / "2024/01/index.html") == ["C", "B"]
    assert listed(out / "2024/03/index.html") == ["F", "D"]  # per_page: 2
    assert listed(out / "2024/03/page/2/index.html") == ["E"]
    assert not (out / "2024/02").exists()
    page = html(out / "2024/03/index.html")
    assert page.cssselect("h1")[0].text_content().strip() == "March 2024"


def test_year_pages_list_the_year_and_link_its_months(tiny_site: Path):
    out = build(tiny_site)
    assert listed(out / "2023/index.html") == ["A"]
    year = [*listed(out / "2024/index.html"), *listed(out / "2024/page/2/index.html")]
    year += listed(out / "2024/page/3/index.html")
    assert year == ["F", "D", "E", "C", "B"]
    months = html(out / "2024/index.html").cssselect(".archive-months a")
    assert [(a.text_content(), a.get("href")) for a in months] == [
        ("March 2024", "/2024/03/"),
        ("January 2024", "/2024/01/"),
    ]


def test_archive_index_links_every_year_and_month(tiny_site: Path):
    out = build(tiny_site)
    page = html(out / "archive/index.html")
    hrefs = [a.get("href") for a in page.cssselect("main a")]
    assert hrefs == ["/2024/", "/2024/03/", "/2024/01/", "/2023/", "/2023/12/"]
    for href in hrefs:
        assert (out / href.strip("/") / "index.html").is_file()


def test_article_date_links_to_its_month_archive_which_lists_it(tiny_site: Path):
    out = build(tiny_site)
    article = html(out / "2024/01/01/b/index.html")
    link = article.cssselect(".published a")[0]
    assert link.get("href") == "/2024/01/"
    assert "B" in listed(out / link.get("href").strip("/") / "index.html")


def test_archive_url_taken_by_an_article_is_an_error(tiny_site: Path):
    config = (tiny_site / "site.yml").read_text() + "permalink: /{slug}/\n"
    write_site(
        tiny_site,
        {
            "site.yml": config,
            "content/articles/x.md": article_md("Year", "2024-03-09", slug="'2024'"),
        },
    )
    result = run_at(tiny_site, "2024-06-01T00:00:00Z", "build")
    assert result.exit_code == 1
    assert (
        "content/articles/x.md:5: error: field 'slug': output URL /2024/ is also a date archive page"
        in (result.output)
    )
