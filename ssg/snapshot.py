"""Snapshots for the text-edit path (`ssg.quick`): the planned outputs that print story
bodies (article pages and feeds), kept from the last full build.

A live builder (the preview server) keeps a `Snapshot` in memory. `ssg build` keeps a
`SnapshotStore` beside the parse cache: one SQLite row per output, pickled on its own,
so a text edit loads the few pages it needs, not ten thousand, and a full build
rewrites only the rows of outputs it rendered again. Stories are stored once, in rows
of their own, and outputs refer to them by source path (an article page names five
related stories, a feed twenty). In a stored story, a body that reached the pages
exactly as it was parsed is left out (`ELIDED`) and taken from the parse cache when
used, so editing that story's text does not make the row stale.
"""

from __future__ import annotations

import contextlib
import dataclasses
import operator
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssg.cache import decode_blob, encode_blob
from ssg.evolve import evolve, pickled_by_fields
from ssg.feeds import Feed
from ssg.fingerprint import printed_articles
from ssg.model import Article
from ssg.plan import Output

SNAPSHOT_VERSION = b"snapshot-5"


class _Elided(str):
    """A story body left out of a stored output; `ssg.quick` puts the text back."""

    __slots__ = ()


ELIDED = _Elided("")


def is_elided(text: str) -> bool:
    return type(text) is _Elided


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Outputs that print story bodies, by URL, and the URLs printing each story (by
    source path): what a live builder keeps between saves."""

    outputs: dict[str, Output]
    printers: dict[str, tuple[str, ...]]

    def printing(self, paths: Iterable[str]) -> list[Output]:
        """The outputs that print the body of any story in `paths`."""
        urls = sorted({url for path in paths for url in self.printers.get(path, ())})
        return [self.outputs[url] for url in urls]


def take_snapshot(outputs: Iterable[Output]) -> Snapshot:
    """The snapshot of a build's planned outputs."""
    printing: dict[str, Output] = {}
    printers: dict[str, list[str]] = {}
    for output in outputs:
        stories = printed_articles(output)
        if stories:
            printing[output.url] = output
            for story in stories:
                printers.setdefault(story.path, []).append(output.url)
    return Snapshot(printing, {path: tuple(urls) for path, urls in printers.items()})


def _body_owners(parsed: Sequence[Article]) -> dict[int, str]:
    """id of each parsed story body -> the story's path (strings two stories share, such
    as an empty body, are left out)."""
    owners: dict[int, str | None] = {}
    for article in parsed:
        if article.body_html:
            key = id(article.body_html)
            owners[key] = article.path if owners.get(key, article.path) == article.path else None
    return {key: path for key, path in owners.items() if path is not None}


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class _Ref:
    """A story in a stored output, by source path: stories are stored once each."""

    path: str


def map_stories(output: Output, kind: type, convert: Callable[[Any], Any]) -> Output:
    """`output` with each `kind` value in its context (directly, in a tuple, among a
    feed's entries) replaced by `convert(value)`."""
    context = {}
    for key, value in output.context.items():
        if type(value) is kind:
            value = convert(value)
        elif type(value) is tuple and value and all(type(v) is kind for v in value):
            value = tuple(convert(v) for v in value)
        elif type(value) is Feed:
            value = evolve(value, articles=tuple(convert(a) for a in value.articles))
        context[key] = value
    return Output(output.url, output.template, context)


def _skeleton(output: Output) -> Output:
    """`output` with its stories replaced by references, so a story is pickled once
    however many outputs show it."""
    return map_stories(output, Article, lambda story: _Ref(story.path))


def _filled(output: Output, story: Callable[[str], Article]) -> Output:
    """The output `_skeleton` stored, with its stories loaded by `story(path)`."""
    return map_stories(output, _Ref, lambda ref: story(ref.path))


_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_read_story = operator.attrgetter(*_FIELDS)
_BODY, _AUTHORS, _TOPICS = (_FIELDS.index(n) for n in ("body_html", "authors", "topics"))


