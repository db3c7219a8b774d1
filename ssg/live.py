"""Live coverage: timestamped updates of an article with `live:`, and its LiveBlogPosting data.

Updates come from front matter (`updates: [{time, title, author, text}]`) and from body
subheadings such as `## 14:05 Gates opened {author=sokha-chea}` (or a full ISO time).
A bare `HH:MM` falls on the day of the article's `date` in the site time zone, or on the
next day when that would be before publication. Each update gets a permanent anchor
derived from its time, so links to it survive later updates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from ssg import markdown
from ssg.clock import iso_local
from ssg.errors import Problem, error
from ssg.fields import FieldReader, describe, to_datetime
from ssg.frontmatter import Source
from ssg.model import Article, Author, LiveUpdate
from ssg.slugs import slugify
from ssg.sourcelinks import resolve_links

LIVE_FIELDS = ("live", "updates", "coverage_end")
UPDATE_FIELDS = ("time", "title", "author", "authors", "text")

_TIME = r"\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?"
_HEADING = re.compile(
    rf"^##[ \t]+(?P<time>{_TIME})(?=[ \t]|$)(?P<rest>.*)$",
)
_AUTHOR_ATTR = re.compile(r"\{\s*author\s*=\s*(?P<slugs>[^}]*)\}\s*$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class LiveFields:
    """What `read_live` found: the intro before the first update, and the updates."""

    live: bool | None
    intro: str
    updates: tuple[LiveUpdate, ...]
    coverage_end: dt.datetime | None

    @property
    def latest(self) -> dt.datetime | None:
        return self.updates[0].time if self.updates else None


@dataclass(frozen=True, slots=True)
class _Raw:
    time: str
    title: str
    authors: tuple[str, ...]
    text: str
    line: int | None
    key: str  # field name for messages: 'updates.2' or 'body'


_FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:")
_FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def shared_footnotes(intro: str, raws: list[_Raw]) -> tuple[str, list[_Raw]]:
    """The intro and the body's updates, each with the definitions of the footnotes it
    refers to: they are rendered one by one, so a note defined at the end of the story
    (after the last update's subhead) would leave '[^1]' as text everywhere else."""
    parts = [_take_definitions(text) for text in [intro, *(raw.text for raw in raws)]]
    definitions: dict[str, str] = {}  # the first of each label, for parts without their own
    for _, found in parts:
        for label, block in found.items():
            definitions.setdefault(label, block)
    if not definitions:
        return intro, raws

    def with_notes(text: str, own: dict[str, str]) -> str:
        labels = dict.fromkeys(_FOOTNOTE_REFERENCE.findall(text))
        notes = [own.get(label) or definitions[label] for label in labels if label in definitions]
        return text.rstrip("\n") + "\n\n" + "\n".join(notes) if notes else text

    new_intro, *bodies = (with_notes(text, own) for text, own in parts)
    return new_intro, [replace(raw, text=body) for raw, body in zip(raws, bodies, strict=True)]


def _take_definitions(text: str) -> tuple[str, dict[str, str]]:
    """`text` without its footnote definitions ('[^1]: ...' and the indented lines that
    continue one), and those definitions by label."""
    kept: list[str] = []
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        match = _FOOTNOTE_DEFINITION.match(line)
        if match:
            current = found.setdefault(match.group(1), [])
            current.append(line)
        elif current is not None and (not line.strip() or line.startswith(("    ", "\t"))):
            current.append(line)
        else:
            current = None
            kept.append(line)
    return "".join(kept), {
        label: "".join(lines).rstrip("\n") + "\n" for label, lines in found.items()
    }


_ID = re.compile(r'\sid="([^"]+)"')
_ID_OR_FRAGMENT = re.compile(r'(\s(?:id="|href="#))([^"]+)"')


def scoped_ids(html: str, anchor: str) -> str:
    """An update's HTML with the ids Markdown gave it (subheads, footnotes) prefixed by
    the update's anchor, and the links to them changed alike: each update is rendered on
    its own, so two updates with a '### Background' or a footnote would otherwise give
    the page two elements with one id, and a footnote link would jump to the other's."""
    ids = set(_ID.findall(html))
    if not ids:
        return html

    def scoped(match: re.Match) -> str:
        start, value = match.group(1), match.group(2)
        return f'{start}{anchor}-{value}"' if value in ids else match.group(0)

    return _ID_OR_FRAGMENT.sub(scoped, html)


def anchor_for(time: dt.datetime, tz: ZoneInfo) -> str:
    """The permanent fragment id of an update: 'update-2026-11-29-1405' in site time."""
    return "update-" + time.astimezone(tz).strftime("%Y-%m-%d-%H%M")


def resolve_time(text: str, start: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
    """An update's time: a full ISO time, or HH:MM on the publication day (or the day after)."""
    text = text.strip()
    if re.fullmatch(r"\d{1,2}:\d{2}", text):
        hour, minute = (int(part) for part in text.split(":"))
        if start is None or hour > 23 or minute > 59:
            return None
        local = start.astimezone(tz)
        when = dt.datetime.combine(local.date(), dt.time(hour, minute), tz)
        return when + dt.timedelta(days=1) if when < start else when
    return to_datetime(text.replace(" ", "T", 1), tz)


def split_body(source: Source) -> tuple[str, list[_Raw]]:
    """Split a body at `## <time>` subheadings (outside code fences) into intro and updates."""
    lines = source.body.splitlines(keepends=True)
    intro: list[str] = []
    updates: list[tuple[re.Match, int, list[str]]] = []
    fence = ""
    for index, line in enumerate(lines):
        stripped = line.rstrip("\r\n")
        fence_match = _FENCE.match(stripped.lstrip())
        if fence_match:
            marker = fence_match.group(1)
            if not fence:
                fence = marker[0] * len(marker)
            elif stripped.strip().startswith(fence):
                fence = ""
        heading = None if fence else _HEADING.match(stripped)
        if heading:
            updates.append((heading, source.body_line + index, []))
        elif updates:
            updates[-1][2].append(line)
        else:
            intro.append(line)
    raws = []
    for heading, line, body in updates:
        rest = heading.group("rest").strip()
        authors: tuple[str, ...] = ()
        attr = _AUTHOR_ATTR.search(rest)
        if attr:
            authors = tuple(slugify(s) for s in attr.group("slugs").split(",") if s.strip())
            rest = rest[: attr.start()].strip()
        title = rest.lstrip("—–-|·:").strip().rstrip("#").strip()
        raws.append(_Raw(heading.group("time"), title, authors, "".join(body), line, "body"))
    return "".join(intro), raws


def _front_updates(reader: FieldReader) -> list[_Raw]:
    raws = []
    expected = "time, title, author and text"
    for key, sub in reader.records("updates", UPDATE_FIELDS, expected, "update field"):
        time = sub.data.get("time")
        text = sub.text("text", required=True)
        if time is None:
            sub.required("time", "a time like 14:05 or 2026-11-29T14:05:00+07:00")
            continue
        if text is None:
            continue
        authors = tuple(slugify(a) for a in sub.text_list("author") + sub.text_list("authors"))
        raw_time = time.isoformat() if isinstance(time, dt.datetime | dt.date) else str(time)
        if isinstance(time, int):  # YAML 1.1 reads an unquoted 14:05 as a sexagesimal number
            raw_time = f"{time // 60:02d}:{time % 60:02d}"
        title = sub.text("title", "") or ""
        raws.append(_Raw(raw_time, title, authors, text, reader.locate(key), key))
    return raws


def read_live(
    reader: FieldReader,
    source: Source,
    start: dt.datetime | None,
    tz: ZoneInfo,
    base_path: str,
    language: str = "en",
) -> LiveFields | None:
    """Read `live`, `updates` and `coverage_end`; None when the article is not live coverage."""
    if "live" not in reader.data and "updates" not in reader.data:
        return None
    live = reader.boolean("live", True) if reader.present("live") else True
    if "live" not in reader.data:
        reader.fail("updates", "updates need 'live: true' (or 'live: false' once coverage ends)")
    intro, raws = split_body(source)
    intro, raws = shared_footnotes(intro, raws)
    raws = _front_updates(reader) + raws
    updates: dict[str, LiveUpdate] = {}
    for raw in raws:
        when = resolve_time(raw.time, start, tz)
        if when is None:
            reader.problems.append(
                error(
                    f"expected an update time like 14:05 or 2026-11-29T14:05:00+07:00, "
                    f"got {describe(raw.time)}",
                    source.path,
                    raw.line,
                    field=raw.key if raw.key != "body" else None,
                    hint="a live update subheading looks like '## 14:05 Title'",
                )
            )
            continue
        if start is not None and when < start:
            reader.problems.append(
                error(
                    f"update at {when.isoformat()} is before the article's date "
                    f"({start.isoformat()})",
                    source.path,
                    raw.line,
                    hint="give the update a full date and time, or move the article's date back",
                )
            )
            continue
        anchor = anchor_for(when, tz)
        if anchor in updates:
            reader.problems.append(
                error(
                    f"two updates share the time {when.astimezone(tz):%Y-%m-%d %H:%M}",
                    source.path,
                    raw.line,
                    hint="each update needs its own minute: its anchor is made from the time",
                )
            )
            continue
        # updates written in the body may hold HTML like the rest of it; not in front matter
        rendered = markdown.render(raw.text, source.path, base_path, raw.key == "body", language)
        html = scoped_ids(rendered.html, anchor)
        title = markdown.smart_text(raw.title, language)
        updates[anchor] = LiveUpdate(
            when, anchor, html, title, raw.authors, rendered.links, raw.line
        )
    ordered = tuple(sorted(updates.values(), key=lambda u: u.time, reverse=True))
    coverage_end = reader.datetime("coverage_end", tz)
    return LiveFields(bool(live), intro, ordered, coverage_end)


def article_fields(fields: LiveFields | None, updated: dt.datetime | None) -> dict[str, Any]:
    """Article constructor arguments for live coverage; `updated` follows the latest update."""
    if fields is None:
        return {"updated": updated}
    latest = fields.latest
    if latest is not None and (updated is None or latest > updated):
        updated = latest
    return {
        "updated": updated,
        "live": fields.live,
        "updates": fields.updates,
        "coverage_end": fields.coverage_end,
    }


def link_updates(
    article: Article,
    authors: Mapping[str, Author],
    url_of: Mapping[str, str],
    base_path: str,
    locate: Callable[[str, str], int | None],
    absent: Mapping[str, str] | None = None,
    broken_authors: frozenset[str] = frozenset(),
) -> tuple[Article, list[Problem]]:
    """Resolve each update's author slugs and links to other sources (`absent` says why
    a source has no page, see `ssg.sourcelinks`); report unknown ones, but for the
    `broken_authors`, whose files failed to parse and have errors of their own."""
    if not article.updates:
        return article, []
    problems: list[Problem] = []
    updates = []
    for update in article.updates:
        for slug in update.author_slugs:
            # an author file that failed to parse has its own error: not one more here
            if slug not in authors and slug not in broken_authors:
                known = ", ".join(sorted(authors)) or "none"
                problems.append(
                    error(
                        f"unknown author '{slug}' in the update at {update.time.isoformat()} "
                        f"(known: {known})",
                        article.path,
                        update.line or locate(article.path, "updates"),
                        hint=f"create content/authors/{slug}.md, or fix the slug",
                    )
                )
        html = update.html
        if update.links:
            line = update.line or locate(article.path, "updates")
            html = resolve_links(
                html, update.links, url_of, absent or {}, base_path, article.path, problems, line
            )
        updates.append(
            replace(
                update,
                html=html,
                authors=tuple(authors[s] for s in update.author_slugs if s in authors),
            )
        )
    return replace(article, updates=tuple(updates)), problems


def coverage_end(article: Article) -> dt.datetime | None:
    """When coverage closed: `coverage_end`, else the latest update; None while still live."""
    if article.live is not False:
        return None
    return article.coverage_end or (article.updates[0].time if article.updates else article.date)


def live_blog_fields(
    article: Article, abs_url: Callable[[str], str], tz: ZoneInfo, person: Callable[[Author], Any]
) -> dict[str, Any]:
    """What makes a NewsArticle a schema.org LiveBlogPosting: coverage times and updates."""
    page = abs_url(article.url)
    data: dict[str, Any] = {
        "@type": "LiveBlogPosting",
        "coverageStartTime": iso_local(article.date, tz),
    }
    end = coverage_end(article)
    if end is not None:
        data["coverageEndTime"] = iso_local(end, tz)
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": update.title or f"Update at {update.time.astimezone(tz):%H:%M}",
            "datePublished": iso_local(update.time, tz),
            "url": f"{page}#{update.anchor}",
            "articleBody": " ".join(Markup(update.html).striptags().split()),
            "author": [person(a) for a in update.authors or article.authors],
        }
        for update in article.updates
    ]
    return data
