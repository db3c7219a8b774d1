"""Story bodies left on disk while a one-off build renders.

The parsed bodies of a 10,000-article site take about 110 MB, the largest part of the
builder's memory, and every render worker inherits them. Yet once every output is
fingerprinted, a body is needed only where a page prints it: the story's own page
and the feeds (`printed_articles`). So a one-off build writes each body that is
exactly as parsed, and stored in the parse cache, to an unnamed temporary file and
replaces it by `ELIDED`; a render process reads back the few bodies the page in hand
prints (`BodySource.fill`), each with one positioned read. Bodies the site model
rewrote (links to other stories, local photos) stay in memory.

Only bodies the parse cache holds are left out: the snapshot that one-article rebuilds
start from (`ssg.snapshot`) leaves out the same ones and reads them back from there.

The preview's live builder keeps its bodies: it renders again after every save.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from ssg.cache import ParseCache
from ssg.errors import Problem, error
from ssg.evolve import evolve
from ssg.fingerprint import printed_articles
from ssg.model import Article
from ssg.plan import Output
from ssg.snapshot import ELIDED, is_elided, map_stories
from ssg.sources import SourceFile


class BodyLost(Exception):
    """A story's body could not be read back from the build's body file."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


@dataclass(frozen=True, slots=True)
class BodySource:
    """Where render processes read elided bodies back: an unnamed temporary file (it
    has no name to be left behind by) and each body's place in it as (offset, length
    in bytes), by source path. Forked render workers inherit the open file."""

    file: BinaryIO
    spans: Mapping[str, tuple[int, int]]

    def fill(self, output: Output) -> Output:
        """`output` with the elided bodies of the stories it prints read back.

        Raises BodyLost when one cannot be read."""
        wanted = [a.path for a in printed_articles(output) if is_elided(a.body_html)]
        if not wanted:
            return output
        return with_bodies(output, {path: self._read(path) for path in wanted})

    def _read(self, path: str) -> str:
        span = self.spans.get(path)
        if span is None:
            raise BodyLost(path)
        offset, length = span
        try:
            data = os.pread(self.file.fileno(), length, offset)
            if len(data) != length:
                raise BodyLost(path)
            return data.decode("utf-8")
        except (OSError, ValueError) as exc:  # ValueError: a closed file, bad UTF-8
            raise BodyLost(path) from exc

    def close(self) -> None:
        """Close the file; the space it took on disk is given back."""
        self.file.close()


def lost_body_problem(lost: BodyLost) -> Problem:
    """The located problem for a body that could not be read back mid-build."""
    return error(
        "this story's parsed body could not be read back from the build's temporary file",
        lost.path,
        hint="the disk holding .ssg-cache/ may be failing: build again (and free or check "
        "that disk if this recurs)",
    )


def with_bodies(output: Output, bodies: Mapping[str, str]) -> Output:
    """`output` with the bodies of its stories taken from `bodies`, by path."""

    def refreshed(article: Article) -> Article:
        body = bodies.get(article.path)
        return article if body is None else evolve(article, body_html=body)

    return map_stories(output, Article, refreshed)


def elide_bodies(
    cache: ParseCache,
    sources: Sequence[SourceFile],
    parsed: Sequence[Article],
    holders: Iterable[Iterable[Article]],
) -> BodySource | None:
    """Write to a temporary file in the cache folder, and replace by `ELIDED` in every
    story of `holders`, each body that is exactly its parsed one (`parsed`, before the
    photo stage and the site model) and is stored in the parse cache. Returns where
    render processes read them back; None, with nothing changed, when the file cannot
    be written (a full disk, say): the bodies then stay in memory.

    The stories are changed in place: every copy of a story (parsed, with photos,
    linked) holds the same body string, and only when none holds it any more is its
    memory given back. The caller must not hand these stories to a later build.
    """
    keys = {source.name: source.key for source in sources}
    bodies = {a.path: a.body_html for a in parsed if a.body_html and a.path in keys}
    stored = cache.stored_keys([keys[path] for path in bodies])
    bodies = {path: body for path, body in bodies.items() if keys[path] in stored}
    spans: dict[str, tuple[int, int]] = {}
    try:
        # open until BodySource.close(), after rendering
        handle = tempfile.TemporaryFile(dir=cache.folder, prefix=".bodies-")  # noqa: SIM115
    except OSError:
        return None
    try:
        offset = 0
        for path, body in bodies.items():
            data = body.encode("utf-8")
            handle.write(data)
            spans[path] = (offset, len(data))
            offset += len(data)
        handle.flush()
    except OSError:
        with contextlib.suppress(OSError):  # closing flushes the unwritten data again
            handle.close()
        return None
    for group in holders:
        for article in group:
            body = bodies.get(article.path)
            if body is not None and article.body_html is body:
                object.__setattr__(article, "body_html", ELIDED)
    return BodySource(handle, spans)
