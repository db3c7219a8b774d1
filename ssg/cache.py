"""The persistent build cache in `.ssg-cache/`: parsed sources and the last build's state.

Every file is a checksummed, versioned blob; a file that is truncated, corrupted, or
written by another version of ssg (or of its renderers) is ignored and rebuilt, never
trusted. The folder is safe to delete at any time: the next build is simply cold.

Parsed sources are stored content-addressed: the key is a digest of the generator
version, the settings that parsing depends on, the source's path and its bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

MAGIC = b"SSGCACHE"
FORMAT = 1
_HEADER = len(MAGIC) + 1 + 32


def encode_blob(value: Any, version: bytes) -> bytes:
    """Pickle `value` behind a magic number, a format byte and a checksum of the rest."""
    framed = len(version).to_bytes(2, "little") + version
    payload = framed + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return MAGIC + bytes([FORMAT]) + hashlib.blake2b(payload).digest()[:32] + payload


def decode_blob(data: bytes, version: bytes) -> Any | None:
    """The value stored by `encode_blob`, or None when the blob is damaged or stale."""
    if len(data) < _HEADER or not data.startswith(MAGIC) or data[len(MAGIC)] != FORMAT:
        return None
    view = memoryview(data)  # no copies of a large blob
    checksum, payload = data[len(MAGIC) + 1 : _HEADER], view[_HEADER:]
    if hashlib.blake2b(payload).digest()[:32] != checksum:
        return None
    framed = len(version).to_bytes(2, "little") + version
    if payload[: len(framed)] != framed:
        return None
    try:
        return pickle.loads(payload[len(framed) :])
    except Exception:  # a checksum collision or an unpicklable class: treat as missing
        return None


def read_blob(path: Path, version: bytes) -> Any | None:
    """Load one cache file; None when it is missing, damaged or from another version."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return decode_blob(data, version)


