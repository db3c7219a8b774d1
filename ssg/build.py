"""The build: sources and assets discovered, outputs planned and rendered; `build()` runs the engine.

The incremental engine (`ssg.engine`) does the writing; `ssg check` reuses these stages in memory.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from ssg import content, frontpage
from ssg import model as ssg_model
from ssg.assets import is_stray_asset
from ssg.config import SiteConfig
from ssg.distribution import plan_distribution
from ssg.errors import BuildFailed, Problem, TemplateArgumentError, error, warning
from ssg.folders import path_key
from ssg.frontmatter import clean_text, split
from ssg.plan import Output, plan
from ssg.search import SearchReport
from ssg.site import BuildOptions, Parsed, Site
from ssg.sources import markdown_names
from ssg.templates import (
    THEME_PREFIX,
    LayoutLoader,
    UnreadableTemplate,
    theme_dir,
)


@dataclass(slots=True)
class BuildResult:
    """What a successful build did, for the summary line."""

    output_dir: Path
    pages: int
    files: int
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)
    site: Site | None = None  # None when nothing changed and the model was not rebuilt
    search: SearchReport | None = None
    written: int = 0
    unchanged: int = 0
    removed: int = 0


def relative(path: Path, root: Path) -> str:
    """A POSIX path relative to the site root, as shown in messages."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    try:
        return clean_text(name, path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        return None, [
            error(f"file is not UTF-8 text ({exc.reason})", name, hint="save it as UTF-8")
        ]
    except OSError as exc:
        return None, [error(f"cannot read file: {exc.strerror}", name)]


def parse_content(root: Path, config: SiteConfig) -> tuple[Parsed, list[Problem]]:
    """Read and parse every source under `content/`."""
    content_dir = root / "content"
    problems: list[Problem] = []
    fronts: dict[str, str] = {}
    results: dict[str, list] = {"articles": [], "authors": [], "topics": [], "pages": []}
    base, language = config.base_path, config.language
    kinds: list[tuple[str, bool, Callable]] = [
        ("articles", True, lambda p, t: content.parse_article(p, t, config.tz, base, language)),
        ("authors", False, lambda p, t: content.parse_author(p, t, base, language)),
        ("topics", False, lambda p, t: content.parse_topic(p, t, base, language)),
        ("pages", False, lambda p, t: content.parse_page(p, t, base, language)),
    ]
    for kind, recursive, parse in kinds:
        names, unreadable = markdown_names(content_dir / kind, f"content/{kind}", recursive)
        problems += unreadable
        for name in names:
            path = root / name
            if not path.is_file():
                continue
            text, read_problems = read_text(path, name)
            problems += read_problems
            if text is None:
                continue
            value, parse_problems = parse(name, text)
            problems += parse_problems
            fronts[name] = split(name, text)[0].front
            if value is not None:
                results[kind].append(value)
    parsed, home_problems = assemble(results, fronts, root, config)
    return parsed, problems + home_problems


def assemble(
    values: dict[str, list], fronts: dict[str, str], root: Path, config: SiteConfig
) -> tuple[Parsed, list[Problem]]:
    """Parsed sources by kind, plus `content/home.yml`, as one Parsed value."""
    home, problems = frontpage.load_home(root / frontpage.HOME_PATH, config.tz)
    parsed = Parsed(
        home=home,
        articles=tuple(values.get("articles", ())),
        authors=tuple(values.get("authors", ())),
        topics=tuple(values.get("topics", ())),
        pages=tuple(values.get("pages", ())),
        fronts=fronts,
    )
    return parsed, problems


# What the built-in theme contributes to every site's assets; the wheel ships exactly
# these (pyproject.toml, force-include). In a source checkout the theme's assets/ folder
# also holds the sample newsroom's photos, which other sites must not receive.
THEME_ASSETS = ("css/", "js/", "favicon.svg")


@dataclass(frozen=True, slots=True)
class AssetRoot:
    """A folder of assets, and the prefixes it may contribute (None: everything)."""

    folder: Path
    only: tuple[str, ...] | None = None


def asset_roots(root: Path) -> list[AssetRoot]:
    """Asset folders, lowest precedence first: the built-in theme, then the site's own."""
    theme = theme_dir() / "assets"
    site_assets = root / "assets"
    if site_assets.is_dir() and site_assets.resolve() == theme.resolve():
        return [AssetRoot(site_assets)]  # building the sample newsroom itself
    roots = [AssetRoot(theme, THEME_ASSETS), AssetRoot(site_assets)]
    return [r for r in roots if r.folder.is_dir()]


@dataclass(frozen=True, slots=True)
class AssetFiles:
    """The files under the asset folders, and the links that were not followed."""

    files: dict[str, Path]  # relative path -> the file that wins (site over theme)
    problems: list[Problem]  # a warning for each link not followed
    refused: frozenset[str]  # symlinked files leading out of the asset folders


def walk_assets(roots: list[AssetRoot]) -> AssetFiles:
    """Each asset's relative path and the file that wins (site over theme). A symlinked
    folder is not entered, and a symlinked file whose target lies outside the asset
    folders is left out (it would publish any file on the machine), each with a warning."""
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    refused: set[str] = set()
    # where a symlinked file may lead: into any asset folder (os.walk enters no symlinked
    # folder, so only a file's last step can leave one)
    inside = tuple(os.path.join(os.path.realpath(r.folder), "") for r in roots)
    for asset_root in roots:
        folder = os.fspath(asset_root.folder)
        shown = _shown_from(asset_root)
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not is_stray_asset(d, folder=True))
            for name in dirnames:
                if os.path.islink(os.path.join(dirpath, name)):  # os.walk does not enter it
                    problems.append(
                        warning(
                            "a symlinked folder is not published: its files are not copied",
                            shown(os.path.join(dirpath, name)),
                            hint="move the folder itself here, or copy its files in",
                        )
                    )
            prefix = os.path.relpath(dirpath, folder).replace(os.sep, "/")
            prefix = "" if prefix == "." else prefix + "/"
            for filename in sorted(filenames):
                if is_stray_asset(filename):
                    continue
                relative = path_key(prefix + filename)  # string work: one Path per file
                if asset_root.only is not None and not relative.startswith(asset_root.only):
                    continue
                path = os.path.join(dirpath, filename)
                try:
                    mode = os.lstat(path).st_mode
                except OSError:  # gone since the listing
                    continue
                if stat.S_ISLNK(mode):
                    target = os.path.realpath(path)
                    if not os.path.isfile(target):
                        continue  # a broken link, a link to a folder, a socket or the like
                    if not target.startswith(inside):
                        problems.append(
                            warning(
                                f"a symlink leading outside the assets folder is not "
                                f"published (it leads to {os.readlink(path)})",
                                shown(path),
                                hint="copy the file into assets/ if the site should publish it",
                            )
                        )
                        refused.add(relative)
                        continue
                elif not stat.S_ISREG(mode):
                    continue  # a socket, a pipe or the like
                files[relative] = Path(path)
    return AssetFiles(files, problems, frozenset(refused - files.keys()))


