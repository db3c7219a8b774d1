"""The site model: cross-references between parsed sources, checked and indexed.

`build_site` takes parsed values and returns a `Site`: published articles newest first,
authors and topics with their URLs and article lists, related articles, and every
problem found while linking things together (unknown authors, missing images,
duplicate URLs, links to missing pages).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial

from ssg import newsroom, sections
from ssg.config import SiteConfig
from ssg.duplicates import duplicate_urls, shared_slugs
from ssg.errors import Problem, error, warning
from ssg.evolve import evolve
from ssg.folders import path_key
from ssg.frontmatter import locator
from ssg.frontpage import Home, HomeSpec
from ssg.imagerefs import check_image
from ssg.memo import IdentityMemo, NoMemo
from ssg.model import Article, Author, Page, Topic
from ssg.publication import is_published, unpublished_because
from ssg.related import related_articles
from ssg.slugs import slugify, source_slug
from ssg.sourcelinks import with_resolved_links
from ssg.urls import article_url, author_url, page_url, topic_url


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to include: drafts, future-dated articles, and the clock used to decide."""

    drafts: bool = False
    future: bool = False
    search_index: bool = True  # False: reuse the last search index (ssg serve re-indexes later)
    fingerprint: bool = True  # False: CSS/JS keep plain names (ssg serve copies edited CSS)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


@dataclass(frozen=True, slots=True)
class Parsed:
    """Everything parsed from `content/`, before cross-referencing."""

    articles: tuple[Article, ...] = ()
    authors: tuple[Author, ...] = ()
    topics: tuple[Topic, ...] = ()
    pages: tuple[Page, ...] = ()
    fronts: dict[str, str] = field(default_factory=dict)  # path -> front matter text
    home: HomeSpec | None = None  # content/home.yml, when there is one


@dataclass(frozen=True, slots=True)
class Site:
    """The linked site: what the planner turns into pages."""

    config: SiteConfig
    articles: tuple[Article, ...]  # published, newest first
    authors: dict[str, Author]
    topics: dict[str, Topic]
    pages: tuple[Page, ...]
    by_author: dict[str, tuple[Article, ...]]
    by_topic: dict[str, tuple[Article, ...]]
    related: dict[str, tuple[Article, ...]]  # article path -> related articles
    url_of: dict[str, str]  # source path -> site URL
    home: Home | None = None  # the curated home page (None: newest first)


