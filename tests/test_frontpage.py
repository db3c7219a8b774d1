"""The curated home page: content/home.yml placements, fill-in, located errors, breaking banner."""

from __future__ import annotations

from pathlib import Path

import pytest
from buildtime import article_md, run_at

from conftest import html, write_site

NOW = "2024-04-01T12:00:00+07:00"
SITE_SECTIONS = "sections: [World, Business, Politics]\n"


@pytest.fixture
def newsroom(tiny_site: Path) -> Path:
    """Ten articles over three sections, one draft and one scheduled."""
    config = (tiny_site / "site.yml").read_text().replace("per_page: 2", "per_page: 3")
    files: dict[str, str | None] = {"site.yml": config + SITE_SECTIONS}
    for name in ("first", "second", "third"):
        files[f"content/articles/{name}.md"] = None
    for day in range(1, 11):
        section = ("World", "Business", "Politics")[day % 3]
        date = f"2024-03-{day:02d}T08:00:00+07:00"
        files[f"content/articles/march/s{day:02d}.md"] = article_md(f"S{day:02d}", date, section)
    files["content/articles/unfinished.md"] = article_md(
        "Unfinished", "2024-03-20", "World", draft="true"
    )
    files["content/articles/tomorrow.md"] = article_md("Tomorrow", "2024-05-01", "World")
    return write_site(tiny_site, files)


def titles(elements) -> list[str]:
    return [a.text_content() for a in elements]


def test_without_home_yml_the_home_page_is_newest_first(newsroom: Path):
    assert run_at(newsroom, NOW, "build").exit_code == 0
    page = html(newsroom / "public/index.html")
    assert titles(page.cssselect(".lead .card-title a")) == ["S10"]
    assert titles(page.cssselect(".card-title a")) == ["S10", "S09", "S08"]
    assert not page.cssselect(".top-stories, .home-block, .breaking")


def test_home_yml_places_lead_top_and_section_blocks_and_fills_the_rest(newsroom: Path):
    write_site(
        newsroom,
        {
            "content/home.yml": """\
                lead: s03
                top:
                  - s07
                  - articles/march/s01.md
                sections:
                  - section: World
                    count: 2
                  - section: Business
                    count: 3
                    articles: [s04]
                """
        },
    )
    result = run_at(newsroom, NOW, "build")
    assert result.exit_code == 0, result.output
    out = newsroom / "public"
    page = html(out / "index.html")
    assert titles(page.cssselect(".lead .card-title a")) == ["S03"]
    assert titles(page.cssselect(".top-stories .card-title a")) == ["S07", "S01"]
    blocks = page.cssselect(".home-block")
    assert [b.cssselect("h2")[0].text_content() for b in blocks] == ["World", "Business"]
    assert blocks[0].cssselect("h2 a")[0].get("href") == "/world/"
    # World (day % 3 == 0): s09, s06 newest first, s03 already placed as lead
    assert titles(blocks[0].cssselect(".card-title a")) == ["S09", "S06"]
    # Business (day % 3 == 1): the pinned s04 first, then newest not yet placed (s10; s07, s01 are top)
    assert titles(blocks[1].cssselect(".card-title a")) == ["S04", "S10"]
    # everything not placed, newest first (Politics has no block)
    assert titles(page.cssselect(".latest .card-title a")) == ["S08", "S05", "S02"]
    assert not page.cssselect("a[rel='next']") and not (out / "page/2").exists()
    placed = titles(page.cssselect(".card-title a"))
    assert sorted(placed) == [f"S{d:02d}" for d in range(1, 11)]  # each story exactly once


def test_unplaced_stories_are_paginated_after_the_curated_page(newsroom: Path):
    write_site(newsroom, {"content/home.yml": "lead: s05\n"})
    assert run_at(newsroom, NOW, "build").exit_code == 0
    out = newsroom / "public"
    first = html(out / "index.html")
    assert titles(first.cssselect(".lead .card-title a")) == ["S05"]
    assert titles(first.cssselect(".latest .card-title a")) == ["S10", "S09", "S08"]
    assert first.cssselect("a[rel='next']")[0].get("href") == "/page/2/"
    second = html(out / "page/2/index.html")
    assert titles(second.cssselect(".card-title a")) == ["S07", "S06", "S04"]
    third = html(out / "page/3/index.html")
    assert titles(third.cssselect(".card-title a")) == ["S03", "S02", "S01"]
    assert not third.cssselect("a[rel='next']")