def _shown_from(asset_root: AssetRoot) -> Callable[[str], str]:
    """How messages name a file of this asset folder: `assets/x.css` for the site's own,
    the full path for the theme's."""
    if asset_root.only is not None:
        return lambda path: Path(path).as_posix()
    base = asset_root.folder.parent
    return lambda path: os.path.relpath(path, base).replace(os.sep, "/")


def template_problem(
    exc: Exception, output: Output | None = None, env: jinja2.Environment | None = None
) -> Problem:
    """A located problem for a template error: the template file (`layouts/...` for the
    site's own, through `env`'s loader) and line."""
    where = f"{RENDERING}{output.url}" if output else ""
    problem = _template_problem(exc, where)
    if env is not None and (better := _did_you_mean(exc, env)):
        problem = replace(problem, hint=better)
    loader = getattr(env, "loader", None)
    if problem.path and isinstance(loader, LayoutLoader):
        problem = replace(problem, path=loader.shown(problem.path))
    return problem


_NO_FILTER = re.compile(r"No (filter|test) named '([^']+)'")
_NO_ATTRIBUTE = re.compile(r"'(?:[\w.]+\.)?(\w+) object' has no attribute '([^']+)'")


def _did_you_mean(exc: Exception, env: jinja2.Environment) -> str | None:
    """A hint naming the filter or attribute a template probably meant: `formatdate` for
    `format_date`, `article.kidn` for `article.kind`; None when nothing is close."""
    message = str(getattr(exc, "message", None) or exc)
    if match := _NO_FILTER.search(message):
        kind, name = match.groups()
        known = env.filters if kind == "filter" else env.tests
        close = difflib.get_close_matches(name, list(known), 1)
        return f"did you mean the {kind} '{close[0]}'?" if close else None
    if isinstance(exc, jinja2.UndefinedError) and (match := _NO_ATTRIBUTE.search(message)):
        kind, name = match.groups()
        model = getattr(ssg_model, kind, None)
        if isinstance(model, type):
            known = [a for a in dir(model) if not a.startswith("_")]
            close = difflib.get_close_matches(name, known, 1)
            if close:
                return f"did you mean '{close[0]}'? ({kind.lower()} has no '{name}')"
    return None


def _raised_by_ssg(stack: traceback.StackSummary) -> bool:
    """True when the innermost frame is ssg's own code that a template called; not when
    it is DirectCallContext.call, which only hands a template's call on (a macro given
    too many arguments fails there: the template's mistake)."""
    if not stack:
        return False
    inner = stack[-1]
    package = os.path.dirname(os.path.abspath(__file__))
    if os.path.dirname(os.path.abspath(inner.filename)) != package:
        return False
    return not (inner.name == "call" and inner.filename.endswith("templates.py"))


