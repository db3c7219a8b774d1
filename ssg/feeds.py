"""Feeds: Atom 1.0 (and an optional RSS 2.0 twin) for the site, every topic and every author.

`plan_feeds` returns planned outputs rendered by `layouts/feeds/atom.xml` and
`layouts/feeds/rss.xml`; `install` adds the filters those templates need.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import html as html_module
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import jinja2

from ssg.clock import format_datetime, iso_local
from ssg.config import SiteConfig
from ssg.evolve import pickled_by_fields
from ssg.helperargs import DATE_AND_TIME, require
from ssg.model import Article
from ssg.plan import Output
from ssg.sections import group_by_section
from ssg.site import Site


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Feed:
    """One feed: where it lives, the HTML page it belongs to, and its newest entries."""

    url: str  # site path of the feed file, e.g. /topics/rice/feed.xml
    page_url: str  # site path of the HTML page it mirrors
    title: str
    subtitle: str
    articles: tuple[Article, ...]
    updated: dt.datetime  # the newest change among its entries
    # stories whose usual entry id another story shares (`entry_id`); nearly always none
    clashing: frozenset[str] = frozenset()

    @property
    def rss_url(self) -> str:
        return self.url.rsplit("/", 1)[0] + "/rss.xml"


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def entry_id(config: SiteConfig, article: Article, clashing: frozenset[str] = frozenset()) -> str:
    """A tag: URI that stays the same across rebuilds (RFC 4151): host, publication day, slug.

    It does not depend on the permalink pattern or the base path, so moving a site
    does not make feed readers show every article again as new.
    """
    host = urlsplit(config.base_url).hostname or "localhost"
    day = article.date.astimezone(config.tz).date().isoformat()
    if article.path in clashing:  # another story of that day has the slug (see clashing_ids)
        tail = hashlib.blake2b(article.path.encode(), digest_size=4).hexdigest()
        return f"tag:{host},{day}:{article.slug}-{tail}"
    return f"tag:{host},{day}:{article.slug}"


def clashing_ids(config: SiteConfig, articles: Sequence[Article]) -> frozenset[str]:
    """The stories (by source path) that share their publication day and slug with an
    earlier one: possible when the permalink leaves out the day (or has a section in it).
    Their entry ids take a digest of the source path, so no two entries share an id; the
    first published keeps its plain id, which readers already have (RFC 4287: an entry's
    id never changes)."""
    seen: dict[tuple[str, str], list[tuple[dt.datetime, str]]] = {}
    for article in articles:
        day = article.date.astimezone(config.tz).date().isoformat()
        seen.setdefault((day, article.slug), []).append((article.date, article.path))
    return frozenset(
        path for stories in seen.values() if len(stories) > 1 for _, path in sorted(stories)[1:]
    )


def make_feed(
    url: str,
    page_url: str,
    title: str,
    subtitle: str,
    articles: Sequence[Article],
    limit: int,
    fallback: dt.datetime,
    clashing: frozenset[str] = frozenset(),
) -> Feed:
    """A feed of the newest `limit` articles (they arrive newest first)."""
    newest = tuple(articles[:limit])
    updated = max((a.modified for a in newest), default=fallback)
    shown = clashing.intersection(a.path for a in newest) if clashing else frozenset()
    return Feed(url, page_url, title, subtitle, newest, updated, shown)


def site_feeds(site: Site, now: dt.datetime) -> list[Feed]:
    """The site feed, then one per section, topic and author, in a stable order.

    A feed without entries is as new as the site's newest change (the Unix epoch for a
    site without stories): the build's clock would rewrite it on every build."""
    config = site.config
    limit = config.feed_entries
    now = max((a.modified for a in site.articles), default=EPOCH)
    clashing = clashing_ids(config, site.articles)
    feeds = [
        make_feed(
            "/feed.xml", "/", config.title, config.description, site.articles, limit, now, clashing
        )
    ]
    groups = group_by_section(config.sections, site.articles)
    for section in config.sections:
        feeds.append(
            make_feed(
                section.feed_url,
                section.url,
                f"{config.title}: {section.title}",
                section.description or f"The latest {section.title} coverage from {config.title}.",
                groups[section.slug],
                limit,
                now,
                clashing,
            )
        )
    for slug in sorted(site.topics):
        topic = site.topics[slug]
        feeds.append(
            make_feed(
                topic.url + "feed.xml",
                topic.url,
                f"{topic.name} | {config.title}",
                topic.description_text or f"Coverage of {topic.name} from {config.title}.",
                site.by_topic.get(slug, ()),
                limit,
                now,
                clashing,
            )
        )
    for slug in sorted(site.authors):
        author = site.authors[slug]
        feeds.append(
            make_feed(
                author.url + "feed.xml",
                author.url,
                f"{author.name} | {config.title}",
                f"Articles by {author.name}" + (f", {author.role}" if author.role else ""),
                site.by_author.get(slug, ()),
                limit,
                now,
                clashing,
            )
        )
    return feeds


def plan_feeds(site: Site, now: dt.datetime) -> list[Output]:
    """Planned outputs for every Atom feed, plus `/rss.xml` when `rss: true`."""
    outputs = []
    for feed in site_feeds(site, now):
        outputs.append(Output(feed.url, "feeds/atom.xml", {"feed": feed}))
        if site.config.rss and feed.url == "/feed.xml":
            outputs.append(Output(feed.rss_url, "feeds/rss.xml", {"feed": feed}))
    return outputs


