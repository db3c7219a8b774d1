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
from collections.abc import Callable
from pathlib import Path

from ssg.images import Encoded

MANIFEST = "manifest.json"


def cache_key(data: bytes, recipe: str) -> str:
    """A hex digest of the source bytes and the recipe (settings, crops, focus)."""
    digest = hashlib.sha256(data)
    digest.update(b"\0" + recipe.encode("utf-8"))
    return digest.hexdigest()[:32]


class ImageCache:
    """Encoded files by cache key, in one folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    def entry(self, key: str) -> Path:
        return self.folder / key

    def get(self, key: str) -> list[tuple[Encoded, Path]] | None:
        """The cached files for `key`, or None when missing or incomplete."""
        entry = self.entry(key)
        try:
            records = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
            files = [(Encoded(**record), entry / record["suffix"]) for record in records]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if not all(path.is_file() for _, path in files):
            return None
        return files

    def put(self, key: str, files: list[tuple[Encoded, bytes]]) -> list[tuple[Encoded, Path]]:
        """Store encoded files under `key` and return where they are."""
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=self.folder))
        try:
            records = []
            for encoded, data in files:
                (temp / encoded.suffix).write_bytes(data)
                records.append(
                    {
                        "suffix": encoded.suffix,
                        "width": encoded.width,
                        "height": encoded.height,
                        "format": encoded.format,
                        "kind": encoded.kind,
                    }
                )
            (temp / MANIFEST).write_text(json.dumps(records), encoding="utf-8")
            entry = self.entry(key)
            if entry.exists():  # another build won the race, or a broken entry
                shutil.rmtree(entry, ignore_errors=True)
            os.replace(temp, entry)
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
