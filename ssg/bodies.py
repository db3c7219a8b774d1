"""Story bodies left on disk while a one-off build renders.

The parsed bodies of a 10,000-article site take about 110 MB, the largest part of the
builder's memory, and every render worker inherits them. Yet once every output is
fingerprinted, a body is needed only where a page prints it: the story's own page
and the feeds (`printed_articles`). So a one-off build replaces each body that is
exactly as parsed, and stored in the parse cache, by `ELIDED`; a render worker reads
back the few bodies the page in hand prints (`BodySource.fill`). Bodies the site model
rewrote (links to other stories, local photos) stay in memory.

The preview's live builder keeps its bodies: it renders again after every save.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ssg.cache import ParseCache
from ssg.errors import Problem, error
from ssg.evolve import evolve
from ssg.fingerprint import printed_articles
from ssg.model import Article
from ssg.plan import Output
from ssg.snapshot import ELIDED, is_elided, map_stories
from ssg.sources import SourceFile

RECENT_BODIES = 256  # bodies a process keeps at hand: a feed's entries recur in the next


class BodyLost(Exception):
    """A story's parsed body is no longer in the parse cache (or cannot be read)."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


@dataclass(frozen=True, slots=True)
class BodySource:
    """Where a render worker reads elided bodies back: the parse cache and each elided
    story's parse key, by source path."""

    folder: Path
    version: bytes
    keys: Mapping[str, str]

    def fill(self, output: Output) -> Output:
        """`output` with the elided bodies of the stories it prints read back.

        Raises BodyLost when one has gone from the parse cache."""
        wanted = [a.path for a in printed_articles(output) if is_elided(a.body_html)]
        if not wanted:
            return output
        return with_bodies(output, self._read(wanted))

    def _read(self, paths: list[str]) -> dict[str, str]:
        keys = {path: self.keys.get(path, "") for path in paths}
        found = {key: _recent[key] for key in keys.values() if key in _recent}
        missing = [key for key in keys.values() if key not in found]
        if missing:
            where = (os.getpid(), self.folder, self.version)
            cache = _caches.get(where)
            if cache is None:
                cache = _caches[where] = ParseCache(self.folder, self.version)
            for key, entry in cache.get_many(missing).items():
                if isinstance(entry[1], Article):
                    found[key] = entry[1].body_html
        bodies = {}
        for path, key in keys.items():
            if key not in found:
                raise BodyLost(path)
            bodies[path] = found[key]
            _recent[key] = found[key]
            _recent.move_to_end(key)
        while len(_recent) > RECENT_BODIES:
            _recent.popitem(last=False)
        return bodies


# per process (each render worker has its own): open parse caches, recently read bodies
# by parse key (a key names one version of one source, so an entry never goes stale)
_caches: dict[tuple[int, Path, bytes], ParseCache] = {}
_recent: OrderedDict[str, str] = OrderedDict()


def close_connections() -> None:
    """Close this process's parse cache connections: an SQLite connection must not be
    carried across a fork (SQLite's "How To Corrupt" notes), so none is open when the
    render workers fork."""
    for cache in _caches.values():
        cache.close()
    _caches.clear()


def lost_body_problem(lost: BodyLost) -> Problem:
    """The located problem for a body the parse cache could not give back mid-build."""
    return error(
        "this story's parsed body could not be read back from the parse cache",
        lost.path,
        hint="another build may have pruned .ssg-cache/parse.sqlite meanwhile, or the file "
        "is damaged: build again (and delete .ssg-cache/ if this recurs)",
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
) -> BodySource:
    """Replace by `ELIDED`, in every story of `holders`, the body that is exactly its
    parsed one (`parsed`, before the photo stage and the site model) and is stored in
    the parse cache. Returns where the render workers read them back.

    The stories are changed in place: every copy of a story (parsed, with photos,
    linked) holds the same body string, and only when none holds it any more is its
    memory given back. The caller must not hand these stories to a later build.
    """
    keys = {source.name: source.key for source in sources}
    bodies = {a.path: a.body_html for a in parsed if a.body_html and a.path in keys}
    stored = cache.stored_keys([keys[path] for path in bodies])
    bodies = {path: body for path, body in bodies.items() if keys[path] in stored}
    for group in holders:
        for article in group:
            body = bodies.get(article.path)
            if body is not None and article.body_html is body:
                object.__setattr__(article, "body_html", ELIDED)
    return BodySource(cache.folder, cache.version, {path: keys[path] for path in bodies})
