"""The build: read sources, parse, link, plan, render, and swap the new output in atomically.

This is the file-system edge of the pipeline; the stages it calls are pure functions.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from ssg import content, frontpage
from ssg.assets import publish
from ssg.config import SiteConfig, load_config
from ssg.distribution import plan_distribution
from ssg.errors import BuildFailed, Problem, error, has_errors, unique
from ssg.frontmatter import split
from ssg.photos import process_photos
from ssg.plan import Output, output_path, plan
from ssg.search import SearchReport, index_site, keep_previous_index
from ssg.site import BuildOptions, Parsed, Site, build_site
from ssg.structured import headline_warnings
from ssg.templates import make_environment, theme_dir


@dataclass(slots=True)
class BuildResult:
    """What a successful build did, for the summary line."""

    output_dir: Path
    pages: int
    files: int
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)
    site: Site | None = None
    search: SearchReport | None = None


class Timer:
    """Records how long each named phase takes, in seconds."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self._start
        self._start = now


def relative(path: Path, root: Path) -> str:
    """A POSIX path relative to the site root, as shown in messages."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    try:
        return path.read_text(encoding="utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [
            error(f"file is not UTF-8 text ({exc.reason})", name, hint="save it as UTF-8")
        ]
    except OSError as exc:
        return None, [error(f"cannot read file: {exc.strerror}", name)]


def markdown_files(folder: Path, recursive: bool) -> list[Path]:
    if not folder.is_dir():
        return []
    found = folder.rglob("*.md") if recursive else folder.glob("*.md")
    return sorted(p for p in found if p.is_file() and not p.name.startswith((".", "_")))


def parse_content(root: Path, config: SiteConfig) -> tuple[Parsed, list[Problem]]:
    """Read and parse every source under `content/`."""
    content_dir = root / "content"
    problems: list[Problem] = []
    fronts: dict[str, str] = {}
    results: dict[str, list] = {"articles": [], "authors": [], "topics": [], "pages": []}
    kinds: list[tuple[str, bool, Callable]] = [
        ("articles", True, lambda p, t: content.parse_article(p, t, config.tz, config.base_path)),
        ("authors", False, lambda p, t: content.parse_author(p, t, config.base_path)),
        ("topics", False, lambda p, t: content.parse_topic(p, t, config.base_path)),
        ("pages", False, lambda p, t: content.parse_page(p, t, config.base_path)),
    ]
    for kind, recursive, parse in kinds:
        for path in markdown_files(content_dir / kind, recursive):
            name = relative(path, root)
            text, read_problems = read_text(path, name)
            problems += read_problems
            if text is None:
                continue
            value, parse_problems = parse(name, text)
            problems += parse_problems
            fronts[name] = split(name, text)[0].front
            if value is not None:
                results[kind].append(value)
    home, home_problems = frontpage.load_home(content_dir / "home.yml", config.tz)
    problems += home_problems
    parsed = Parsed(
        home=home,
        articles=tuple(results["articles"]),
        authors=tuple(results["authors"]),
        topics=tuple(results["topics"]),
        pages=tuple(results["pages"]),
        fronts=fronts,
    )
    return parsed, problems


def asset_roots(root: Path) -> list[Path]:
    """Asset folders, lowest precedence first: the built-in theme, then the site's own."""
    roots = [theme_dir() / "assets"]
    site_assets = root / "assets"
    if site_assets.resolve() != roots[0].resolve():
        roots.append(site_assets)
    return [r for r in roots if r.is_dir()]


def walk_assets(roots: list[Path]) -> dict[str, Path]:
    """Map each asset's relative path to the file that wins (site over theme)."""
    files: dict[str, Path] = {}
    for folder in roots:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for filename in sorted(filenames):
                if filename.startswith("."):
                    continue
                path = Path(dirpath) / filename
                files[path.relative_to(folder).as_posix()] = path
    return files


def template_problem(exc: Exception, output: Output | None = None) -> Problem:
    """A located problem for a template error: the template file and line."""
    where = f" while rendering {output.url}" if output else ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return error(
            f"template syntax error: {exc.message}",
            exc.filename or exc.name,
            exc.lineno,
            hint="check the tags and braces on that line",
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        return error(f"template not found: {exc.name}{where}", hint="add it to layouts/")
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.endswith((".html", ".xml", ".txt"))
    ]
    path, line = (frames[-1].filename, frames[-1].lineno) if frames else (None, None)
    hint = "a variable or attribute used in the template does not exist"
    if not isinstance(exc, jinja2.UndefinedError):
        hint = f"{type(exc).__name__} raised in the template"
    return error(f"template error: {exc}{where}", path, line, hint=hint)


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
            yield output, template_problem(exc, output)


def build(
    root: Path,
    config_path: Path | None = None,
    output: Path | None = None,
    base_url: str | None = None,
    options: BuildOptions | None = None,
) -> BuildResult:
    """Build the site at `root`; raise BuildFailed (previous output untouched) on errors."""
    options = options or BuildOptions()
    timer = Timer()
    config, problems = load_config(config_path or root / "site.yml", base_url)
    if config is None or has_errors(problems):
        raise BuildFailed(problems)
    parsed, parse_problems = parse_content(root, config)
    problems += parse_problems
    timer.lap("parse")
    roots = asset_roots(root)
    assets = walk_assets(roots)
    photos = process_photos(root, config, parsed, assets)
    parsed, problems = photos.parsed, problems + photos.problems
    timer.lap("images")
    site, link_problems = build_site(config, parsed, options, assets)
    problems += link_problems
    problems += headline_warnings(site.articles, parsed.fronts)
    timer.lap("link")
    settings = config.assets if options.fingerprint else replace(config.assets, fingerprint=False)
    published = publish(assets, settings)
    try:
        env = make_environment(config, root / "layouts", published.manifest)
    except FileNotFoundError as exc:
        problems.append(error(str(exc)))
        raise BuildFailed(unique(problems)) from exc
    if has_errors(problems):
        raise BuildFailed(unique(problems))
    outputs = plan_all(site, options)
    timer.lap("plan")
    out_dir = (output or root / config.output).resolve()
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for planned, rendered in render_outputs(env, outputs):
            if isinstance(rendered, Problem):
                problems.append(rendered)
                continue
            target = staging / output_path(planned.url)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(rendered)
        if has_errors(problems):
            raise BuildFailed(unique(problems))
        timer.lap("render")
        files = {**published.files, **photos.files}
        for relative_path, source in files.items():
            target = staging / relative_path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(source, bytes):
                target.write_bytes(source)
            elif source is not None:
                shutil.copy2(source, target)
        timer.lap("assets")
        search_report = None
        if config.search and options.search_index:
            # index the staging folder before the swap: a failure keeps the old site
            search_report = index_site(staging, config, len(site.articles))
            problems += search_report.warnings
            timer.lap("search")
        elif config.search:
            keep_previous_index(out_dir, staging)
        swap_in(staging, out_dir)
        timer.lap("write")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    warnings = [p for p in unique(problems) if not p.is_error]
    return BuildResult(
        out_dir,
        len(outputs),
        len(outputs) + len(files),
        warnings,
        timer.timings,
        site,
        search_report,
    )


def swap_in(staging: Path, out_dir: Path) -> None:
    """Replace `out_dir` with `staging` using renames, so readers never see a half-built site."""
    staging.chmod(0o755)
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
        old.rmdir()
        out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out_dir)