def build_site(
    config: SiteConfig,
    parsed: Parsed,
    options: BuildOptions,
    asset_files: Iterable[str],
    memo: IdentityMemo | None = None,
) -> tuple[Site, list[Problem]]:
    """Link parsed sources into a Site and report every cross-reference problem.

    `memo` (kept by a long-lived builder) returns the same linked object for an
    unchanged source, so later steps can tell unchanged values by identity.
    """
    memo = memo or NoMemo()
    assets = set(asset_files)
    asset_paths = asset_files if isinstance(asset_files, Mapping) else {}
    problems: list[Problem] = []
    locate = locator(parsed.fronts)
    problems += shared_slugs(parsed.authors, "author") + shared_slugs(parsed.topics, "topic")

    def linked_author(author: Author) -> Author:
        def compute(found: list[Problem]) -> Author:
            photo = author.photo
            if photo:
                photo = check_image(photo, author.path, "photo", assets, locate, found, asset_paths)
            return evolve(author, url=author_url(author.slug), photo=photo)

        return memo.get_with_problems("author", (author,), None, compute, problems)

    authors = {a.slug: linked_author(a) for a in parsed.authors}
    # an author file that failed to parse has its own error; its stories do not add one each
    read_authors = {a.path for a in parsed.authors}
    broken_authors = frozenset(
        source_slug(path)
        for path in parsed.fronts
        if path.startswith("content/authors/") and path not in read_authors
    )
    topics = {
        t.slug: memo.get("topic", (t,), None, lambda t=t: evolve(t, url=topic_url(t.slug)))
        for t in parsed.topics
    }

    def linked_article(article: Article) -> Article:
        """One article with its section checked, URL, image, authors and topics."""
        writers = tuple(authors[s] for s in article.author_slugs if s in authors)
        named: dict[str, Topic] = {}  # 'Rice' and 'rice' are one topic, shown once
        for name in article.topic_names:
            slug = slugify(name)
            if slug not in topics:  # a topic without a description file
                topics[slug] = memo.get(
                    "new-topic", (), (slug, name), partial(Topic, slug, name, url=topic_url(slug))
                )
            elif _folded(topics[slug].name) != _folded(name):  # 'C#' against 'C++'
                problems.append(
                    error(
                        f"topic {name!r} would share the page {topic_url(slug)} with topic "
                        f"{topics[slug].name!r}",
                        article.path,
                        locate(article.path, "topics"),
                        field="topics",
                        hint="name it differently, or use the other topic's name if they are one",
                    )
                )
            named.setdefault(slug, topics[slug])
        scheduled = article.date > options.now
        missing = tuple(
            slug
            for slug in article.author_slugs
            if slug not in authors and slug not in broken_authors
        )
        updated = article.updated
        updates_ahead = tuple(u for u in article.updates if u.time > options.now and not scheduled)
        # a live story's `updated` follows its latest update: that update is warned about
        updated_ahead = (
            updated is not None
            and updated > options.now
            and not scheduled
            and not any(u.time == updated for u in updates_ahead)
        )
        corrections_ahead = tuple(
            c for c in article.corrections if c.date > options.now and not scheduled
        )

        def compute(found: list[Problem]) -> Article:
            checked, section_problems = sections.check_articles(config, [article], locate)
            found += section_problems
            if updated_ahead:
                found.append(
                    warning(
                        f"'updated' is later than now ({updated.isoformat()}): the page, "
                        "feeds and sitemaps say the story changed at that time",
                        article.path,
                        locate(article.path, "updated"),
                        field="updated",
                        hint="check the date; write 'updated' when the update is published",
                    )
                )
            for update in reversed(updates_ahead):  # oldest first
                found.append(
                    warning(
                        f"live update at {update.time.isoformat()} is later than now: it is "
                        "published already, and the page, feeds and sitemaps say the story "
                        "changed at that time",
                        article.path,
                        update.line or locate(article.path, "updates"),
                        hint="check its time; add the update when it happens",
                    )
                )
            for correction in corrections_ahead:
                found.append(
                    warning(
                        f"correction dated {correction.date.isoformat()} is later than now: "
                        "the page, feeds and sitemaps say the story changed at that time",
                        article.path,
                        correction.line or locate(article.path, "corrections"),
                        field="corrections",
                        hint="check the date; add the correction when it is published",
                    )
                )
            for slug in missing:
                known = ", ".join(sorted(authors)) or "none: add content/authors/<slug>.md"
                found.append(
                    error(
                        f"unknown author '{slug}' (known: {known})",
                        article.path,
                        locate(article.path, "authors"),
                        field="authors",
                        hint=f"create content/authors/{slug}.md, or fix the slug",
                    )
                )
            image = article.image
            if image:
                image = check_image(
                    image, article.path, "image", assets, locate, found, asset_paths
                )
            return evolve(
                checked[0],
                url=article_url(config, article),
                image=image,
                authors=writers,
                topics=tuple(named.values()),
                scheduled=scheduled,
            )

        ahead = (updated_ahead, updates_ahead, corrections_ahead)
        extra = (scheduled, ahead, missing and tuple(sorted(authors)))
        inputs = (article, *writers, *named.values())
        return memo.get_with_problems("article", inputs, extra, compute, problems)

    articles = [linked_article(article) for article in parsed.articles]

    published = sorted(
        (a for a in articles if is_published(a, options)),
        key=lambda a: (a.date, a.path),
        reverse=True,
    )
    pages = tuple(
        memo.get("page", (p,), None, lambda p=p: evolve(p, url=page_url(p))) for p in parsed.pages
    )
    # keyed by `path_key`: a link written composed finds a file whose name is decomposed
    url_of = {path_key(a.path): a.url for a in published} | {path_key(p.path): p.url for p in pages}
    # an author's page, and a topic's where a published story names it, by their files
    url_of |= {path_key(a.path): a.url for a in authors.values() if a.path}
    used = {t.slug for a in published for t in a.topics}
    url_of |= {path_key(t.path): t.url for t in topics.values() if t.path and t.slug in used}
    # why a source has no page: links to it are explained (or, for one that failed to
    # parse, left to its own error)
    readable = {*(a.path for a in parsed.articles), *(p.path for p in parsed.pages)}
    readable |= {a.path for a in parsed.authors} | {t.path for t in parsed.topics}
    unreadable = frozenset(path_key(p) for p in parsed.fronts.keys() - readable)
    absent = dict.fromkeys(unreadable, "unreadable")
    for article in articles:
        if (why := unpublished_because(article, options)) is not None:
            absent[path_key(article.path)] = why
    problems += duplicate_urls(published, pages, locate)

    def resolved(item):
        if not item.links:
            return item
        targets = tuple((t, url_of.get(path_key(t)), absent.get(path_key(t))) for t in item.links)
        return memo.get_with_problems(
            "links",
            (item,),
            targets,
            lambda found: with_resolved_links(item, url_of, absent, config.base_path, found),
            problems,
        )

    published = [resolved(a) for a in published]
    pages = tuple(resolved(p) for p in pages)
    front = newsroom.link(
        config,
        published,
        articles,
        pages,
        authors,
        url_of,
        parsed.home,
        options.now,
        locate,
        absent,
        broken_authors,
    )
    published = front.articles
    problems += front.problems

    by_author: dict[str, list[Article]] = defaultdict(list)
    by_topic: dict[str, list[Article]] = defaultdict(list)
    for article in published:
        for author in article.authors:
            by_author[author.slug].append(article)
        for topic in article.topics:
            by_topic[topic.slug].append(article)
    used_topics = {slug: topics[slug] for slug in sorted(by_topic)}
    related = related_articles(published, by_topic, config.related_count, memo.carried("related"))
    memo.carry("related", ({a.path: a for a in published}, related))

    site = Site(
        config=config,
        articles=tuple(published),
        authors=authors,
        topics=used_topics,
        pages=pages,
        by_author={slug: tuple(items) for slug, items in by_author.items()},
        by_topic={slug: tuple(items) for slug, items in by_topic.items()},
        related=related,
        url_of=url_of,
        home=front.home,
    )
    return site, problems


@lru_cache(maxsize=8192)  # every mention of a topic asks again
def _folded(name: str) -> str:
    """A topic name without case, accents or spacing differences: 'Zürich' and 'zurich'
    are one topic; 'C#' and 'C++', which slugify alike, are not."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())
