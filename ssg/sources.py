"""Sources: find the Markdown files under `content/`, and parse the ones not in the cache.

The scan lists sources in a stable order and gives each a parse key (a digest of the
generator version, its kind, its path and its bytes); size and mtime spare the hashing
of files that are certainly unchanged. Parsing runs in the process pool, and every new
parse result is written to the cache in batches as it arrives.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ssg import content
from ssg.cache import ParseCache, SourceStamp, decode_blob, encode_blob, stamp_is_trusted
from ssg.config import SiteConfig
from ssg.errors import Problem, error, warning
from ssg.frontmatter import clean_text, split
from ssg.parallel import pmap, shared
from ssg.strays import is_source_folder_name, is_source_name

KINDS = (("articles", True), ("authors", False), ("topics", False), ("pages", False))

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One source file found by the scan: its kind, path and parse-cache key."""

    kind: str
    path: str  # a plain string: building 10,000 Path objects costs more than the scan
    name: str
    key: str = ""
    digest: str = ""


def _parse(kind: str, name: str, text: str, config: SiteConfig):
    base, language = config.base_path, config.language
    if kind == "articles":
        return content.parse_article(name, text, config.tz, base, language)
    if kind == "authors":
        return content.parse_author(name, text, base, language)
    if kind == "topics":
        return content.parse_topic(name, text, base, language)
    return content.parse_page(name, text, base, language)


def parse_job(source: SourceFile) -> tuple[bytes, bool]:
    """Parse one source (in a worker): an encoded cache entry, and whether it may be cached.

    The worker reads the file itself, so the parent never holds every source's text; a
    file edited since the scan is parsed as it is now but not cached under the old key.
    """
    config, version = shared()
    try:
        with open(source.path, "rb") as handle:
            data = handle.read()
    except OSError as exc:  # deleted, moved or locked since the scan
        problem = error(
            f"the file could not be read ({exc.strerror or exc})",
            source.name,
            hint="it was moved or deleted while ssg read the site: build again",
        )
        return encode_blob((source.kind, None, (problem,), ""), version), False
    cacheable = hashlib.blake2b(data, digest_size=16).hexdigest() == source.digest
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = error(
            f"file is not UTF-8 text ({exc.reason})", source.name, hint="save it as UTF-8"
        )
        return encode_blob((source.kind, None, (problem,), ""), version), False
    text, cleaned = clean_text(source.name, text)
    value, problems = _parse(source.kind, source.name, text, config)
    problems = [*cleaned, *problems]
    front = split(source.name, text)[0].front
    return encode_blob((source.kind, value, tuple(problems), front), version), cacheable


def markdown_names(folder: Path, prefix: str, recursive: bool) -> tuple[list[str], list[Problem]]:
    """The Markdown sources under `folder`, in a stable order, as site-relative strings
    (`prefix` + their path in `folder`), and an error for each folder that cannot be
    read: its stories would otherwise vanish from the site without a word.

    Names only: `scan` stats each one and skips what is not a regular file."""
    found: list[tuple[str, ...]] = []
    problems: list[Problem] = []

    def unreadable(exc: OSError) -> None:
        if isinstance(exc, FileNotFoundError):
            return  # no such folder (a site without topics), or gone since the listing
        where = os.path.relpath(exc.filename or folder, folder.parent.parent)
        problems.append(
            error(
                f"cannot read folder: {exc.strerror or exc}",
                where,
                hint="let the user who builds read the folder, or move its files out",
            )
        )

    if recursive:
        for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable):
            # like files, folders named `.x` (`.trash`, `.git`) or `_x` (`_old`) are ignored
            dirnames[:] = sorted(d for d in dirnames if is_source_folder_name(d))
            for name in dirnames:
                if os.path.islink(os.path.join(dirpath, name)):  # os.walk does not enter it
                    where = os.path.relpath(os.path.join(dirpath, name), folder.parent.parent)
                    problems.append(
                        warning(
                            "a symlinked folder is not read: its stories are not built",
                            where,
                            hint="move the folder itself here, or link its files one by one",
                        )
                    )
            base = os.path.relpath(dirpath, folder)
            parts = () if base == "." else tuple(base.split(os.sep))
            for filename in filenames:
                if is_source_name(filename):
                    found.append((*parts, filename))
    else:
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            unreadable(exc)
            entries = []
        for entry in entries:
            if entry.name.startswith((".", "_")):
                continue
            if entry.name.endswith(".md"):
                found.append((entry.name,))
            elif entry.is_dir(follow_symlinks=False) and _holds_markdown(entry.path):
                problems.append(
                    warning(
                        f"the Markdown files in this folder are not read: files here sit "
                        f"directly in {prefix}/",
                        f"{prefix}/{entry.name}/",
                        hint="move them up a level; a page's address comes from its 'slug:'"
                        if prefix.endswith("pages")
                        else "move them up a level",
                    )
                )
    found.sort()
    return ["/".join((prefix, *parts)) for parts in found], problems


def _holds_markdown(folder: str) -> bool:
    """True when a folder (or one below it) holds a Markdown file."""
    for _, _, filenames in os.walk(folder):
        if any(name.endswith(".md") for name in filenames):
            return True
    return False


def scan(
    root: Path, stamps_before: dict[str, SourceStamp], parse_version: bytes
) -> tuple[list[SourceFile], dict[str, SourceStamp], list[Problem]]:
    """List sources in a stable order and compute each one's parse key."""
    content_dir = root / "content"
    names: list[str] = []
    unreadable: list[Problem] = []
    for kind, recursive in KINDS:
        found, problems = markdown_names(content_dir / kind, f"content/{kind}", recursive)
        names += found
        unreadable += problems
    sources, stamps, problems = _stat_sources(root, names, stamps_before, parse_version)
    return sources, stamps, unreadable + problems


