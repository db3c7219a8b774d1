"""Links between sources (`[earlier](../2026/salt.md)`): markers in rendered HTML become the
target's address once every page's address is known.

Both maps are keyed by `path_key` (one Unicode form). A target without a page is explained
by `absent`: `draft`, `scheduled`, `expired` or `unreadable` (it failed to parse, and its
own error says so). A link to an expired story loses its `<a>` and keeps its text, with a
warning: a story's expiry must not fail a later build of every story that links to it.
The site model keeps links, not where they were written: a problem about a link is given
its line afterwards, from the source file, only when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from ssg.errors import Problem, error, warning
from ssg.folders import path_key
from ssg.markdown import LINK_MARKER, replace_markers
from ssg.model import Article, Page

LINK_HINT = "link to another article with a relative path, e.g. ../2024/other-story.md"

Linking = TypeVar("Linking", Article, Page)


def with_resolved_links(
    item: Linking,
    url_of: Mapping[str, str],
    absent: Mapping[str, str],
    base_path: str,
    problems: list[Problem],
) -> Linking:
    """`item` with the source links in its body resolved (see `resolve_links`)."""
    if not item.links:
        return item
    html = resolve_links(item.body_html, item.links, url_of, absent, base_path, item.path, problems)
    return replace(item, body_html=html)


def resolve_links(
    html: str,
    targets: Iterable[str],
    url_of: Mapping[str, str],
    absent: Mapping[str, str],
    base_path: str,
    path: str,
    problems: list[Problem],
    line: int | None = None,
) -> str:
    """`html` (of the source at `path`, linking `targets`) with its markers resolved;
    problems about dead links go to `problems`, at `line` when known."""
    for target in dict.fromkeys(t for t in targets if absent.get(path_key(t)) == "expired"):
        problems.append(
            warning(
                f"link to {target}, which has expired: the link is left out, its text kept",
                path,
                line,
                hint="remove the link, or link to a story that is still published",
            )
        )
        html = unlinked(html, target)

    def resolve(target: str, fragment: str) -> str:
        url = url_of.get(path_key(target))
        if url is not None:
            return base_path + url[1:] + fragment
        why = absent.get(path_key(target))
        if why != "unreadable":
            said = {"draft": "is a draft", "scheduled": "is scheduled for later"}
            problems.append(
                error(
                    f"link to {target} {said.get(why or '', 'does not exist')}",
                    path,
                    line,
                    hint="publish it first, or link to another story" if why else LINK_HINT,
                )
            )
        return "#"

    return replace_markers(html, resolve)


def unlinked(html: str, target: str) -> str:
    """`html` with the links to source `target` replaced by their text."""
    marker = re.escape(LINK_MARKER + quote(target, safe="/"))
    pattern = re.compile(rf'<a\s[^>]*?href="{marker}(?:#[^"]*)?"[^>]*>(.*?)</a>', re.DOTALL)
    return pattern.sub(r"\1", html)


def with_link_lines(problems: list[Problem], root: Path) -> list[Problem]:
    """Problems about links between sources, given the line of the link in its source
    when they have none (the site model keeps links, not where they were written):
    the first line of the file that links to that file name. Read only on errors."""
    located = []
    for problem in problems:
        if problem.line is None and problem.path and problem.message.startswith("link to "):
            target = problem.message.split()[2].rstrip(",:").rsplit("/", 1)[-1]
            line = _line_linking(root / problem.path, target)
            if line is not None:
                problem = replace(problem, line=line)
        located.append(problem)
    return located


def _line_linking(path: Path, name: str) -> int | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if "](" in line and re.search(rf"[(/<]{re.escape(name)}(?:[#)>\s]|$)", line):
            return number
    return None
