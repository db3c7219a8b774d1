"""The rebuild seam used by `ssg serve`: rebuild after a change and say what changed.

`ssg serve` only talks to a `Rebuilder` (`output_dir`, `base_path` and
`rebuild(changed) -> RebuildReport`). `EngineRebuilder` keeps one incremental engine
(`ssg.engine.Builder`) alive between saves, so a save re-renders only the pages whose
inputs changed, and an edited stylesheet is simply copied into the preview.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ssg.assets import minify
from ssg.config import SiteConfig, load_config
from ssg.engine import Builder
from ssg.errors import Problem, has_errors
from ssg.plan import url_of_file
from ssg.search import BackgroundIndexer
from ssg.site import BuildOptions
from ssg.writer import commits_held

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
    """Something that can bring the preview folder up to date after source changes.

    Requests are served while `rebuild` runs: a rebuilder holds the preview's
    `gate.writing()` itself, only while it changes files in `output_dir`
    (`EngineRebuilder` takes it as `hold`)."""

    output_dir: Path
    base_path: str

    def rebuild(self, changed: frozenset[Path]) -> RebuildReport:
        """Rebuild after `changed` source paths changed; an empty set means build everything."""
        ...

    def verify(self) -> bool:
        """After a rebuild: True when no source changed that `changed` did not name."""
        ...


_STYLESHEET_URL = re.compile(rb'href="([^"]*\.css)(?:\?[^"]*)?"')


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


class EngineRebuilder:
    """Brings the preview folder up to date with the incremental engine after each save."""

    def __init__(
        self,
        root: Path,
        config_path: Path,
        output_dir: Path,
        *,
        drafts: bool = True,
        base_url_for: Callable[[str], str] | None = None,
        hold: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
        now: dt.datetime | None = None,
    ):
        self.root = root
        self.now = now  # SSG_BUILD_TIME's moment; None: the real clock at each rebuild
        self.hold = hold  # held while files are moved into the preview, never while rendering
        self.config_path = config_path
        self.output_dir = output_dir
        self.drafts = drafts
        self.base_url_for = base_url_for  # base path -> base URL for the preview
        self.base_path = "/"
        self._builder: Builder | None = None
        self._last_ok = False  # the last rebuild succeeded, so the output is complete
        self._linked_styles: set[str] = set()  # stylesheets pages link by their plain name
        self._minify = False  # the last good build's `assets: minify` setting
        self._indexer: BackgroundIndexer | None = None  # search index, rebuilt off the reload path

    def rebuild(self, changed: frozenset[Path]) -> RebuildReport:
        """Rebuild what `changed` affects (or only copy edited stylesheets); report the files
        that changed."""
        if self._last_ok and self._can_copy(changed):
            return self._copy_stylesheets(changed)
        self._last_ok = False
        config, problems = load_config(self.config_path)
        if config is None or has_errors(problems):
            return RebuildReport(problems=tuple(problems))
        base_url = self.base_url_for(config.base_path) if self.base_url_for else None
        # plain CSS/JS names (a stylesheet edit is a copy, not a re-render of every page),
        # and no search index on the reload path: it is rebuilt in the background
        clock = {"now": self.now} if self.now else {}
        options = BuildOptions(
            drafts=self.drafts,
            future=self.drafts,
            search_index=False,
            fingerprint=False,
            **clock,
        )
        if self._builder is None or self._builder.base_url != base_url:
            self.output_dir.parent.mkdir(parents=True, exist_ok=True)
            if self._builder is not None:
                self._builder.close()
            self._builder = Builder(
                self.root, self.config_path, options, self.output_dir, base_url, live=True
            )
        self._builder.options = options  # a fresh clock: scheduled articles go live
        with commits_held(self.output_dir, self.hold):
            report = self._builder.build(set(changed))
        if not report.ok:
            return RebuildReport(problems=report.problems)
        changed_files = [*report.written, *report.removed]
        self.base_path = config.base_path
        self._minify = config.assets.minify
        self._last_ok = True
        self._linked_styles = stylesheet_links(self.output_dir / "404.html", self.base_path)
        if config.search and any(f.endswith(".html") for f in changed_files):
            self._request_index(config)
        return report_for(changed_files, report.warnings, report.rendered)

    def verify(self) -> bool:
        """True when a full look at the sources finds nothing the last rebuild missed (it
        looked only at the paths the watcher reported); else rebuild with no paths."""
        return self._builder.verify() if self._builder is not None else True

    def _request_index(self, config: SiteConfig) -> None:
        """Re-index the preview for search soon, without holding up the reload."""
        if self._indexer is None:
            self._indexer = BackgroundIndexer(self.output_dir, config)
        self._indexer.config = config
        self._indexer.request()

    def close(self) -> None:
        """Stop background work (the search indexer) and save the engine's state."""
        if self._indexer is not None:
            self._indexer.close()
        if self._builder is not None:
            self._builder.close()

    def _can_copy(self, changed: frozenset[Path]) -> bool:
        """True when only stylesheets changed that pages link by their plain name, and
        each is a plain file: a symlink goes through the full rebuild, which refuses one
        that leads out of assets/ (with its warning), as `ssg build` does."""
        assets = self.root / "assets"
        return bool(changed) and all(
            path.suffix == ".css"
            and path.is_file()
            and not path.is_symlink()
            and path.is_relative_to(assets)
            and path.relative_to(assets).as_posix() in self._linked_styles
            for path in changed
        )

    def _copy_stylesheets(self, changed: frozenset[Path]) -> RebuildReport:
        """Copy edited stylesheets into the preview, minified as `ssg build` would: no page
        depends on their bytes."""
        written = []
        for source in sorted(changed):
            relative = source.relative_to(self.root / "assets").as_posix()
            data = source.read_bytes()
            if self._minify:
                with contextlib.suppress(UnicodeDecodeError):  # not text: copied as it is
                    data = minify(relative, data.decode("utf-8")).encode("utf-8")
            target = self.output_dir / relative
            with contextlib.suppress(OSError):
                if target.read_bytes() == data:
                    continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            partial.write_bytes(data)
            with self.hold():
                os.replace(partial, target)
            written.append(relative)
        return report_for(written, (), 0)
