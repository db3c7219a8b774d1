"""The site model: cross-references between parsed sources, checked and indexed.

`build_site` takes parsed values and returns a `Site`: published articles newest first,
authors and topics with their URLs and article lists, related articles, and every
problem found while linking things together (unknown authors, missing images,
duplicate URLs, links to missing pages).
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import combinations
from pathlib import Path
from urllib.parse import quote, unquote

from ssg import newsroom, sections
from ssg.config import SiteConfig
from ssg.errors import Problem, error, warning
from ssg.evolve import evolve
from ssg.folders import path_key
from ssg.frontmatter import field_line
from ssg.frontpage import Home, HomeSpec
from ssg.imageinfo import image_size, not_an_image
from ssg.memo import IdentityMemo, NoMemo
from ssg.model import Article, Author, Image, Page, Topic
from ssg.slugs import slugify, source_slug
from ssg.sourcelinks import resolve_links


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


def article_url(config: SiteConfig, article: Article) -> str:
    """The article's site-relative URL from the permalink pattern."""
    local = article.date.astimezone(config.tz)
    return config.permalink.format(
        year=f"{local.year:04d}",
        month=f"{local.month:02d}",
        day=f"{local.day:02d}",
        slug=article.slug,
        section=sections.section_slug(config.sections, article.section)
        if article.section
        else "news",
    )


def topic_url(slug: str) -> str:
    return f"/topics/{slug}/"


def author_url(slug: str) -> str:
    return f"/authors/{slug}/"


def page_url(page: Page) -> str:
    return f"/{page.slug}/"


def asset_url(src: str) -> str:
    """Site-relative URL of a file under `assets/` (remote URLs pass through)."""
    if src.startswith(("http://", "https://")):
        return src
    return "/" + quote(src.lstrip("/"))  # a space in a file name is %20 in its URL


def is_published(article: Article, options: BuildOptions) -> bool:
    """Drafts, future-dated and expired articles are left out unless asked for."""
    return unpublished_because(article, options) is None


