"""The content model: plain, immutable values for articles, authors, topics and pages.

Parsing fills the fields that come from one file; the site model (`ssg.site`) fills
the cross-references (`url`, resolved `authors` and `topics`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ssg.clock import DateOnly
from ssg.evolve import pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Rendition:
    """One published encoding of a photo: a site-relative URL and its pixel size."""

    url: str
    width: int
    height: int
    mime: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Image:
    """A photo: `src` is a path under `assets/` (or an absolute http(s) URL)."""

    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""
    caption_html: str = ""
    url: str = ""  # set by the site model
    width: int | None = None
    height: int | None = None
    focus: tuple[float, float] | None = None  # focal point, fractions of width and height
    renditions: tuple[Rendition, ...] = ()  # resized copies for srcset (set by ssg.contentphotos)
    crops: tuple[Rendition, ...] = ()  # hero crops 16:9, 4:3, 1:1 for structured data

    @property
    def is_remote(self) -> bool:
        return self.src.startswith(("http://", "https://"))


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Correction:
    date: dt.datetime
    text: str
    text_html: str
    line: int | None = None  # where its date is written in the source file


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Author:
    slug: str
    name: str
    path: str = ""
    role: str = ""
    photo: Image | None = None
    twitter: str = ""
    email: str = ""
    links: tuple[Link, ...] = ()
    bio_html: str = ""
    bio_text: str = ""
    url: str = ""
    organization: bool = False  # a wire service or another newsroom: "By Reuters"

    @property
    def twitter_url(self) -> str:
        return f"https://x.com/{self.twitter}" if self.twitter else ""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    name: str
    path: str = ""
    description_html: str = ""
    description_text: str = ""
    url: str = ""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """One timestamped entry of a live-coverage article (see `ssg.live`)."""

    time: dt.datetime
    anchor: str  # permanent fragment id, derived from the time
    html: str
    title: str = ""
    author_slugs: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    line: int | None = None  # where the update is written in its source file
    authors: tuple[Author, ...] = ()  # filled in by the site model


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    path: str
    slug: str
    title: str
    date: dt.datetime
    author_slugs: tuple[str, ...]
    topic_names: tuple[str, ...] = ()
    dek: str = ""
    updated: dt.datetime | None = None
    dateline: str = ""
    section: str = ""
    kind: str = "News"
    image: Image | None = None
    draft: bool = False
    expires: dt.datetime | None = None
    corrections: tuple[Correction, ...] = ()
    aliases: tuple[str, ...] = ()
    summary: str = ""
    body_html: str = ""
    links: tuple[str, ...] = ()
    live: bool | None = None  # None: not live coverage; True: ongoing; False: closed
    updates: tuple[LiveUpdate, ...] = ()  # newest first
    coverage_end: dt.datetime | None = None
    series: str = ""
    series_part: int | None = None
    # filled in by the site model
    url: str = ""
    authors: tuple[Author, ...] = ()
    topics: tuple[Topic, ...] = ()
    scheduled: bool = False

    @property
    def modified(self) -> dt.datetime:
        """The last change: the latest of the publication date, `updated` and the dates of
        the corrections (a correction changes the page as much as an update does)."""
        latest = self.updated or self.date
        for correction in self.corrections:
            if correction.date > latest:
                latest = correction.date
        return latest

    @property
    def is_updated(self) -> bool:
        """Whether readers are told of an update: one after publication, or one written as
        the day of a publication that has a time of day (`ssg.content` gives it the moment
        of publication)."""
        if self.updated is None:
            return False
        if self.updated == self.date:
            return isinstance(self.updated, DateOnly) and not isinstance(self.date, DateOnly)
        return self.updated > self.date


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Page:
    path: str
    slug: str
    title: str
    description: str = ""
    body_html: str = ""
    links: tuple[str, ...] = ()
    url: str = ""
