"""The parse cache's database: entries of old parser versions are dropped and their space
returned; a database with another layout is replaced, never misread."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ssg.cache import (
    KEEP_VERSIONS,
    BuildState,
    OutputEntry,
    ParseCache,
    SourceStamp,
    encode_blob,
    read_blob,
    write_blob,
)


def fill(folder: Path, version: bytes, count: int = 200) -> None:
    cache = ParseCache(folder, version)
    blob = encode_blob(("articles", "x" * 4000, (), ""), version)
    cache.put_many([(f"{version.hex()}-{i}", blob) for i in range(count)], set())
    cache.close()


def versions_stored(folder: Path) -> set[str]:
    db = sqlite3.connect(folder / "parse.sqlite")
    try:
        return {v for (v,) in db.execute("SELECT DISTINCT version FROM parsed")}
    finally:
        db.close()


def test_entries_of_versions_no_longer_used_are_deleted(tmp_path: Path):
    versions = [bytes([n]) * 8 for n in range(KEEP_VERSIONS + 1)]
    for version in versions[:-1]:
        fill(tmp_path, version)
    full = (tmp_path / "parse.sqlite").stat().st_size
    newest = ParseCache(tmp_path, versions[-1])
    newest.get_many(["any"])  # a new version is used
    newest.close()
    assert versions_stored(tmp_path) == {v.hex() for v in versions[1:-1]}
    # the oldest version's pages went back to the file system
    assert (tmp_path / "parse.sqlite").stat().st_size < full * (KEEP_VERSIONS - 0.5) / KEEP_VERSIONS
    fill(tmp_path, versions[-1])
    cache = ParseCache(tmp_path, versions[-1])
    assert len(cache.get_many([f"{versions[-1].hex()}-{i}" for i in range(200)])) == 200
    cache.close()


def test_a_database_with_the_old_layout_is_replaced(tmp_path: Path):
    db = sqlite3.connect(tmp_path / "parse.sqlite")
    db.execute("CREATE TABLE parsed (key TEXT PRIMARY KEY, blob BLOB)")
    db.execute("INSERT INTO parsed VALUES ('k', x'00')")
    db.commit()
    db.close()
    cache = ParseCache(tmp_path, b"v1")
    assert cache.get_many(["k"]) == {}
    blob = encode_blob(("articles", None, (), ""), b"v1")
    cache.put_many([("k", blob)], set())
    assert cache.get_many(["k"]) == {"k": ("articles", None, (), "")}
    cache.close()


def test_build_state_round_trips_through_its_cache_file(tmp_path):
    state = BuildState(
        out_dir="/site/public",
        next_change_ns=5,
        outputs={
            "index.html": OutputEntry(b"f" * 16, b"d" * 16, 120, 1_700_000_000_000_000_000),
            "a/index.html": OutputEntry(b"g" * 16, b"e" * 16, 7, 3),
        },
        sources={"content/a.md": SourceStamp(10, 20, "abc", 30)},
        parse_keys={"content/a.md": "key"},
        warnings=("a warning",),
    )
    write_blob(tmp_path / "state.pickle", state, b"v")
    loaded = read_blob(tmp_path / "state.pickle", b"v")
    assert loaded == state
    assert all(type(e) is OutputEntry for e in loaded.outputs.values())
    assert all(type(s) is SourceStamp for s in loaded.sources.values())
    write_blob(tmp_path / "empty.pickle", BuildState(), b"v")
    assert read_blob(tmp_path / "empty.pickle", b"v") == BuildState()
