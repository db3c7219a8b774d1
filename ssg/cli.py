"""The command line: parse arguments, call the pipeline, print results. No logic lives here."""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from pathlib import Path

import click

from ssg import __version__, scaffold
from ssg.build import build
from ssg.config import load_config
from ssg.errors import BuildFailed, Problem
from ssg.progress import progress_bar
from ssg.site import BuildOptions
from ssg.slugs import slugify

EXIT_CONTENT_ERROR = 1


def print_problems(problems: list[Problem]) -> None:
    """Errors first, then warnings, one line each, on standard error."""
    ordered = sorted(problems, key=lambda p: (not p.is_error, p.path or "", p.line or 0))
    for problem in ordered:
        color = "red" if problem.is_error else "yellow"
        click.secho(problem.format(), fg=color, err=True)


def site_root(config: str | None) -> tuple[Path, Path]:
    config_path = Path(config) if config else Path("site.yml")
    return config_path.resolve().parent, config_path


def fail_unexpected(exc: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exception(exc)
    click.secho(
        f"error: unexpected failure: {type(exc).__name__}: {exc} (run again with --debug for details)",
        fg="red",
        err=True,
    )
    sys.exit(EXIT_CONTENT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ssg")
def cli() -> None:
    """A static site generator for newsrooms: Markdown articles in, a news website out."""


@cli.command("build")
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    help="Site config file (default: ./site.yml).",
)
@click.option(
    "--output",
    "output",
    type=click.Path(file_okay=False),
    help="Output folder (default: site.yml 'output', else public/).",
)
@click.option("--base-url", help="Override base_url, e.g. https://example.org/news/.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include articles dated in the future.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for unexpected failures.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for parsing and rendering (default: number of cores).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary line.")
def build_command(config, output, base_url, drafts, future, debug, jobs, quiet) -> None:
    """Build the site into the output folder.

    The new site replaces the old one only when the build succeeds: on any error
    the previous output is left untouched.
    """
    root, config_path = site_root(config)
    options = BuildOptions(drafts=drafts, future=future)
    bar = progress_bar(quiet)
    try:
        with bar:
            result = build(
                root,
                config_path,
                Path(output) if output else None,
                base_url,
                options,
                jobs=jobs,
                progress=bar.update,
            )
    except BuildFailed as failed:
        print_problems(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        click.secho(
            f"Build failed with {errors} error(s); the previous output was left untouched.",
            fg="red",
            err=True,
        )
        sys.exit(EXIT_CONTENT_ERROR)
    except Exception as exc:
        fail_unexpected(exc, debug)
    print_problems(result.warnings)
    if quiet:
        return
    total = sum(result.timings.values())
    phases = ", ".join(
        f"{name} {seconds * 1000:.0f} ms" for name, seconds in result.timings.items()
    )
    try:
        shown = result.output_dir.relative_to(Path.cwd())
    except ValueError:
        shown = result.output_dir
    click.echo(
        f"Built {result.pages} pages ({result.files} files) into {shown}/ in {total:.2f} s: "
        f"{result.written} written, {result.unchanged} unchanged, {result.removed} removed "
        f"({phases})"
    )


@cli.group("new")
def new() -> None:
    """Create a starter file for an article or an author."""


@new.command("article")
@click.argument("title")
@click.option("--author", "authors", multiple=True, help="Author slug (repeatable).")
@click.option("--topic", "topics", multiple=True, help="Topic name (repeatable).")
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    help="Site config file (default: ./site.yml).",
)
def new_article(title: str, authors: tuple[str, ...], topics: tuple[str, ...], config) -> None:
    """Scaffold content/articles/<year>/<slug>.md with every field explained."""
    root, config_path = site_root(config)
    site_config, _ = load_config(config_path)
    tz = site_config.tz if site_config else dt.UTC
    now = dt.datetime.now(tz)
    for slug in authors:
        if not (root / "content" / "authors" / f"{slug}.md").is_file():
            click.secho(
                f"warning: no author file content/authors/{slug}.md yet", fg="yellow", err=True
            )
    path = root / "content" / "articles" / f"{now.year}" / f"{slugify(title)}.md"
    write_new(path, scaffold.article_template(title, list(authors), list(topics), now), root)


@new.command("author")
@click.argument("name")
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    help="Site config file (default: ./site.yml).",
)
def new_author(name: str, config) -> None:
    """Scaffold content/authors/<slug>.md for a new author."""
    root, _ = site_root(config)
    write_new(
        root / "content" / "authors" / f"{slugify(name)}.md", scaffold.author_template(name), root
    )


def write_new(path: Path, text: str, root: Path) -> None:
    shown = path.relative_to(root).as_posix()
    if path.exists():
        click.secho(f"error: {shown} already exists; not overwriting it", fg="red", err=True)
        sys.exit(EXIT_CONTENT_ERROR)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"Created {shown}")


def main() -> None:
    """Console-script entry point."""
    cli()