def unpublished_because(article: Article, options: BuildOptions) -> str | None:
    """Why the build leaves `article` out (`draft`, `scheduled` or `expired`), or None."""
    if article.draft and not options.drafts:
        return "draft"
    if article.date > options.now and not options.future:
        return "scheduled"
    if article.expires is not None and article.expires <= options.now:
        return "expired"
    return None


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
    problems += _shared_slugs(parsed.authors, "author") + _shared_slugs(parsed.topics, "topic")

    def linked_author(author: Author) -> Author:
        def compute(found: list[Problem]) -> Author:
            photo = author.photo
            if photo:
                photo = _check_image(
                    photo, author.path, "photo", assets, locate, found, asset_paths
                )
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
                image = _check_image(
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
    problems += _check_duplicate_urls(published, pages, authors, topics, locate)

    def resolved(item):
        if not item.links:
            return item
        targets = tuple((t, url_of.get(path_key(t)), absent.get(path_key(t))) for t in item.links)
        return memo.get_with_problems(
            "links",
            (item,),
            targets,
            lambda found: _resolve_links(item, url_of, absent, config, found),
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


def locator(fronts: dict[str, str]) -> Callable[[str, str], int | None]:
    """(source path, field) -> the field's line in that source's front matter, if known."""

    def locate(path: str, key: str) -> int | None:
        front = fronts.get(path)
        return field_line(front, key) if front is not None else None

    return locate


def _check_image(
    image: Image,
    path: str,
    key: str,
    assets: set[str],
    locate,
    problems: list[Problem],
    asset_paths: Mapping | None = None,
) -> Image:
    if image.is_remote:
        return evolve(image, url=image.src)
    relative = path_key(unquote(image.src.lstrip("/")))  # 'my%20photo.jpg': 'my photo.jpg'

    def line() -> int | None:  # looked up only for a problem: it reads the front matter
        return locate(path, f"{key}.src") or locate(path, key)

    if relative not in assets:
        problems.append(
            error(
                f"image file not found: assets/{relative}",
                path,
                line(),
                field=f"{key}.src",
                hint="image paths are relative to the assets/ folder, e.g. /images/photo.jpg",
            )
        )
    elif why := not_an_image((asset_paths or {}).get(relative), relative):
        problems.append(
            error(
                f"cannot show assets/{relative} as an image: {why}",
                path,
                line(),
                field=f"{key}.src",
                hint="point src at a photo or graphic file",
            )
        )
    size = image_size((asset_paths or {}).get(relative)) if relative in assets else None
    width, height = size if size else (None, None)
    return evolve(image, url=asset_url(relative), width=width, height=height)


def with_logo_size(config: SiteConfig, asset_paths: Mapping[str, Path]) -> SiteConfig:
    """`config` with the publisher logo's own size in pixels, read from the file when the
    logo is a local image whose size can be read (an SVG's from its width, height or
    viewBox): templates print it so the masthead keeps its shape while the logo loads."""
    logo = config.publisher.logo
    if not logo or logo.startswith(("http://", "https://")):
        return config
    size = image_size(asset_paths.get(unquote(logo.lstrip("/"))))
    if size is None:
        return config
    publisher = replace(config.publisher, logo_width=size[0], logo_height=size[1])
    return replace(config, publisher=publisher)


def logo_problem(config: SiteConfig, assets: Iterable[str], config_path: Path) -> Problem | None:
    """An error when `publisher.logo` names a file that is not among the assets: the
    masthead of every page and the publisher in every story's JSON-LD would show a
    broken image."""
    logo = config.publisher.logo
    if not logo or logo.startswith(("http://", "https://")):
        return None
    relative = unquote(logo.lstrip("/"))
    if relative in assets:
        return None
    try:
        line = field_line(config_path.read_text(encoding="utf-8"), "publisher.logo", 1)
    except (OSError, UnicodeDecodeError):
        line = None
    return error(
        f"logo file not found: assets/{relative}",
        str(config_path),
        line,
        field="publisher.logo",
        hint="logo paths are relative to the assets/ folder, e.g. /images/logo.png",
    )


@lru_cache(maxsize=8192)  # every mention of a topic asks again
def _folded(name: str) -> str:
    """A topic name without case, accents or spacing differences: 'Zürich' and 'zurich'
    are one topic; 'C#' and 'C++', which slugify alike, are not."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())


def _shared_slugs(items: Sequence[Author] | Sequence[Topic], kind: str) -> list[Problem]:
    """An error for each author or topic file whose name gives the slug of one before
    it ('linh_tran.md' and 'linh-tran.md'): one would silently replace the other."""
    first: dict[str, str] = {}
    problems = []
    for item in items:
        earlier = first.setdefault(item.slug, item.path)
        if earlier != item.path:
            problems.append(
                error(
                    f"this {kind}'s slug '{item.slug}' (from the file name) is also the slug "
                    f"of {earlier}",
                    item.path,
                    hint=f"rename or remove one of the two files: each {kind} needs a slug "
                    "of its own",
                )
            )
    return problems


def _check_duplicate_urls(articles, pages, authors, topics, locate) -> list[Problem]:
    owners: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for article in articles:
        owners[article.url].append((article.path, "slug"))
        for alias in article.aliases:
            owners[alias if alias.endswith(("/", ".html")) else alias + "/"].append(
                (article.path, "aliases")
            )
    for page in pages:
        owners[page.url].append((page.path, "slug"))
    reserved = {"/topics/", "/authors/", "/page/", "/404.html"}
    for page in pages:
        if page.url in reserved or page.url.startswith(("/topics/", "/authors/", "/page/")):
            owners[page.url].append(("(built-in page)", "slug"))
    problems = []
    for url, sources in owners.items():
        if len(sources) < 2:
            continue
        names = sorted({p for p, _ in sources})
        for path, key in sources:
            if path.startswith("("):
                continue
            others = ", ".join(n for n in names if n != path)
            if not others:  # an alias of the story's own address
                problems.append(
                    error(
                        f"the alias {url} is this story's own address",
                        path,
                        locate(path, "aliases"),
                        field="aliases",
                        hint="remove it: aliases are the addresses a story had before",
                    )
                )
                break
            problems.append(
                error(
                    f"output URL {url} is also produced by {others}",
                    path,
                    locate(path, key) or locate(path, "title"),
                    field=key,
                    hint="give one of them a different 'slug' (or date)",
                )
            )
    return problems


def with_link_lines(problems: list[Problem], root: Path) -> list[Problem]:
    """Problems about links between sources, given the line of the link in its source
    when they have none (the site model keeps links, not where they were written):
    the first line of the file that links to that file name. Read only on errors."""
    located = []
    for problem in problems:
        if problem.line is None and problem.path and problem.message.startswith("link to "):
            target = problem.message.split()[2].rstrip(",:").rsplit("/", 1)[-1]
            line = _line_linking(root / problem.path, target)
            if line is not None:
                problem = replace(problem, line=line)
        located.append(problem)
    return located


def _line_linking(path: Path, name: str) -> int | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if "](" in line and re.search(rf"[(/<]{re.escape(name)}(?:[#)>\s]|$)", line):
            return number
    return None


def _resolve_links(item, url_of, absent: Mapping[str, str], config: SiteConfig, problems):
    """`item` with the source links in its body resolved (see `ssg.sourcelinks`)."""
    if not item.links:
        return item
    html = resolve_links(
        item.body_html, item.links, url_of, absent, config.base_path, item.path, problems
    )
    return replace(item, body_html=html)


def related_articles(
    articles: list[Article],
    by_topic: dict[str, list[Article]],
    count: int,
    before: tuple[dict[str, Article], dict[str, tuple[Article, ...]]] | None = None,
) -> dict[str, tuple[Article, ...]]:
    """Up to `count` related articles each: most shared topics first, then newest.

    Candidates sharing two or more topics come from a topic-pair index, so the work
    stays near-linear on large archives; the rest fill in newest first from each topic.

    `before` is the last build's (published articles by path, result). Every candidate
    shares a topic with the article, so an unchanged article none of whose topics is
    touched by an added, removed or changed article keeps its related list as it was.
    """
    if count == 0:
        return {}
    touched = _touched_topics(articles, before[0]) if before else None
    rank = {a.path: i for i, a in enumerate(articles)}  # 0 is newest
    pairs: dict[tuple[str, str], list[Article]] = defaultdict(list)
    for article in articles:
        slugs = sorted(t.slug for t in article.topics)
        for pair in combinations(slugs, 2):
            pairs[pair].append(article)
    result = {}
    for article in articles:
        slugs = sorted(t.slug for t in article.topics)
        unchanged = before and before[0].get(article.path) is article
        if unchanged and touched is not None and touched.isdisjoint(slugs):
            result[article.path] = before[1][article.path]  # type: ignore[index]
            continue
        shared: Counter[str] = Counter()
        by_path = {}
        for pair in combinations(slugs, 2):
            for other in pairs[pair]:
                if other.path != article.path:
                    shared[other.path] += 1
                    by_path[other.path] = other
        # k shared topics give k*(k-1)/2 shared pairs: order by that, then newest
        chosen = sorted(shared, key=lambda p: (-shared[p], rank[p]))[:count]
        if len(chosen) < count:
            taken = set(chosen) | {article.path}
            streams = [by_topic[s] for s in slugs]
            for other in heapq.merge(*streams, key=lambda a: rank[a.path]):
                if other.path not in taken:
                    chosen.append(other.path)
                    taken.add(other.path)
                    by_path[other.path] = other
                    if len(chosen) == count:
                        break
        result[article.path] = tuple(by_path[p] for p in chosen)
    return result


def _touched_topics(articles: list[Article], before: dict[str, Article]) -> set[str]:
    """Topic slugs of every article added, removed or changed since `before`."""
    touched: set[str] = set()
    now = {a.path: a for a in articles}
    for article in articles:
        old = before.get(article.path)
        if old is not article:
            touched.update(t.slug for t in article.topics)
            if old is not None:
                touched.update(t.slug for t in old.topics)
    for path, old in before.items():
        if path not in now:
            touched.update(t.slug for t in old.topics)
    return touched
