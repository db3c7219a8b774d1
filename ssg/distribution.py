"""Everything that carries the site beyond its own pages: feeds, sitemaps, robots.txt,
redirects for moved articles.

`plan_distribution` adds these to the page plan; each is an `Output` rendered from a
template in `layouts/`, exactly like a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ssg.feeds import plan_feeds
from ssg.plan import Output
from ssg.site import Site
from ssg.sitemaps import plan_news_sitemap, plan_sitemaps, sitemap_entries


@dataclass(frozen=True, slots=True)
class Redirect:
    """An old address (`source`) that now lives at `target`; both are site paths."""

    source: str
    target: str
    title: str
    origin: str = ""  # the source file of the article whose alias this is


def alias_path(alias: str) -> str:
    """'/old/story' -> '/old/story/' (pretty URL); '/old.html' and '/old/' stay as they are."""
    return alias if alias.endswith(("/", ".html")) else alias + "/"


def redirects(site: Site) -> list[Redirect]:
    """Every article alias, in a stable order."""
    found = [
        Redirect(alias_path(alias), article.url, article.title, article.path)
        for article in site.articles
        for alias in article.aliases
    ]
    return sorted(found, key=lambda r: r.source)


def plan_redirects(site: Site) -> list[Output]:
    """A redirect page per alias, and `/_redirects` listing them all (Netlify, Cloudflare Pages)."""
    moves = redirects(site)
    outputs = [Output(r.source, "redirect.html", {"redirect": r}) for r in moves]
    outputs.append(Output("/_redirects", "redirects.txt", {"redirects": tuple(moves)}))
    return outputs


def plan_distribution(site: Site, pages: Sequence[Output], now: dt.datetime) -> list[Output]:
    """Feeds, sitemaps, robots.txt and redirects for a site whose pages are `pages`."""
    outputs = plan_feeds(site, now)
    outputs += plan_sitemaps(sitemap_entries(pages))
    news = plan_news_sitemap(site.articles, now, site.config.language)
    recent = bool(news.context["articles"])
    if recent:  # without a story of the last two days, an empty <urlset> breaks the schema
        outputs.append(news)
    outputs += plan_redirects(site)
    outputs.append(Output("/robots.txt", "robots.txt", {"news_sitemap": recent}))
    return outputs