class _Shared:
    """Authors and topics, stored once each: many stories name the same ones."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def key(self, kind: str, slug: str, value: object) -> str:
        key = f"{kind}:{slug}"
        known = self.values.setdefault(key, value)
        if known is not value and known != value:
            raise ValueError(f"two versions of {key} in the outputs")
        return key


def _stored_story(story: Article, owners: dict[int, str], shared: _Shared) -> tuple:
    """The story as stored: its field values, with its body elided when it is exactly
    the parsed body, and its authors and topics as keys of shared rows."""
    values = list(_read_story(story))
    if owners.get(id(story.body_html)) == story.path:
        values[_BODY] = ELIDED
    values[_AUTHORS] = tuple(shared.key("author", a.slug, a) for a in story.authors)
    values[_TOPICS] = tuple(shared.key("topic", t.slug, t) for t in story.topics)
    return tuple(values)


@dataclass(slots=True)
class SnapshotSave:
    """A pending `SnapshotStore.save` of a build's outputs, to run when convenient (the
    builder runs it while its render helpers work); `token` names the saved snapshot,
    and stays empty when it could not be saved."""

    store: SnapshotStore
    since: bytes
    outputs: Sequence[Output]
    rendered: list[str]
    parsed: Sequence[Article]
    token: bytes = b""

    def __call__(self) -> None:
        token = os.urandom(16)
        if self.store.save(token, self.since, self.outputs, self.rendered, self.parsed):
            self.token = token


class SnapshotStore:
    """The snapshot of `ssg build`'s last full build, in SQLite: one row per output.

    Rows are checksummed and versioned like every cache file; the store also records the
    token of the build it describes, and `printing` returns nothing unless the caller's
    token matches. A store that cannot be read is deleted and written afresh.
    """

    def __init__(self, path: Path, version: bytes):
        self.path = path
        self.version = version + SNAPSHOT_VERSION

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")  # a lost snapshot only costs a full build
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB)")
        db.execute("CREATE TABLE IF NOT EXISTS outputs (url TEXT PRIMARY KEY, blob BLOB)")
        db.execute("CREATE TABLE IF NOT EXISTS printers (path TEXT, url TEXT)")
        db.execute("CREATE INDEX IF NOT EXISTS printers_path ON printers (path)")
        db.execute("CREATE INDEX IF NOT EXISTS printers_url ON printers (url)")
        db.execute("CREATE TABLE IF NOT EXISTS stories (path TEXT PRIMARY KEY, blob BLOB)")
        db.execute("CREATE TABLE IF NOT EXISTS shared (key TEXT PRIMARY KEY, blob BLOB)")
        return db

    def _token(self, db: sqlite3.Connection) -> bytes | None:
        row = db.execute("SELECT value FROM meta WHERE key = 'token'").fetchone()
        return decode_blob(row[0], self.version) if row else None

    def save(
        self,
        token: bytes,
        since: bytes,
        outputs: Sequence[Output],
        rendered: Iterable[str],
        parsed: Sequence[Article],
    ) -> bool:
        """Describe the build `token` whose planned outputs are `outputs`. When the store
        describes the build `since`, only the rows of `rendered` URLs (and of outputs no
        longer planned) are written again: an output whose fingerprint did not change
        holds the same values. A damaged store is deleted and written afresh. Returns
        False when the store could not be written."""
        rendered = set(rendered)
        for _ in range(2):
            try:
                self._save(token, since, outputs, rendered, parsed)
                return True
            except sqlite3.DatabaseError:
                self.remove()  # damaged: start afresh
                since = b""
            except (
                sqlite3.Error,
                OSError,
                pickle.PicklingError,
                TypeError,
                AttributeError,
                ValueError,
            ):
                self.remove()  # or a value in a template context that cannot be pickled
                return False
        return False

    def _save(
        self,
        token: bytes,
        since: bytes,
        outputs: Sequence[Output],
        rendered: set[str],
        parsed: Sequence[Article],
    ) -> None:
        owners = _body_owners(parsed)
        db = self._connect()
        try:
            incremental = bool(since) and self._token(db) == since
            planned = {o.url for o in outputs}
            db.execute("BEGIN")
            db.execute("DELETE FROM meta WHERE key = 'token'")  # not valid until COMMIT
            if incremental:
                redo = rendered
                stored = {url for (url,) in db.execute("SELECT url FROM outputs")}
                stale = [(url,) for url in redo | (stored - planned)]
                db.executemany("DELETE FROM outputs WHERE url = ?", stale)
                db.executemany("DELETE FROM printers WHERE url = ?", stale)
            else:
                redo = planned
                db.execute("DELETE FROM outputs")
                db.execute("DELETE FROM printers")
                db.execute("DELETE FROM stories")
                db.execute("DELETE FROM shared")
            rows, links = [], []
            stories: dict[str, Article] = {}  # of the rows written: stored once each
            for output in outputs:
                printed = printed_articles(output) if output.url in redo else ()
                if not printed:
                    continue
                rows.append((output.url, encode_blob(_skeleton(output), self.version)))
                links += [(story.path, output.url) for story in printed]
                for value in output.context.values():
                    found = (value,) if type(value) is Article else ()
                    if type(value) is tuple:
                        found = tuple(v for v in value if type(v) is Article)
                    elif type(value) is Feed:
                        found = value.articles
                    for story in found:
                        known = stories.setdefault(story.path, story)
                        if known is not story and known != story:
                            raise ValueError(f"two versions of {story.path} in the outputs")
            db.executemany("INSERT INTO outputs VALUES (?, ?)", rows)
            db.executemany("INSERT INTO printers VALUES (?, ?)", links)
            shared = _Shared()
            db.executemany(
                "INSERT OR REPLACE INTO stories VALUES (?, ?)",
                [
                    (path, encode_blob(_stored_story(story, owners, shared), self.version))
                    for path, story in stories.items()
                ],
            )
            db.executemany(
                "INSERT OR REPLACE INTO shared VALUES (?, ?)",
                [(key, encode_blob(value, self.version)) for key, value in shared.values.items()],
            )
            if incremental:  # stories no output shows any more
                shown = {path for (path,) in db.execute("SELECT DISTINCT path FROM printers")}
                stored_stories = {path for (path,) in db.execute("SELECT path FROM stories")}
                db.executemany(
                    "DELETE FROM stories WHERE path = ?", [(p,) for p in stored_stories - shown]
                )
            db.execute("INSERT INTO meta VALUES ('token', ?)", (encode_blob(token, self.version),))
            db.execute("COMMIT")
        finally:
            db.close()

    def remove(self) -> None:
        """Delete the store (its next save writes every row)."""
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):  # gone, or its folder cannot be used
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def printing(self, token: bytes, paths: Iterable[str]) -> list[Output] | None:
        """The stored outputs that print the body of any story in `paths`, in URL order,
        with elided bodies; None when the store is missing, damaged or describes another
        build than `token`."""
        if not token or not self.path.is_file():
            return None
        try:
            db = sqlite3.connect(self.path)
        except sqlite3.Error:
            return None
        try:
            return self._printing(db, token, list(paths))
        except (sqlite3.Error, _Untrusted):
            return None
        finally:
            db.close()

    def _printing(
        self, db: sqlite3.Connection, token: bytes, paths: list[str]
    ) -> list[Output] | None:
        if self._token(db) != token:
            return None
        marks = ",".join("?" * len(paths))
        rows = db.execute(
            "SELECT blob FROM outputs WHERE url IN "
            f"(SELECT url FROM printers WHERE path IN ({marks})) ORDER BY url",
            paths,
        ).fetchall()
        loaded: dict[str, Article] = {}
        values: dict[str, object] = {}

        def row(table: str, column: str, key: str) -> object:
            found = db.execute(f"SELECT blob FROM {table} WHERE {column} = ?", (key,)).fetchone()
            return self._load(found[0] if found else b"")

        def value(key: str) -> object:
            if key not in values:
                values[key] = row("shared", "key", key)
            return values[key]

        def story(path: str) -> Article:
            found = loaded.get(path)
            if found is None:
                fields = row("stories", "path", path)
                if type(fields) is not tuple or len(fields) != len(_FIELDS):
                    raise _Untrusted
                fields = list(fields)
                fields[_AUTHORS] = tuple(value(k) for k in fields[_AUTHORS])
                fields[_TOPICS] = tuple(value(k) for k in fields[_TOPICS])
                try:
                    found = Article(*fields)
                except TypeError as exc:
                    raise _Untrusted from exc
                if found.path != path:
                    raise _Untrusted
                loaded[path] = found
            return found

        outputs = []
        for (blob,) in rows:
            output = self._load(blob)
            if not isinstance(output, Output):
                raise _Untrusted
            outputs.append(_filled(output, story))
        return outputs

    def _load(self, blob: bytes) -> object:
        found = decode_blob(blob, self.version)  # None: damaged, or another version
        if found is None:
            raise _Untrusted
        return found


class _Untrusted(Exception):
    """A row that is missing, damaged, or from another version."""
