"""A content-addressed cache of encoded photos in `.ssg-cache/images/`.

Each entry is a folder named by the hash of the source bytes and everything the
encoding depends on; it holds the encoded files and a `manifest.json` describing
them. A rebuild with unchanged photos reads the manifest and re-encodes nothing;
entries no photo of the site uses any more are deleted at the end of each run.
Writes go through a temporary folder and a rename, so an interrupted build never
leaves a half-written entry behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ssg.cache import is_racy
from ssg.images import Encoded

MANIFEST = "manifest.json"
_ENCODED_FIELDS = ("suffix", "width", "height", "format", "kind")


def cache_key(source_digest: str, recipe: str) -> str:
    """A hex digest of the source's digest (`SourceDigests`) and the recipe (settings,
    crops, focus)."""
    return hashlib.sha256(f"{source_digest}\0{recipe}".encode()).hexdigest()[:32]


class SourceDigests:
    """Digests of the source photos' bytes, remembered by file size, modification time
    and inode in `.sources.json` in the cache folder: an unchanged photo is not read
    again (a newsroom's photo folder can hold tens of gigabytes). Only the photos a
    build asked for are remembered by `save`."""

    def __init__(self, folder: Path):
        self.file = folder / ".sources.json"
        self._known: dict[str, list] | None = None
        self._asked: dict[str, list] = {}

    def digest(self, path: Path) -> str:
        """The SHA-256 of the file's bytes, read only when its stats changed.

        As for sources (`stamp_is_trusted`), stats taken within two seconds of the file's
        modification prove nothing: a same-size rewrite in the same clock tick keeps them."""
        name = str(path)
        st = os.stat(path)
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        asked = self._asked.get(name)  # one photo serves several jobs in a build
        if asked is not None and asked[:3] == stamp:
            return str(asked[4])
        known = self._load().get(name)
        if (
            isinstance(known, list)
            and len(known) == 5
            and known[:3] == stamp
            and not is_racy(st.st_mtime_ns, known[3])
        ):
            seen, digest = known[3], str(known[4])
        else:
            seen = time.time_ns()
            with open(path, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        self._asked[name] = [*stamp, seen, digest]
        return digest

    def save(self) -> None:
        """Remember the digests of the photos asked for since the last save."""
        if self._asked == self._known:
            return
        tmp = None
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".sources-", dir=self.file.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._asked, handle)
            os.replace(tmp, self.file)
        except OSError:  # the cache folder cannot be written: photos are read again next time
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            return
        self._known, self._asked = self._asked, {}

    def _load(self) -> dict[str, list]:
        if self._known is None:
            try:
                known = json.loads(self.file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                known = {}
            self._known = known if isinstance(known, dict) else {}
        return self._known


class ImageCache:
    """Encoded files by cache key, in one folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._digests: dict[Path, dict[str, str]] = {}  # entry -> its files' SHA-256 (`holds`)

    def entry(self, key: str) -> Path:
        return self.folder / key

    def get(self, key: str) -> list[tuple[Encoded, Path]] | None:
        """The cached files for `key`, or None when missing, incomplete or damaged.

        The manifest records each file's size, modification time and SHA-256: a file whose
        size differs is damaged; one whose modification time differs (touched, rewritten,
        copied back) is hashed again and must still match. A damaged entry is never
        published: the photo is encoded again. A byte changed in place, size and time
        kept, passes here; the bytes a build publishes are checked again (`holds`)."""
        entry = self.entry(key)
        try:
            records = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
            files = []
            for record in records:
                path = entry / record["suffix"]
                stat = os.stat(path)
                if stat.st_size != record["size"]:
                    return None
                if (
                    stat.st_mtime_ns != record["mtime_ns"]
                    and hashlib.sha256(path.read_bytes()).hexdigest() != record["sha256"]
                ):
                    return None
                fields = {name: record[name] for name in _ENCODED_FIELDS}
                files.append((Encoded(**fields), path))
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return files

    def holds(self, path: Path, data: bytes) -> bool:
        """True when `data`, read from the cached file at `path`, is what its entry's
        manifest recorded (its SHA-256). Each entry's manifest is read once: an entry's
        files are published one after the other."""
        entry = path.parent
        recorded = self._digests.get(entry)
        if recorded is None:
            try:
                records = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
                recorded = {r["suffix"]: r["sha256"] for r in records}
            except (OSError, ValueError, TypeError, KeyError):
                recorded = {}
            self._digests[entry] = recorded
        wanted = recorded.get(path.name)
        return wanted is not None and hashlib.sha256(data).hexdigest() == wanted

    def put(self, key: str, files: list[tuple[Encoded, bytes]]) -> list[tuple[Encoded, Path]]:
        """Store encoded files under `key` and return where they are."""
        self._digests.pop(self.entry(key), None)  # its manifest is written anew
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=self.folder))
        try:
            records = []
            for encoded, data in files:
                path = temp / encoded.suffix
                path.write_bytes(data)
                record = {name: getattr(encoded, name) for name in _ENCODED_FIELDS}
                record.update(
                    size=len(data),
                    mtime_ns=os.stat(path).st_mtime_ns,  # kept by the folder's rename
                    sha256=hashlib.sha256(data).hexdigest(),
                )
                records.append(record)
            (temp / MANIFEST).write_text(json.dumps(records), encoding="utf-8")
            entry = self.entry(key)
            if entry.exists():  # a broken entry, or another build's
                shutil.rmtree(entry, ignore_errors=True)
            try:
                os.replace(temp, entry)
            except OSError:
                # another build running at the same time put its entry there first: the
                # same key, so the same files; use it if it is whole
                theirs = self.get(key)
                if theirs is None:
                    raise
                return theirs
        finally:
            shutil.rmtree(temp, ignore_errors=True)
        return [(encoded, self.entry(key) / encoded.suffix) for encoded, _ in files]

    def prune(self, keep: set[str]) -> int:
        """Delete entries not in `keep` (photos no longer used); returns how many went."""
        if not self.folder.is_dir():
            return 0
        removed = 0
        for entry in self.folder.iterdir():
            if entry.is_dir() and not entry.name.startswith(".") and entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        return removed

    def fetch(
        self, key: str, make: Callable[[], list[tuple[Encoded, bytes]]]
    ) -> list[tuple[Encoded, Path]]:
        """Cached files for `key`, running `make` (the encoder) only on a miss."""
        cached = self.get(key)
        if cached is not None:
            return cached
        return self.put(key, make())
