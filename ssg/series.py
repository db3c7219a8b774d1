"""Story packages: articles sharing a `series` name, ordered, with a series page each.

Order within a series is `series_part` when given, then publication date (oldest
first), so a multi-part investigation reads from part one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ssg.evolve import pickled_by_fields
from ssg.fields import FieldReader
from ssg.model import Article
from ssg.slugs import MAX_SLUG, slugify, too_long_message

SERIES_FIELDS = ("series", "series_part")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Series:
    """A named group of articles, in reading order."""

    slug: str
    name: str
    articles: tuple[Article, ...]

    @property
    def url(self) -> str:
        return series_url(self.slug)

    def position(self, article: Article) -> int:
        """1-based place of `article` in the series."""
        return next(i for i, a in enumerate(self.articles, 1) if a.path == article.path)


def series_url(slug: str) -> str:
    return f"/series/{slug}/"


def article_fields(reader: FieldReader) -> dict[str, Any]:
    """Article constructor arguments for `series` and `series_part`."""
    name = reader.text("series", "") or ""
    if len(slugify(name)) > MAX_SLUG:
        reader.fail("series", too_long_message("a series name", slugify(name)), "shorten it")
        name = ""
    part = reader.integer("series_part", 0) if reader.present("series_part") else None
    if part is not None and not name:
        reader.fail("series_part", "is set but 'series' is not", "add 'series: <name>'")
    return {"series": name, "series_part": part or None}


def collect(articles: Iterable[Article]) -> dict[str, Series]:
    """Every series among `articles`, by slug, each in reading order; sorted by name."""
    groups: dict[str, list[Article]] = defaultdict(list)
    names: dict[str, str] = {}
    for article in articles:
        if article.series:
            slug = slugify(article.series)
            groups[slug].append(article)
            names.setdefault(slug, article.series)
    result = {}
    for slug in sorted(groups, key=lambda s: names[s].casefold()):
        ordered = sorted(
            groups[slug],
            key=lambda a: (a.series_part is None, a.series_part or 0, a.date, a.path),
        )
        result[slug] = Series(slug, names[slug], tuple(ordered))
    return result
