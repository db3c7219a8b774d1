"""Small pieces of the distribution modules, and edge cases of a build: empty site, build time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html
import pytest

from ssg.config import SiteConfig
from ssg.distribution import alias_path
from ssg.feeds import absolute_links, entry_id, rfc822
from ssg.model import Article
from ssg.structured import copyright_holder, plain_text

from conftest import TINY_SITE, html, run, write_site


@pytest.mark.parametrize(
    ("credit", "holder"),
    [
        ("Linh Tran/The Delta Ledger", {"@type": "Organization", "name": "The Delta Ledger"}),
        ("Reuters/Jane Doe/AFP", {"@type": "Organization", "name": "AFP"}),
        ("Jane Doe", {"@type": "Person", "name": "Jane Doe"}),
        ("AP Photo/Evan Vucci", {"@type": "Organization", "name": "AP"}),
        ("AFP PHOTO/Nhac Nguyen", {"@type": "Organization", "name": "AFP"}),
        ("Reuters", {"@type": "Organization", "name": "Reuters"}),
        ("AFP", {"@type": "Organization", "name": "AFP"}),
        ("Getty Images", {"@type": "Organization", "name": "Getty Images"}),
        ("REUTERS/Athit Perawongmetha", {"@type": "Organization", "name": "REUTERS"}),
        ("Jane Doe/Getty Images", {"@type": "Organization", "name": "Getty Images"}),
    ],
)
def test_copyright_holder_from_credit(credit: str, holder: dict):
    assert copyright_holder(credit) == holder


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('<a href="/news/a/">x</a>', '<a href="https://e.org/news/a/">x</a>'),
        ("<img src='/i.jpg' alt=''>", "<img src='https://e.org/i.jpg' alt=''>"),
        ('<a href="//cdn.example/x">', '<a href="//cdn.example/x">'),
        ('<a href="https://other.example/">', '<a href="https://other.example/">'),
        ('<a href="#fn1">', '<a href="#fn1">'),
        ("<p>src=/not-an-attribute</p>", "<p>src=/not-an-attribute</p>"),
        ('<a data-href="/x">', '<a data-href="/x">'),
        ('<p>href="/x"</p>', '<p>href="/x"</p>'),
        (
            '<a\nhref="/a"><img\tsrc="/b"></a> and <a href="/c">',
            '<a\nhref="https://e.org/a"><img\tsrc="https://e.org/b"></a> and <a href="https://e.org/c">',
        ),
    ],
)
def test_absolute_links(before: str, after: str):
    assert absolute_links(before, "https://e.org") == after


def test_entry_id_uses_host_publication_day_and_slug():
    config = SiteConfig("T", "https://news.example:8443/prefix/", timezone="Asia/Ho_Chi_Minh")
    story = Article("a.md", "story", "T", dt.datetime(2026, 1, 1, 20, tzinfo=dt.UTC), ())
    assert entry_id(config, story) == "tag:news.example,2026-01-02:story"  # Jan 2 in Vietnam


def test_rss_dates_are_rfc_822_in_utc():
    when = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert rfc822(when) == "Fri, 20 Nov 2026 02:30:00 +0000"


@pytest.mark.parametrize(
    ("alias", "path"), [("/old", "/old/"), ("/old/", "/old/"), ("/old.html", "/old.html")]
)
def test_alias_paths_are_pretty(alias: str, path: str):
    assert alias_path(alias) == path


def test_plain_text_of_rendered_markdown():
    assert (
        plain_text("It&#8217;s <em>very</em>\n  <a href='/x'>big</a> &amp; wet")
        == "It’s very big & wet"
    )


def test_site_without_articles_still_has_valid_feeds_and_sitemaps(tmp_path: Path):
    root = write_site(
        tmp_path / "empty", {"site.yml": "title: Empty\nbase_url: https://empty.example/\n"}
    )
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    feed = feedparser.parse((root / "public/feed.xml").read_bytes())
    assert feed.bozo == 0 and feed.entries == []
    assert (root / "public/sitemap.xml").is_file()
    # no story of the last two days: no news sitemap (an empty one fails its schema)
    assert not (root / "public/news-sitemap.xml").exists()
    assert "news-sitemap" not in (root / "public/robots.txt").read_text()
    assert (root / "public/_redirects").read_text().startswith("#")
    # a feed without entries is the same from one build to the next
    first = (root / "public/feed.xml").read_bytes()
    assert run(root, "build", "--output", "again").exit_code == 0
    assert (root / "again/feed.xml").read_bytes() == first


def test_build_time_decides_what_is_published(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(
        "SSG_BUILD_TIME", "2024-03-02T12:00:00"
    )  # UTC: the third story is not out yet
    assert run(tiny_site, "build").exit_code == 0
    feed = feedparser.parse((tiny_site / "public/feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Second story", "First story"]


def test_bad_build_time_is_a_clear_error(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SSG_BUILD_TIME", "next tuesday")
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "error: SSG_BUILD_TIME is not an ISO 8601 date-time: 'next tuesday'" in result.output
    assert "Traceback" not in result.output


def test_broken_text_template_is_located(tiny_site: Path):
    write_site(tiny_site, {"layouts/robots.txt": "User-agent: *\n{{ missing.value }}\n"})
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert (
        "robots.txt:2: error: template error: 'missing' is undefined while rendering /robots.txt"
        in result.output
    )


def test_website_data_only_on_the_first_home_page(tiny_site: Path):
    assert run(tiny_site, "build").exit_code == 0
    first = html(tiny_site / "public/index.html").xpath('//script[@type="application/ld+json"]')
    second = html(tiny_site / "public/page/2/index.html").xpath(
        '//script[@type="application/ld+json"]'
    )
    assert len(first) == 1 and '"WebSite"' in first[0].text
    assert second == []


def test_redirects_list_percent_encodes_aliases_with_spaces(tmp_path: Path):
    story = (
        "---\ntitle: Moved\nauthors: ana-ruiz\ndate: 2024-03-09\n"
        "aliases: ['/old/ünïcode path/']\n---\nB.\n"
    )
    root = write_site(tmp_path / "site", {**TINY_SITE, "content/articles/moved.md": story})
    assert run(root, "build").exit_code == 0
    lines = [
        line.split()
        for line in (root / "public/_redirects").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert lines == [["/old/%C3%BCn%C3%AFcode%20path/", "/2024/03/09/moved/", "301"]]
    assert (root / "public/old/ünïcode path/index.html").is_file()


def test_an_alias_copied_percent_encoded_is_served_at_that_address(tmp_path: Path):
    # an old address copied from an address bar or a sitemap comes percent-encoded: its
    # folder is the decoded name, which a host serves at the encoded address
    story = (
        "---\ntitle: Moved\nauthors: ana-ruiz\ndate: 2024-03-09\n"
        "aliases: ['/2019/caf%C3%A9-story/', '/2019/café-story/', '/2019/with%20space/']\n"
        "---\nB.\n"
    )
    story = story.replace("'/2019/café-story/'", "'/2019/cafe\u0301-story/'")  # NFD, as from a Mac
    root = write_site(tmp_path / "site", {**TINY_SITE, "content/articles/moved.md": story})
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    out = root / "public"
    assert sorted(p.name for p in (out / "2019").iterdir()) == ["café-story", "with space"]
    assert (out / "2019/café-story/index.html").is_file()
    assert (out / "2019/with space/index.html").is_file()
    assert not list(out.glob("2019/*%*"))
    lines = (out / "_redirects").read_text(encoding="utf-8").split("\n")
    sources = sorted(line.split()[0] for line in lines if line and not line.startswith("#"))
    assert sources == ["/2019/caf%C3%A9-story/", "/2019/with%20space/"]


@pytest.mark.parametrize(
    "alias", ["/%2e%2e/%2e%2e/x/", "/bad%ff/", "/.htaccess", "/.well-known/x/", "/a%2Fb/", "/x%7F/"]
)
def test_an_alias_with_hidden_or_dot_dot_folders_or_bad_escapes_is_a_field_error(
    tmp_path: Path, alias: str
):
    story = (
        f"---\ntitle: Moved\nauthors: ana-ruiz\ndate: 2024-03-09\naliases: ['{alias}']\n---\nB.\n"
    )
    root = write_site(tmp_path / "site", {**TINY_SITE, "content/articles/moved.md": story})
    result = run(root, "build")
    assert result.exit_code == 1
    assert "content/articles/moved.md:5: error: field 'aliases': expected" in result.output
    assert f"'{alias}'" in result.output  # the address as written


def test_a_section_named_after_the_base_folder_keeps_its_own_address(tiny_site: Path):
    # under base_url .../news/, the "News" section's site path is /news/: its address is
    # /news/news/, and a story at /{section}/{slug}/ is at /news/news/<slug>/
    config = (tiny_site / "site.yml").read_text(encoding="utf-8")
    config = config.replace("https://tiny.example/", "https://tiny.example/news/")
    config += "search: false\nsections: [News]\npermalink: /{section}/{slug}/\n"
    story = (tiny_site / "content/articles/first.md").read_text(encoding="utf-8")
    write_site(
        tiny_site,
        {
            "site.yml": config,
            "content/articles/first.md": story.replace("title:", "section: News\ntitle:", 1),
        },
    )
    result = run(tiny_site, "build", "--quiet")
    assert result.exit_code == 0, result.output
    out = tiny_site / "public"
    front = html(out / "news/index.html")
    assert (
        front.cssselect('link[rel="canonical"]')[0].get("href") == "https://tiny.example/news/news/"
    )
    feeds = [link.get("href") for link in front.cssselect('link[rel="alternate"]')]
    assert "https://tiny.example/news/news/feed.xml" in feeds
    assert (out / "news/feed.xml").is_file()
    story_page = html(out / "news/first/index.html")
    canonical = story_page.cssselect('link[rel="canonical"]')[0].get("href")
    assert canonical == "https://tiny.example/news/news/first/"
    locs = lxml.etree.parse(str(out / "sitemap.xml")).xpath("//*[local-name()='loc']/text()")
    assert len(locs) == len(set(locs))
    assert {"https://tiny.example/news/", "https://tiny.example/news/news/"} <= set(locs)
    assert "https://tiny.example/news/news/first/" in locs


PAGE = "https://e.org/news/2026/11/05/story/"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('<a href="chart/">', f'<a href="{PAGE}chart/">'),
        ("<a href='../other/'>", "<a href='https://e.org/news/2026/11/05/other/'>"),
        ('<img src="map.png" alt="">', f'<img src="{PAGE}map.png" alt="">'),
        (
            '<img srcset="a.jpg 1x, /b.jpg 2x">',
            f'<img srcset="{PAGE}a.jpg 1x, https://e.org/b.jpg 2x">',
        ),
        ('<a href="#fn1">', f'<a href="{PAGE}#fn1">'),
        ('<a href="mailto:desk@e.org">', '<a href="mailto:desk@e.org">'),
        ('<a href="">', '<a href="">'),
        ('<a class="chart/" data-src="x.png">', '<a class="chart/" data-src="x.png">'),
        ('<p>href="chart/"</p>', '<p>href="chart/"</p>'),
    ],
)
def test_absolute_links_resolves_page_relative_ones(before: str, after: str):
    assert absolute_links(before, "https://e.org", PAGE) == after


def test_feed_content_links_relative_to_the_story_reach_its_neighbours(tiny_site: Path):
    story = tiny_site / "content/articles/first.md"
    story.write_text(story.read_text() + "\nSee [the chart](chart/) and [the index](../).\n")
    with (tiny_site / "site.yml").open("a") as config:
        config.write("rss: true\n")
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    page = "https://tiny.example/2024/03/01/first/"
    for name in ("feed.xml", "rss.xml"):
        feed = feedparser.parse((tiny_site / "public" / name).read_bytes())
        [entry] = [e for e in feed.entries if e.link == page]
        body = lxml.html.fromstring(entry.content[0].value)
        links = [a.get("href") for a in body.cssselect("a")]
        assert page + "chart/" in links and "https://tiny.example/2024/03/01/" in links, links
    atom = lxml.etree.parse(str(tiny_site / "public/feed.xml"))
    bases = atom.xpath("//*[local-name()='content']/@xml:base")
    assert page in bases
