"""The curated home page: `content/home.yml` read, checked and resolved against the articles.

Editors place a lead story, top stories and per-section blocks by article slug or
path; whatever is not placed fills in newest first. A `breaking` banner (text, link,
optional expiry) shows until its expiry time, judged against the build's clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from ssg.errors import Problem, did_you_mean, error, has_errors, warning
from ssg.fields import FieldReader, describe, is_safe_link
from ssg.folders import path_key
from ssg.frontmatter import field_line, load_yaml
from ssg.model import Article
from ssg.sections import Section, find_section

HOME_PATH = "content/home.yml"
HOME_FIELDS = ("lead", "top", "sections", "breaking")
BLOCK_FIELDS = ("section", "count", "articles")
BREAKING_FIELDS = ("text", "link", "expires")
DEFAULT_BLOCK_COUNT = 3


@dataclass(frozen=True, slots=True)
class Ref:
    """An article named in home.yml, by slug or by path, with where it was written."""

    value: str
    key: str
    line: int | None


@dataclass(frozen=True, slots=True)
class BlockSpec:
    section: str
    count: int
    pinned: tuple[Ref, ...]
    key: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Breaking:
    """A breaking-news banner: its text, where it links, and when it stops showing."""

    text: str
    link: str = ""
    expires: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class HomeSpec:
    """home.yml as written, before resolving the references."""

    path: str
    lead: Ref | None = None
    top: tuple[Ref, ...] = ()
    blocks: tuple[BlockSpec, ...] = ()
    breaking: Breaking | None = None
    breaking_link: Ref | None = None


@dataclass(frozen=True, slots=True)
class HomeBlock:
    """A section block on the home page; `section` is None when sections are free text."""

    title: str
    section: Section | None
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Home:
    """The resolved home page: placed stories, then the rest newest first."""

    lead: Article | None
    top: tuple[Article, ...]
    blocks: tuple[HomeBlock, ...]
    rest: tuple[Article, ...]
    breaking: Breaking | None

    @property
    def placed(self) -> tuple[Article, ...]:
        """Every story an editor placed: the lead, the top stories and the blocks."""
        lead = (self.lead,) if self.lead else ()
        return lead + self.top + tuple(a for block in self.blocks for a in block.articles)


def load_home(path: Path, tz: ZoneInfo) -> tuple[HomeSpec | None, list[Problem]]:
    """Read `content/home.yml` when it exists (no file: no curation, no problems)."""
    if not path.is_file():
        return None, []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [error(f"cannot read the home page settings: {exc}", HOME_PATH)]
    return parse_home(text, tz)


def parse_home(
    text: str, tz: ZoneInfo, path: str = HOME_PATH
) -> tuple[HomeSpec | None, list[Problem]]:
    """Read home.yml text; problems are located by line and field."""
    data, problems = load_yaml(text, path)
    if has_errors(problems):
        return None, problems
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        hint = "write 'lead:', 'top:', 'sections:' and 'breaking:' lines"
        return None, [error(f"expected a mapping, got {describe(data)}", path, 1, hint=hint)]
    reader = FieldReader(data, path, lambda key: field_line(text, key, first_line=1))
    reader.problems += problems  # warnings: keys written twice
    reader.unknown_keys(HOME_FIELDS, "home page setting")

    def ref(key: str, value: object) -> Ref | None:
        if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
            reader.fail(key, f"expected an article slug or path, got {describe(value)}")
            return None
        return Ref(str(value).strip(), key, reader.locate(key))

    lead = ref("lead", data["lead"]) if reader.present("lead") else None
    top = [ref(f"top.{i}", v) for i, v in enumerate(reader.items("top"))]
    blocks = []
    for key, sub in reader.records(
        "sections",
        BLOCK_FIELDS,
        "section, count and articles",
        "section block setting",
        shorthand=lambda item: {"section": item} if isinstance(item, str) else item,
    ):
        name = sub.text("section", required=True)
        count = sub.integer("count", DEFAULT_BLOCK_COUNT)
        pinned = [ref(f"{key}.articles.{i}", v) for i, v in enumerate(sub.items("articles"))]
        if name:
            pins = tuple(p for p in pinned if p)
            blocks.append(BlockSpec(name, count, pins, key, reader.locate(key)))
    breaking, breaking_link = None, None
    banner = reader.mapping("breaking")
    if banner is not None:
        sub = reader.child("breaking", banner)
        sub.unknown_keys(BREAKING_FIELDS, "breaking banner setting")
        text_value = sub.text("text", required=True)
        link = sub.text("link", "") or ""
        if link.startswith(("/", "http:", "https:")) and not is_safe_link(link):
            sub.fail(
                "link",
                f"expected an article's slug or path, an http(s) address or a site path, "
                f"got {describe(link)}",
                "a site path starts with one '/', as in /2026/11/20/salt-intrusion/",
            )
            link = ""
        expires = sub.datetime("expires", tz)
        if text_value:
            breaking = Breaking(text_value, link, expires)
            if link and not link.startswith(("/", "http://", "https://", "#")):
                breaking_link = Ref(link, "breaking.link", reader.locate("breaking.link"))
    spec = HomeSpec(
        path,
        lead,
        tuple(r for r in top if r),
        tuple(blocks),
        breaking,
        breaking_link,
    )
    return spec, reader.problems


def _normalise_path(value: str) -> str:
    path = value.lstrip("./").lstrip("/")
    if path.startswith("content/"):
        return path
    if path.startswith("articles/"):
        return "content/" + path
    return "content/articles/" + path


def _is_path(value: str) -> bool:
    return "/" in value or value.endswith(".md")


def _explain(article: Article, now: dt.datetime) -> str:
    if article.draft:
        return "is a draft"
    if article.date > now:
        return f"is scheduled for {article.date.isoformat()} (in the future)"
    return "has expired"


def _has_expired(article: Article, now: dt.datetime) -> bool:
    """True when `article` is left out only because its `expires` time has passed."""
    return _explain(article, now) == "has expired"


class _Resolver:
    """Looks up references among published articles, explaining the ones it cannot place."""

    def __init__(
        self,
        spec: HomeSpec,
        published,
        every,
        now: dt.datetime,
        unreadable: frozenset = frozenset(),
    ):
        self.spec, self.now = spec, now
        self.unreadable = unreadable  # sources that failed to parse: their error says it all
        self.published = list(published)
        self.every = list(every)
        self.problems: list[Problem] = []
        self.placed: set[str] = set()

    def _fail(self, ref: Ref, message: str, hint: str) -> None:
        self.problems.append(error(message, self.spec.path, ref.line, field=ref.key, hint=hint))

    def find(self, ref: Ref, expired: str = "it is left off the home page") -> Article | None:
        """The published article `ref` names, or None with a problem saying why: an error,
        but only a warning (`expired` says what happens instead) for an article that has
        expired, so a scheduled rebuild keeps working."""
        if _is_path(ref.value):
            path = _normalise_path(ref.value)
            live = [a for a in self.published if a.path == path]
            other = [a for a in self.every if a.path == path]
            what = f"article {ref.value}"
        else:
            live = [a for a in self.published if a.slug == ref.value]
            other = [a for a in self.every if a.slug == ref.value]
            what = f"article with slug '{ref.value}'"
        if len(live) > 1:
            paths = ", ".join(a.path for a in live)
            self._fail(ref, f"several articles have slug '{ref.value}': {paths}", "use the path")
            return None
        if live:
            return live[0]
        if self._unreadable(ref):
            return None
        if other and all(_has_expired(a, self.now) for a in other):
            self.problems.append(
                warning(
                    f"{what} has expired: {expired}",
                    self.spec.path,
                    ref.line,
                    field=ref.key,
                    hint="place another article, or remove it from home.yml",
                )
            )
            return None
        if other:
            hint = "publish it, or place another article"
            self._fail(ref, f"{what} {_explain(other[0], self.now)}", hint)
            return None
        slugs = [a.slug for a in self.published]
        hint = did_you_mean(ref.value, slugs) or "use an article's slug or its path under content/"
        self._fail(ref, f"no published {what}", hint)
        return None

    def _unreadable(self, ref: Ref) -> bool:
        """True when `ref` may name a source that failed to parse (by path, or by the
        slug its file name gives)."""
        if _is_path(ref.value):
            return path_key(_normalise_path(ref.value)) in self.unreadable
        return any(PurePosixPath(p).stem == ref.value for p in self.unreadable)

    def place(self, ref: Ref) -> Article | None:
        article = self.find(ref)
        if article is None:
            return None
        if article.path in self.placed:
            self.problems.append(
                warning(
                    f"'{ref.value}' is already placed higher on the home page; ignored here",
                    self.spec.path,
                    ref.line,
                    field=ref.key,
                )
            )
            return None
        self.placed.add(article.path)
        return article


def resolve_home(
    spec: HomeSpec,
    published: Sequence[Article],
    every: Sequence[Article],
    sections: Sequence[Section],
    now: dt.datetime,
    unreadable: frozenset[str] = frozenset(),
) -> tuple[Home, list[Problem]]:
    """Place the referenced stories, fill the gaps newest first, and drop an expired banner.

    `published` is newest first; `every` includes drafts and scheduled articles, so a
    reference to one of them is explained rather than reported as missing. A placed story
    that has expired is left out with a warning, its place filled as if it were not
    placed; a banner linking to one keeps its text and loses its link.
    """
    resolver = _Resolver(spec, published, every, now, unreadable)
    lead = resolver.place(spec.lead) if spec.lead else None
    top = [a for a in (resolver.place(r) for r in spec.top) if a]
    pinned_blocks = []
    for block in spec.blocks:
        section = find_section(sections, block.section) if sections else None
        if sections and section is None:
            known = ", ".join(s.title for s in sections)
            resolver.problems.append(
                error(
                    f"unknown section '{block.section}' (known: {known})",
                    spec.path,
                    block.line,
                    field=f"{block.key}.section",
                    hint=did_you_mean(block.section, [s.title for s in sections]),
                )
            )
            continue
        pins = [a for a in (resolver.place(r) for r in block.pinned) if a]
        pinned_blocks.append((block, section, pins))
    if lead is None:
        lead = next((a for a in published if a.path not in resolver.placed), None)
        if lead is not None:
            resolver.placed.add(lead.path)
    blocks = []
    for block, section, pins in pinned_blocks:
        title = section.title if section else block.section
        chosen = list(pins)
        for article in published:
            if len(chosen) >= block.count:
                break
            if (
                article.path not in resolver.placed
                and article.section.casefold() == title.casefold()
            ):
                chosen.append(article)
                resolver.placed.add(article.path)
        blocks.append(HomeBlock(title, section, tuple(chosen)))
    breaking = spec.breaking
    if breaking is not None and breaking.expires is not None and breaking.expires <= now:
        breaking = None
    if breaking is not None and spec.breaking_link is not None:
        # an expired story takes its link with it, as links from other stories do; the
        # banner's text is the desk's own news and stays until the banner's `expires`
        target = resolver.find(spec.breaking_link, "the banner shows without a link")
        breaking = Breaking(breaking.text, target.url if target else "", breaking.expires)
    rest = tuple(a for a in published if a.path not in resolver.placed)
    home = Home(lead, tuple(top), tuple(blocks), rest, breaking)
    return home, resolver.problems
