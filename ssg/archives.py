"""Date archives: `/YYYY/` and `/YYYY/MM/` pages listing that period's articles, and `/archive/`.

Periods are counted in the site's time zone, like permalinks, so an article dated
late on Dec. 31 in Hanoi is filed under that December even though it is already
January in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ssg.evolve import pickled_by_fields
from ssg.model import Article

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ARCHIVE_URL = "/archive/"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Month:
    """One month with articles, newest first."""

    year: int
    month: int
    articles: tuple[Article, ...]

    @property
    def url(self) -> str:
        return month_url(self.year, self.month)

    @property
    def title(self) -> str:
        return f"{MONTHS[self.month - 1]} {self.year}"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Year:
    """One year with articles (newest first) and its months (newest first)."""

    year: int
    articles: tuple[Article, ...]
    months: tuple[Month, ...]

    @property
    def url(self) -> str:
        return year_url(self.year)

    @property
    def title(self) -> str:
        return str(self.year)


def year_url(year: int) -> str:
    return f"/{year:04d}/"


def month_url(year: int, month: int) -> str:
    return f"/{year:04d}/{month:02d}/"


def article_month_url(article: Article, tz: ZoneInfo) -> str:
    """The month archive an article is filed under."""
    local = article.date.astimezone(tz)
    return month_url(local.year, local.month)


def collect(articles: Iterable[Article], tz: ZoneInfo) -> tuple[Year, ...]:
    """Years and months that have articles, newest first; `articles` must be newest first."""
    by_month: dict[tuple[int, int], list[Article]] = defaultdict(list)
    for article in articles:
        local = article.date.astimezone(tz)
        by_month[(local.year, local.month)].append(article)
    years: dict[int, list[Month]] = defaultdict(list)
    for year, month in sorted(by_month, reverse=True):
        years[year].append(Month(year, month, tuple(by_month[(year, month)])))
    return tuple(
        Year(year, tuple(a for m in months for a in m.articles), tuple(months))
        for year, months in years.items()
    )


def urls(years: Iterable[Year]) -> list[str]:
    """Every archive URL (first pages only), for collision checks."""
    out = [ARCHIVE_URL]
    for year in years:
        out.append(year.url)
        out += [m.url for m in year.months]
    return out
