"""The rebuild seam used by `ssg serve`: rebuild after a change and say what changed.

`ssg serve` only talks to a `Rebuilder`. The one here, `FullRebuilder`, runs the whole
`build()` into the preview folder and compares every output file's checksum with the
previous build to learn which pages really changed. An incremental engine can replace
it later by implementing the same two members.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ssg.build import build
from ssg.config import load_config
from ssg.errors import BuildFailed, Problem, has_errors
from ssg.site import BuildOptions

STYLESHEET_SUFFIXES = (".css",)


@dataclass(frozen=True, slots=True)
class RebuildReport:
    """What one rebuild did, as seen from the browser.

    `changed_urls` are site-relative URLs (without the base path) of output files that
    were added, changed or removed; `pages_written` counts the HTML pages among them.
    `css_only` is true when stylesheets are the only changed files, so an open tab can
    swap them in without reloading. `problems` holds errors (the build failed and the
    previous output is still in place) or warnings.
    """

    pages_written: int = 0
    changed_urls: tuple[str, ...] = ()
    css_only: bool = False
    problems: tuple[Problem, ...] = ()
    pages_rendered: int = 0

    @property
    def failed(self) -> bool:
        return has_errors(self.problems)


class Rebuilder(Protocol):
    """Something that can bring the preview folder up to date after source changes."""

    output_dir: Path
    base_path: str

    def rebuild(self, changed: frozenset[Path]) -> RebuildReport:
        """Rebuild after `changed` source paths changed; an empty set means build everything."""
        ...


def url_of_file(relative: str) -> str:
    """The site URL of an output file: 'a/b/index.html' -> '/a/b/', 'css/x.css' -> '/css/x.css'."""
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def checksums(folder: Path) -> dict[str, bytes]:
    """A digest of every file under `folder`, by POSIX path relative to it."""
    digests: dict[str, bytes] = {}
    if not folder.is_dir():
        return digests
    for dirpath, _dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for filename in filenames:
            path = base / filename
            digests[path.relative_to(folder).as_posix()] = hashlib.blake2b(
                path.read_bytes(), digest_size=16
            ).digest()
    return digests


def compare(old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    """Relative paths of files added, changed or removed between two checksum maps."""
    changed = [path for path, digest in new.items() if old.get(path) != digest]
    removed = [path for path in old if path not in new]
    return sorted(changed + removed)


def report_for(
    changed_files: Iterable[str], warnings: Iterable[Problem], rendered: int
) -> RebuildReport:
    """A report from the list of changed output files."""
    files = sorted(changed_files)
    pages = sum(1 for f in files if f.endswith(".html"))
    css_only = bool(files) and all(f.endswith(STYLESHEET_SUFFIXES) for f in files)
    return RebuildReport(
        pages_written=pages,
        changed_urls=tuple(url_of_file(f) for f in files),
        css_only=css_only,
        problems=tuple(warnings),
        pages_rendered=rendered,
    )


class FullRebuilder:
    """Rebuilds the whole site into `output_dir` on every change (the simple fallback)."""

    def __init__(
        self,
        root: Path,
        config_path: Path,
        output_dir: Path,
        *,
        drafts: bool = True,
        base_url_for: Callable[[str], str] | None = None,
    ):
        self.root = root
        self.config_path = config_path
        self.output_dir = output_dir
        self.drafts = drafts
        self.base_url_for = base_url_for  # base path -> base URL for the preview
        self.base_path = "/"
        self._checksums: dict[str, bytes] = {}
        self._last_ok = False  # the last rebuild succeeded, so the output is complete

    def rebuild(self, changed: frozenset[Path]) -> RebuildReport:
        """Build everything (or only copy edited stylesheets); report the files that changed."""
        if self._last_ok and stylesheets_only(changed, self.root):
            return self._copy_stylesheets(changed)
        self._last_ok = False
        config, problems = load_config(self.config_path)
        if config is None or has_errors(problems):
            return RebuildReport(problems=tuple(problems))
        base_url = self.base_url_for(config.base_path) if self.base_url_for else None
        options = BuildOptions(drafts=self.drafts, future=self.drafts)
        self.output_dir.parent.mkdir(parents=True, exist_ok=True)
        try:
            result = build(self.root, self.config_path, self.output_dir, base_url, options)
        except BuildFailed as failed:
            return RebuildReport(problems=tuple(failed.problems))
        new = checksums(self.output_dir)
        changed_files = compare(self._checksums, new)
        self._checksums = new
        self.base_path = config.base_path
        self._last_ok = True
        return report_for(changed_files, result.warnings, result.pages)

    def _copy_stylesheets(self, changed: frozenset[Path]) -> RebuildReport:
        """Copy edited stylesheets into the output: no page can depend on their bytes."""
        written = []
        for source in sorted(changed):
            relative = source.relative_to(self.root / "assets").as_posix()
            data = source.read_bytes()
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if self._checksums.get(relative) == digest:
                continue
            target = self.output_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            partial.write_bytes(data)
            os.replace(partial, target)
            self._checksums[relative] = digest
            written.append(relative)
        return report_for(written, (), 0)


def stylesheets_only(changed: frozenset[Path], root: Path) -> bool:
    """True when every changed path is an existing stylesheet under the site's `assets/`."""
    assets = root / "assets"
    return bool(changed) and all(
        path.suffix == ".css" and path.is_file() and path.is_relative_to(assets) for path in changed
    )
