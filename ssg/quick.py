"""The text-edit path: a rebuild after only the text of some stories changed.

The commonest edit in a newsroom is a fix to a story's text: a typo, a new paragraph.
Such an edit changes nothing that other pages show of a story (headline, dek, summary,
dates, authors, topics, photo): only the pages that print its body, which are its own
page and the feeds it appears in. A new process would otherwise read back every
parsed source, link the whole site and fingerprint every output to find that out.

So a full build saves a *snapshot*: the planned outputs that print story bodies (article
pages and feeds), pickled as one graph. A body that reached the pages as it was parsed
is stored as a reference to its source, not as text, so a text edit leaves the snapshot
valid. The engine (`ssg.engine`) takes this path only when every other input is
unchanged and each edit passes `text_only`; anything else gets the full build.
"""

from __future__ import annotations

import gc
import io
import pickle
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ssg.cache import BuildState, read_blob, write_blob
from ssg.errors import BuildFailed, has_errors, unique
from ssg.evolve import evolve
from ssg.fingerprint import Fingerprinter, TemplateDigests, printed_articles
from ssg.model import Article
from ssg.plan import Output, output_path
from ssg.rendering import BuildReport, BuildRun, commit_outputs, fingerprint_outputs, render_into
from ssg.sources import load_entries
from ssg.writer import make_staging, matches

SNAPSHOT_VERSION = b"snapshot-1"
MAX_EDITS = 20  # more edited stories than this at once: a full build is as quick


class _Elided(str):
    """A story body left out of the snapshot; `with_bodies` puts the text back."""

    __slots__ = ()


ELIDED = _Elided("")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The outputs that print story bodies, as the last full build planned them.

    `printers` maps a story's source path to the indices of the outputs printing its
    body; `plain` holds the stories whose body in those outputs is exactly the parsed
    body (no links resolved, no photos swapped in), which the snapshot stores elided.
    """

    token: bytes
    outputs: tuple[Output, ...]
    printers: dict[str, tuple[int, ...]]
    plain: frozenset[str]


def take_snapshot(token: bytes, outputs: Iterable[Output], parsed: Sequence[Article]) -> Snapshot:
    """The snapshot of a build's `outputs`, given the articles as parsed (before linking)."""
    parsed_bodies = _body_owners(parsed)
    printing: list[Output] = []
    printers: dict[str, list[int]] = {}
    plain: set[str] = set()
    impure: set[str] = set()
    for output in outputs:
        stories = printed_articles(output)
        if not stories:
            continue
        for story in stories:
            printers.setdefault(story.path, []).append(len(printing))
            if parsed_bodies.get(id(story.body_html)) == story.path:
                plain.add(story.path)
            else:
                impure.add(story.path)
        printing.append(output)
    return Snapshot(
        token,
        tuple(printing),
        {path: tuple(indices) for path, indices in printers.items()},
        frozenset(plain - impure),
    )


def _body_owners(parsed: Sequence[Article]) -> dict[int, str | None]:
    """id of each parsed body string -> its story's path (None when two share one)."""
    owners: dict[int, str | None] = {}
    for article in parsed:
        if not article.body_html:
            continue
        key = id(article.body_html)
        owners[key] = article.path if owners.get(key, article.path) == article.path else None
    return owners


class _Writer(pickle.Pickler):
    def __init__(self, handle: io.BytesIO, owners: dict[int, str | None]):
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.owners = owners

    def persistent_id(self, obj: object) -> str | None:
        if type(obj) is str:
            return self.owners.get(id(obj))
        return None


class _Reader(pickle.Unpickler):
    def persistent_load(self, pid: object) -> str:
        return ELIDED


def save_snapshot(
    path: Path, snapshot: Snapshot, parsed: Sequence[Article], version: bytes
) -> None:
    """Write `snapshot` atomically, with the parsed bodies of plain stories elided."""
    owners = {key: owner for key, owner in _body_owners(parsed).items() if owner in snapshot.plain}
    buffer = io.BytesIO()
    _Writer(buffer, owners).dump(snapshot)
    write_blob(path, buffer.getvalue(), version + SNAPSHOT_VERSION)


def load_snapshot(path: Path, version: bytes, token: bytes) -> Snapshot | None:
    """The snapshot saved with `token`; None when it is missing, damaged or another one."""
    data = read_blob(path, version + SNAPSHOT_VERSION)
    if not isinstance(data, bytes):
        return None
    enabled = gc.isenabled()
    gc.disable()  # a graph of frozen objects: nothing for the collector to find
    try:
        snapshot = _Reader(io.BytesIO(data)).load()
    except Exception:  # a checksum collision or a class that changed: not trusted
        return None
    finally:
        if enabled:
            gc.enable()
    if not isinstance(snapshot, Snapshot) or snapshot.token != token:
        return None
    return snapshot


def text_only(before: tuple, after: tuple, head: Fingerprinter) -> bool:
    """True when two parse results of one story differ in its body text alone.

    Parse results are `(kind, value, problems, front matter text)`. The front matter
    text and the problems must be equal (a warning's line number is part of it), and the
    parsed story equal in every field but its body (`head` leaves bodies out). A body
    with a local photo or a link to another story is rewritten by the site model, so
    it is left to a full build.
    """
    if before[0] != "articles" or after[0] != "articles":
        return False
    old, new = before[1], after[1]
    if not isinstance(old, Article) or not isinstance(new, Article):
        return False
    if before[2] != after[2] or before[3] != after[3] or has_errors(after[2]):
        return False
    if new.links or "<img" in new.body_html or "<img" in old.body_html:
        return False
    return head.digest(old) == head.digest(new)


