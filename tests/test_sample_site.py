"""The sample newsroom builds, and its output holds together: every page, element and link."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from ssg.config import load_config
from ssg.plan import output_path

from conftest import REPO, html

FLAGSHIP_URL_PART = "salinity-crisis"


def internal_targets(doc: lxml.html.HtmlElement) -> list[str]:
    """Every href/src in a page that points inside the site."""
    found = []
    for element in doc.iter():
        for attr in ("href", "src"):
            value = element.get(attr)
            if not value:
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith(("mailto:", "#", "data:")):
                continue
            found.append(value)
    return found


def resolve(public: Path, url: str) -> Path:
    path = unquote(urlsplit(url).path)
    assert path.startswith("/"), f"relative URL {url!r} breaks under 404.html and prefixes"
    return public / output_path(path)


def article_pages(public: Path) -> list[Path]:
    return [p for p in public.rglob("index.html") if html(p).cssselect("article.story")]


def flagship(public: Path) -> lxml.html.HtmlElement:
    [page] = [p for p in article_pages(public) if FLAGSHIP_URL_PART in p.as_posix()]
    return html(page)


def test_sample_has_the_promised_breadth(sample_build: Path):
    articles = article_pages(sample_build)
    authors = [p for p in (sample_build / "authors").glob("*/index.html")]
    topics = [p for p in (sample_build / "topics").glob("*/index.html")]
    assert len(articles) >= 12
    assert len(authors) >= 3
    assert len(topics) >= 6
    for page in (
        "index.html",
        "404.html",
        "topics/index.html",
        "authors/index.html",
        "about/index.html",
    ):
        assert (sample_build / page).is_file(), page


def test_every_internal_link_and_image_resolves(sample_build: Path):
    broken = []
    for page in sample_build.rglob("*.html"):
        doc = html(page)
        for url in internal_targets(doc):
            target = resolve(sample_build, url)
            if not target.is_file():
                broken.append(f"{page.relative_to(sample_build)} -> {url}")
            fragment = urlsplit(url).fragment
            if (
                fragment
                and target.suffix == ".html"
                and not html(target).get_element_by_id(fragment, None)
            ):
                broken.append(f"{page.relative_to(sample_build)} -> {url} (missing anchor)")
    assert broken == []


def test_every_page_has_lang_title_description_and_image_alt(sample_build: Path):
    for page in sample_build.rglob("*.html"):
        doc = html(page)
        assert doc.get("lang"), page
        assert doc.findtext(".//title").strip(), page
        description = doc.cssselect('meta[name="description"]')
        assert description and description[0].get("content").strip(), page
        for img in doc.iter("img"):
            assert img.get("alt") is not None, f"{page}: {img.get('src')}"


def test_flagship_article_shows_every_element(sample_build: Path):
    doc = flagship(sample_build)
    story = doc.cssselect("article.story")[0]
    assert story.cssselect("h1.headline")[0].text_content().strip()
    assert story.cssselect(".dek")[0].text_content().strip()
    assert story.cssselect(".kicker")[0].text_content().strip()
    byline_links = story.cssselect(".byline a")
    assert len(byline_links) >= 2
    assert all(a.get("href").startswith("/authors/") for a in byline_links)
    published = story.cssselect(".published time")[0]
    updated = story.cssselect(".updated time")[0]
    assert published.get("datetime") < updated.get("datetime")
    assert "Updated" in story.cssselect(".updated")[0].text_content()
    assert story.cssselect(".dateline")[0].text_content().strip()
    hero = story.cssselect("figure.hero")[0]
    assert hero.cssselect("img")[0].get("alt").strip()
    assert hero.cssselect("figcaption .caption")[0].text_content().strip()
    assert hero.cssselect("figcaption .credit")[0].text_content().strip()
    body = story.cssselect(".story-body")[0]
    assert body.cssselect("h2") and body.cssselect("table") and body.cssselect("blockquote")
    assert body.cssselect(".footnotes li") and body.cssselect("sup.footnote-ref a")
    assert body.cssselect("figure figcaption")
    assert "“" in body.text_content()  # typographer's curly quotes on quoted speech
    assert story.cssselect(".corrections .correction")
    boxes = story.cssselect(".author-box")
    assert len(boxes) == len(byline_links)
    for box in boxes:
        assert box.cssselect("img.author-photo")[0].get("alt")
        assert box.cssselect(".author-role")[0].text_content().strip()
        assert box.cssselect(".author-bio p")
        assert box.cssselect(".author-links a")
    topic_links = story.cssselect(".story-topics a")
    assert len(topic_links) >= 3 and all(a.get("href").startswith("/topics/") for a in topic_links)
    related = doc.cssselect(".related .card-title a")
    assert 3 <= len(related) <= 5


def test_bylines_and_topics_link_to_pages_that_list_the_article(sample_build: Path):
    for page in article_pages(sample_build):
        doc = html(page)
        url = "/" + page.parent.relative_to(sample_build).as_posix() + "/"
        for link in doc.cssselect(".byline a") + doc.cssselect(".story-topics a"):
            listing = resolve(sample_build, link.get("href"))
            assert listing.is_file()
            # the article is on the listing's first page or one of its later pages
            pages = [listing, *sorted(listing.parent.glob("page/*/index.html"))]
            hrefs = {a.get("href") for p in pages for a in html(p).cssselect(".card-title a")}
            assert url in hrefs, f"{url} missing from {link.get('href')}"


def test_listings_are_newest_first_with_working_pagination(sample_build: Path):
    config, _ = load_config(REPO / "site.yml")
    pages = [sample_build / "index.html", *sorted((sample_build / "page").glob("*/index.html"))]
    assert len(pages) >= 2, "the sample should be big enough to paginate the home page"
    dates = []
    for number, page in enumerate(pages, start=1):
        doc = html(page)
        cards = doc.cssselect(".latest .card time") or doc.cssselect(".card time")
        assert len(cards) <= config.per_page
        dates += [t.get("datetime") for t in cards]
        next_link = doc.cssselect('a[rel="next"]')
        if number < len(pages):
            assert resolve(sample_build, next_link[0].get("href")) == pages[number]
        else:
            assert not next_link
    assert dates == sorted(dates, reverse=True)


def test_drafts_and_future_articles_are_not_published(sample_build: Path):
    titles = {
        html(p).cssselect("h1.headline")[0].text_content() for p in article_pages(sample_build)
    }
    drafts = []
    for source in (REPO / "content/articles").rglob("*.md"):
        text = source.read_text()
        if "\ndraft: true" in text or "\ndate: 2999" in text:
            drafts.append(source)
    assert drafts, "the sample should include a draft"
    home = (sample_build / "index.html").read_text()
    for source in drafts:
        title_line = next(
            line for line in source.read_text().splitlines() if line.startswith("title:")
        )
        title = title_line.split(":", 1)[1].strip().strip('"')
        assert title not in titles
        assert title not in home


@pytest.mark.parametrize("page", ["index.html", "topics/index.html", "authors/index.html"])
def test_listing_pages_have_one_h1(sample_build: Path, page: str):
    assert len(html(sample_build / page).cssselect("h1")) == 1
