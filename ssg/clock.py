"""The build's clock: `SSG_BUILD_TIME` fixes "now" for scheduling, expiry and banners.

Setting it makes a build reproducible (tests, previews of a future front page);
without it the build uses the wall clock.
"""

from __future__ import annotations

import datetime as dt

from ssg.errors import Problem, error

BUILD_TIME_VARIABLE = "SSG_BUILD_TIME"


class DateOnly(dt.datetime):
    """A date written without a time of day (`date: 2026-11-01`): midnight in the site's
    time zone wherever a moment is needed (ordering, feeds, sitemaps), but shown to readers
    as the date alone, since nobody gave a time. Conversions keep the class. (An `updated`
    written as the day of a timed publication is the moment of publication instead.)"""

    __slots__ = ()


def time_attribute(value: dt.datetime, tz: dt.tzinfo) -> str:
    """The value of a `<time datetime>` attribute: the date alone for a `DateOnly`, else
    the full date and time in the site's time zone."""
    if isinstance(value, DateOnly):
        return value.astimezone(tz).date().isoformat()
    return iso_local(value, tz)


def build_time(value: str | None) -> tuple[dt.datetime | None, Problem | None]:
    """Parse an ISO 8601 date-time; None when unset. A time without offset is UTC."""
    if value is None or not value.strip():
        return None, None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None, error(
            f"{BUILD_TIME_VARIABLE} is not an ISO 8601 date-time: {value!r}",
            hint="for example SSG_BUILD_TIME=2026-11-29T18:00:00+07:00",
        )
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when, None


def iso_local(value: dt.datetime, tz: dt.tzinfo) -> str:
    """`value` in ISO 8601 at the site's time zone; in UTC when that zone's offset then
    had seconds (local mean time, before about 1900), which HTML and W3C dates refuse."""
    local = value.astimezone(tz)
    offset = local.utcoffset()
    if offset is not None and offset.seconds % 60:
        local = value.astimezone(dt.UTC)
    return local.isoformat()


def format_date(value: dt.datetime, tz: dt.tzinfo) -> str:
    """'Nov. 20, 2026' in the site's time zone (AP month abbreviations)."""
    local = value.astimezone(tz)
    months = (
        "Jan.",
        "Feb.",
        "March",
        "April",
        "May",
        "June",
        "July",
        "Aug.",
        "Sept.",
        "Oct.",
        "Nov.",
        "Dec.",
    )
    return f"{months[local.month - 1]} {local.day}, {local.year}"


def format_datetime(value: dt.datetime, tz: dt.tzinfo) -> str:
    """'Nov. 20, 2026, 9:30 a.m. +07' in the site's time zone; 'Nov. 20, 2026' for a date
    given without a time of day."""
    if isinstance(value, DateOnly):
        return format_date(value, tz)
    local = value.astimezone(tz)
    hour = local.hour % 12 or 12
    suffix = "a.m." if local.hour < 12 else "p.m."
    zone = local.strftime("%Z")
    return f"{format_date(value, tz)}, {hour}:{local.minute:02d} {suffix} {zone}".rstrip()