def test_lead_fills_in_from_the_newest_when_not_given(newsroom: Path):
    write_site(newsroom, {"content/home.yml": "top: [s10]\n"})
    assert run_at(newsroom, NOW, "build").exit_code == 0
    page = html(newsroom / "public/index.html")
    assert titles(page.cssselect(".lead .card-title a")) == ["S09"]
    assert titles(page.cssselect(".top-stories .card-title a")) == ["S10"]


@pytest.mark.parametrize(
    ("home", "expected"),
    [
        (
            "lead: s03\ntop:\n  - s07\n  - s99\n",
            "content/home.yml:4: error: field 'top.1': no published article with slug 's99'",
        ),
        (
            "lead: unfinished\n",
            "content/home.yml:1: error: field 'lead': article with slug 'unfinished' is a draft",
        ),
        (
            "top: [s01]\nlead: tomorrow\n",
            "content/home.yml:2: error: field 'lead': article with slug 'tomorrow' is scheduled",
        ),
        (
            "sections:\n  - section: World\n    articles: [march/s77.md]\n",
            "content/home.yml:3: error: field 'sections.0.articles.0': no published article "
            "march/s77.md",
        ),
        (
            "sections:\n  - section: Sport\n",
            "content/home.yml:2: error: field 'sections.0.section': unknown section 'Sport' "
            "(known: World, Business, Politics)",
        ),
        ("lead: [a, b]\n", "content/home.yml:1: error: field 'lead': expected an article slug"),
        ("lead: s01\ntop: [s02\n", "content/home.yml:3: error: invalid YAML"),
    ],
)
def test_bad_home_yml_is_a_located_error_and_keeps_the_old_site(
    newsroom: Path, home: str, expected: str
):
    assert run_at(newsroom, NOW, "build").exit_code == 0
    before = (newsroom / "public/index.html").read_bytes()
    write_site(newsroom, {"content/home.yml": home})
    result = run_at(newsroom, NOW, "build")
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output
    assert (newsroom / "public/index.html").read_bytes() == before


def test_a_misspelt_slug_gets_a_suggestion(newsroom: Path):
    write_site(newsroom, {"content/home.yml": "lead: s1O\n"})
    result = run_at(newsroom, NOW, "build")
    assert "did you mean 's10'?" in result.output


BREAKING = """\
lead: s01
breaking:
  text: Dam gates <open> tonight
  link: s05
  expires: 2024-04-01T18:00:00+07:00
"""


def test_breaking_banner_shows_before_its_expiry_and_not_after(newsroom: Path):
    write_site(newsroom, {"content/home.yml": BREAKING})
    assert run_at(newsroom, "2024-04-01T17:59:00+07:00", "build").exit_code == 0
    banner = html(newsroom / "public/index.html").cssselect(".breaking a")
    assert len(banner) == 1
    assert banner[0].text_content() == "Dam gates <open> tonight"  # escaped, not markup
    assert banner[0].get("href") == "/2024/03/05/s05/"
    # the same sources built after the expiry time: no banner
    assert run_at(newsroom, "2024-04-01T11:00:00Z", "build").exit_code == 0
    page = html(newsroom / "public/index.html")
    assert not page.cssselect(".breaking")
    assert titles(page.cssselect(".lead .card-title a")) == ["S01"]


def test_breaking_banner_without_expiry_or_link(newsroom: Path):
    write_site(newsroom, {"content/home.yml": "breaking:\n  text: Polls close at 8 p.m.\n"})
    assert run_at(newsroom, NOW, "build").exit_code == 0
    banner = html(newsroom / "public/index.html").cssselect(".breaking")[0]
    assert "Polls close at 8 p.m." in banner.text_content()
    assert not banner.cssselect("a")


def test_bad_build_time_is_a_clear_error(newsroom: Path):
    result = run_at(newsroom, "next tuesday", "build")
    assert result.exit_code == 1
    assert "SSG_BUILD_TIME is not an ISO 8601 date-time: 'next tuesday'" in result.output


def test_unknown_home_setting_warns_with_a_suggestion(newsroom: Path):
    write_site(newsroom, {"content/home.yml": "leed: s01\n"})
    result = run_at(newsroom, NOW, "build")
    assert result.exit_code == 0, result.output
    assert (
        "content/home.yml:1: warning: field 'leed': unknown home page setting, ignored "
        "(hint: did you mean 'lead'?)"
    ) in result.output


EXPIRED_PINS = """\
lead: expiring
top: [s07, expiring]
sections:
  - section: World
    count: 2
    articles: [articles/expiring.md]
breaking:
  text: Dam gates open tonight
  link: expiring
"""


