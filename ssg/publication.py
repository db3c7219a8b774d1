"""Publication rules: whether a build publishes an article, and if not, why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ssg.model import Article

if TYPE_CHECKING:  # ssg.site imports this module
    from ssg.site import BuildOptions


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