def with_bodies(output: Output, bodies: Mapping[str, str]) -> Output:
    """`output` with the bodies of the stories it prints taken from `bodies`, by path."""

    def refreshed(article: Article) -> Article:
        body = bodies.get(article.path)
        return article if body is None else evolve(article, body_html=body)

    context = dict(output.context)
    if output.template == "article.html" and context.get("article") is not None:
        context["article"] = refreshed(context["article"])
    feed = context.get("feed")
    if feed is not None:
        context["feed"] = evolve(feed, articles=tuple(refreshed(a) for a in feed.articles))
    return Output(output.url, output.template, context)


def elided(outputs: Iterable[Output]) -> set[str]:
    """Paths of the stories these outputs print whose body the snapshot left out."""
    return {
        a.path
        for output in outputs
        for a in printed_articles(output)
        if type(a.body_html) is _Elided
    }


@dataclass(frozen=True, slots=True)
class TextEdit:
    """A finished text-edit build: the new state, its report, and the snapshot with the
    edited stories' new texts (a long-lived builder keeps it for the next edit)."""

    state: BuildState
    report: BuildReport
    snapshot: Snapshot


def text_edit(
    run: BuildRun,
    templates: TemplateDigests,
    head: Fingerprinter,
    get_snapshot: Callable[[], Snapshot | None],
    check_outputs: bool = True,
) -> TextEdit | None:
    """Render only the pages printing the stories whose text alone changed; None when
    the build needs the full pipeline.

    The caller has checked that no template prints a story body outside its own page
    and the feeds; `head` digests objects without their bodies; `get_snapshot` returns
    the snapshot of the last build (from memory or disk), or None. `check_outputs`
    False trusts that nobody else wrote to the output folder (the preview's own folder):
    otherwise a file changed there since the last build sends it to the full build,
    which rewrites it.
    """
    state, cache = run.state, run.cache
    known = state.parse_keys
    if (
        cache is None
        or state.base_digest != run.base_digest
        or (state.next_change_ns is not None and run.now_ns >= state.next_change_ns)
        or len(known) != len(run.sources)
    ):
        return None
    edited = []
    for source in run.sources:
        key = known.get(source.name)
        if key is None or (key != source.key and source.kind != "articles"):
            return None  # a source added, removed or renamed, or not a story
        if key != source.key:
            edited.append(source)
    out = str(run.out_dir)
    if (
        not edited
        or len(edited) > MAX_EDITS
        or (
            check_outputs
            and not all(matches(f"{out}/{rel}", e) for rel, e in state.outputs.items())
        )
    ):
        return None
    snapshot = get_snapshot()
    if snapshot is None:
        return None
    old_keys = [known[s.name] for s in edited]
    before = cache.get_many(old_keys)
    after = load_entries(edited, cache, run.config, {}, set(), run.jobs)
    bodies: dict[str, str] = {}
    for source, old_key in zip(edited, old_keys, strict=True):
        old, new = before.get(old_key), after[source.key]
        if old is None or not text_only(old, new, head):
            return None
        if source.name in snapshot.printers and source.name not in snapshot.plain:
            return None  # its pages show a rewritten body (links, photos)
        bodies[source.name] = new[1].body_html
    indices = sorted({i for s in edited for i in snapshot.printers.get(s.name, ())})
    outputs = [snapshot.outputs[i] for i in indices]
    # the other stories these pages print (feed entries) come back from the parse cache
    others = elided(outputs) - bodies.keys()
    stored = cache.get_many([known[p] for p in others if p in known])
    for path in others:
        entry = stored.get(known.get(path, ""))
        if entry is not None and isinstance(entry[1], Article):
            bodies[path] = entry[1].body_html
    outputs = [with_bodies(o, bodies) for o in outputs]
    if elided(outputs):
        return None
    refreshed = dict(zip(indices, outputs, strict=True))
    snapshot = replace(
        snapshot,
        outputs=tuple(refreshed.get(i, o) for i, o in enumerate(snapshot.outputs)),
    )
    fingerprints = fingerprint_outputs(run, outputs, head, templates)
    todo = [
        i
        for i, (o, fp) in enumerate(zip(outputs, fingerprints, strict=True))
        if getattr(state.outputs.get(output_path(o.url)), "fingerprint", None) != fp
    ]
    run.lap("text")
    staging = make_staging(run.out_dir)
    problems = list(run.problems)
    try:
        results = dict(state.outputs)
        written, changed_urls = render_into(
            run, outputs, fingerprints, todo, staging, results, problems
        )
        run.lap("render")
        if has_errors(problems):  # the full build reports it, with everything else
            shutil.rmtree(staging, ignore_errors=True)
            return None
        articles = sum(1 for o in snapshot.outputs if o.template == "article.html")
        try:
            search = commit_outputs(run, staging, written, [], [], results, articles)
        except BuildFailed:
            shutil.rmtree(staging, ignore_errors=True)
            return None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    cache.put_many([], set(old_keys))  # the edited stories' old parse results
    new_state = replace(
        state,
        global_digest=run.global_digest,
        outputs=results,
        sources=run.stamps,
        parse_keys={s.name: s.key for s in run.sources},
    )
    warnings = [*problems, *state.warnings, *(search.warnings if search else ())]
    report = BuildReport(
        True,
        run.out_dir,
        pages=state.pages,
        files=len(results),
        written=tuple(written),
        unchanged=len(results) - len(written),
        changed_urls=tuple(changed_urls),
        problems=tuple(unique(warnings)),
        timings=run.timings,
        rendered=len(todo),
        search=search,
        mode="text",
    )
    return TextEdit(new_state, report, snapshot)
