"""Links between sources (`[earlier](../2026/salt.md)`): markers in rendered HTML become the
target's address once every page's address is known.

Both maps are keyed by `path_key` (one Unicode form). A target without a page is explained
by `absent`: `draft`, `scheduled`, `expired` or `unreadable` (it failed to parse, and its
own error says so). A link to an expired story loses its `<a>` and keeps its text, with a
warning: a story's expiry must not fail a later build of every story that links to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from ssg.errors import Problem, error, warning
from ssg.folders import path_key
from ssg.markdown import LINK_MARKER, replace_markers

LINK_HINT = "link to another article with a relative path, e.g. ../2024/other-story.md"


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
