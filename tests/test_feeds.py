"""Atom and RSS feeds, checked with feedparser against the pages they point to."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import lxml.etree
import lxml.html
import pytest

from ssg.plan import output_path

from conftest import TINY_SITE, html, run, write_site

SAMPLE_BASE = "https://deltaledger.example/"


def local_file(out: Path, url: str, base: str = SAMPLE_BASE) -> Path:
    """The output file an absolute site URL is served from."""
    assert url.startswith(base), url
    return out / output_path("/" + url[len(base) :])


def parse_feed(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert feed.bozo == 0, f"{path}: {feed.get('bozo_exception')}"
    return feed


def listed_articles(out: Path, first: str) -> list[str]:
    """Article links of a paginated listing, following its rel=next links."""
    links, page = [], first
    while page:
        doc = html(out / output_path(page))
        links += [a.get("href") for a in doc.cssselect(".card-title a")]
        following = doc.cssselect('a[rel="next"]')
        page = following[0].get("href") if following else None
    return links


def newest_first(out: Path) -> list[str]:
    """URLs of every article page in the output, newest publication first."""
    dated = []
    for page in out.rglob("index.html"):
        doc = html(page)
        stamp = doc.cssselect("article.story .published time")
        if stamp:
            url = "/" + page.parent.relative_to(out).as_posix() + "/"
            when = dt.datetime.fromisoformat(stamp[0].get("datetime"))
            if when.tzinfo is None:  # a date written without a time: midnight, site zone
                when = when.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
            dated.append((when, url))
    return [url for _, url in sorted(dated, reverse=True)]


def test_site_feed_lists_the_newest_articles_with_all_fields(sample_build: Path):
    feed = parse_feed(sample_build / "feed.xml")
    assert feed.version == "atom10"
    assert feed.feed.title == "The Delta Ledger"
    assert feed.feed.link == SAMPLE_BASE
    articles = newest_first(sample_build)
    assert len(articles) >= 10
    assert ["/" + e.link[len(SAMPLE_BASE) :] for e in feed.entries] == articles[:20]
    published = [e.published_parsed for e in feed.entries]
    assert published == sorted(published, reverse=True)
    for entry in feed.entries:
        page = html(local_file(sample_build, entry.link))
        assert entry.title == page.cssselect("h1.headline")[0].text_content()
        assert entry.id.startswith("tag:deltaledger.example,2026-")
        published = page.cssselect('meta[property="article:published_time"]')[0].get("content")
        when = dt.datetime.fromisoformat(published)
        assert dt.datetime.fromisoformat(entry.published) == when
        assert dt.datetime.fromisoformat(entry.updated) >= when
        shown = page.cssselect(".published time")[0].get("datetime")
        assert shown == (published if len(shown) > 10 else when.date().isoformat())
        byline = [a.text_content() for a in page.cssselect(".story-header .byline a")]
        assert [a.name for a in entry.authors] == byline
        topics = [a.text_content() for a in page.cssselect(".story-topics a")]
        assert [t.label for t in entry.tags] == topics
        assert entry.summary
        assert entry.content[0].type == "text/html"
        assert "<p>" in entry.content[0].value


def test_updated_article_carries_its_update_time(sample_build: Path):
    feed = parse_feed(sample_build / "feed.xml")
    entry = next(e for e in feed.entries if "salinity-crisis" in e.link)
    assert entry.published == "2026-11-20T09:30:00+07:00"
    assert entry.updated == "2026-11-21T14:05:00+07:00"
    assert [a.name for a in entry.authors] == ["Linh Tran", "Marcus Hale"]
    newest = max(dt.datetime.fromisoformat(e.updated) for e in feed.entries)
    assert dt.datetime.fromisoformat(feed.feed.updated) == newest


def test_feed_content_links_are_absolute(sample_build: Path):
    feed = parse_feed(sample_build / "feed.xml")
    entry = next(e for e in feed.entries if "salinity-crisis" in e.link)
    body = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")
    for element in body.iter("a", "img"):
        target = element.get("href") or element.get("src")
        assert not target.startswith("/"), target
    srcs = [img.get("src") for img in body.iter("img")]
    assert any(src.startswith(f"{SAMPLE_BASE}images/photos/salt-gauge.") for src in srcs), srcs
    for src in srcs:
        assert local_file(sample_build, src).is_file(), src


@pytest.mark.parametrize("kind", ["topics", "authors"])
def test_every_topic_and_author_has_a_feed_matching_its_page(sample_build: Path, kind: str):
    index = html(sample_build / kind / "index.html")
    links = [a.get("href") for a in index.cssselect(f".{kind[:-1]}-index a")]
    assert links
    for link in links:
        page = html(sample_build / output_path(link))
        feeds = page.cssselect('head link[rel="alternate"][type="application/atom+xml"]')
        hrefs = [f.get("href") for f in feeds]
        assert hrefs[0] == f"{SAMPLE_BASE}feed.xml"
        assert hrefs[1] == f"{SAMPLE_BASE}{link.lstrip('/')}feed.xml"
        feed = parse_feed(local_file(sample_build, hrefs[1]))
        listed = listed_articles(sample_build, link)
        assert ["/" + e.link[len(SAMPLE_BASE) :] for e in feed.entries] == listed[:20]
        assert feed.feed.links[0].href == hrefs[1]  # rel=self


def test_article_and_home_pages_advertise_the_site_feed(sample_build: Path):
    for name in ["index.html", "2026/11/20/salinity-crisis/index.html"]:
        page = html(sample_build / name)
        feeds = page.cssselect('link[rel="alternate"][type="application/atom+xml"]')
        assert [f.get("href") for f in feeds] == [f"{SAMPLE_BASE}feed.xml"]
        assert feeds[0].get("title") == "The Delta Ledger"


FEED_SITE_EXTRA = "feed_entries: 2\nfeed_full_content: false\nrss: true\n"


def test_feed_options_limit_entries_drop_content_and_add_rss(tiny_site: Path):
    config = (tiny_site / "site.yml").read_text() + FEED_SITE_EXTRA
    write_site(tiny_site, {"site.yml": config})
    assert run(tiny_site, "build").exit_code == 0
    out = tiny_site / "public"
    atom = parse_feed(out / "feed.xml")
    assert [e.title for e in atom.entries] == ["Third story", "Second story"]
    assert all("content" not in e for e in atom.entries)
    rss = parse_feed(out / "rss.xml")
    assert rss.version == "rss20"
    assert [e.title for e in rss.entries] == ["Third story", "Second story"]
    assert [e.id for e in rss.entries] == [e.id for e in atom.entries]
    assert rss.entries[1].published_parsed[:6] == (2024, 3, 1, 17, 0, 0)  # 00:00 +07:00 in UTC
    assert [t.term for t in rss.entries[1].tags] == ["Courts", "Zürich"]
    home = html(out / "index.html")
    types = [link.get("type") for link in home.cssselect('link[rel="alternate"]')]
    assert types == ["application/atom+xml", "application/rss+xml"]


def test_entry_ids_survive_a_move_to_another_path_and_permalink(tiny_site: Path):
    assert run(tiny_site, "build").exit_code == 0
    before = parse_feed(tiny_site / "public/feed.xml")
    config = (tiny_site / "site.yml").read_text() + "permalink: /stories/{slug}/\n"
    write_site(tiny_site, {"site.yml": config})
    assert run(tiny_site, "build", "--base-url", "https://tiny.example/news/").exit_code == 0
    after = parse_feed(tiny_site / "public/feed.xml")
    assert [e.link for e in after.entries] != [e.link for e in before.entries]
    assert [e.id for e in after.entries] == [e.id for e in before.entries]
    assert after.entries[0].link == "https://tiny.example/news/stories/third/"


def test_bad_feed_settings_are_located_errors(tiny_site: Path):
    config = (tiny_site / "site.yml").read_text() + "feed_entries: lots\nrss: maybe\n"
    write_site(tiny_site, {"site.yml": config})
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "site.yml:6: error: field 'feed_entries': expected a whole number" in result.output
    assert "site.yml:7: error: field 'rss': expected true or false" in result.output


def test_two_stories_of_one_day_with_one_slug_get_different_entry_ids(tmp_path: Path):
    site_yml = (
        textwrap.dedent(TINY_SITE["site.yml"])
        + "permalink: /{section}/{year}/{slug}/\nsections: [World, Business]\n"
    )
    story = "---\ntitle: Roundup\nauthors: ana-ruiz\ndate: 2024-03-09T{}:00+07:00\nsection: {}\n---\nB.\n"
    root = write_site(
        tmp_path / "site",
        {
            **TINY_SITE,
            "site.yml": site_yml,
            "content/articles/a/roundup.md": story.format("08:00", "World"),
        },
    )

    def roundup_ids() -> dict[str, str]:
        result = run(root, "build")
        assert result.exit_code == 0, result.output
        ids = {}
        for feed_file in ("feed.xml", "authors/ana-ruiz/feed.xml"):
            feed = feedparser.parse((root / "public" / feed_file).read_bytes())
            every = [entry.id for entry in feed.entries]
            assert len(every) == len(set(every)), every
            found = {e.link: e.id for e in feed.entries if e.title == "Roundup"}
            assert not ids or found == ids  # the same id in every feed
            ids = found
        return ids

    world = "https://tiny.example/world/2024/roundup/"
    assert roundup_ids() == {world: "tag:tiny.example,2024-03-09:roundup"}
    # a later story of that day with that slug gets another id; the first one keeps its own,
    # which feed readers already have
    write_site(root, {"content/articles/b/roundup.md": story.format("15:00", "Business")})
    ids = roundup_ids()
    assert ids[world] == "tag:tiny.example,2024-03-09:roundup"
    business = ids["https://tiny.example/business/2024/roundup/"]
    assert business.startswith("tag:tiny.example,2024-03-09:roundup-")
    # stories that share nothing keep the plain id
    plain = feedparser.parse((root / "public/feed.xml").read_bytes())
    assert "tag:tiny.example,2024-03-01:first" in [e.id for e in plain.entries]


def test_feed_content_links_work_outside_the_site(tmp_path: Path):
    from photofix import make_photo

    story = (
        "---\ntitle: Noted\nauthors: ana-ruiz\ndate: 2024-03-09\n---\n"
        'A claim.[^1]\n\n![A chart](/images/chart.jpg){credit="Us"}\n\n[^1]: The source.\n'
    )
    root = write_site(
        tmp_path / "site",
        {
            **TINY_SITE,
            "assets/images/chart.jpg": make_photo(1200, 600),
            "content/articles/noted.md": story,
        },
    )
    assert run(root, "build", "--base-url", "https://tiny.example/news/").exit_code == 0
    # read the XML itself: feedparser's sanitiser drops srcset attributes
    atom = "{http://www.w3.org/2005/Atom}"
    tree = lxml.etree.fromstring((root / "public/feed.xml").read_bytes())
    entry = next(e for e in tree.iter(f"{atom}entry") if e.findtext(f"{atom}title") == "Noted")
    body = lxml.html.fromstring(entry.findtext(f"{atom}content"))
    page = "https://tiny.example/news/2024/03/09/noted/"
    assert body.cssselect('a[href^="#"]') == []
    assert page + "#fn1" in [a.get("href") for a in body.cssselect("a")]
    srcsets = [e.get("srcset") for e in body.cssselect("source, img") if e.get("srcset")]
    assert len(srcsets) == 2  # the WebP source and the JPEG fallback
    for srcset in srcsets:
        for candidate in srcset.split(","):
            url = candidate.split()[0]
            assert url.startswith("https://tiny.example/news/images/"), url
            assert (root / "public" / url.removeprefix("https://tiny.example/news/")).is_file()


def test_control_characters_written_as_yaml_escapes_never_reach_the_feeds(tiny_site: Path):
    # the file's own control characters are stripped when it is read; a double-quoted YAML
    # value can still write them as escapes, which XML 1.0 forbids
    write_site(
        tiny_site,
        {
            "site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "rss: true\nsearch: false\n",
            "content/articles/escaped.md": '---\ntitle: "Tab\\vhere"\ndek: "a\\bb \\x0c c"\n'
            "authors: li-wei\ndate: 2024-03-04T10:00:00Z\n---\nBody.\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert (
        "content/articles/escaped.md:2: warning: removed 1 invisible character(s)" in result.output
    )
    assert (
        "content/articles/escaped.md:3: warning: removed 2 invisible character(s)" in result.output
    )
    for feed in tiny_site.joinpath("public").rglob("*.xml"):
        lxml.etree.parse(str(feed))  # raises on a character XML forbids
    page = html(tiny_site / "public/2024/03/04/escaped/index.html")
    assert page.cssselect("h1")[0].text_content() == "Tabhere"


def test_the_noncharacters_fffe_and_ffff_never_reach_the_feeds(tiny_site: Path):
    # U+FFFE and U+FFFF are no XML characters either: as escapes or in the file itself
    story = (
        '---\ntitle: Odd\ndek: "a\\uFFFEb"\nauthors: li-wei\ndate: 2024-03-04T10:00:00Z\n'
        'topics: ["T\\uFFFFx"]\n---\nBody \ufffe text.\n'
    )
    write_site(
        tiny_site,
        {
            "site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "rss: true\nsearch: false\n",
            "content/articles/odd.md": story,
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    for line in (3, 6):
        assert f"odd.md:{line}: warning: removed 1 invisible character(s) written as" in (
            result.output
        )
    assert "odd.md:8: warning: removed 1 invisible character(s) that feeds" in result.output
    xml_files = list(tiny_site.joinpath("public").rglob("*.xml"))
    assert any("topics/tx" in str(f) for f in xml_files)
    for feed in xml_files:
        lxml.etree.parse(str(feed))  # raises on a character XML forbids
    page = html(tiny_site / "public/2024/03/04/odd/index.html")
    assert page.cssselect(".dek")[0].text_content() == "ab"


def test_rss_description_shows_the_dek_as_written(tiny_site: Path):
    # readers take an RSS <description> as HTML: text with a '<' must arrive as text
    dek = "Profits <b>rose</b> & fell <script>alert(1)</script>"
    write_site(
        tiny_site,
        {
            "site.yml": textwrap.dedent(TINY_SITE["site.yml"]).replace(
                "A fixture newsroom", "'Tiny <news> & more'"
            )
            + "rss: true\nsearch: false\n",
            "content/articles/dek.md": f"---\ntitle: Dek\nauthors: li-wei\ndate: 2024-03-04\n"
            f"dek: '{dek}'\n---\nBody.\n",
        },
    )
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    feed = feedparser.parse((tiny_site / "public/rss.xml").read_bytes())
    [entry] = [e for e in feed.entries if e.title == "Dek"]
    assert lxml.html.fromstring(f"<div>{entry.summary}</div>").text_content() == dek
    channel = lxml.html.fromstring(f"<div>{feed.feed.subtitle}</div>").text_content()
    assert channel == "Tiny <news> & more"


def test_a_live_storys_feed_entry_carries_its_updates(sample_build: Path):
    page_url = SAMPLE_BASE + "2026/11/28/salt-tide-live/"
    page = html(local_file(sample_build, page_url))
    updates = page.cssselect(".live-update")
    assert len(updates) >= 3
    feed = feedparser.parse((sample_build / "feed.xml").read_bytes())
    [entry] = [e for e in feed.entries if e.link == page_url]
    content = lxml.html.fromstring(f"<div>{entry.content[0].value}</div>")
    text = " ".join(content.text_content().split())
    for update in updates:  # every update's text, and a link to it on the page
        body = " ".join(update.cssselect(".live-update-body")[0].text_content().split())
        assert body in text
        assert page_url + "#" + update.get("id") in [a.get("href") for a in content.iter("a")]
    # the entry changed when its newest update came
    newest = updates[0].cssselect("time")[0].get("datetime")
    assert dt.datetime.fromisoformat(entry.updated) == dt.datetime.fromisoformat(newest)


def test_each_entry_carries_its_hero_photo_as_the_page_shares_it(sample_build: Path):
    feed = feedparser.parse((sample_build / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    with_photo = 0
    for entry in feed.entries:
        page = html(local_file(sample_build, entry.link))
        shared = page.cssselect('meta[property="og:image"]')[0].get("content")
        hero = page.cssselect("figure.hero img, .story-hero img")
        if not hero:
            assert "media_content" not in entry, entry.link
            continue
        with_photo += 1
        [media] = entry.media_content
        assert media["url"] == shared and media["medium"] == "image"
        credit = page.cssselect("figure.hero .credit, .story-hero .credit")[0].text_content()
        assert entry.media_credit[0]["content"] == credit.strip()
    assert with_photo >= 5


def test_an_rss_item_carries_its_hero_photo_too(tiny_site: Path):
    from photofix import make_photo

    story = (
        "---\ntitle: Pic\nauthors: li-wei\ndate: 2024-03-04T10:00:00Z\nimage:\n"
        "  src: /images/pic.jpg\n  alt: A boat\n  credit: Li Wei\n---\nBody.\n"
    )
    write_site(
        tiny_site,
        {
            "site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "rss: true\nsearch: false\n",
            "assets/images/pic.jpg": make_photo(1200, 800),
            "content/articles/pic.md": story,
        },
    )
    assert run(tiny_site, "build").exit_code == 0
    feed = feedparser.parse((tiny_site / "public/rss.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    [entry] = [e for e in feed.entries if e.title == "Pic"]
    [media] = entry.media_content
    assert media["url"].startswith("https://tiny.example/images/pic") and media["width"] == "1200"
    assert entry.media_credit[0]["content"] == "Li Wei"
