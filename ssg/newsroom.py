"""The site-model step for front pages: live updates linked, home.yml resolved, URLs checked.

Called once from `site.build_site` after every article has its URL; returns the
articles (with live updates linked), the resolved home page, and every problem found.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ssg import archives, live, series
from ssg.config import SiteConfig
from ssg.errors import Problem, error
from ssg.frontpage import Home, HomeSpec, resolve_home
from ssg.model import Article, Author, Page


@dataclass(frozen=True, slots=True)
class Linked:
    """What the front-page step adds to the site model."""

    articles: list[Article]
    home: Home | None
    problems: list[Problem]


def link(
    config: SiteConfig,
    published: Sequence[Article],
    every: Sequence[Article],
    pages: Sequence[Page],
    authors: Mapping[str, Author],
    url_of: Mapping[str, str],
    home_spec: HomeSpec | None,
    now,
    locate: Callable[[str, str], int | None],
    absent: Mapping[str, str] | None = None,
    broken_authors: frozenset[str] = frozenset(),
) -> Linked:
    """Link live updates, resolve the curated home page, and check front-page URLs.
    `broken_authors`: slugs of author files that failed to parse (they have their own
    errors)."""
    problems: list[Problem] = []
    linked = []
    for article in published:
        article, found = live.link_updates(
            article, authors, url_of, config.base_path, locate, absent, broken_authors
        )
        linked.append(article)
        problems += found
    home = None
    if home_spec is not None:
        unreadable = frozenset(p for p, why in (absent or {}).items() if why == "unreadable")
        home, found = resolve_home(home_spec, linked, every, config.sections, now, unreadable)
        problems += found
    problems += check_urls(config, linked, pages, locate)
    return Linked(linked, home, problems)


def front_urls(config: SiteConfig, articles: Sequence[Article]) -> dict[str, str]:
    """Each front-page URL this build will write -> what it is, for collision checks."""
    owners = {s.url: f"the '{s.title}' section front" for s in config.sections}
    for url in archives.urls(archives.collect(articles, config.tz)):
        owners[url] = "a date archive page"
    for item in series.collect(articles).values():
        owners[item.url] = f"the '{item.name}' series page"
    return owners


def check_urls(
    config: SiteConfig,
    articles: Sequence[Article],
    pages: Sequence[Page],
    locate: Callable[[str, str], int | None],
) -> list[Problem]:
    """Articles or pages whose URL is taken by a section front, date archive or series page."""
    owners = front_urls(config, articles)
    problems = []
    for item in [*articles, *pages]:
        if item.url in owners:
            problems.append(
                error(
                    f"output URL {item.url} is also {owners[item.url]}",
                    item.path,
                    locate(item.path, "slug") or locate(item.path, "title"),
                    field="slug",
                    hint="give it a different 'slug' (or change the permalink pattern)",
                )
            )
    return problems
