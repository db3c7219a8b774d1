"""The plan for front pages: home, section fronts and feeds, date archives, series pages.

Also the extra context an article page needs: its series box, its month archive link
and, for live coverage, its LiveBlogPosting JSON-LD.
"""

from __future__ import annotations

from typing import Any

from ssg import archives, series
from ssg.plan import Output, paginate
from ssg.sections import group_by_section
from ssg.site import Site


def home_outputs(site: Site) -> list[Output]:
    """The home page and its later pages: curated by home.yml, or simply newest first."""
    home = site.home
    river = home.rest if home is not None else site.articles
    return [
        Output(
            pager.url_for(pager.number),
            "home.html",
            {"paginator": pager, "kind": "home", "home": home},
        )
        for pager in paginate(river, site.config.per_page, "/")
    ]


def article_extras(site: Site) -> dict[str, dict[str, Any]]:
    """Per article path: `series` and `archive_url` for article.html."""
    config = site.config
    by_path = {a.path: s for s in series.collect(site.articles).values() for a in s.articles}
    extras = {}
    for article in site.articles:
        extras[article.path] = {
            "series": by_path.get(article.path),
            "archive_url": archives.article_month_url(article, config.tz),
        }
    return extras


def outputs(site: Site) -> list[Output]:
    """Section fronts, date archives and series pages, in a stable order (feeds: ssg.feeds)."""
    config = site.config
    per_page = config.per_page
    result: list[Output] = []
    groups = group_by_section(config.sections, site.articles)
    for section in config.sections:
        items = groups[section.slug]
        for pager in paginate(items, per_page, section.url):
            context = {"section": section, "paginator": pager}
            result.append(Output(pager.url_for(pager.number), "section.html", context))
    years = archives.collect(site.articles, config.tz)
    result.append(Output(archives.ARCHIVE_URL, "archive_index.html", {"years": years}))
    for year in years:
        for pager in paginate(year.articles, per_page, year.url):
            context = {"period": year, "year": year, "paginator": pager}
            result.append(Output(pager.url_for(pager.number), "archive.html", context))
        for month in year.months:
            for pager in paginate(month.articles, per_page, month.url):
                context = {"period": month, "year": year, "paginator": pager}
                result.append(Output(pager.url_for(pager.number), "archive.html", context))
    for item in series.collect(site.articles).values():
        result.append(Output(item.url, "series.html", {"series": item}))
    return result