def _template_problem(exc: Exception, where: str) -> Problem:
    if isinstance(exc, UnreadableTemplate):
        return error(
            f"cannot use template {exc.name}: {exc.message}",
            exc.filename or exc.name,
            hint="save it as UTF-8 text"
            if "UTF-8" in (exc.message or "")
            else "check that the user who builds may read it",
        )
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return error(
            f"template syntax error: {exc.message}",
            exc.filename or exc.name,
            exc.lineno,
            hint="check the tags and braces on that line",
        )
    # the template files' own frames, whatever their suffix (.html, .xml, .svg, .jinja):
    # every frame that is not Python code
    stack = traceback.extract_tb(exc.__traceback__)
    frames = [
        f
        for f in stack
        if not f.filename.endswith((".py", ".pyc")) and not f.filename.startswith("<")
    ]
    path, line = (frames[-1].filename, frames[-1].lineno) if frames else (None, None)
    if isinstance(exc, jinja2.TemplateNotFound):  # at the extends or include naming it
        hint = "add it to layouts/"
        if str(exc.name).startswith(THEME_PREFIX):  # only the built-in theme can answer
            layouts = theme_dir() / "layouts"
            names = [p.relative_to(layouts).as_posix() for p in layouts.rglob("*") if p.is_file()]
            close = difflib.get_close_matches(str(exc.name)[len(THEME_PREFIX) :], names, 1)
            hint = (
                f"did you mean '{THEME_PREFIX}{close[0]}'?"
                if close
                else ("the built-in theme has no such template: see its layouts/ folder")
            )
        return error(f"template not found: {exc.name}{where}", path, line, hint=hint)
    hint = "a variable or attribute used in the template does not exist"
    if isinstance(exc, RecursionError):
        hint = (
            "a template that extends or includes itself? To build on a built-in template, "
            "extend 'theme/<its name>', such as {% extends 'theme/article.html' %}"
        )
    elif not isinstance(exc, jinja2.UndefinedError):
        hint = f"{type(exc).__name__} raised in the template"
        if isinstance(exc, TemplateArgumentError):  # it says what is wrong
            hint = "check what the line passes it"
        elif _raised_by_ssg(stack):
            inner = stack[-1]
            raised_at = f"ssg/{os.path.basename(inner.filename)}:{inner.lineno}"
            hint = (
                f"{type(exc).__name__} raised inside ssg's own code ({raised_at}), called from "
                "this line: check what the line passes it, or report it as a bug"
            )
    return error(f"template error: {exc}{where}", path, line, hint=hint)


RENDERING = " while rendering "


def one_per_template_line(problems: list[Problem]) -> list[Problem]:
    """Template problems with one cause, once: an error in `base.html` fails every page,
    and a line per page would bury the rest. The first page is named, and how many more."""
    kept: dict[tuple, list[Problem]] = {}
    for problem in problems:  # a syntax error names no page: each page repeats it whole
        base, _, _ = problem.message.partition(RENDERING)
        key = (problem.path, problem.line, base, problem.hint, problem.severity)
        kept.setdefault(key, []).append(problem)
    out = []
    for group in kept.values():
        first = group[0]
        pages = sum(RENDERING in p.message for p in group)
        if pages > 1:
            first = replace(first, message=f"{first.message} (and {pages - 1} other page(s))")
        out.append(first)
    return out


def plan_all(site: Site, options: BuildOptions) -> list[Output]:
    """Every output of a build: pages, then feeds, sitemaps and redirects."""
    outputs = plan(site)
    return outputs + plan_distribution(site, outputs, options.now)


def render_outputs(
    env: jinja2.Environment, outputs: list[Output]
) -> Iterator[tuple[Output, bytes | Problem]]:
    """Render each output to bytes, or a problem when its template fails."""
    cache: dict[str, jinja2.Template] = {}
    for output in outputs:
        try:
            template = cache.get(output.template)
            if template is None:
                template = cache[output.template] = env.get_template(output.template)
            html = template.render(output.context, page_url=output.url)
            yield output, html.encode("utf-8")
        except Exception as exc:  # any template failure is a user-facing problem
            yield output, template_problem(exc, output, env)


def build(
    root: Path,
    config_path: Path | None = None,
    output: Path | None = None,
    base_url: str | None = None,
    options: BuildOptions | None = None,
    *,
    jobs: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> BuildResult:
    """Build the site at `root`; raise BuildFailed (previous output untouched) on errors.

    Runs the incremental engine (`ssg.engine.Builder`) with the persistent cache, so a
    rebuild renders and writes only what changed.
    """
    from ssg.engine import Builder  # the engine uses this module's helpers

    builder = Builder(root, config_path, options, output, base_url, jobs=jobs, progress=progress)
    report = builder.build()
    if not report.ok:
        raise BuildFailed(report.problems, output_kept=report.output_kept)
    return BuildResult(
        report.output_dir,
        report.pages,
        report.files,
        report.warnings,
        report.timings,
        report.site,
        written=len(report.written),
        unchanged=report.unchanged,
        removed=len(report.removed),
        search=report.search,
    )
