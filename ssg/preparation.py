"""Step 1 of a build: what it starts from. The config, the last build's state, the sources
and their parse keys, the assets, the templates, and the digests that say what changed,
gathered into a `BuildRun`.

A `Preparer` lives as long as its builder: it keeps what is costly to make again between
builds (the Jinja environment, the parse cache's connection, a live builder's last scan
and state)."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import jinja2

from ssg.assets import publish
from ssg.build import asset_roots, walk_assets
from ssg.cache import BuildState, ParseCache, SourceStamp, is_racy
from ssg.config import SiteConfig, load_config, setting_line
from ssg.errors import Problem, error, has_errors, unique
from ssg.fingerprint import (
    TemplateDigests,
    all_templates_digest,
    bodies_printed_only_where_expected,
    digest_bytes,
)
from ssg.folders import cache_folder_problem, output_folder_problem, unusable_cache_folder
from ssg.fragments import CardRenderer
from ssg.frontpage import HOME_PATH
from ssg.logo import with_logo_size
from ssg.rendering import BuildReport, BuildRun
from ssg.site import BuildOptions
from ssg.sources import Progress, SourceFile, rescan, scan
from ssg.statefile import STATE_VERSION, StateKeeper
from ssg.templates import CompiledTemplates, make_environment


class Preparer:
    """Prepares each build of one builder (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        config_path: Path,
        output: Path | None,
        base_url: str | None,
        code: bytes,
        *,
        jobs: int,
        progress: Progress | None,
        use_cache: bool,
        live: bool,
    ):
        """The builder's settings (see `ssg.engine.Builder`); `code`: the code version."""
        self.root = root
        self.config_path = config_path
        self.output = output
        self.base_url = base_url
        self.jobs = jobs
        self.progress = progress
        self.use_cache = use_cache
        self.live = live
        self._code = code
        self.states = StateKeeper(code + STATE_VERSION, live)
        self._env: jinja2.Environment | None = None
        self._env_key: tuple | None = None
        self._templates_digest: bytes | None = None
        self._template_info: tuple[TemplateDigests, bool] | None = None
        self._cache: ParseCache | None = None
        self._images_scratch: tempfile.TemporaryDirectory[str] | None = None
        # a live builder's last scan (parse version, sources, stamps), and whether it
        # trusted the watcher's paths and is still to be checked by `verify`
        self._scanned: tuple[bytes, list[SourceFile], dict[str, SourceStamp]] | None = None
        self._unverified = False

    def prepare(
        self,
        options: BuildOptions,
        timings: dict[str, float],
        lap: Callable[[str], None],
        changed_paths: set[Path] | None = None,
    ) -> BuildRun | BuildReport:
        """Step 1: the config, the last build's state, the sources and their parse keys,
        the assets, the templates, and the digests that say what changed; a failure
        report when the config or the templates cannot be loaded."""
        config, problems = load_config(self.config_path, self.base_url)
        if config is None or has_errors(problems):
            return BuildReport(False, self.out_dir(config), problems=tuple(unique(problems)))
        out_dir = self.out_dir(config)
        cache_dir = (self.root / config.cache_dir).resolve()
        out_wrong = output_folder_problem(
            out_dir,
            self.root,
            str(self.output) if self.output is not None else config.output,
            from_flag=self.output is not None,
        )
        # an output folder that holds the site holds its cache too: one error says it
        cache_wrong = (
            None
            if out_wrong
            else cache_folder_problem(cache_dir, self.root, config.cache_dir, out_dir)
        )
        if cache_wrong is not None:
            cache_wrong = replace(cache_wrong, line=setting_line(self.config_path, "cache_dir"))
        if out_wrong or cache_wrong:
            problems += [p for p in (cache_wrong, out_wrong) if p is not None]
            return BuildReport(False, out_dir, problems=tuple(unique(problems)))
        if not self.use_cache:
            cache_dir = None
        elif unusable := unusable_cache_folder(cache_dir, config.cache_dir):
            problems.append(unusable)
            cache_dir = None
        parse_version = digest_bytes(
            self._code,
            b"parse",
            config.timezone.encode(),
            config.base_path.encode(),
            config.language.encode(),  # quotation marks
        )
        cache = self._parse_cache(cache_dir, parse_version)
        out_key = hashlib.blake2b(str(out_dir).encode(), digest_size=8).hexdigest()
        state_file = cache_dir / f"state-{out_key}.pickle" if cache_dir else None
        snapshot_file = cache_dir / f"snapshot-{out_key}.sqlite" if cache_dir else None
        state = self.states.load(state_file, out_dir)

        sources, stamps, read_problems = self._scan(state, parse_version, changed_paths)
        problems += read_problems
        found = walk_assets(asset_roots(self.root))
        assets = found.files
        unremembered = [*read_problems, *found.problems]  # found again by every build
        problems += found.problems
        asset_stats = {rel: os.stat(path) for rel, path in assets.items()}
        config = with_logo_size(config, assets)
        settings = (
            config.assets if options.fingerprint else replace(config.assets, fingerprint=False)
        )
        published = publish(assets, settings)
        try:
            env = self._environment(config, published.manifest, cache_dir)
        except FileNotFoundError as exc:
            return BuildReport(False, out_dir, problems=tuple(unique([*problems, error(str(exc))])))
        home_file = self.root / HOME_PATH
        home_bytes = home_file.read_bytes() if home_file.is_file() else b""
        search_wanted = config.search and options.search_index
        templates_digest = all_templates_digest(env)
        if templates_digest != self._templates_digest:
            # a template was edited, added (an override) or removed: compile afresh
            if env.cache is not None:
                env.cache.clear()
            self._templates_digest = templates_digest
            self._template_info = None
        # what the photo stage and the site model read besides the sources themselves. An
        # asset changed within the clock's resolution of now may change again with the same
        # size and time: then this build's inputs match no later build's (git's "racy" rule)
        now_ns = time.time_ns()
        racy = any(is_racy(st.st_mtime_ns, now_ns) for st in asset_stats.values())
        model_inputs = digest_bytes(
            self._code,
            repr(config).encode(),
            f"{options.drafts},{options.future}".encode(),
            *(f"{r}\0{st.st_size}\0{st.st_mtime_ns}".encode() for r, st in asset_stats.items()),
            os.urandom(16) if racy else b"",
        )
        base_digest = digest_bytes(  # every input but the sources
            model_inputs,
            *(f"{path}\0{name}".encode() for path, name in sorted(published.manifest.items())),
            f"{options.fingerprint},{search_wanted}".encode(),
            templates_digest,
            home_bytes,
        )
        global_digest = digest_bytes(base_digest, *(f"{s.name}\0{s.key}".encode() for s in sources))
        lap("scan")
        return BuildRun(
            code=self._code,
            config=config,
            options=options,
            out_dir=out_dir,
            cache=cache,
            state=state,
            state_file=state_file,
            snapshot_file=snapshot_file,
            image_cache=cache_dir / "images" if cache_dir else self._scratch_images(),
            sources=sources,
            stamps=stamps,
            unremembered=unremembered,
            assets=assets,
            asset_stats=asset_stats,
            published=published,
            refused_assets=found.refused,
            env=env,
            search_wanted=search_wanted,
            model_inputs=model_inputs,
            base_digest=base_digest,
            global_digest=global_digest,
            now_ns=int(options.now.timestamp() * 1e9),
            jobs=self.jobs,
            progress=self.progress,
            problems=problems,
            timings=timings,
            lap=lap,
        )

    def _scan(
        self, state: BuildState, parse_version: bytes, changed_paths: set[Path] | None
    ) -> tuple[list[SourceFile], dict[str, SourceStamp], list[Problem]]:
        """Step 1a: which sources exist, and their parse keys. A live builder that has
        scanned before looks only at the paths its watcher reported (see `verify`)."""
        found = None
        last = self._scanned
        if self.live and changed_paths and last is not None and last[0] == parse_version:
            found = rescan(self.root, last[1], last[2], changed_paths, parse_version)
        self._unverified = found is not None
        if found is None:
            found = scan(self.root, state.sources, parse_version)
        if self.live:
            self._scanned = (parse_version, found[0], found[1])
        return found

    def verify(self) -> bool:
        """True when the sources are as the last build saw them. After a build that
        looked only at the watcher's paths, this scans every source (its size and mtime)
        to catch a change the watcher missed; the caller then builds again."""
        if not self._unverified or self._scanned is None:
            return True
        self._unverified = False
        version, sources, stamps = self._scanned
        found, _, problems = scan(self.root, stamps, version)
        same = [(s.name, s.key) for s in found] == [(s.name, s.key) for s in sources]
        if not same or problems:
            self._scanned = None  # the next build scans everything
        return same and not problems

    def forget_scan(self) -> None:
        """Make the next build scan every source again (a source changed while read)."""
        self._scanned = None

    def _environment(
        self, config: SiteConfig, manifest: dict[str, str], cache_dir: Path | None
    ) -> jinja2.Environment:
        """The Jinja environment, kept between builds so templates compile once; a new
        config or asset manifest starts anew. Templates edited on disk are seen through
        the digest of every template's source (`build` clears the compiled ones when it
        changes), so Jinja does not check each file's mtime on every `get_template`. With a
        cache folder, compiled templates are kept there for the next process."""
        layouts = (self.root / "layouts").is_dir()  # the loader searches it only if it exists
        key = (repr(config), tuple(sorted(manifest.items())), layouts)
        if self._env is None or self._env_key != key:
            compiled = None
            if cache_dir is not None:
                compiled = CompiledTemplates(cache_dir / "templates", self._code.hex()[:16])
            self._env = make_environment(config, self.root / "layouts", manifest, compiled)
            self._env_key = key
            self._template_info = None
        self._env.globals["card"] = CardRenderer(self._env)  # cards of this build only
        return self._env

    def template_facts(self, env: jinja2.Environment) -> tuple[TemplateDigests, bool]:
        """Per-template dependency digests, and whether bodies are printed only where
        expected; worked out again only after a template or the environment changed."""
        if self._template_info is None:
            self._template_info = (TemplateDigests(env), bodies_printed_only_where_expected(env))
        return self._template_info

    def out_dir(self, config: SiteConfig | None) -> Path:
        """The output folder: `--output` when given, else the config's `output`."""
        if self.output is not None:
            return Path(self.output).resolve()
        return (self.root / (config.output if config else "public")).resolve()

    def _parse_cache(self, folder: Path | None, version: bytes) -> ParseCache | None:
        """The parse cache, kept between builds while its folder and version stay (its
        connection is closed after each build)."""
        if folder is None:
            return None
        if self._cache is None or (self._cache.folder, self._cache.version) != (folder, version):
            if self._cache is not None:
                self._cache.close()
            self._cache = ParseCache(folder, version)
        return self._cache

    def _scratch_images(self) -> Path:
        """Where encoded photos go when there is no cache folder: a temporary folder,
        kept while this builder lives (a live builder's photo stage refers to it)."""
        if self._images_scratch is None:
            self._images_scratch = tempfile.TemporaryDirectory(prefix="ssg-photos-")
        return Path(self._images_scratch.name)

    def close(self) -> None:
        """Write the state a live builder kept in memory, for the next process, and close
        the parse cache; delete the temporary photo folder, if any."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        if self._images_scratch is not None:
            self._images_scratch.cleanup()
            self._images_scratch = None
        self.states.flush()
