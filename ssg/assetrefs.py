"""Asset links in templates: `asset('css/styel.css')` naming a file the site does not publish.

A misspelt or deleted stylesheet, script or icon would otherwise ship as a broken link on
every page. The templates the planned pages use (and those they extend or include) are
read for `asset()` calls with a literal path; a path that no published file answers to is
an error at the template's line. Paths computed while rendering cannot be checked here;
`ssg check` follows every link of the rendered pages.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

import jinja2.nodes

from ssg.assets import is_stray_asset, split_asset_path
from ssg.errors import Problem, did_you_mean, error
from ssg.fingerprint import TemplateDigests

HELPER = "asset"


def literal_asset_paths(tree: jinja2.nodes.Template) -> list[tuple[str, int]]:
    """Each `asset('<path>')` call with a literal path in a parsed template, and its line."""
    found = []
    for call in tree.find_all(jinja2.nodes.Call):
        if (
            isinstance(call.node, jinja2.nodes.Name)
            and call.node.name == HELPER
            and len(call.args) == 1
            and isinstance(call.args[0], jinja2.nodes.Const)
            and isinstance(call.args[0].value, str)
        ):
            found.append((call.args[0].value, call.lineno))
    return found


def asset_calls(templates: TemplateDigests, used: Iterable[str]) -> list[tuple[str, int, str]]:
    """(template, line, path) of each literal `asset()` call in the templates `used` and
    those they pull in, in a stable order."""
    names: set[str] = set()
    for name in used:
        names |= templates.closure(name)
    calls = []
    for name in sorted(names):
        tree = templates.syntax_tree(name)
        if tree is not None:  # else a syntax error: rendering reports it
            calls += [(name, line, path) for path, line in literal_asset_paths(tree)]
    return calls


def missing_assets(
    templates: TemplateDigests,
    used: Iterable[str],
    published: Collection[str],
    shown: Callable[[str], str] = lambda name: name,
    refused: Collection[str] = (),
) -> list[Problem]:
    """An error for each literal `asset()` path, in the templates `used` and those they
    pull in, that names none of the `published` files (output-relative paths).

    `shown` turns a template name into the file name messages give (`layouts/x.html`);
    `refused` are the asset files not published because they are symlinks leading out
    of the asset folders."""
    problems = []
    for name, line, path in asset_calls(templates, used):
        wanted = split_asset_path(path)[0]
        if wanted in published:
            continue
        *folders, last = wanted.split("/")
        if wanted in refused:
            hint = (
                f"assets/{wanted} is a symlink leading outside the assets folder, "
                "which is not published: copy the file itself into assets/"
            )
        elif is_stray_asset(last) or any(is_stray_asset(f, folder=True) for f in folders):
            hint = (
                "names like an editor's backup or a hidden file's are not published "
                f"(x~, x.bak, x.tmp, .x…): rename assets/{wanted}"
            )
        else:
            hint = did_you_mean(wanted, published) or (
                f"add the file as assets/{wanted}, or correct the path "
                "(asset() paths start inside assets/)"
            )
        problems.append(
            error(
                f"asset('{path}') names no file: nothing is published at /{wanted}",
                shown(name),
                line,
                hint=hint,
            )
        )
    return problems