def _stat_sources(
    root: Path, names: list[str], stamps_before: dict[str, SourceStamp], parse_version: bytes
) -> tuple[list[SourceFile], dict[str, SourceStamp], list[Problem]]:
    """The named sources that are regular files, with their stamps and parse keys."""
    sources: list[SourceFile] = []
    stamps: dict[str, SourceStamp] = {}
    problems: list[Problem] = []
    version = parse_version.hex()
    base = os.fspath(root) + os.sep
    for name in names:
        kind = name.split("/", 2)[1]
        path = base + name
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue  # gone since the listing, or a dangling link: not a source
        except OSError as exc:
            problems.append(error(f"cannot read file: {exc.strerror}", name))
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes, kept by Python as surrogates
            shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            problems.append(error("file name is not UTF-8", shown, hint="rename the file"))
            continue
        stamp = stamps_before.get(name)
        if not stamp_is_trusted(stamp, st):
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.append(
                    error(
                        f"file is not UTF-8 text ({exc.reason})",
                        name,
                        hint="save it as UTF-8",
                    )
                )
                continue
            except OSError as exc:
                problems.append(error(f"cannot read file: {exc.strerror}", name))
                continue
            stamp = SourceStamp(
                st.st_size,
                st.st_mtime_ns,
                hashlib.blake2b(data, digest_size=16).hexdigest(),
                time.time_ns(),
            )
        stamps[name] = stamp
        key = hashlib.blake2b(
            f"{version}\0{kind}\0{name}\0{stamp.digest}".encode(), digest_size=16
        ).hexdigest()
        sources.append(SourceFile(kind, path, name, key, stamp.digest))
    return sources, stamps, problems


def _order(source: SourceFile) -> tuple:
    """The place of a source in `scan`'s order: by kind, then by path parts."""
    kind = source.name.split("/", 2)[1]
    return (_KIND_ORDER.get(kind, len(KINDS)), tuple(source.name.split("/")[2:]))


_KIND_ORDER = {kind: number for number, (kind, _) in enumerate(KINDS)}


def rescan(
    root: Path,
    sources: list[SourceFile],
    stamps: dict[str, SourceStamp],
    changed: Iterable[Path],
    parse_version: bytes,
) -> tuple[list[SourceFile], dict[str, SourceStamp], list[Problem]] | None:
    """`scan`'s result after only the `changed` paths changed, from the previous result;
    None when that cannot be told from the paths alone (a folder, or anything that is
    not a source file) and a full scan is needed.

    The preview server passes the paths its file watcher reported, and checks the result
    with a full scan after the browser has reloaded (`Builder.verify`).
    """
    content = root / "content"
    names = []
    for path in changed:
        try:
            parts = path.relative_to(content).parts
        except ValueError:
            if path.is_relative_to(root / "layouts") or path.is_relative_to(root / "assets"):
                continue  # read in full by every build anyway
            if path.name in ("site.yml", "home.yml"):
                continue
            return None
        kind = parts[0] if parts else ""
        recursive = dict(KINDS).get(kind)
        if recursive is None or len(parts) < 2 or (not recursive and len(parts) != 2):
            return None
        if not parts[-1].endswith(".md") or any(p.startswith((".", "_")) for p in parts[1:]):
            return None
        names.append("/".join(("content", *parts)))
    if not names:
        return list(sources), dict(stamps), []
    found, new_stamps, problems = _stat_sources(root, names, stamps, parse_version)
    changed_names = set(names)
    by_name = {s.name: s for s in found}
    if by_name.keys() == changed_names and changed_names <= stamps.keys():
        # edits of existing files only: same sources, same order
        merged = [by_name.get(s.name, s) for s in sources]
    else:  # files added or removed
        kept = [s for s in sources if s.name not in changed_names]
        merged = sorted([*kept, *found], key=_order)
    all_stamps = {**stamps, **new_stamps}
    for name in changed_names - new_stamps.keys():
        all_stamps.pop(name, None)
    return merged, all_stamps, problems


def load_entries(
    sources: list[SourceFile],
    cache: ParseCache | None,
    config: SiteConfig,
    memo: dict[str, tuple],
    dead: set[str],
    jobs: int,
    progress: Progress | None = None,
    unstable: set[str] | None = None,
) -> dict[str, tuple]:
    """Parsed values for every source: from memory, from the cache, or parsed now.

    A file that changed between the scan and its parse is parsed as it is now; its key
    (the scan's) goes into `unstable`, and it must not be remembered under that key."""
    entries: dict[str, tuple] = {}
    for source in sources:
        entry = memo.get(source.key)
        if entry is not None:
            entries[source.key] = entry
    missing = [s.key for s in sources if s.key not in entries]
    if cache is not None and missing:
        for key, entry in cache.get_many(missing).items():
            if isinstance(entry, tuple) and len(entry) == 4:
                entries[key] = entry
    todo = [source for source in sources if source.key not in entries]
    version = cache.version if cache else b""
    batch: list[tuple[str, bytes]] = []
    jobs = pmap(parse_job, todo, jobs, (config, version))
    for done, (source, (blob, cacheable)) in enumerate(zip(todo, jobs, strict=True), 1):
        entries[source.key] = decode_blob(blob, version)
        if cacheable:
            batch.append((source.key, blob))
        elif unstable is not None:
            unstable.add(source.key)
        if cache is not None and len(batch) >= 500:  # stream to disk: bounded memory
            cache.put_many(batch, set())
            batch = []
        if progress and done % 200 == 0:
            progress("parse", done, len(todo))
    if cache is not None:
        cache.put_many(batch, dead)
    return entries
