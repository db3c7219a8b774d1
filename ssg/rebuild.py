"""The rebuild seam used by `ssg serve`: rebuild after a change and say what changed.

`ssg serve` only talks to a `Rebuilder`. The one here, `FullRebuilder`, runs the whole
`build()` into the preview folder (or just copies an edited stylesheet) and compares
every output file's checksum with the previous build to learn which pages really
changed. An incremental engine can replace it by implementing the same protocol:
`output_dir`, `base_path` and `rebuild(changed) -> RebuildReport`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
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
    `css_only` is true when only stylesheets changed (pages whose only difference is a
    stylesheet's fingerprinted name count too), so an open tab can swap them in place. `problems` holds errors (the build failed and the
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


_STYLESHEET_URL = re.compile(rb'href="([^"]*\.css)(?:\?[^"]*)?"')


@dataclass(frozen=True, slots=True)
class Digest:
    """Checksums of one output file: of its bytes, and ignoring stylesheet URLs.

    A fingerprinted stylesheet gets a new name when it changes, so every page linking it
    changes too; comparing `styleless` tells such pages from pages whose content changed.
    """

    raw: bytes
    styleless: bytes


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def digest(name: str, data: bytes) -> Digest:
    """The checksums of one output file."""
    raw = _hash(data)
    if not name.endswith(".html"):
        return Digest(raw, raw)
    return Digest(raw, _hash(_STYLESHEET_URL.sub(b'href=""', data)))


def checksums(folder: Path) -> dict[str, Digest]:
    """The checksums of every file under `folder`, by POSIX path relative to it."""
    digests: dict[str, Digest] = {}
    if not folder.is_dir():
        return digests
    for dirpath, _dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for filename in filenames:
            name = (base / filename).relative_to(folder).as_posix()
            digests[name] = digest(name, (base / filename).read_bytes())
    return digests


def compare(old: Mapping[str, object], new: Mapping[str, object]) -> list[str]:
    """Relative paths of files added, changed or removed between two checksum maps."""
    changed = [path for path, value in new.items() if old.get(path) != value]
    removed = [path for path in old if path not in new]
    return sorted(changed + removed)


def only_styles_changed(
    old: Mapping[str, Digest], new: Mapping[str, Digest], changed: Iterable[str]
) -> bool:
    """True when stylesheets changed and every other changed file is a page that differs
    only in the URLs of its stylesheets."""
    changed = list(changed)
    if not any(f.endswith(STYLESHEET_SUFFIXES) for f in changed):
        return False
    for name in changed:
        if name.endswith(STYLESHEET_SUFFIXES):
            continue
        if name in old and name in new and old[name].styleless == new[name].styleless:
            continue
        return False
    return True


def stylesheet_links(page: Path, base_path: str) -> set[str]:
    """Output paths of the stylesheets a page links, e.g. {'css/style.css'}."""
    try:
        data = page.read_bytes()
    except OSError:
        return set()
    links = set()
    for match in _STYLESHEET_URL.finditer(data):
        href = match.group(1).decode("utf-8", "replace")
        if href.startswith(base_path):
            links.add(href[len(base_path) :])
    return links


def report_for(
    changed_files: Iterable[str],
    warnings: Iterable[Problem],
    rendered: int,
    css_only: bool | None = None,
) -> RebuildReport:
    """A report from the list of changed output files."""
    files = sorted(changed_files)
    pages = sum(1 for f in files if f.endswith(".html"))
    if css_only is None:
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
        self._checksums: dict[str, Digest] = {}
        self._last_ok = False  # the last rebuild succeeded, so the output is complete
        self._linked_styles: set[str] = set()  # stylesheets pages link by their plain name

    def rebuild(self, changed: frozenset[Path]) -> RebuildReport:
        """Build everything (or only copy edited stylesheets); report the files that changed."""
        if self._last_ok and self._can_copy(changed):
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
        css_only = only_styles_changed(self._checksums, new, changed_files)
        self._checksums = new
        self.base_path = config.base_path
        self._last_ok = True
        self._linked_styles = stylesheet_links(self.output_dir / "404.html", self.base_path)
        return report_for(changed_files, result.warnings, result.pages, css_only)

    def _can_copy(self, changed: frozenset[Path]) -> bool:
        """True when only stylesheets changed that pages link by their plain name
        (a fingerprinted stylesheet changes every page's HTML, so it needs a build)."""
        assets = self.root / "assets"
        return bool(changed) and all(
            path.suffix == ".css"
            and path.is_file()
            and path.is_relative_to(assets)
            and path.relative_to(assets).as_posix() in self._linked_styles
            for path in changed
        )

    def _copy_stylesheets(self, changed: frozenset[Path]) -> RebuildReport:
        """Copy edited stylesheets into the output: no page can depend on their bytes."""
        written = []
        for source in sorted(changed):
            relative = source.relative_to(self.root / "assets").as_posix()
            data = source.read_bytes()
            checksum = digest(relative, data)
            if self._checksums.get(relative) == checksum:
                continue
            target = self.output_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            partial.write_bytes(data)
            os.replace(partial, target)
            self._checksums[relative] = checksum
            written.append(relative)
        return report_for(written, (), 0)
