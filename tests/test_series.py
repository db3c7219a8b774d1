"""Story packages: a `series` groups articles in order, with a box on each and a series page."""

from __future__ import annotations

from pathlib import Path

from buildtime import article_md, run_at

from conftest import html, write_site


def build(tiny_site: Path, **parts: tuple[str, str]) -> Path:
    files = {
        f"content/articles/{slug}.md": article_md(
            f"Part {slug}", date, series="The Salt Line", **extra
        )
        for slug, (date, extra_text) in parts.items()
        for extra in [dict(e.split("=", 1) for e in extra_text.split(";") if e)]
    }
    write_site(tiny_site, files)
    result = run_at(tiny_site, "2024-06-01T00:00:00Z", "build")
    assert result.exit_code == 0, result.output
    return tiny_site / "public"


def test_series_box_lists_the_parts_in_order_on_each_article(tiny_site: Path):
    out = build(
        tiny_site,
        two=("2024-03-05", "series_part=2"),
        one=("2024-03-09", "series_part=1"),  # published later, but part one
        three=("2024-03-07", "series_part=3"),
    )
    page = html(out / "2024/03/05/two/index.html")
    heading = page.cssselect(".series-box h2 a")[0]
    assert heading.text_content() == "The Salt Line"
    assert heading.get("href") == "/series/the-salt-line/"
    items = page.cssselect(".series-box li")
    assert [li.text_content().strip() for li in items] == ["Part one", "Part two", "Part three"]
    current = page.cssselect('.series-box [aria-current="page"]')
    assert [c.text_content() for c in current] == ["Part two"]
    links = [a.get("href") for a in page.cssselect(".series-box li a")]
    assert links == ["/2024/03/09/one/", "/2024/03/07/three/"]
    other = html(out / "2024/03/09/one/index.html")
    assert [c.text_content() for c in other.cssselect('.series-box [aria-current="page"]')] == [
        "Part one"
    ]


def test_series_page_lists_every_part_in_order(tiny_site: Path):
    out = build(
        tiny_site,
        late=("2024-03-09", ""),
        early=("2024-03-04", ""),  # no parts given: oldest first
    )
    page = html(out / "series/the-salt-line/index.html")
    assert page.cssselect("h1")[0].text_content() == "The Salt Line"
    titles = [a.text_content() for a in page.cssselect(".series-list .card-title a")]
    assert titles == ["Part early", "Part late"]


def test_articles_outside_a_series_have_no_box(tiny_site: Path):
    out = build(tiny_site, one=("2024-03-09", ""))
    assert not html(out / "2024/03/01/first/index.html").cssselect(".series-box")


def test_series_part_without_series_is_an_error(tiny_site: Path):
    write_site(tiny_site, {"content/articles/x.md": article_md("X", "2024-03-09", series_part="2")})
    result = run_at(tiny_site, None, "build")
    assert result.exit_code == 1
    assert "content/articles/x.md:5: error: field 'series_part': is set but 'series' is not" in (
        result.output
    )