def test_an_expired_placed_story_is_left_out_with_a_warning(newsroom: Path):
    write_site(
        newsroom,
        {
            "content/articles/expiring.md": article_md(
                "Expiring",
                "2024-03-15T08:00:00+07:00",
                "World",
                expires="2024-04-01T10:00:00+07:00",
            ),
            "content/home.yml": EXPIRED_PINS,
        },
    )
    # before it expires the story leads (and is placed only once)
    result = run_at(newsroom, "2024-04-01T09:00:00+07:00", "build")
    assert result.exit_code == 0, result.output
    page = html(newsroom / "public/index.html")
    assert titles(page.cssselect(".lead .card-title a")) == ["Expiring"]
    assert page.cssselect(".breaking a")[0].get("href") == "/2024/03/15/expiring/"
    # the scheduled rebuild after it expired still publishes, each slot filled as if the
    # story had never been placed there, and says where it was placed
    result = run_at(newsroom, NOW, "build")
    assert result.exit_code == 0, result.output
    for line, key in ((1, "lead"), (2, "top.1"), (6, "sections.0.articles.0")):
        assert f"content/home.yml:{line}: warning: field '{key}': article " in result.output, key
    assert (
        "content/home.yml:2: warning: field 'top.1': article with slug 'expiring' has expired: "
        "it is left off the home page (hint: place another article, or remove it from home.yml)"
    ) in result.output
    assert (
        "content/home.yml:6: warning: field 'sections.0.articles.0': article "
        "articles/expiring.md has expired: it is left off the home page"
    ) in result.output
    assert (
        "content/home.yml:9: warning: field 'breaking.link': article with slug 'expiring' has "
        "expired: the banner shows without a link"
    ) in result.output
    assert "error" not in result.output
    page = html(newsroom / "public/index.html")
    assert "Expiring" not in page.text_content()
    assert titles(page.cssselect(".lead .card-title a")) == ["S10"]
    assert titles(page.cssselect(".top-stories .card-title a")) == ["S07"]
    assert titles(page.cssselect(".home-block .card-title a")) == ["S09", "S06"]
    banner = page.cssselect(".breaking")[0]
    assert "Dam gates open tonight" in banner.text_content()
    assert not banner.cssselect("a")
    assert not (newsroom / "public/2024/03/15/expiring").exists()


def test_a_placed_story_that_is_a_draft_is_still_an_error(newsroom: Path):
    write_site(
        newsroom,
        {
            "content/articles/expiring.md": article_md(
                "Expiring", "2024-03-15", "World", draft="true", expires="2024-03-20"
            ),
            "content/home.yml": "lead: expiring\n",
        },
    )
    result = run_at(newsroom, NOW, "build")
    assert result.exit_code == 1
    assert "field 'lead': article with slug 'expiring' is a draft" in result.output


def test_a_card_override_written_to_the_card_helper_works_on_every_home_slot(newsroom: Path):
    # the documented contract: a card sees item, level and show_image (and the globals)
    card = (
        '<p class="my-card" data-level="{{ level }}" data-image="{{ show_image }}">'
        "{{ item.title }}</p>\n"
    )
    write_site(
        newsroom,
        {
            "layouts/partials/card.html": card,
            "content/home.yml": "lead: s03\ntop: [s07]\nsections:\n  - section: World\n"
            "    count: 2\n",
        },
    )
    result = run_at(newsroom, NOW, "build")
    assert result.exit_code == 0, result.output
    page = html(newsroom / "public/index.html")
    cards = {
        p.text_content(): (p.get("data-level"), p.get("data-image"))
        for p in page.cssselect(".my-card")
    }
    assert cards["S07"] == ("3", "True")  # a top story
    world = [p.get("data-image") for p in page.cssselect(".home-block .my-card")]
    assert world == ["True", "False"]  # a section block shows its first story's photo only


@pytest.mark.parametrize("link", ["/\\t/evil.example/", "//evil.example/", "/\\\\evil.example/"])
def test_a_breaking_link_that_leads_to_another_host_is_a_field_error(newsroom: Path, link: str):
    banner = f'breaking:\n  text: "Flood warning"\n  link: "{link}"\n'
    write_site(newsroom, {"content/home.yml": banner})
    result = run_at(newsroom, NOW, "build")
    assert result.exit_code == 1
    assert "content/home.yml:3: error: field 'breaking.link': expected an article's slug" in (
        result.output
    )
