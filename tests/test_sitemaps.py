"""sitemap.xml, the sitemap index, news-sitemap.xml and robots.txt, validated against the official XSDs."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import lxml.etree
import pytest
from sample import build_sample

from ssg.config import SiteConfig
from ssg.model import Article
from ssg.plan import Output, output_path
from ssg.sitemaps import SitemapEntry, news_articles, news_language, plan_sitemaps
from ssg.templates import make_environment

from conftest import html, run

SCHEMAS = Path(__file__).parent / "schemas"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
BASE = "https://deltaledger.example/"
UTC = dt.UTC


@cache
def schema(name: str) -> lxml.etree.XMLSchema:
    return lxml.etree.XMLSchema(lxml.etree.parse(str(SCHEMAS / name)))


def validate(path_or_bytes: Path | bytes, name: str) -> lxml.etree._ElementTree:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    tree = lxml.etree.ElementTree(lxml.etree.fromstring(data))
    xsd = schema(name)
    assert xsd.validate(tree), xsd.error_log
    return tree


def test_sitemap_is_valid_and_lists_every_public_page(sample_build: Path):
    tree = validate(sample_build / "sitemap.xml", "sitemap.xsd")
    locs = tree.xpath("//sm:url/sm:loc/text()", namespaces=NS)
    assert len(locs) == len(set(locs))
    listed = {"/" + loc[len(BASE) :] for loc in locs}
    # every page is in the sitemap, but those that ask search engines not to index them
    pages = {p for p in sample_build.rglob("index.html")}
    hidden = {p for p in pages if html(p).cssselect('meta[name="robots"][content~="noindex"]')}
    expected = {"/" + p.parent.relative_to(sample_build).as_posix() + "/" for p in pages - hidden}
    expected = {"/" if e == "/./" else e for e in expected}
    assert listed == expected
    assert "/search/" not in listed and (sample_build / "search/index.html") in hidden
    assert (sample_build / "2026/11/20/delta-salinity-november/index.html") in hidden  # alias
    assert "/404.html" not in listed


def test_sitemap_lastmod_is_updated_else_published(sample_build: Path):
    tree = validate(sample_build / "sitemap.xml", "sitemap.xsd")
    lastmod = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in tree.xpath("//sm:url", namespaces=NS)
    }
    assert lastmod[BASE + "2026/11/20/salinity-crisis/"] == "2026-11-21T14:05:00+07:00"  # updated
    page = html(sample_build / "2026/11/16/fish-are-infrastructure/index.html")
    published = page.cssselect(".published time")[0].get("datetime")
    assert lastmod[BASE + "2026/11/16/fish-are-infrastructure/"] == published
    # a listing changes when one of its articles does: the front page's newest change
    cards = [a.get("href") for a in html(sample_build / "index.html").cssselect(".card-title a")]
    assert lastmod[BASE] == max(lastmod[BASE + href.lstrip("/")] for href in cards)


def test_sitemap_splits_into_an_index_past_the_limit():
    entries = [
        SitemapEntry(f"/a/{n}/", dt.datetime(2026, 1, 1 + n % 28, tzinfo=UTC)) for n in range(7)
    ]
    entries.append(SitemapEntry("/about/", None))
    outputs = plan_sitemaps(entries, limit=3)
    assert [o.url for o in outputs] == [
        "/sitemap.xml",
        "/sitemap-1.xml",
        "/sitemap-2.xml",
        "/sitemap-3.xml",
    ]
    env = make_environment(SiteConfig("Test", "https://example.org/news/"), None)
    rendered = {o.url: render(env, o) for o in outputs}
    index = validate(rendered["/sitemap.xml"], "siteindex.xsd")
    assert index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS) == [
        f"https://example.org/news/sitemap-{n}.xml" for n in (1, 2, 3)
    ]
    assert (
        index.xpath("//sm:sitemap/sm:lastmod/text()", namespaces=NS)[0]
        == "2026-01-03T00:00:00+00:00"
    )
    locs = []
    for url in outputs[1:]:
        tree = validate(rendered[url.url], "sitemap.xsd")
        locs += tree.xpath("//sm:loc/text()", namespaces=NS)
    assert locs == [f"https://example.org/news{e.url}" for e in entries]


def test_sitemap_stays_one_file_up_to_the_limit():
    entries = [SitemapEntry(f"/a/{n}/", None) for n in range(3)]
    assert [o.template for o in plan_sitemaps(entries, limit=3)] == ["sitemaps/sitemap.xml"]


def render(env, output: Output) -> bytes:
    return env.get_template(output.template).render(output.context, page_url=output.url).encode()


@pytest.fixture(scope="module")
def news_build(tmp_path_factory) -> Path:
    """The sample site built as of 2026-11-21 12:00 in Can Tho: two recent articles."""
    root = tmp_path_factory.mktemp("news")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SSG_BUILD_TIME", "2026-11-21T12:00:00+07:00")
        return build_sample(root, curated_home=False)


def test_news_sitemap_is_valid_and_has_the_last_two_days(news_build: Path):
    tree = validate(news_build / "news-sitemap.xml", "news-urlset.xsd")
    urls = tree.xpath("//sm:url", namespaces=NS)
    locs = [u.findtext("sm:loc", namespaces=NS) for u in urls]
    # published 2026-11-20 09:30 (+07) is within two days; the 2026-11-16 op-ed is not
    assert locs == [BASE + "2026/11/20/salinity-crisis/"]
    news = urls[0].find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "The Delta Ledger"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:publication_date", namespaces=NS) == "2026-11-20T09:30:00+07:00"
    page = html(news_build / "2026/11/20/salinity-crisis/index.html")
    assert news.findtext("news:title", namespaces=NS) == page.cssselect("h1")[0].text_content()
    assert (
        news.findtext("news:keywords", namespaces=NS)
        == "Mekong River, Climate Change, Rice, Cần Thơ"
    )


def test_news_sitemap_follows_the_build_time(tmp_path: Path):
    root = tmp_path / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SSG_BUILD_TIME", "2026-11-17T08:00:00+07:00")
        out = build_sample(root, curated_home=False)
    tree = validate(out / "news-sitemap.xml", "news-urlset.xsd")
    assert tree.xpath("//sm:loc/text()", namespaces=NS) == [
        BASE + "2026/11/16/fish-are-infrastructure/"
    ]
    genres = tree.xpath("//news:genres/text()", namespaces=NS)
    assert genres == ["Opinion"]
    # articles after the build time are not published yet, so they are in no sitemap
    assert not (out / "2026/11/20/salinity-crisis/index.html").exists()


def article(day: int, hour: int = 0) -> Article:
    return Article(
        f"a{day}-{hour}.md", f"a{day}-{hour}", "T", dt.datetime(2026, 11, day, hour, tzinfo=UTC), ()
    )


def test_news_window_is_two_days_and_at_most_1000():
    now = dt.datetime(2026, 11, 21, 12, tzinfo=UTC)
    chosen = news_articles(
        [article(19, 11), article(19, 12), article(21, 12), article(21, 13)], now
    )
    assert [a.slug for a in chosen] == ["a21-12", "a19-12"]
    many = [Article(f"{n}.md", str(n), "T", now - dt.timedelta(minutes=n), ()) for n in range(1500)]
    chosen = news_articles(many, now)
    assert len(chosen) == 1000 and chosen[0].slug == "0"


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("vi", "vi"),
        ("zh-TW", "zh-tw"),
        ("zh-Hans", "zh-cn"),
        ("zh", "zh-cn"),
        ("zh-Hant-TW", "zh-tw"),
        ("zh-Hant-HK", "zh-tw"),
        ("zh-MO", "zh-tw"),
        ("zh-Hans-SG", "zh-cn"),
    ],
)
def test_news_language_codes(language: str, code: str):
    assert news_language(language) == code


def test_robots_points_at_both_sitemaps(news_build: Path):
    lines = (news_build / "robots.txt").read_text().splitlines()
    assert "User-agent: *" in lines
    sitemaps = [line.split(": ", 1)[1] for line in lines if line.startswith("Sitemap:")]
    assert sitemaps == [BASE + "sitemap.xml", BASE + "news-sitemap.xml"]
    for url in sitemaps:
        assert (news_build / output_path("/" + url[len(BASE) :])).is_file()


def test_without_a_story_of_the_last_two_days_there_is_no_news_sitemap(tmp_path: Path):
    # an empty <urlset> fails the sitemap schema (a <url> is required)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SSG_BUILD_TIME", "2027-06-01T12:00:00+07:00")
        out = build_sample(tmp_path / "site", curated_home=False)
    assert not (out / "news-sitemap.xml").exists()
    lines = (out / "robots.txt").read_text().splitlines()
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        "Sitemap: " + BASE + "sitemap.xml"
    ]
    validate(out / "sitemap.xml", "sitemap.xsd")


def test_sitemap_urls_carry_the_path_prefix(tiny_site: Path):
    assert run(tiny_site, "build", "--base-url", "https://tiny.example/news/").exit_code == 0
    out = tiny_site / "public"
    tree = validate(out / "sitemap.xml", "sitemap.xsd")
    locs = tree.xpath("//sm:loc/text()", namespaces=NS)
    assert locs and all(loc.startswith("https://tiny.example/news/") for loc in locs)
    assert "Sitemap: https://tiny.example/news/sitemap.xml" in (out / "robots.txt").read_text()


def test_a_preview_build_keeps_drafts_and_scheduled_stories_out_of_search_engines(
    tiny_site: Path, monkeypatch: pytest.MonkeyPatch
):
    from conftest import write_site

    monkeypatch.setenv("SSG_BUILD_TIME", "2024-03-06T12:00:00Z")
    story = "---\ntitle: {title}\nauthors: li-wei\ndate: {date}\n{extra}---\nBody.\n"
    write_site(
        tiny_site,
        {
            "content/articles/draft.md": story.format(
                title="A draft", date="2024-03-05T10:00:00Z", extra="draft: true\n"
            ),
            "content/articles/later.md": story.format(
                title="Later", date="2024-03-09T10:00:00Z", extra=""
            ),
        },
    )
    assert run(tiny_site, "build", "--drafts", "--future", "--quiet").exit_code == 0
    out = tiny_site / "public"
    locs = validate(out / "sitemap.xml", "sitemap.xsd").xpath("//sm:loc/text()", namespaces=NS)
    news = (out / "news-sitemap.xml").read_text() if (out / "news-sitemap.xml").exists() else ""
    for page in ("2024/03/05/draft/", "2024/03/09/later/"):
        assert (out / page / "index.html").is_file()  # the preview shows them
        assert "https://tiny.example/" + page not in locs and page not in news
        robots = html(out / page / "index.html").cssselect('meta[name="robots"]')
        assert robots[0].get("content") == "noindex"
    published = html(out / "2024/03/01/first/index.html").cssselect('meta[name="robots"]')
    assert published[0].get("content") == "max-image-preview:large"
