"""The incremental build engine: one mechanism for `ssg build` and the live-preview server.

`Builder(root, ...).build()` runs the whole pipeline but skips work whose inputs did
not change: sources whose bytes are unchanged come from the parse cache, pages whose
fingerprint (template + context + config + code) is unchanged are not rendered, and
files whose bytes are unchanged are not rewritten. Heavy steps run in a process pool.
The result is byte-identical to a clean build; the property tests check exactly that.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from ssg.assets import publish
from ssg.build import assemble, asset_roots, plan_all, template_problem, walk_assets
from ssg.cache import (
    BuildState,
    OutputEntry,
    ParseCache,
    read_blob,
    write_blob,
)
from ssg.config import SiteConfig, load_config
from ssg.errors import BuildFailed, Problem, error, has_errors, unique
from ssg.fingerprint import (
    Fingerprinter,
    TemplateDigests,
    all_templates_digest,
    bodies_printed_only_where_expected,
    code_version,
    digest_bytes,
)
from ssg.fragments import CardRenderer
from ssg.frontpage import HOME_PATH
from ssg.memo import IdentityMemo, NoMemo
from ssg.model import Article
from ssg.parallel import default_jobs, pmap, shared
from ssg.photos import process_photos
from ssg.plan import Output, output_path
from ssg.search import BUNDLE as SEARCH_BUNDLE
from ssg.search import SearchReport, has_index, index_site, replace_bundle, stage_view
from ssg.site import BuildOptions, Parsed, Site, build_site
from ssg.sitemaps import NEWS_WINDOW
from ssg.sources import KINDS, Progress, load_entries, scan
from ssg.structured import headline_warnings
from ssg.templates import make_environment
from ssg.writer import Outcome, Staged, commit, existing_files, make_staging, matches, stage_bytes

STATE_VERSION = b"state-1"


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What one build did: the files it wrote, kept and removed, and what went wrong."""

    ok: bool
    output_dir: Path
    pages: int = 0
    files: int = 0
    written: tuple[str, ...] = ()
    unchanged: int = 0
    removed: tuple[str, ...] = ()
    changed_urls: tuple[str, ...] = ()
    assets_only: bool = False  # only non-HTML files changed (a CSS swap is enough)
    problems: tuple[Problem, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    rendered: int = 0
    site: Site | None = None
    search: SearchReport | None = None

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass(frozen=True, slots=True)
class _RenderState:
    outputs: list[Output]
    fingerprints: list[bytes]
    previous: dict[str, OutputEntry]
    out_dir: Path
    staging: Path
    env: object


def _render_job(index: int) -> Staged | Problem:
    """Render one planned output (in a worker) and stage it if its bytes changed."""
    state: _RenderState = shared()
    output = state.outputs[index]
    try:
        template = state.env.get_template(output.template)  # type: ignore[attr-defined]
        data = template.render(output.context, page_url=output.url).encode("utf-8")
    except Exception as exc:  # any template failure is a located, user-facing problem
        return template_problem(exc, output)
    relative_path = output_path(output.url)
    return stage_bytes(
        data,
        relative_path,
        state.fingerprints[index],
        state.out_dir,
        state.staging,
        state.previous.get(relative_path),
    )


class Builder:
    """Builds a site again and again, doing only the work its changed inputs need."""

    def __init__(
        self,
        root: Path,
        config_path: Path | None = None,
        options: BuildOptions | None = None,
        output: Path | None = None,
        base_url: str | None = None,
        *,
        jobs: int | None = None,
        progress: Progress | None = None,
        use_cache: bool = True,
        live: bool = False,
    ):
        """`live`: a long-lived builder (the preview server). Its first build loads the
        whole site model even when nothing changed, so the first save is as fast as the
        next ones, and it saves its state file on `close()` instead of after every build.
        """
        self.root = root
        self.config_path = config_path or root / "site.yml"
        self.options = options
        self.output = output
        self.base_url = base_url
        self.jobs = jobs or default_jobs()
        self.progress = progress
        self.use_cache = use_cache
        self.live = live
        self._state_file: Path | None = None
        self._unsaved = False
        self._state: BuildState | None = None
        self._memo: dict[str, tuple] = {}
        self._code = code_version()
        self._env: jinja2.Environment | None = None
        self._env_key: tuple | None = None
        self._templates_digest: bytes | None = None
        # a one-off build has no next build to hand unchanged objects to
        self._identity = IdentityMemo() if live else NoMemo()
        self._fper: Fingerprinter | None = None
        self._template_info: tuple[TemplateDigests, bool] | None = None

    def build(self, changed_paths: set[Path] | None = None) -> BuildReport:
        """Bring the output folder up to date with the sources.

        `changed_paths` (from a file watcher) is accepted for the live-preview server but
        not needed: every source's size and mtime (and, when in doubt, its bytes) are
        checked, so an event the watcher missed cannot leave a page stale.
        """
        timings: dict[str, float] = {}
        clock = [time.perf_counter()]

        def lap(name: str) -> None:
            now = time.perf_counter()
            timings[name] = timings.get(name, 0.0) + now - clock[0]
            clock[0] = now

        options = self.options or BuildOptions()
        config, problems = load_config(self.config_path, self.base_url)
        if config is None or has_errors(problems):
            return BuildReport(False, self._out_dir(config), problems=tuple(unique(problems)))
        out_dir = self._out_dir(config)
        cache_dir = (self.root / config.cache_dir).resolve() if self.use_cache else None
        parse_version = digest_bytes(
            self._code, b"parse", config.timezone.encode(), config.base_path.encode()
        )
        cache = ParseCache(cache_dir, parse_version) if cache_dir else None
        state_file = (
            cache_dir
            / f"state-{hashlib.blake2b(str(out_dir).encode(), digest_size=8).hexdigest()}.pickle"
            if cache_dir
            else None
        )
        state = self._load_state(state_file, out_dir)

        # 1. scan: which sources exist, and the digest of each one's bytes
        sources, stamps, read_problems = scan(self.root, state.sources, parse_version)
        problems += read_problems
        assets = walk_assets(asset_roots(self.root))
        asset_stats = {rel: os.stat(path) for rel, path in assets.items()}
        settings = (
            config.assets if options.fingerprint else replace(config.assets, fingerprint=False)
        )
        published = publish(assets, settings)
        try:
            env = self._environment(config, published.manifest)
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
        # what the photo stage and the site model read besides the sources themselves
        model_inputs = digest_bytes(
            self._code,
            repr(config).encode(),
            f"{options.drafts},{options.future}".encode(),
            *(f"{r}\0{st.st_size}\0{st.st_mtime_ns}".encode() for r, st in asset_stats.items()),
        )
        global_digest = digest_bytes(
            model_inputs,
            f"{options.fingerprint},{search_wanted}".encode(),
            templates_digest,
            home_bytes,
            *(f"{s.name}\0{s.key}".encode() for s in sources),
        )
        lap("scan")
        now_ns = int(options.now.timestamp() * 1e9)
        if (
            not read_problems
            and not (self.live and self._fper is None)  # a live builder wants its model
            and state.global_digest == global_digest
            and (state.next_change_ns is None or now_ns < state.next_change_ns)
            and all(matches(f"{out_dir}/{rel}", entry) for rel, entry in state.outputs.items())
            and (not search_wanted or has_index(out_dir))
        ):
            lap("check")
            if stamps != state.sources:
                state.sources = stamps
                self._save_state(state_file, state)
            self._state = state
            return BuildReport(
                True,
                out_dir,
                pages=state.pages,
                files=len(state.outputs),
                unchanged=len(state.outputs),
                problems=tuple(unique([*problems, *state.warnings])),
                timings=timings,
            )

        # 2. parse what is not cached, in parallel
        dead = set(state.parse_keys.values()) - {s.key for s in sources}
        entries = load_entries(sources, cache, config, self._memo, dead, self.jobs, self.progress)
        self._memo = {s.key: entries[s.key] for s in sources}
        lap("parse")
        parsed_lists: dict[str, list] = {kind: [] for kind, _ in KINDS}
        fronts: dict[str, str] = {}
        for source in sources:
            kind, value, entry_problems, front = entries[source.key]
            problems += entry_problems
            fronts[source.name] = front
            if value is not None:
                parsed_lists[kind].append(value)
        parsed, home_problems = assemble(parsed_lists, fronts, self.root, config)
        problems += home_problems
        lap("parse")
        # unchanged sources come back from the parse memo as the same objects; the photo
        # stage and the site model then return their previous results for them too
        self._identity.start_build(model_inputs)
        photos = process_photos(self.root, config, parsed, assets, self._identity)
        parsed, problems = photos.parsed, problems + photos.problems
        lap("images")
        site, link_problems = build_site(config, parsed, options, assets, self._identity)
        self._identity.end_build()
        problems += link_problems
        problems += headline_warnings(site.articles, parsed.fronts)
        lap("link")
        if has_errors(problems):
            self._save_parse_keys(state_file, state, stamps, sources)
            return BuildReport(False, out_dir, problems=tuple(unique(problems)), timings=timings)

        # 3. plan and fingerprint every output; only changed fingerprints are rendered
        outputs = plan_all(site, options)
        # a story's body matters only to its own page and the feeds, unless a template
        # prints it elsewhere: then it stays in every digest
        templates, skip_bodies = self._template_facts(env)
        fper = self._fingerprinter(skip_bodies)
        # pages name fingerprinted CSS/JS through asset(): the manifest is an input of each
        base = digest_bytes(self._code, fper.digest(config), fper.digest(published.manifest))
        fingerprints = [
            digest_bytes(
                base,
                templates.digest(o.template),
                o.url.encode(),
                o.template.encode(),
                fper.context_digest(o.url, o.context),
                printed_bodies(o, fper) if skip_bodies else b"",
            )
            for o in outputs
        ]
        previous = state.outputs
        todo = []
        kept: dict[str, OutputEntry] = {}
        for index, (output, fp) in enumerate(zip(outputs, fingerprints, strict=True)):
            rel = output_path(output.url)
            entry = previous.get(rel)
            if entry is not None and entry.fingerprint == fp and matches(f"{out_dir}/{rel}", entry):
                kept[rel] = entry
            else:
                todo.append(index)
        lap("plan")

        # 4. render into a staging folder; the output folder is touched only on success
        staging = make_staging(out_dir)
        try:
            results: dict[str, OutputEntry] = dict(kept)
            written: list[str] = []
            changed_urls: list[str] = []
            for name in sorted({outputs[i].template for i in todo}):
                try:
                    env.get_template(name)  # compile once, before workers fork
                except Exception as exc:
                    problems.append(template_problem(exc))
            if not has_errors(problems):
                render_state = _RenderState(outputs, fingerprints, previous, out_dir, staging, env)
                done = 0
                for index, result in zip(
                    todo, pmap(_render_job, todo, self.jobs, render_state), strict=True
                ):
                    done += 1
                    if self.progress and done % 200 == 0:
                        self.progress("render", done, len(todo))
                    if isinstance(result, Problem):
                        problems.append(result)
                        continue
                    results[result.relative] = result.entry
                    if result.outcome is Outcome.WRITTEN:
                        written.append(result.relative)
                        changed_urls.append(outputs[index].url)
            lap("render")
            if has_errors(problems):
                shutil.rmtree(staging, ignore_errors=True)
                self._save_parse_keys(state_file, state, stamps, sources)
                return BuildReport(
                    False, out_dir, problems=tuple(unique(problems)), timings=timings
                )
            asset_written = []
            for rel, source in {**published.files, **photos.files}.items():
                if source is None:  # a photo that could not be published safely
                    continue
                if isinstance(source, bytes):
                    fp = digest_bytes(b"asset-bytes", rel.encode(), source)
                else:
                    st = asset_stats.get(rel) or os.stat(source)
                    stat_key = b"%s:%d:%d" % (str(source).encode(), st.st_size, st.st_mtime_ns)
                    fp = digest_bytes(b"asset", rel.encode(), stat_key)
                entry = previous.get(rel)
                if (
                    entry is not None
                    and entry.fingerprint == fp
                    and matches(f"{out_dir}/{rel}", entry)
                ):
                    results[rel] = entry
                    continue
                data = source if isinstance(source, bytes) else source.read_bytes()
                staged = stage_bytes(data, rel, fp, out_dir, staging, entry)
                results[rel] = staged.entry
                if staged.outcome is Outcome.WRITTEN:
                    asset_written.append(rel)
            lap("assets")
            if state.out_dir == str(out_dir) and state.outputs:
                removed = sorted(previous.keys() - results.keys())
            elif out_dir.exists():
                removed = sorted(set(existing_files(out_dir)) - results.keys())
            else:
                removed = []
            if state_file is not None:
                state_file.unlink(missing_ok=True)  # stale until the new one is saved
            if config.search:  # the index is not a planned output: keep it
                removed = [r for r in removed if not r.startswith(SEARCH_BUNDLE + "/")]
            search_report = None
            pages_changed = any(r.endswith(".html") for r in [*written, *removed])
            if search_wanted and (pages_changed or not has_index(out_dir)):
                # index the next version of the site before touching the output
                view = stage_view(out_dir, staging, set(written), results)
                try:
                    search_report = index_site(view, config, len(site.articles))
                except BuildFailed as failed:
                    shutil.rmtree(view, ignore_errors=True)
                    shutil.rmtree(staging, ignore_errors=True)
                    self._save_parse_keys(state_file, state, stamps, sources)
                    all_problems = unique([*problems, *failed.problems])
                    return BuildReport(False, out_dir, problems=tuple(all_problems))
                problems += search_report.warnings
                lap("search")
            commit(staging, out_dir, written + asset_written, removed)
            if search_report is not None:
                if (view / SEARCH_BUNDLE).is_dir():  # no articles: nothing was indexed
                    replace_bundle(view / SEARCH_BUNDLE, out_dir / SEARCH_BUNDLE)
                shutil.rmtree(view, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if not out_dir.exists():  # pragma: no cover - commit always creates it
            out_dir.mkdir(parents=True)
        new_state = BuildState(
            out_dir=str(out_dir),
            global_digest=global_digest,
            next_change_ns=_next_change(parsed, options),
            outputs=results,
            sources=stamps,
            parse_keys={s.name: s.key for s in sources},
            pages=len(outputs),
            warnings=tuple(p for p in unique(problems) if not p.is_error),
        )
        self._save_state(state_file, new_state)
        self._state = new_state
        lap("write")
        if self.live:
            # the site model stays in memory between saves: take it out of the cyclic
            # collector's full passes, which would otherwise walk it again and again
            gc.freeze()
        all_written = written + asset_written
        return BuildReport(
            True,
            out_dir,
            pages=len(outputs),
            files=len(results),
            written=tuple(all_written),
            unchanged=len(results) - len(all_written),
            removed=tuple(removed),
            changed_urls=tuple(changed_urls) + tuple(_url_of(r) for r in removed),
            assets_only=bool(all_written or removed)
            and not any(r.endswith(".html") for r in [*all_written, *removed]),
            problems=tuple(unique(problems)),
            timings=timings,
            rendered=len(todo),
            site=site,
            search=search_report,
        )

    # -- helpers -------------------------------------------------------------------

    def _environment(self, config: SiteConfig, manifest: dict[str, str]) -> jinja2.Environment:
        """The Jinja environment, kept between builds so templates compile once; a new
        config or asset manifest starts anew. Templates edited on disk are seen through
        the digest of every template's source (`build` clears the compiled ones when it
        changes), so Jinja does not check each file's mtime on every `get_template`."""
        layouts = (self.root / "layouts").is_dir()  # the loader searches it only if it exists
        key = (repr(config), tuple(sorted(manifest.items())), layouts)
        if self._env is None or self._env_key != key:
            self._env = make_environment(config, self.root / "layouts", manifest)
            self._env_key = key
            self._template_info = None
        self._env.globals["card"] = CardRenderer(self._env)  # cards of this build only
        return self._env

    def _template_facts(self, env: jinja2.Environment) -> tuple[TemplateDigests, bool]:
        """Per-template dependency digests, and whether bodies are printed only where
        expected; worked out again only after a template or the environment changed."""
        if self._template_info is None:
            self._template_info = (TemplateDigests(env), bodies_printed_only_where_expected(env))
        return self._template_info

    def _fingerprinter(self, skip_bodies: bool) -> Fingerprinter:
        """The builder's Fingerprinter: digests of objects the site model reused are kept."""
        skip = {Article: frozenset({"body_html"})} if skip_bodies else {}
        if self._fper is None or self._fper.skip != skip:
            # a one-off `ssg build` has no next build to reuse context digests in
            self._fper = Fingerprinter(skip, keep_contexts=self.live)
        else:
            self._fper.next_build()
        return self._fper

    def _out_dir(self, config: SiteConfig | None) -> Path:
        if self.output is not None:
            return Path(self.output).resolve()
        return (self.root / (config.output if config else "public")).resolve()

    def _load_state(self, state_file: Path | None, out_dir: Path) -> BuildState:
        if self._state is not None and self._state.out_dir == str(out_dir):
            return self._state
        if state_file is not None:
            loaded = read_blob(state_file, self._code + STATE_VERSION)
            if isinstance(loaded, BuildState) and loaded.out_dir == str(out_dir):
                return loaded
        return BuildState()

    def _save_state(self, state_file: Path | None, state: BuildState) -> None:
        if state_file is None:
            return
        if self.live:  # kept in memory; written by close()
            self._state_file, self._unsaved = state_file, True
            self._state = state
            return
        with contextlib.suppress(OSError):
            write_blob(state_file, state, self._code + STATE_VERSION)

    def close(self) -> None:
        """Write the state a live builder kept in memory, for the next process."""
        if self._unsaved and self._state_file is not None and self._state is not None:
            with contextlib.suppress(OSError):
                write_blob(self._state_file, self._state, self._code + STATE_VERSION)
            self._unsaved = False

    def _save_parse_keys(self, state_file, state, stamps, sources) -> None:
        """After a failed build, remember source digests but not outputs (nothing was written)."""
        if state_file is None:
            return
        kept = replace(
            state,
            sources=stamps,
            parse_keys={**state.parse_keys, **{s.name: s.key for s in sources}},
            global_digest=b"",
        )
        self._save_state(state_file, kept)


def printed_bodies(output: Output, fper: Fingerprinter) -> bytes:
    """A digest of the article bodies an output prints: its own article's, a feed's entries'."""
    bodies = []
    article = output.context.get("article")
    if output.template == "article.html" and article is not None:
        bodies.append(fper.text_digest(article, article.body_html))
    feed = output.context.get("feed")
    if feed is not None:
        bodies += [fper.text_digest(entry, entry.body_html) for entry in feed.articles]
    return digest_bytes(*bodies)


def _url_of(relative_path: str) -> str:
    if relative_path.endswith("index.html"):
        return "/" + relative_path[: -len("index.html")]
    return "/" + relative_path


def _next_change(parsed: Parsed, options: BuildOptions) -> int | None:
    """When the output next changes by itself: a scheduled, expiring or ageing article, a banner."""
    now = options.now
    moments: list[dt.datetime] = []
    for article in parsed.articles:
        if article.date > now:
            moments.append(article.date)
        elif article.date + NEWS_WINDOW > now:  # leaves the Google News sitemap then
            moments.append(article.date + NEWS_WINDOW)
        if article.expires is not None and article.expires > now:
            moments.append(article.expires)
    breaking = parsed.home.breaking if parsed.home else None
    if breaking is not None and breaking.expires is not None and breaking.expires > now:
        moments.append(breaking.expires)
    return int(min(moments).timestamp() * 1e9) if moments else None
