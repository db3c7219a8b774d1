"""Site-relative URLs of articles, topics, authors, pages and asset files."""

from __future__ import annotations

from urllib.parse import quote

from ssg import sections
from ssg.config import SiteConfig
from ssg.model import Article, Page


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
    """The site-relative URL of a topic's page."""
    return f"/topics/{slug}/"


def author_url(slug: str) -> str:
    """The site-relative URL of an author's page."""
    return f"/authors/{slug}/"


def page_url(page: Page) -> str:
    """The site-relative URL of a standalone page."""
    return f"/{page.slug}/"


def asset_url(src: str) -> str:
    """Site-relative URL of a file under `assets/` (remote URLs pass through)."""
    if src.startswith(("http://", "https://")):
        return src
    return "/" + quote(src.lstrip("/"))  # a space in a file name is %20 in its URL
