"""When a built site changes by itself: the moments its clock passes that publish, expire or
stop warning about something, and the window around a build's clock free of them (a
later build within it, with no input changed, has nothing to do)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ssg.site import BuildOptions, Parsed
from ssg.sitemaps import NEWS_WINDOW


def moments(parsed: Parsed) -> Iterable[dt.datetime]:
    """Every moment at which the build's result changes by itself: an article's publication
    (a scheduled one goes live), its leaving the Google News sitemap, an expiry, a banner's,
    an `updated`, live update or correction time still ahead (each is warned about until
    then)."""
    for article in parsed.articles:
        yield article.date
        yield article.date + NEWS_WINDOW
        if article.expires is not None:
            yield article.expires
        if article.updated is not None:  # a warning holds until then (ssg.site)
            yield article.updated
        for correction in article.corrections:  # so does one about a correction
            yield correction.date
        for update in article.updates:  # and one about a live update
            yield update.time
    breaking = parsed.home.breaking if parsed.home else None
    if breaking is not None and breaking.expires is not None:
        yield breaking.expires


def change_window(parsed: Parsed, options: BuildOptions) -> tuple[int | None, int | None]:
    """The moments, in ns, around the build's clock between which the build's result does
    not change by itself: the last one at or before it (a build whose clock is earlier
    sees another site) and the first one after it."""
    now = options.now
    earlier = later = None
    for moment in moments(parsed):
        if moment > now:
            if later is None or moment < later:
                later = moment
        elif earlier is None or moment > earlier:
            earlier = moment
    return (
        int(earlier.timestamp() * 1e9) if earlier is not None else None,
        int(later.timestamp() * 1e9) if later is not None else None,
    )
