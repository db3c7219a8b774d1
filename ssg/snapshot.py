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

import io
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ssg.cache import decode_blob, encode_blob
from ssg.fingerprint import printed_articles
from ssg.model import Article
from ssg.plan import Output

SNAPSHOT_VERSION = b"snapshot-2"


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


class _Writer(pickle.Pickler):
    """Pickles one row: parsed bodies become references (elided), and so do stories
    other than the row's own (`stories`: the one stored object per source path)."""

    def __init__(
        self,
        handle: io.BytesIO,
        owners: dict[int, str],
        stories: dict[str, Article],
        own: object = None,
    ):
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.owners = owners
        self.stories = stories
        self.own = own
        self.named: set[str] = set()  # stories this row refers to

    def persistent_id(self, obj: object) -> tuple[str, str] | None:
        kind = type(obj)
        if kind is str:
            owner = self.owners.get(id(obj))
            return ("body", owner) if owner is not None else None
        if kind is Article and obj is not self.own and self.stories.get(obj.path) is obj:
            self.named.add(obj.path)  # type: ignore[attr-defined]
            return ("story", obj.path)  # type: ignore[attr-defined]
        return None


def _row(
    obj: object,
    version: bytes,
    owners: dict[int, str],
    stories: dict[str, Article],
    own: object = None,
) -> tuple[bytes, set[str]]:
    """One row's blob, and the stories it refers to."""
    buffer = io.BytesIO()
    writer = _Writer(buffer, owners, stories, own)
    writer.dump(obj)
    return encode_blob(buffer.getvalue(), version), writer.named


class _Reader(pickle.Unpickler):
    def __init__(self, data: bytes, story: Callable[[str], Article]):
        super().__init__(io.BytesIO(data))
        self.story = story

    def persistent_load(self, pid: object) -> object:
        if isinstance(pid, tuple) and pid[0] == "story":
            return self.story(pid[1])
        return ELIDED


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
        db.execute("CREATE TABLE IF NOT EXISTS stories (path TEXT PRIMARY KEY, blob BLOB)")
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
            except (sqlite3.Error, OSError, pickle.PicklingError, TypeError, AttributeError):
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
        stories: dict[str, Article] = {}
        for output in outputs:
            for story in printed_articles(output):
                stories.setdefault(story.path, story)
        db = self._connect()
        try:
            incremental = bool(since) and self._token(db) == since
            planned = {o.url for o in outputs}
            db.execute("BEGIN")
            db.execute("DELETE FROM meta WHERE key = 'token'")  # not valid until COMMIT
            if incremental:
                redo = rendered
                stored = {url for (url,) in db.execute("SELECT url FROM outputs")}
                gone = [(url,) for url in stored - planned]
            else:
                redo = planned
                gone = []
                db.execute("DELETE FROM outputs")
                db.execute("DELETE FROM printers")
                db.execute("DELETE FROM stories")
            stale = [(url,) for url in redo] + gone
            db.executemany("DELETE FROM outputs WHERE url = ?", stale)
            db.executemany("DELETE FROM printers WHERE url = ?", stale)
            rows, links = [], []
            named: set[str] = set()
            for output in outputs:
                printed = printed_articles(output) if output.url in redo else ()
                if not printed:
                    continue
                blob, names = _row(output, self.version, owners, stories)
                rows.append((output.url, blob))
                named |= names
                links += [(story.path, output.url) for story in printed]
            db.executemany("INSERT INTO outputs VALUES (?, ?)", rows)
            db.executemany("INSERT INTO printers VALUES (?, ?)", links)
            # the stories those rows name, once each; stories no longer published go
            story_rows = [
                (path, _row(stories[path], self.version, owners, stories, stories[path])[0])
                for path in sorted(named)
            ]
            db.executemany("INSERT OR REPLACE INTO stories VALUES (?, ?)", story_rows)
            stored_stories = {path for (path,) in db.execute("SELECT path FROM stories")}
            unpublished = [(path,) for path in stored_stories - stories.keys()]
            db.executemany("DELETE FROM stories WHERE path = ?", unpublished)
            db.execute("INSERT INTO meta VALUES ('token', ?)", (encode_blob(token, self.version),))
            db.execute("COMMIT")
        finally:
            db.close()

    def remove(self) -> None:
        """Delete the store (its next save writes every row)."""
        for suffix in ("", "-wal", "-shm"):
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

        def story(path: str) -> Article:
            found = loaded.get(path)
            if found is None:
                row = db.execute("SELECT blob FROM stories WHERE path = ?", (path,)).fetchone()
                found = self._load(row[0] if row else b"", story)
                if not isinstance(found, Article):
                    raise _Untrusted
                loaded[path] = found
            return found

        outputs = [self._load(blob, story) for (blob,) in rows]
        return outputs if all(isinstance(o, Output) for o in outputs) else None

    def _load(self, blob: bytes, story: Callable[[str], Article]) -> object:
        data = decode_blob(blob, self.version)
        if not isinstance(data, bytes):
            raise _Untrusted
        try:
            return _Reader(data, story).load()
        except _Untrusted:
            raise
        except Exception as exc:  # a checksum collision or a class that changed
            raise _Untrusted from exc


class _Untrusted(Exception):
    """A row that is missing, damaged, or from another version."""