def write_blob(path: Path, value: Any, version: bytes) -> None:
    """Write one cache file atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(encode_blob(value, version))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


SCHEMA = 2  # PRAGMA user_version of the parse cache's database
_VERSIONS_MARKED: set[tuple[Path, bytes]] = set()  # see ParseCache._forget_old_versions
KEEP_VERSIONS = 2  # parser versions whose entries are kept (say, two ssg releases)


class ParseCache:
    """Parsed sources on disk in one SQLite table, keyed by (version, path, content) digest.

    SQLite keeps ten thousand entries in one file: one open and one transaction instead
    of ten thousand small files, which is what makes a warm build fast. A database that
    cannot be opened or read, or has another layout, is deleted and started afresh.

    Each entry records the parser version that wrote it (the generator's code and the
    settings parsing depends on). Entries of all but the `KEEP_VERSIONS` most recently
    used versions are deleted and their space returned to the file system, so
    upgrading ssg does not leave every source's old entry behind.
    """

    def __init__(self, folder: Path, version: bytes):
        self.folder = folder
        self.version = version
        self.path = folder / "parse.sqlite"
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        for _ in range(2):
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, isolation_level=None)
                schema = db.execute("PRAGMA user_version").fetchone()[0]
                if schema not in (0, SCHEMA) or (schema == 0 and _has_tables(db)):
                    db.close()  # an older layout: start afresh
                    self.reset()
                    continue
                if schema == 0:  # a new file: set it up
                    db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # before any table
                    db.execute(
                        "CREATE TABLE parsed (key TEXT PRIMARY KEY, version TEXT, blob BLOB)"
                    )
                    db.execute("CREATE TABLE versions (version TEXT PRIMARY KEY, used REAL)")
                    db.execute(f"PRAGMA user_version={SCHEMA}")
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")  # a lost cache only costs a cold build
                self._db = db
                self._forget_old_versions(db)
                return db
            except sqlite3.DatabaseError:
                self.reset()
            except OSError:
                return None
        return None

    def _forget_old_versions(self, db: sqlite3.Connection) -> None:
        """Mark this version used now; delete the entries of versions used longest ago.
        Once per database and version in a process: the preview opens it on every save."""
        if (self.path, self.version) in _VERSIONS_MARKED:
            return
        _VERSIONS_MARKED.add((self.path, self.version))
        db.execute(
            "INSERT OR REPLACE INTO versions VALUES (?, ?)", (self.version.hex(), time.time())
        )
        if db.execute("SELECT count(*) FROM versions").fetchone()[0] <= KEEP_VERSIONS:
            return
        rows = db.execute(
            "SELECT version FROM versions ORDER BY used DESC LIMIT ?", (KEEP_VERSIONS,)
        )
        keep = [version for (version,) in rows]
        marks = ",".join("?" * len(keep))
        db.execute("BEGIN")
        db.execute(f"DELETE FROM parsed WHERE version NOT IN ({marks})", keep)
        db.execute(f"DELETE FROM versions WHERE version NOT IN ({marks})", keep)
        db.execute("COMMIT")
        db.executescript("PRAGMA incremental_vacuum;")  # run to the end: all free pages

    def reset(self) -> None:
        """Forget a damaged database."""
        _VERSIONS_MARKED.discard((self.path, self.version))
        if self._db is not None:
            self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):  # gone, or its folder cannot be used
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        """The cached values for the keys that have a sound entry."""
        db = self._connect()
        if db is None or not keys:
            return {}
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(keys), 500):
                batch = keys[start : start + 500]
                marks = ",".join("?" * len(batch))
                rows = db.execute(f"SELECT key, blob FROM parsed WHERE key IN ({marks})", batch)
                for key, blob in rows:
                    value = decode_blob(blob, self.version)
                    if value is not None:
                        found[key] = value
        except sqlite3.DatabaseError:
            self.reset()
            return {}
        return found

    def stored_keys(self, keys: list[str]) -> set[str]:
        """Those of `keys` that have an entry of this version."""
        db = self._connect()
        if db is None or not keys:
            return set()
        found: set[str] = set()
        version = self.version.hex()
        try:
            for start in range(0, len(keys), 500):
                batch = keys[start : start + 500]
                marks = ",".join("?" * len(batch))
                rows = db.execute(
                    f"SELECT key FROM parsed WHERE version = ? AND key IN ({marks})",
                    [version, *batch],
                )
                found.update(key for (key,) in rows)
        except sqlite3.DatabaseError:
            self.reset()
            return set()
        return found

    def put_many(self, items: list[tuple[str, bytes]], dead: set[str]) -> None:
        """Store encoded entries and delete the ones no source uses any more."""
        db = self._connect()
        if db is None or not (items or dead):
            return
        try:
            db.execute("BEGIN")
            version = self.version.hex()
            db.executemany(
                "INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)",
                [(key, version, blob) for key, blob in items],
            )
            db.executemany("DELETE FROM parsed WHERE key = ?", [(k,) for k in dead])
            db.execute("COMMIT")
        except sqlite3.DatabaseError:
            self.reset()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _has_tables(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


class SourceStamp(NamedTuple):
    """What a source file looked like when its content digest was last computed."""

    size: int
    mtime_ns: int
    digest: str
    seen_ns: int  # wall clock when it was hashed, to spot edits within the same tick


RACY_NS = 2_000_000_000  # a file changed this close to its hashing is hashed again


def is_racy(mtime_ns: int, seen_ns: int) -> bool:
    """True when a file was modified within two seconds of the moment `seen_ns` it was
    looked at: its size and mtime then prove nothing, since a same-size edit in the same
    clock tick keeps both (git's "racy" rule)."""
    return seen_ns - mtime_ns <= RACY_NS


def stamp_is_trusted(stamp: SourceStamp | None, st: os.stat_result) -> bool:
    """True when a file's size and mtime prove it is unchanged since `stamp`.

    Like git's index: when the file's mtime is within two seconds of the moment it was
    hashed, a same-size edit in the same clock tick could hide, so it is hashed again.
    """
    return (
        stamp is not None
        and stamp.size == st.st_size
        and stamp.mtime_ns == st.st_mtime_ns
        and not is_racy(st.st_mtime_ns, stamp.seen_ns)
    )


class OutputEntry(NamedTuple):
    """One written file: the fingerprint of its inputs, the digest of its bytes, its stat."""

    fingerprint: bytes
    digest: bytes
    size: int
    mtime_ns: int


@dataclass(slots=True)
class BuildState:
    """What the last successful build wrote, persisted between builds."""

    out_dir: str = ""
    global_digest: bytes = b""
    base_digest: bytes = b""  # every input but the sources (see ssg.engine)
    next_change_ns: int | None = None  # when a scheduled or expiring article flips
    last_change_ns: int | None = None  # the last such flip at or before the build's clock
    outputs: dict[str, OutputEntry] = field(default_factory=dict)  # relative path -> entry
    sources: dict[str, SourceStamp] = field(default_factory=dict)  # source path -> stamp
    parse_keys: dict[str, str] = field(default_factory=dict)  # source path -> parse key
    pages: int = 0
    articles: int = 0  # article pages, for the search indexer
    warnings: tuple = ()  # the last build's warnings, shown again when nothing changed
    snapshot_token: bytes = b""  # names the snapshot of these outputs (see ssg.quick)

    def holds_at(self, now_ns: int) -> bool:
        """True when no scheduled, expiring or ageing article flips between the clock of
        the build that saved this state and `now_ns`, either way: a build "as of" a later
        time (`SSG_BUILD_TIME`), or a clock set back, must not keep a story published."""
        if self.next_change_ns is not None and now_ns >= self.next_change_ns:
            return False
        return self.last_change_ns is None or now_ns >= self.last_change_ns

    # Pickled with the outputs and stamps as columns (a tuple per field): pickle handles
    # tuples of bytes and ints in C but each NamedTuple through Python, and the state of
    # a 10,000-article site holds 30,000 of them (load and save: about 135 ms to 25 ms).
    def __getstate__(self) -> dict[str, Any]:
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        state["outputs"] = _columns(self.outputs)
        state["sources"] = _columns(self.sources)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["outputs"] = _rows(state["outputs"], OutputEntry)
        state["sources"] = _rows(state["sources"], SourceStamp)
        for name, value in state.items():
            setattr(self, name, value)


def _columns(rows: dict[str, tuple]) -> tuple[tuple, ...]:
    """A mapping of equal-length tuples as (keys, first fields, second fields, ...)."""
    return (tuple(rows), *zip(*rows.values(), strict=True))


def _rows(columns: tuple[tuple, ...], kind: Callable[..., Any]) -> dict[str, Any]:
    keys, *values = columns
    return dict(zip(keys, map(kind, *values), strict=True)) if keys else {}