# A quoted attribute value starting with one slash; the attribute name is checked by hand
# (a pattern that starts with `\s(?:href|src)` is tried at every space: 6 times slower).
_ROOT_RELATIVE_VALUE = re.compile(r"""=["']/(?!/)""")


_SRCSET = re.compile(r"""(\ssrcset=)(["'])(.*?)\2""", re.DOTALL)
_FRAGMENT_HREF = re.compile(r"""(\shref=)(["'])#""")
# a quoted attribute value relative to the page: no scheme, not from the root, not a
# fragment and not empty (`chart/`, `../other/`, `photo.jpg`); the name is checked by hand
_SCHEME = r"[a-zA-Z][a-zA-Z0-9+.\-]*:"  # RFC 3986: `https:`, `mailto:`
_HAS_SCHEME = re.compile(_SCHEME)
_PAGE_RELATIVE_VALUE = re.compile(rf"""=(["'])(?!{_SCHEME}|[/#"'])""")


def absolute_links(html: str, origin: str, page: str = "") -> str:
    """Make root-relative `href`, `src` and `srcset` addresses absolute, for HTML read
    outside the site (a feed reader). With `page`, the absolute URL of the story, links
    relative to it (`chart/`, `../other/`) are resolved against it, and links to a place
    in it (`#fn1`) get it in front: a reader would resolve both against the feed."""
    html = _root_relative_attributes(html, origin)
    if "srcset=" in html:

        def candidates(match: re.Match) -> str:
            entries = [entry.strip() for entry in match.group(3).split(",")]
            fixed = []
            for entry in entries:
                if entry.startswith("/") and not entry.startswith("//"):
                    entry = origin + entry
                elif page and entry and not _HAS_SCHEME.match(entry) and entry[0] not in "/#":
                    entry = urljoin(page, entry)
                fixed.append(entry)
            return f"{match.group(1)}{match.group(2)}{', '.join(fixed)}{match.group(2)}"

        html = _SRCSET.sub(candidates, html)
    if page:
        if "#" in html:
            html = _FRAGMENT_HREF.sub(lambda m: f"{m.group(1)}{m.group(2)}{page}#", html)
        html = _page_relative_attributes(html, page)
    return html


def _is_link_attribute(html: str, at: int) -> bool:
    """True when the `=` at index `at` ends an ` href` or ` src` attribute name."""
    return (html.endswith("href", 0, at) and at >= 5 and html[at - 5].isspace()) or (
        html.endswith("src", 0, at) and at >= 4 and html[at - 4].isspace()
    )


def _page_relative_attributes(html: str, page: str) -> str:
    parts: list[str] = []
    last = 0
    for match in _PAGE_RELATIVE_VALUE.finditer(html):
        end = html.find(match.group(1), match.end())
        if end != -1 and _is_link_attribute(html, match.start()):
            parts += (html[last : match.end()], urljoin(page, html[match.end() : end]))
            last = end
    if not parts:
        return html
    parts.append(html[last:])
    return "".join(parts)


def _root_relative_attributes(html: str, origin: str) -> str:
    parts: list[str] = []
    last = 0
    for match in _ROOT_RELATIVE_VALUE.finditer(html):
        if _is_link_attribute(html, match.start()):
            slash = match.end() - 1
            parts += (html[last:slash], origin)
            last = slash
    if not parts:
        return html
    parts.append(html[last:])
    return "".join(parts)


def rfc822(value: dt.datetime) -> str:
    """A date as RSS 2.0 wants it: 'Fri, 20 Nov 2026 02:30:00 +0000'."""
    return email.utils.format_datetime(value.astimezone(dt.UTC))


def with_updates(body: str, article: Article, tz: dt.tzinfo) -> str:
    """A live story's body followed by its updates, newest first as on its page, each
    under its time (linking to it on the page) and title: a feed entry whose `updated`
    moves must carry what changed. Other stories' bodies are returned as they are."""
    if not article.updates:
        return str(body)
    parts = [str(body), "<h2>Updates</h2>"]
    for update in article.updates:
        title = f" {html_module.escape(update.title, quote=False)}" if update.title else ""
        shown = html_module.escape(format_datetime(update.time, tz), quote=False)
        parts.append(
            f'<h3><a href="#{update.anchor}"><time datetime="{iso_local(update.time, tz)}">'
            f"{shown}</time></a>{title}</h3>{update.html}"
        )
    return "".join(parts)


def install(env: jinja2.Environment, config: SiteConfig) -> None:
    """Add the filters and helpers the feed templates use."""
    env.filters.update(
        with_updates=lambda body, article: with_updates(body, article, config.tz),
        absolute_links=lambda html, page="": absolute_links(str(html), config.origin, page),
        # plain text as HTML source (`<` becomes `&lt;`), for elements a reader takes as
        # HTML, such as RSS's <description>; the template's escaping then makes it XML
        as_html=lambda text: html_module.escape(str(text), quote=False),
        rfc822=rfc822_filter,
    )

    def entry_id_helper(article: Article, clashing: frozenset[str] = frozenset()) -> str:
        require(article, Article, "entry_id()", "a story")
        return entry_id(config, article, clashing)

    env.globals["entry_id"] = entry_id_helper


def rfc822_filter(value: dt.datetime) -> str:
    """The `rfc822` template filter (see `rfc822`)."""
    require(value, dt.datetime, "rfc822", DATE_AND_TIME)
    return rfc822(value)
