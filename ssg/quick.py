"""The text-edit path: a rebuild after only the text of some stories changed.

The commonest edit in a newsroom is a fix to a story's text: a typo, a new paragraph.
Such an edit changes nothing that other pages show of a story (headline, dek, summary,
dates, authors, topics, photo): only the pages that print its body, which are its own
page and the feeds it appears in. A new process would otherwise read back every
parsed source, link the whole site and fingerprint every output to find that out.

So the last full build's outputs that print story bodies are kept (`ssg.snapshot`), and
when every other input is unchanged and each edit passes `text_only`, just the outputs
printing the edited stories are rendered again, with their new texts. Anything else
gets the full build (`ssg.engine`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from ssg.bodies import with_bodies
from ssg.cache import BuildState
from ssg.errors import BuildFailed, has_errors, unique
from ssg.fingerprint import Fingerprinter, TemplateDigests, printed_articles
from ssg.model import Article
from ssg.plan import Output, output_path
from ssg.rendering import BuildReport, BuildRun, commit_outputs, fingerprint_outputs, render_into
from ssg.snapshot import is_elided
from ssg.sources import load_entries
from ssg.writer import make_staging, matches

MAX_EDITS = 20  # more edited stories than this at once: a full build is as quick


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
    if not as_parsed(new) or not as_parsed(old):
        return False
    return head.digest(old) == head.digest(new)


def as_parsed(article: Article) -> bool:
    """True when the site model leaves the story's body as it was parsed: no link to
    another story to resolve, no local photo to turn into `<picture>` markup."""
    return not article.links and "<img" not in article.body_html


def elided(outputs: Iterable[Output]) -> set[str]:
    """Paths of the stories these outputs print whose body the snapshot left out."""
    return {
        a.path for output in outputs for a in printed_articles(output) if is_elided(a.body_html)
    }


@dataclass(frozen=True, slots=True)
class TextEdit:
    """A finished text-edit build: the new state, its report, and the outputs rendered
    with new texts, by URL (a live builder puts them in its snapshot)."""

    state: BuildState
    report: BuildReport
    outputs: dict[str, Output]
    entries: dict[str, tuple]  # the edited stories' parse results, by parse key


def text_edit(
    run: BuildRun,
    templates: TemplateDigests,
    head: Fingerprinter,
    printing: Callable[[list[str]], list[Output] | None],
    check_outputs: bool = True,
    memo: Mapping[str, tuple] | None = None,
) -> TextEdit | None:
    """Render only the pages printing the stories whose text alone changed; None when
    the build needs the full pipeline.

    The caller has checked that no template prints a story body outside its own page
    and the feeds; `head` digests objects without their bodies; `printing(paths)`
    returns the last full build's outputs that print those stories (from memory or
    disk), or None. `check_outputs` False trusts that nobody else wrote to the output
    folder (the preview's own folder): otherwise a file changed there since the last
    build sends it to the full build, which rewrites it. `memo` holds parse results a
    live builder kept, by parse key; the rest come from the parse cache.
    """
    state, cache = run.state, run.cache
    known = state.parse_keys
    if (
        cache is None
        or not state.base_digest
        or state.base_digest != run.base_digest
        or not state.holds_at(run.now_ns)
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
    outputs = printing([s.name for s in edited])
    if outputs is None:
        return None
    old_keys = [known[s.name] for s in edited]
    memo = memo or {}
    before = {key: memo[key] for key in old_keys if key in memo}
    if len(before) < len(old_keys):
        before.update(cache.get_many([key for key in old_keys if key not in before]))
    unstable: set[str] = set()
    after = load_entries(edited, cache, run.config, dict(memo), set(), run.jobs, None, unstable)
    if unstable:  # edited again while being read: the full path records it as unknown
        return None
    bodies: dict[str, str] = {}
    old_bodies: dict[str, str] = {}
    for source, old_key in zip(edited, old_keys, strict=True):
        old, new = before.get(old_key), after[source.key]
        if old is None or not text_only(old, new, head):
            return None
        bodies[source.name] = new[1].body_html
        old_bodies[source.name] = old[1].body_html
    for output in outputs:  # an edited story must reach these pages as it was parsed
        for story in printed_articles(output):
            body = story.body_html
            if story.path in old_bodies and not (is_elided(body) or body == old_bodies[story.path]):
                return None
    # the other stories these pages print (feed entries) come back from the parse cache
    others = elided(outputs) - bodies.keys()
    stored = cache.get_many([known[p] for p in others if p in known])
    for path in others:
        entry = stored.get(known.get(path, ""))
        if entry is None or not isinstance(entry[1], Article) or not as_parsed(entry[1]):
            return None
        bodies[path] = entry[1].body_html
    outputs = [with_bodies(o, bodies) for o in outputs]
    if elided(outputs):
        return None
    fingerprints = fingerprint_outputs(run, outputs, head, templates)
    todo = [
        i
        for i, (o, fp) in enumerate(zip(outputs, fingerprints, strict=True))
        if getattr(state.outputs.get(output_path(o.url)), "fingerprint", None) != fp
    ]
    run.lap("text")
    try:
        staging = make_staging(run.out_dir)
    except OSError:  # the full build reports it, naming the folder
        return None
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
        try:
            search = commit_outputs(run, staging, written, [], [], results, state.articles)
        except (BuildFailed, OSError):  # a read-only output folder, a full disk: the full
            shutil.rmtree(staging, ignore_errors=True)  # build reports it, naming the folder
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
    entries = {s.key: after[s.key] for s in edited}
    return TextEdit(new_state, report, {o.url: o for o in outputs}, entries)
