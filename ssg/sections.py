"""Sections (World, Politics, Business...): declared in `site.yml`, checked on articles, planned as fronts.

A section front lives at `/<slug>/`: the newest story leads, the rest follow in a
paginated river, and each section has its own Atom feed at `/<slug>/feed.xml`.
When `site.yml` declares no sections, an article's `section` stays free text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ssg.errors import Problem, did_you_mean, error
from ssg.fields import FieldReader, describe
from ssg.model import Article
from ssg.slugs import MAX_SLUG, slugify, too_long_message

if TYPE_CHECKING:
    from ssg.config import SiteConfig

SECTION_FIELDS = ("slug", "title", "description")
# first path segments the built-in pages use; a section front there would collide
RESERVED_SLUGS = (
    "topics",
    "authors",
    "page",
    "archive",
    "series",
    "search",
    "pagefind",  # the search index's folder
    "css",
    "js",
    "images",
    "404",
)


@dataclass(frozen=True, slots=True)
class Section:
    """One declared section: its URL slug, display title and a short description."""

    slug: str
    title: str
    description: str = ""

    @property
    def url(self) -> str:
        return f"/{self.slug}/"

    @property
    def feed_url(self) -> str:
        return f"/{self.slug}/feed.xml"


def _title_only(item: Any) -> Any:
    """A section given by its title alone (`- World`) as a mapping."""
    if isinstance(item, str | int) and not isinstance(item, bool):
        return {"title": str(item)}
    return item


def read_sections(reader: FieldReader, key: str = "sections") -> tuple[Section, ...]:
    """The `sections` list of `site.yml`, in order; each item a title or {slug, title, description}."""
    sections: list[Section] = []
    seen: set[str] = set()
    for _, sub in reader.records(
        key,
        SECTION_FIELDS,
        "a title or slug/title/description",
        "section setting",
        shorthand=_title_only,
    ):
        title = sub.text("title", required=True)
        if not title:
            continue
        slug = sub.text("slug") or slugify(title)
        if slug != slugify(slug) or slug.isdigit() or slug in RESERVED_SLUGS:
            sub.fail(
                "slug",
                f"expected a URL slug that is not a number or a built-in path, got {describe(slug)}",
                f"reserved: {', '.join(RESERVED_SLUGS)}; try '{slugify(title)}-news'",
            )
            continue
        if len(slug) > MAX_SLUG:
            field = "slug" if sub.present("slug") else "title"
            sub.fail(field, too_long_message("a section slug", slug), "write a shorter 'slug'")
            continue
        if slug in seen:
            sub.fail("slug", f"section '{slug}' is declared twice")
            continue
        seen.add(slug)
        sections.append(Section(slug, title, sub.text("description", "") or ""))
    return tuple(sections)


def find_section(sections: Sequence[Section], value: str) -> Section | None:
    """The declared section an article's `section` value names (by title or slug, any case)."""
    folded = value.casefold()
    slug = slugify(value)
    for section in sections:
        if section.title.casefold() == folded or section.slug == slug:
            return section
    return None


def section_slug(sections: Sequence[Section], value: str) -> str:
    """The URL slug for an article's section: the declared one, else the value slugified."""
    section = find_section(sections, value)
    return section.slug if section else slugify(value)


def check_articles(
    config: SiteConfig,
    articles: Iterable[Article],
    locate: Callable[[str, str], int | None],
) -> tuple[list[Article], list[Problem]]:
    """Check every article's `section` against the declared list and use its display title.

    With no sections declared, articles are returned unchanged.
    """
    articles = list(articles)
    if not config.sections:
        return articles, []
    known = ", ".join(s.title for s in config.sections)
    checked, problems = [], []
    for article in articles:
        if not article.section:
            checked.append(article)
            continue
        section = find_section(config.sections, article.section)
        if section is None:
            hint = did_you_mean(article.section, [s.title for s in config.sections])
            problems.append(
                error(
                    f"unknown section '{article.section}' (known: {known})",
                    article.path,
                    locate(article.path, "section"),
                    field="section",
                    hint=hint
                    or "use one of the sections declared in site.yml, or declare it there",
                )
            )
            checked.append(article)
        elif article.section == section.title:
            checked.append(article)
        else:  # 'world' or 'money' written for World or Business: show the title
            checked.append(replace(article, section=section.title))
    return checked, problems


def group_by_section(
    sections: Sequence[Section], articles: Iterable[Article]
) -> dict[str, tuple[Article, ...]]:
    """Each declared section's slug -> its articles, in the order given (newest first)."""
    groups: dict[str, list[Article]] = {s.slug: [] for s in sections}
    for article in articles:
        section = find_section(sections, article.section) if article.section else None
        if section is not None:
            groups[section.slug].append(article)
    return {slug: tuple(items) for slug, items in groups.items()}
