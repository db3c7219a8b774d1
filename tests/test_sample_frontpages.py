"""The sample newsroom's front pages: sections, home.yml, archives, the live article, the series."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from buildtime import run_at

from conftest import copy_sample, html

BEFORE_EXPIRY = "2026-11-29T12:00:00+07:00"
AFTER_EXPIRY = "2026-12-02T12:00:00+07:00"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Iterator[Path]:
    """The sample newsroom built at a fixed time before the breaking banner expires."""
    root = copy_sample(tmp_path_factory.mktemp("sample-fronts"))
    result = run_at(root, BEFORE_EXPIRY, "build")
    assert result.exit_code == 0, result.output
    yield root


def sources(root: Path) -> list[dict]:
    """Front matter of every sample article published at the build time, with its URL."""
    out = []
    for path in sorted((root / "content/articles").rglob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        if front.get("draft"):
            continue
        date = front["date"]
        if not isinstance(date, dt.datetime):
            date = dt.datetime(date.year, date.month, date.day, tzinfo=TZ)
        local = date.astimezone(TZ)
        built = dt.datetime.fromisoformat(BEFORE_EXPIRY)
        expires = front.get("expires")
        if local > built or (expires and str(expires) <= BEFORE_EXPIRY[:10]):
            continue  # scheduled or expired at the build time
        front["url"] = f"/{local:%Y/%m/%d}/{front.get('slug') or path.stem}/"
        front["local"] = local
        out.append(front)
    return sorted(out, key=lambda f: f["local"], reverse=True)


def river(path: Path) -> list[str]:
    return [a.get("href") for a in html(path).cssselect(".card-title a")]


def all_pages(out: Path, first: str) -> list[str]:
    """Every card link of a paginated listing, following rel=next."""
    urls, page = [], first
    while page:
        doc = html(out / page.strip("/") / "index.html")
        urls += [a.get("href") for a in doc.cssselect(".card-title a")]
        nxt = doc.cssselect('.pagination a[rel="next"]')
        page = nxt[0].get("href") if nxt else None
    return urls


def test_every_declared_section_front_lists_exactly_its_articles(sample: Path):
    out = sample / "public"
    config = yaml.safe_load((sample / "site.yml").read_text())
    titles = [s["title"] for s in config["sections"]]
    assert titles == ["World", "Politics", "Business", "Climate", "Culture", "Health"]
    articles = sources(sample)
    filled = 0
    for title in titles:
        expected = [a["url"] for a in articles if a.get("section") == title]
        filled += bool(expected)
        assert all_pages(out, f"/{title.lower()}/") == expected, title
    assert filled >= 5
    nav = html(out / "index.html").cssselect(".section-nav a")
    assert [a.text_content() for a in nav] == titles


def test_home_follows_home_yml_and_fills_the_rest(sample: Path):
    out = sample / "public"
    home = yaml.safe_load((sample / "content/home.yml").read_text())
    page = html(out / "index.html")
    by_slug = {a["url"].rstrip("/").rsplit("/", 1)[1]: a["url"] for a in sources(sample)}
    assert river_of(page, ".lead") == [by_slug[home["lead"]]]
    top = [by_slug[Path(ref).stem] for ref in home["top"]]
    assert river_of(page, ".top-stories") == top
    blocks = page.cssselect(".home-block")
    assert [b.cssselect("h2")[0].text_content() for b in blocks] == [
        s["section"] for s in home["sections"]
    ]
    placed = river_of(page, ".lead") + top
    articles = sources(sample)
    for block, spec in zip(blocks, home["sections"], strict=True):
        expected = [
            a["url"]
            for a in articles
            if a.get("section") == spec["section"] and a["url"] not in placed
        ][: spec["count"]]
        assert [a.get("href") for a in block.cssselect(".card-title a")] == expected
        placed += expected
    rest = [a["url"] for a in articles if a["url"] not in placed]
    assert all_pages(out, "/")[len(placed) :] == rest


def river_of(page, selector: str) -> list[str]:
    return [a.get("href") for a in page.cssselect(f"{selector} .card-title a")]


def test_breaking_banner_before_and_after_expiry(sample: Path, tmp_path: Path):
    banner = html(sample / "public/index.html").cssselect(".breaking a")
    assert banner and banner[0].get("href") == "/2026/11/28/salt-tide-live/"
    later = copy_sample(tmp_path / "later")
    assert run_at(later, AFTER_EXPIRY, "build").exit_code == 0
    assert not html(later / "public/index.html").cssselect(".breaking")


def test_stale_slug_in_sample_home_yml_is_located(tmp_path: Path):
    root = copy_sample(tmp_path / "stale")
    home = root / "content/home.yml"
    home.write_text(home.read_text().replace("- sand-mining-part-one", "- sand-mining-part-nine"))
    result = run_at(root, BEFORE_EXPIRY, "build")
    assert result.exit_code == 1
    line = home.read_text().splitlines().index("  - sand-mining-part-nine") + 1
    assert (
        f"content/home.yml:{line}: error: field 'top.1': no published article with slug "
        "'sand-mining-part-nine'"
    ) in result.output


def test_archives_for_every_year_and_month_list_exactly_their_articles(sample: Path):
    out = sample / "public"
    articles = sources(sample)
    months = sorted({(a["local"].year, a["local"].month) for a in articles}, reverse=True)
    for year, month in months:
        expected = [
            a["url"] for a in articles if (a["local"].year, a["local"].month) == (year, month)
        ]
        assert all_pages(out, f"/{year}/{month:02d}/") == expected
    for year in {y for y, _ in months}:
        assert all_pages(out, f"/{year}/") == [
            a["url"] for a in articles if a["local"].year == year
        ]
    index = [a.get("href") for a in html(out / "archive/index.html").cssselect("main a")]
    assert [h for h in index if h.count("/") == 3] == [f"/{y}/{m:02d}/" for y, m in months]


def test_live_article_json_ld_and_updates(sample: Path):
    page = html(sample / "public/2026/11/28/salt-tide-live/index.html")
    data = json.loads(page.xpath('//script[@type="application/ld+json"]')[0].text)
    assert data["@type"] == "LiveBlogPosting"
    updates = page.cssselect(".live-update")
    assert len(updates) >= 3
    assert len(data["liveBlogUpdate"]) == len(updates)
    times = [u.cssselect("time")[0].get("datetime") for u in updates]
    assert times == sorted(times, reverse=True)
    assert [u["url"].split("#")[1] for u in data["liveBlogUpdate"]] == [
        u.get("id") for u in updates
    ]
    assert data["dateModified"] == times[0]
    assert page.cssselect(".updated time")[0].get("datetime") == times[0]
    assert page.cssselect(".live-label")


def test_series_box_in_the_sample(sample: Path):
    out = sample / "public"
    page = html(out / "2026/11/25/sand-mining-part-two/index.html")
    items = [li.text_content().strip() for li in page.cssselect(".series-box li")]
    assert len(items) == 2 and items[0].startswith("Rivers of sand, part one")
    assert (out / "series/rivers-of-sand/index.html").is_file()


def test_lead_stories_load_first_at_their_shown_width(sample: Path):
    # the lead card of the curated home page and of a section front is the page's largest
    # image: fetched eagerly and first, at the lead's width, not a card thumbnail's
    for page in ("index.html", "climate/index.html"):
        lead = html(sample / "public" / page).cssselect("section.lead img")[0]
        assert lead.get("loading") != "lazy" and lead.get("fetchpriority") == "high", page
        assert "42rem" in lead.get("sizes"), page
    front = html(sample / "public/climate/index.html")
    titles = [h.text_content() for h in front.cssselect("h2.section-title")]
    assert titles == ["More from Climate"]  # the river is not a part of the lead story


def test_accessible_names_in_the_sample(sample: Path):
    out = sample / "public"
    home = html(out / "index.html")
    arrows = home.cssselect('.pagination a[rel="next"] span[aria-hidden="true"]')
    assert [a.text_content() for a in arrows] == ["→"]
    story = html(out / "2026/11/20/salinity-crisis/index.html")
    caption = story.cssselect(".hero figcaption")[0]  # caption, then "Photo: " and the credit
    said = " ".join(caption.text_content().split())
    credit = caption.cssselect(".credit")[0].text_content()
    assert said.endswith(f". Photo: {credit}"), said
