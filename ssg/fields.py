"""Typed reading of YAML mappings: each accessor checks one field and records a located problem.

Used for `site.yml` and for every front-matter schema, so all messages read alike:
`field 'date': expected a date like 2019-02-28 ..., got 'yesterday'`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ssg.clock import DateOnly
from ssg.errors import Problem, did_you_mean, error, warning

DATE_EXPECTED = "a date like 2019-02-28 or 2019-02-28T10:00:00+07:00"
DATE_HINT = "write the year, month and day in digits; a time and a zone may follow a T"


def describe(value: Any) -> str:
    """A short, quoted rendering of a bad value for messages."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):  # YAML also reads yes, no, on and off as these
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return repr(value)


# Years a date may have: far enough back for digitised archives, and clear of the ends
# of Python's calendar, where converting between time zones overflows
YEARS = range(1000, 9001)


def visible(text: str) -> bool:
    """True when `text` has a character a reader can see: not only spaces and invisible
    format characters (zero-width spaces and joiners, a BOM, direction marks)."""
    return any(not char.isspace() and unicodedata.category(char) != "Cf" for char in text)


_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}")  # an ISO 8601 date without a time


def to_datetime(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    """Coerce a YAML date/datetime/string to an aware datetime; naive values use `tz`.
    A date without a time of day becomes a `DateOnly` (midnight in `tz`). None when it is
    not a date, or its year is outside `YEARS`."""
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = DateOnly(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            result = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        if _DAY_ONLY.fullmatch(value.strip()):
            result = DateOnly(result.year, result.month, result.day)
    else:
        return None
    if result.year not in YEARS:
        return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=tz)
    return result


class FieldReader:
    """Reads fields of one mapping, collecting problems located in one file."""

    def __init__(
        self,
        data: Mapping[str, Any],
        path: str,
        locate: Callable[[str], int | None],
        prefix: str = "",
        reported: frozenset[str] = frozenset(),
    ):
        self.data = data
        self.path = path
        self.locate = locate
        self.prefix = prefix
        self.reported = reported  # fields whose value YAML could not read, reported already
        self.problems: list[Problem] = []

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key: str, message: str, hint: str | None = None) -> None:
        """Record an error on field `key`."""
        name = self._name(key)
        self.problems.append(error(message, self.path, self.locate(name), field=name, hint=hint))

    def warn(self, key: str, message: str, hint: str | None = None) -> None:
        """Record a warning on field `key`."""
        name = self._name(key)
        self.problems.append(warning(message, self.path, self.locate(name), field=name, hint=hint))

    def present(self, key: str) -> bool:
        return self.data.get(key) is not None

    def required(self, key: str, what: str) -> bool:
        """Record 'missing required field' and return False when absent or empty."""
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not visible(value)):
            name = self._name(key)
            if name in self.reported:
                return False
            self.problems.append(
                error(
                    f"missing required field (expected {what})",
                    self.path,
                    self.locate(name) or 1,
                    field=name,
                    hint=f"add a line '{key}: ...'"
                    + ("" if self.path.endswith((".yml", ".yaml")) else " to the front matter"),
                )
            )
            return False
        return True

    def link(self, key: str, example: str, required: bool = False) -> str | None:
        """A link field: an http(s) or mailto address or a site path (`is_safe_link`).
        Anything else, such as `javascript:`, is an error and gives None."""
        url = self.text(key, required=required)
        if url and not is_safe_link(url):
            self.fail(
                key,
                f"expected an http(s) or mailto link or a site path, got {describe(url)}",
                f"for example {example}",
            )
            return None
        return url

    def text(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        """A string field; numbers are accepted and turned into text."""
        if required and not self.required(key, "text"):
            return default
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool | dt.date):
            self.fail(key, f"expected text, got {describe(value)}", "put the text in quotes")
            return default
        if not isinstance(value, str | int | float):
            self.fail(key, f"expected text, got {describe(value)}", "write a single line of text")
            return default
        return str(value).strip()

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(
                key,
                f"expected true or false, got {describe(value)}",
                f"write {key}: true or {key}: false, without quotes",
            )
            return default
        return value

    def integer(self, key: str, default: int, minimum: int = 1) -> int:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(
                key,
                f"expected a whole number of at least {minimum}, got {describe(value)}",
                f"write it in digits, such as {key}: {max(default, minimum)}",
            )
            return default
        return value

    def text_list(self, key: str, required: bool = False) -> list[str]:
        """A list of strings; a single string is accepted as a one-item list."""
        if required and not self.required(key, "a name or a list of names"):
            return []
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str | int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            self.fail(key, f"expected a list of names, got {describe(value)}", "write [a, b]")
            return []
        out = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.fail(key, f"expected each item to be text, got {describe(item)}")
                continue
            if not str(item).strip():
                self.fail(key, f"expected each item to be text, got {describe(item)}")
                continue
            out.append(str(item).strip())
        return out

    def datetime(self, key: str, tz: ZoneInfo, required: bool = False) -> dt.datetime | None:
        if required and not self.required(key, DATE_EXPECTED):
            return None
        value = self.data.get(key)
        if value is None:
            return None
        result = to_datetime(value, tz)
        if result is None:
            year = getattr(value, "year", None)
            if isinstance(year, int) and year not in YEARS:
                self.fail(
                    key,
                    f"expected a year from {YEARS[0]} to {YEARS[-1]}, got {year}",
                    hint="check the year: it is probably a typing slip",
                )
            else:
                self.fail(key, f"expected {DATE_EXPECTED}, got {describe(value)}", DATE_HINT)
        elif result.tzinfo is tz and not isinstance(result, DateOnly):  # a local clock time
            result = self._clock_change(key, result, tz)
        return result

    def _clock_change(self, key: str, local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
        """`local` (a wall-clock time in `tz`), with a warning when a clock change skipped
        it (it is read as the moment it names, one hour on) or repeats it (the first)."""
        real = local.astimezone(dt.UTC).astimezone(tz)
        shown = local.strftime("%Y-%m-%d %H:%M")
        if real.replace(tzinfo=None) != local.replace(tzinfo=None):
            self.warn(
                key,
                f"{shown} does not exist in {tz.key}: the clocks skipped it; read as "
                f"{real.isoformat()}",
                "write the time as the clocks showed it, or with its UTC offset",
            )
            return real
        if local.replace(fold=1).utcoffset() != local.utcoffset():
            self.warn(
                key,
                f"{shown} happens twice in {tz.key} (the clocks go back): read as the first, "
                f"{local.isoformat()}",
                "write the UTC offset to say which one, e.g. "
                f"{local.replace(fold=1).isoformat()} for the second",
            )
        return local

    def mapping(self, key: str) -> Mapping[str, Any] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.fail(key, f"expected a mapping of fields, got {describe(value)}")
            return None
        return value

    def items(self, key: str) -> list[Any]:
        """A list of anything (each item checked by the caller)."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {describe(value)}")
            return []
        return value

    def records(
        self,
        key: str,
        fields: Iterable[str],
        expected: str,
        what: str = "field",
        shorthand: Callable[[Any], Any] | None = None,
    ) -> Iterator[tuple[str, FieldReader]]:
        """A list of mappings (corrections, links, menu items...): for each item, its key
        (`key.0`, `key.1`...) and a reader that has already warned about unknown fields.

        An item that is not a mapping fails with "expected <expected>"; `shorthand` may
        first turn a plain item into a mapping (a section block given by name).
        """
        fields = tuple(fields)
        for index, item in enumerate(self.items(key)):
            name = f"{key}.{index}"
            if shorthand is not None:
                item = shorthand(item)
            if not isinstance(item, Mapping):
                self.fail(name, f"expected {expected}, got {describe(item)}")
                continue
            sub = self.child(name, item)
            sub.unknown_keys(fields, what)
            yield name, sub

    def unknown_keys(self, known: Iterable[str], what: str = "field") -> None:
        """Warn on every key not in `known`, suggesting the closest known one."""
        known = list(known)
        for key in self.data:
            if key not in known:
                hint = did_you_mean(str(key), known) or f"known {what}s: {', '.join(known)}"
                self.warn(str(key), f"unknown {what}, ignored", hint)

    def child(self, key: str, data: Mapping[str, Any]) -> FieldReader:
        """A reader for a nested mapping, sharing this reader's problem list."""
        reader = FieldReader(data, self.path, self.locate, f"{self._name(key)}.", self.reported)
        reader.problems = self.problems
        return reader


LINK_SCHEMES = ("http", "https", "mailto")


def is_safe_link(url: str) -> bool:
    """True for an http(s) or mailto URL, or a path on this site ('/about/'): links a
    page may print as they are. Never `javascript:`, `data:` and the like, whose click
    runs code."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # such as a broken IPv6 host, 'http://[x/'
        return False
    scheme = parts.scheme.lower()
    if scheme:
        return scheme in LINK_SCHEMES and bool(parts.netloc or scheme == "mailto")
    # '//host/' and '/\\host/' lead browsers to another site, and so do '/\t/host/' and
    # '/\n/host/': browsers drop tabs and line ends from a URL before reading it
    if any(char < " " or char == "\x7f" for char in url):
        return False
    return url.startswith("/") and not url.startswith(("//", "/\\"))
