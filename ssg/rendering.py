"""The back half of a build: fingerprint planned outputs, render the changed ones into a
staging folder in the process pool, then index them for search and move them into place.

`ssg.engine` (the full build) and `ssg.quick` (the text-edit path) both end here, so a
page is rendered, staged and committed the same way whichever path planned it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ssg.assets import Published
from ssg.bodies import BodyLost, BodySource, lost_body_problem
from ssg.build import one_per_template_line, template_problem
from ssg.cache import BuildState, OutputEntry, ParseCache, SourceStamp, is_racy
from ssg.config import SiteConfig
from ssg.errors import Problem, has_errors, warning
from ssg.fingerprint import Fingerprinter, TemplateDigests, digest_bytes, printed_articles
from ssg.parallel import pmap_helping, shared
from ssg.plan import Output, output_path
from ssg.search import BUNDLE as SEARCH_BUNDLE
from ssg.search import SearchReport, has_index, index_site, replace_bundle, stage_view
from ssg.site import BuildOptions, Site
from ssg.sources import Progress, SourceFile
from ssg.writer import Outcome, Staged, commit, matches, signals_deferred, stage_bytes


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
    # "unchanged" (nothing to do), "text" (only story texts changed: see ssg.quick), "full"
    mode: str = "full"
    # False when a failed build could not put the previous output back (see ssg.undo)
    output_kept: bool = True

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass(frozen=True, slots=True)
class BuildRun:
    """What one build worked out before deciding how much to do: the config, the last
    build's state, the scanned sources, the template environment and the digests."""

    code: bytes  # the generator's code version
    config: SiteConfig
    options: BuildOptions
    out_dir: Path
    cache: ParseCache | None
    state: BuildState  # what the last build wrote
    state_file: Path | None
    snapshot_file: Path | None
    image_cache: Path  # encoded photos: the cache's, or a temporary folder without one
    sources: list[SourceFile]
    stamps: dict[str, SourceStamp]
    # found anew by every build (sources or asset links not read) or one-offs of this
    # build: never remembered as warnings for later builds
    unremembered: list[Problem]
    assets: dict[str, Path]  # relative path -> the file that wins (site over theme)
    asset_stats: dict[str, os.stat_result]
    published: Published  # assets to write, and the fingerprinted names
    refused_assets: frozenset[str]  # symlinks under assets/ leading out: not published
    env: jinja2.Environment
    search_wanted: bool
    model_inputs: bytes  # what the photo stage and the site model read besides sources
    base_digest: bytes  # every input but the sources
    global_digest: bytes
    now_ns: int
    jobs: int
    progress: Progress | None
    problems: list[Problem]
    timings: dict[str, float]
    lap: Callable[[str], None]


def printed_bodies(output: Output, fper: Fingerprinter) -> bytes:
    """A digest of the article bodies an output prints: its own article's, a feed's entries'."""
    return digest_bytes(*(fper.text_digest(a, a.body_html) for a in printed_articles(output)))


def remember_printed_bodies(outputs: list[Output], fper: Fingerprinter) -> None:
    """Digest now the bodies the outputs print, so `fingerprint_outputs` can still run
    once `ssg.bodies` has left them out of the stories (it finds them remembered)."""
    for output in outputs:
        for article in printed_articles(output):
            fper.text_digest(article, article.body_html)


