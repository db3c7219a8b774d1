"""The incremental build engine: one mechanism for `ssg build` and the live-preview server.

`Builder(root, ...).build()` runs the whole pipeline but skips work whose inputs did
not change: sources whose bytes are unchanged come from the parse cache, pages whose
fingerprint (template + context + config + code) is unchanged are not rendered, and
files whose bytes are unchanged are not rewritten. Heavy steps run in a process pool.
When only story texts changed, a new process skips the site model altogether and renders
just the pages that print them (`ssg.quick`). The result is byte-identical to a clean
build; the property tests check exactly that.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from ssg.assetrefs import missing_assets
from ssg.bodies import elide_bodies
from ssg.build import assemble, plan_all
from ssg.cache import BuildState, OutputEntry
from ssg.drafts import excuse_drafts
from ssg.errors import BuildFailed, Problem, has_errors, unique
from ssg.fingerprint import Fingerprinter, code_version, printed_articles
from ssg.folders import output_write_problem
from ssg.fragments import CardRenderer
from ssg.frontmatter import locator
from ssg.logo import logo_problem
from ssg.memo import IdentityMemo, NoMemo
from ssg.model import Article
from ssg.parallel import default_jobs, freeze_heap, release_free_memory, thaw_heap
from ssg.photos import process_photos
from ssg.plan import Output, misplaced_outputs, output_path, url_of_file
from ssg.preparation import Preparer
from ssg.quick import text_edit
from ssg.rendering import (
    BuildReport,
    BuildRun,
    commit_outputs,
    fingerprint_outputs,
    remember_printed_bodies,
    render_into,
    stage_assets,
)
from ssg.search import BUNDLE as SEARCH_BUNDLE
from ssg.search import has_index
from ssg.site import BuildOptions, build_site
from ssg.snapshot import Snapshot, SnapshotSave, SnapshotStore, take_snapshot
from ssg.sourcelinks import with_link_lines
from ssg.sources import KINDS, Progress, load_entries
from ssg.structured import headline_warnings
from ssg.templates import template_file
from ssg.timeline import change_window
from ssg.writer import CommitFailed, existing_files, make_staging, matches

__all__ = ["BuildReport", "Builder"]

# digests that leave story bodies out (they count only where printed: see printed_bodies)
WITHOUT_BODIES = {Article: frozenset({"body_html"})}


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
        self.live = live
        self._code = code_version()
        self.preparer = Preparer(
            root,
            self.config_path,
            output,
            base_url,
            self._code,
            jobs=jobs or default_jobs(),
            progress=progress,
            use_cache=use_cache,
            live=live,
        )
        self._memo: dict[str, tuple] = {}
        # a one-off build has no next build to hand unchanged objects to
        self._identity = IdentityMemo() if live else NoMemo()
        self._fper: Fingerprinter | None = None
        self._kept_snapshot: Snapshot | None = None  # a live builder's, see ssg.quick
        self._thaw_after_build = False  # see `_freeze_model`

    @property
    def base_url(self) -> str | None:
        """The `base_url` this builder was made with (the preview makes a new builder when
        its own address changes)."""
        return self.preparer.base_url

    def build(self, changed_paths: set[Path] | None = None) -> BuildReport:
        """Bring the output folder up to date with the sources.

        `changed_paths` are the paths a file watcher reported. A one-off build ignores
        them: every source's size and mtime (and, when in doubt, its bytes) are checked. A
        live builder looks at just those sources, and `verify()` checks the rest after
        the browser has reloaded, so an event the watcher missed costs one more rebuild,
        never a stale page.

        Three ways through: nothing changed (a check of the output's files), only story
        texts changed (`ssg.quick`), or the full pipeline below.
        """
        timings: dict[str, float] = {}
        clock = [time.perf_counter()]

        def lap(name: str) -> None:
            now = time.perf_counter()
            timings[name] = timings.get(name, 0.0) + now - clock[0]
            clock[0] = now

        run = self.preparer.prepare(self.options or BuildOptions(), timings, lap, changed_paths)
        if isinstance(run, BuildReport):
            return run
        try:
            return self._build(run)
        finally:
            thaw_heap(self._thaw_after_build)
            self._thaw_after_build = False
            if run.cache is not None:  # no connection outlives a build (or its thread)
                run.cache.close()

    def _build(self, run: BuildRun) -> BuildReport:
        if self._nothing_changed(run):
            run.lap("check")
            return self._unchanged(run)
        templates, skip_bodies = self.preparer.template_facts(run.env)
        if not has_errors(run.unremembered) and skip_bodies:
            head = Fingerprinter(WITHOUT_BODIES, keep_contexts=False)
            # the preview's folder under .ssg-cache/ is written by this builder alone
            printing = partial(self._printing, run)
            done = text_edit(
                run, templates, head, printing, check_outputs=not self.live, memo=self._memo
            )
            if done is not None:
                self.preparer.states.save(run.state_file, done.state)
                if self.live and self._kept_snapshot is not None:
                    self._kept_snapshot.outputs.update(done.outputs)
                    # parse results by key, for the next build: the edited stories' new ones
                    known = {**self._memo, **done.entries}
                    self._memo = {s.key: known[s.key] for s in run.sources if s.key in known}
                run.lap("write")
                return done.report
            run.lap("check")
        return self._full_build(run)

    def _printing(self, run: BuildRun, paths: list[str]) -> list[Output] | None:
        """The last full build's outputs that print these stories: kept in memory by a
        live builder, stored beside the parse cache by `ssg build`."""
        if self.live:
            return self._kept_snapshot.printing(paths) if self._kept_snapshot else None
        if run.snapshot_file is None:
            return None
        return SnapshotStore(run.snapshot_file, self._code).printing(
            run.state.snapshot_token, paths
        )

    def _nothing_changed(self, run: BuildRun) -> bool:
        """True when every input and every output file is as the last build left them."""
        state, out_dir = run.state, run.out_dir
        return (
            not has_errors(run.unremembered)
            and not (self.live and self._fper is None)  # a live builder wants its model
            and state.global_digest == run.global_digest
            and state.holds_at(run.now_ns)
            and all(matches(f"{out_dir}/{rel}", entry) for rel, entry in state.outputs.items())
            and (not run.search_wanted or has_index(out_dir))
        )

    def _unchanged(self, run: BuildRun) -> BuildReport:
        """The report of a build that had nothing to do (sources' stamps are refreshed)."""
        state = run.state
        if run.stamps != state.sources:
            state.sources = run.stamps
            self.preparer.states.save(run.state_file, state)
        else:
            self.preparer.states.last = state
        return BuildReport(
            True,
            run.out_dir,
            pages=state.pages,
            files=len(state.outputs),
            unchanged=len(state.outputs),
            problems=tuple(unique([*run.problems, *state.warnings])),
            timings=run.timings,
            mode="unchanged",
        )

    def _full_build(self, run: BuildRun) -> BuildReport:
        """Steps 2-5: parse, link, plan, render and write, skipping what did not change."""
        config, options, state, out_dir, lap = (
            run.config,
            run.options,
            run.state,
            run.out_dir,
            run.lap,
        )
        problems = run.problems
        sources = run.sources

        # 2. parse what is not cached, in parallel
        dead = set(state.parse_keys.values()) - {s.key for s in sources}
        unstable: set[str] = set()  # files changed since the scan: not remembered
        entries = load_entries(
            sources, run.cache, config, self._memo, dead, run.jobs, run.progress, unstable
        )
        self._memo = {s.key: entries[s.key] for s in sources if s.key not in unstable}
        unstable_names = {s.name for s in sources if s.key in unstable}
        if unstable and self.live:
            self.preparer.forget_scan()
        parsed_lists: dict[str, list] = {kind: [] for kind, _ in KINDS}
        fronts: dict[str, str] = {}
        for source in sources:
            kind, value, entry_problems, front = entries[source.key]
            problems += entry_problems
            fronts[source.name] = front
            if value is not None:
                parsed_lists[kind].append(value)
        parsed, home_problems = assemble(parsed_lists, fronts, self.root, config)
        as_parsed = parsed.articles  # before the photo stage and the site model
        problems += home_problems
        self._freeze_model()
        lap("parse")
        # unchanged sources come back from the parse memo as the same objects; the photo
        # stage and the site model then return their previous results for them too
        self._identity.start_build(run.model_inputs)
        photos = process_photos(
            self.root,
            config,
            parsed,
            run.assets,
            run.image_cache,
            self._identity,
            run.progress,
            self.config_path,
        )
        parsed = photos.parsed
        problems += photos.problems
        lap("images")
        site, link_problems = build_site(config, parsed, options, run.assets, self._identity)
        link_problems = with_link_lines(link_problems, self.root)
        self._identity.end_build()
        problems += link_problems
        problems += headline_warnings(site.articles, parsed.fronts)
        if missing_logo := logo_problem(config, run.assets, self.config_path):
            problems.append(missing_logo)
        problems[:] = excuse_drafts(problems, parsed.articles, options.drafts)
        self._freeze_model()
        lap("link")
        if has_errors(problems):
            return self._failed(run)

        # 3. plan and fingerprint every output; only changed fingerprints are rendered
        outputs = plan_all(site, options)
        locate = locator(parsed.fronts)
        published = {*run.published.files, *(k for k, v in photos.files.items() if v is not None)}
        bundle = SEARCH_BUNDLE if config.search else None
        if wrong := misplaced_outputs(outputs, published, locate, bundle):
            problems += wrong
            return self._failed(run)
        # a story's body matters only to its own page and the feeds, unless a template
        # prints it elsewhere: then it stays in every digest
        templates, skip_bodies = self.preparer.template_facts(run.env)
        used = {o.template for o in outputs}
        shown = partial(template_file, run.env)
        if wrong := missing_assets(templates, used, published, shown, run.refused_assets):
            problems += wrong
            return self._failed(run)
        fper = self._fingerprinter(skip_bodies)
        previous = state.outputs
        todo = []
        kept: dict[str, OutputEntry] = {}
        fingerprints: list[bytes] | Callable[[], list[bytes]]
        if previous:
            fingerprints = fingerprint_outputs(run, outputs, fper, templates)
            for index, (output, fp) in enumerate(zip(outputs, fingerprints, strict=True)):
                rel = output_path(output.url)
                entry = previous.get(rel)
                if (
                    entry is not None
                    and entry.fingerprint == fp
                    and matches(f"{out_dir}/{rel}", entry)
                ):
                    kept[rel] = entry
                else:
                    todo.append(index)
        else:  # nothing to keep: every output renders, fingerprinted while helpers render
            todo = list(range(len(outputs)))
            if skip_bodies:
                remember_printed_bodies(outputs, fper)  # before bodies are left out
            fingerprints = partial(fingerprint_outputs, run, outputs, fper, templates)
        bodies = None
        if skip_bodies and not self.live and run.cache is not None and todo:
            # a one-off build reads bodies back where a page prints them (ssg.bodies);
            # the stories changed in place must not reach the next build
            holders = [as_parsed, parsed.articles, site.articles]
            holders += [printed_articles(o) for o in outputs]
            holders.append([e[1] for e in entries.values() if type(e[1]) is Article])
            bodies = elide_bodies(run.cache, sources, as_parsed, holders)
            self._memo, self._fper = {}, None
            del holders
            release_free_memory()
        lap("plan")

        # 4. render into a staging folder; the output folder is touched only on success.
        # A one-off build saves the snapshot one-article rebuilds start from while the
        # forked helpers render (it reads the outputs only, and no render result); the
        # new state names it only if this build succeeds.
        save_snapshot = None
        if skip_bodies and not self.live and run.snapshot_file is not None:
            rendered = [outputs[i].url for i in todo]
            store = SnapshotStore(run.snapshot_file, self._code)
            save_snapshot = SnapshotSave(store, state.snapshot_token, outputs, rendered, as_parsed)
        try:
            staging = make_staging(out_dir)
        except OSError as exc:
            return self._failed(run, [output_write_problem(out_dir, exc)])
        try:
            results: dict[str, OutputEntry] = dict(kept)
            written, changed_urls = render_into(
                run,
                outputs,
                fingerprints,
                todo,
                staging,
                results,
                problems,
                bodies,
                meanwhile=save_snapshot,
            )
            run.env.globals["card"] = CardRenderer(run.env)  # this process rendered cards too
            lap("render")
            if has_errors(problems):
                shutil.rmtree(staging, ignore_errors=True)
                return self._failed(run)
            asset_written = stage_assets(
                run, {**run.published.files, **photos.files}, staging, results, photos.trusted
            )
            lap("assets")
            if state.out_dir == str(out_dir) and state.outputs:
                removed = sorted(previous.keys() - results.keys())
            elif out_dir.exists():
                removed = sorted(set(existing_files(out_dir)) - results.keys())
            else:
                removed = []
            if config.search:  # the index is not a planned output: keep it
                removed = [r for r in removed if not r.startswith(SEARCH_BUNDLE + "/")]
            try:
                search_report = commit_outputs(
                    run, staging, written, asset_written, removed, results, len(site.articles)
                )
            except BuildFailed as failed:
                shutil.rmtree(staging, ignore_errors=True)
                return self._failed(run, failed.problems)
            if search_report is not None:
                problems += search_report.warnings
        except CommitFailed as exc:  # undone: the output folder is as it was, or says not
            problem = output_write_problem(out_dir, exc, exc.unrestored)
            return self._failed(run, [problem], output_kept=not exc.unrestored)
        except OSError as exc:  # a full disk, a read-only folder: in this process or a helper
            shutil.rmtree(staging, ignore_errors=True)
            return self._failed(run, [output_write_problem(out_dir, exc)])
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

        # 5. remember what was written, for the next build
        unremembered = set(run.unremembered)
        last_change, next_change = change_window(parsed, options)
        new_state = BuildState(
            out_dir=str(out_dir),
            # a source that changed while it was read is recorded as unknown, so the next
            # build parses it again instead of trusting the scan's key for what was parsed
            global_digest=b"" if unstable else run.global_digest,
            base_digest=run.base_digest,
            last_change_ns=last_change,
            next_change_ns=next_change,
            outputs=results,
            sources={n: stamp for n, stamp in run.stamps.items() if n not in unstable_names},
            parse_keys={s.name: "" if s.key in unstable else s.key for s in sources},
            pages=len(outputs),
            articles=len(site.articles),
            # warnings found anew by every build (a folder not read, a symlink refused)
            # must go once their cause does, and one-offs must not come back: neither
            # is remembered
            warnings=tuple(p for p in unique(problems) if not p.is_error and p not in unremembered),
        )
        self._kept_snapshot = None
        if skip_bodies and self.live:
            self._kept_snapshot = take_snapshot(outputs)
        elif save_snapshot is not None:
            new_state.snapshot_token = save_snapshot.token  # empty if it could not be saved
        self.preparer.states.save(run.state_file, new_state)
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
            changed_urls=tuple(changed_urls) + tuple(url_of_file(r) for r in removed),
            assets_only=bool(all_written or removed)
            and not any(r.endswith(".html") for r in [*all_written, *removed]),
            problems=tuple(unique(problems)),
            timings=run.timings,
            rendered=len(todo),
            site=site,
            search=search_report,
        )

    def _freeze_model(self) -> None:
        """Keep what a one-off build has made so far out of the collector's full passes
        until the build ends (`freeze_heap`). A live builder freezes its model after
        each build instead."""
        if not self.live:
            self._thaw_after_build = freeze_heap() or self._thaw_after_build

    def _failed(
        self, run: BuildRun, more: Iterable[Problem] = (), *, output_kept: bool = True
    ) -> BuildReport:
        """The report of a failed build; the output folder was not touched (or, when not
        `output_kept`, could not be put back). The sources' digests are remembered, the
        outputs not."""
        self._kept_snapshot = None  # it no longer describes the output folder
        if run.state_file is not None:
            kept = replace(
                run.state,
                sources=run.stamps,
                parse_keys={**run.state.parse_keys, **{s.name: s.key for s in run.sources}},
                global_digest=b"",
                snapshot_token=b"",  # the parse keys no longer describe the output
            )
            self.preparer.states.save(run.state_file, kept)
        problems = tuple(unique([*run.problems, *more]))
        return BuildReport(
            False, run.out_dir, problems=problems, timings=run.timings, output_kept=output_kept
        )

    def _fingerprinter(self, skip_bodies: bool) -> Fingerprinter:
        """The builder's Fingerprinter: digests of objects the site model reused are kept."""
        skip = WITHOUT_BODIES if skip_bodies else {}
        if self._fper is None or self._fper.skip != skip:
            # a one-off `ssg build` has no next build to reuse context digests in
            self._fper = Fingerprinter(skip, keep_contexts=self.live)
        else:
            self._fper.next_build()
        return self._fper

    def verify(self) -> bool:
        """True when the sources are as the last build saw them (see `Preparer.verify`)."""
        return self.preparer.verify()

    def close(self) -> None:
        """Write the state a live builder kept in memory, and let go of the parse cache and
        any temporary photo folder."""
        self.preparer.close()
