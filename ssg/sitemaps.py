"""Sitemaps: every public page with its last change, split into an index past 50,000 URLs,
and a Google News sitemap of the articles published in the last two days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ssg.languages import is_traditional_chinese
from ssg.model import Article
from ssg.plan import Output

SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)
NEWS_LIMIT = 1_000  # URLs per news sitemap (Google News)
NEWS_WINDOW = dt.timedelta(days=2)  # Google News only wants recent articles
NOT_LISTED = frozenset({"/404.html"})
# pages their templates keep out of search engines (`noindex`): a sitemap lists none of them
UNLISTED_TEMPLATES = frozenset({"redirect.html", "search.html", "404.html"})


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str  # site path
    lastmod: dt.datetime | None


def lastmod_of(output: Output) -> dt.datetime | None:
    """The last change shown on a page: its article's, or the newest of its listed articles."""
    article = output.context.get("article")
    if isinstance(article, Article):
        return article.modified
    paginator = output.context.get("paginator")
    items = getattr(paginator, "items", ())
    home = output.context.get("home")
    if home is not None and getattr(paginator, "number", 1) == 1:
        items = (*items, *home.placed)
    dates = [item.modified for item in items if isinstance(item, Article)]
    return max(dates, default=None)


def is_public_page(output: Output) -> bool:
    """HTML pages meant to be found: not the 404 page, the search page, redirects, feeds
    or other files, nor the pages of drafts and scheduled stories (in a `--drafts` or
    `--future` preview build)."""
    if output.url in NOT_LISTED or output.template in UNLISTED_TEMPLATES:
        return False
    article = output.context.get("article")
    if isinstance(article, Article) and (article.draft or article.scheduled):
        return False
    return output.url.endswith(("/", ".html"))


def sitemap_entries(outputs: Iterable[Output]) -> list[SitemapEntry]:
    """One entry per public page among the planned outputs, in plan order."""
    return [SitemapEntry(o.url, lastmod_of(o)) for o in outputs if is_public_page(o)]


def plan_sitemaps(entries: Sequence[SitemapEntry], limit: int = SITEMAP_LIMIT) -> list[Output]:
    """`/sitemap.xml`, or, past `limit` URLs, numbered sitemaps and an index at `/sitemap.xml`.

    The numbered sitemaps sit beside the index at the site's root: a sitemap may list only
    addresses under its own folder (sitemaps.org, "Sitemap file location")."""
    if len(entries) <= limit:
        return [Output("/sitemap.xml", "sitemaps/sitemap.xml", {"entries": tuple(entries)})]
    outputs = []
    parts = []
    for number, start in enumerate(range(0, len(entries), limit), start=1):
        chunk = tuple(entries[start : start + limit])
        url = f"/sitemap-{number}.xml"
        outputs.append(Output(url, "sitemaps/sitemap.xml", {"entries": chunk}))
        dates = [e.lastmod for e in chunk if e.lastmod is not None]
        parts.append(SitemapEntry(url, max(dates, default=None)))
    outputs.insert(0, Output("/sitemap.xml", "sitemaps/index.xml", {"sitemaps": tuple(parts)}))
    return outputs


def news_articles(articles: Iterable[Article], now: dt.datetime) -> tuple[Article, ...]:
    """Articles published within two days before `now`, newest first, at most 1,000."""
    recent = [a for a in articles if now - NEWS_WINDOW <= a.date <= now and not a.draft]
    recent.sort(key=lambda a: (a.date, a.path), reverse=True)
    return tuple(recent[:NEWS_LIMIT])


def news_language(language: str) -> str:
    """The ISO 639 code Google News wants: 'en-GB' -> 'en'; Chinese keeps zh-cn / zh-tw."""
    code = language.strip().lower().replace("_", "-")
    if code.split("-")[0] == "zh":
        return "zh-tw" if is_traditional_chinese(code) else "zh-cn"
    return code.split("-")[0] or "en"


def plan_news_sitemap(articles: Iterable[Article], now: dt.datetime, language: str) -> Output:
    """`/news-sitemap.xml` for Google News."""
    context = {"articles": news_articles(articles, now), "news_language": news_language(language)}
    return Output("/news-sitemap.xml", "sitemaps/news.xml", context)