def fingerprint_outputs(
    run: BuildRun, outputs: list[Output], fper: Fingerprinter, templates: TemplateDigests
) -> list[bytes]:
    """Each output's fingerprint: its template (with what that pulls in), URL, context,
    the bodies it prints, the config, the asset manifest and the generator's code.

    When `fper` leaves bodies out of object digests, the bodies an output prints are
    added on their own (`printed_bodies`)."""
    skip_bodies = bool(fper.skip)
    # pages name fingerprinted CSS/JS through asset(): the manifest is an input of each
    base = digest_bytes(run.code, fper.digest(run.config), fper.digest(run.published.manifest))
    return [
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


@dataclass(frozen=True, slots=True)
class _RenderState:
    outputs: list[Output]
    fingerprints: list[bytes] | None  # None: worked out while rendering (`render_into`)
    previous: dict[str, OutputEntry]
    out_dir: Path
    staging: Path
    env: object
    bodies: BodySource | None  # where elided story bodies are read back (`ssg.bodies`)


PENDING = b""  # the fingerprint of a file rendered before its fingerprint was worked out


def _render_job(index: int) -> Staged | Problem:
    """Render one planned output (in a worker) and stage it if its bytes changed."""
    state: _RenderState = shared()
    output = state.outputs[index]
    if state.bodies is not None:
        try:
            output = state.bodies.fill(output)
        except BodyLost as lost:
            return lost_body_problem(lost)
    try:
        template = state.env.get_template(output.template)  # type: ignore[attr-defined]
        data = template.render(output.context, page_url=output.url).encode("utf-8")
    except Exception as exc:  # any template failure is a located, user-facing problem
        return template_problem(exc, output, state.env)  # type: ignore[arg-type]
    relative_path = output_path(output.url)
    return stage_bytes(
        data,
        relative_path,
        state.fingerprints[index] if state.fingerprints is not None else PENDING,
        state.out_dir,
        state.staging,
        state.previous.get(relative_path),
    )


def render_into(
    run: BuildRun,
    outputs: list[Output],
    fingerprints: list[bytes] | Callable[[], list[bytes]],
    todo: list[int],
    staging: Path,
    results: dict[str, OutputEntry],
    problems: list[Problem],
    bodies: BodySource | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[list[str], list[str]]:
    """Render the outputs numbered in `todo` into `staging`, in the process pool, and
    record each in `results`. Returns the files written and their URLs; template
    failures go to `problems`. `bodies` reads back the story bodies left out of the
    outputs (`ssg.bodies`); `meanwhile` is called in this process while the forked
    helpers start rendering (`pmap_helping`).

    `fingerprints` is the list of every output's fingerprint, or a function returning
    it: a build that renders every output needs none to choose what to render, so this
    process works them out while the helpers render (after `meanwhile`), and they are
    recorded in `results` at the end."""
    written: list[str] = []
    changed_urls: list[str] = []
    for name in sorted({outputs[i].template for i in todo}):
        try:
            run.env.get_template(name)  # compile once, before workers fork
        except Exception as exc:
            problems.append(template_problem(exc, env=run.env))
    if has_errors(problems):
        return written, changed_urls
    later = fingerprints if callable(fingerprints) else None
    known = None if callable(fingerprints) else fingerprints
    worked_out: list[list[bytes]] = []

    def alongside() -> None:
        if meanwhile is not None:
            meanwhile()
        if later is not None:
            worked_out.append(later())

    state = _RenderState(outputs, known, run.state.outputs, run.out_dir, staging, run.env, bodies)
    # stories' own pages first, then listings and feeds: the calling process works from
    # the front and its helper from the back, and the two kinds show different story
    # cards (related boxes against rivers), so each process renders fewer cards the
    # other one renders too (a process keeps the cards it rendered)
    order = sorted(todo, key=lambda i: outputs[i].template != "article.html")
    earlier = len(problems)
    changed: list[tuple[int, str]] = []
    step = max(1, min(200, len(todo) // 100))  # about a hundred updates of the bar
    try:
        for done, (index, result) in enumerate(
            zip(
                order,
                pmap_helping(_render_job, order, run.jobs, state, meanwhile=alongside),
                strict=True,
            ),
            1,
        ):
            if run.progress and (done % step == 0 or done == len(todo)):
                run.progress("render", done, len(todo))
            if isinstance(result, Problem):
                problems.append(result)
                continue
            results[result.relative] = result.entry
            if result.outcome is Outcome.WRITTEN:
                changed.append((index, result.relative))
    finally:
        if bodies is not None:  # its disk space is given back
            bodies.close()
    problems[earlier:] = one_per_template_line(problems[earlier:])
    if worked_out:
        for index in todo:
            relative = output_path(outputs[index].url)
            entry = results.get(relative)
            if entry is not None:
                results[relative] = entry._replace(fingerprint=worked_out[0][index])
    for index, relative in sorted(changed):  # in the planned order
        written.append(relative)
        changed_urls.append(outputs[index].url)
    return written, changed_urls


def commit_outputs(
    run: BuildRun,
    staging: Path,
    pages: list[str],
    assets: list[str],
    removed: list[str],
    results: dict[str, OutputEntry],
    articles: int,
) -> SearchReport | None:
    """Index the next version of the site for search (when wanted), then move the staged
    files into the output folder. Raises BuildFailed, with the output folder untouched,
    when the search indexer fails. The folder the index is built in goes in any case, on
    an error or an interrupt too."""
    out_dir = run.out_dir
    if run.state_file is not None:
        with contextlib.suppress(OSError):  # a cache folder that cannot be used
            run.state_file.unlink(missing_ok=True)  # stale until the new one is saved
    report = None
    view = None
    pages_changed = any(r.endswith(".html") for r in [*pages, *removed])
    try:
        if run.search_wanted and (pages_changed or not has_index(out_dir)):
            # index the next version of the site before touching the output
            view = stage_view(out_dir, staging, {*pages, *assets}, results)  # both staged
            report = index_site(view, run.config, articles)
            run.lap("search")
    except BaseException:
        if view is not None:
            shutil.rmtree(view, ignore_errors=True)
        raise
    # Ctrl-C or SIGTERM meanwhile takes effect once the pages, the index and the index's
    # scratch folder are all done with (the move into the output defers them itself, and
    # would let one loose in the middle of the clean-up)
    with signals_deferred():
        try:
            for folder, why in commit(staging, out_dir, pages + assets, removed):
                left = warning(
                    f"the emptied folder {folder}/ stays in the output folder: {why}",
                    hint="let the user who builds write its parent folder, or delete it",
                )
                run.problems.append(left)
                run.unremembered.append(left)  # a one-off: not repeated by later builds
            if view is not None and (view / SEARCH_BUNDLE).is_dir():  # none without articles
                replace_bundle(view / SEARCH_BUNDLE, out_dir / SEARCH_BUNDLE)
        finally:
            if view is not None:
                shutil.rmtree(view, ignore_errors=True)
    return report


def stage_assets(
    run: BuildRun,
    files: dict[str, Path | bytes | None],
    staging: Path,
    results: dict[str, OutputEntry],
    trusted: Callable[[Path, bytes], bytes] = lambda path, data: data,
) -> list[str]:
    """Stage each asset file (a path to copy, or bytes: a minified stylesheet, an encoded
    photo) whose bytes changed; record every one in `results`. Returns those written.

    `trusted(path, data)` gives the bytes to publish for a file read from `path` (an
    encoded photo in the image cache is checked against the digest recorded for it)."""
    written = []
    previous = run.state.outputs
    out_dir = run.out_dir
    now_ns = time.time_ns()
    for rel, source in files.items():
        if source is None:  # a photo that could not be published safely
            continue
        if isinstance(source, bytes):
            fp = digest_bytes(b"asset-bytes", rel.encode(), source)
        else:
            st = run.asset_stats.get(rel) or os.stat(source)
            stat_key = b"%s:%d:%d" % (str(source).encode(), st.st_size, st.st_mtime_ns)
            # a file changed within the clock's resolution of now may change again with
            # the same size and time: its entry must not vouch for it next time
            racy = os.urandom(16) if is_racy(st.st_mtime_ns, now_ns) else b""
            fp = digest_bytes(b"asset", rel.encode(), stat_key, racy)
        entry = previous.get(rel)
        if entry is not None and entry.fingerprint == fp and matches(f"{out_dir}/{rel}", entry):
            results[rel] = entry
            continue
        data = source if isinstance(source, bytes) else trusted(source, source.read_bytes())
        staged = stage_bytes(data, rel, fp, out_dir, staging, entry)
        results[rel] = staged.entry
        if staged.outcome is Outcome.WRITTEN:
            written.append(rel)
    return written
