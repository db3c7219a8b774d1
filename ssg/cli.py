"""The command line: parse arguments, call the pipeline, print results. No logic lives here."""

from __future__ import annotations

import sys

try:  # about 0.4 s: Ctrl-C meanwhile ends the command the way it does later, via click
    import contextlib
    import datetime as dt
    import errno
    import json
    import os
    import signal
    import threading
    import traceback
    from collections.abc import Iterator
    from pathlib import Path

    import click

    from ssg import __version__, clock, scaffold
    from ssg.build import build
    from ssg.config import load_config
    from ssg.errors import BuildFailed, Problem
    from ssg.progress import progress_bar
    from ssg.site import BuildOptions
    from ssg.slugs import file_slug, slugify
except KeyboardInterrupt:
    sys.stderr.write("\nAborted!\n")  # no traceback, the words and status of click's abort
    sys.exit(1)

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
    """One line for a failure no check foresaw (a traceback with --debug), and exit 1.

    A file the system refused to read or write is named, with what to check; anything
    else is a bug in ssg, which the message asks to report."""
    if debug:
        traceback.print_exception(exc)
    more = "" if debug else " (run again with --debug for details)"
    if isinstance(exc, PermissionError | IsADirectoryError | NotADirectoryError) and exc.filename:
        where = shown_path(exc.filename)
        message = f"error: cannot use {where}: {exc.strerror}{more}"
        message += " (hint: check that the user who builds may read and write it)"
    else:
        message = (
            f"error: unexpected failure: {type(exc).__name__}: {exc}{more}; this is a bug "
            "in ssg: please report it, with the command and what the site holds"
        )
    click.secho(message, fg="red", err=True)
    sys.exit(EXIT_CONTENT_ERROR)


def shown_path(filename: str | bytes) -> str:
    """A path for messages: relative to the working folder when inside it."""
    path = Path(os.fsdecode(filename))
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return str(path)


config_option = click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    help="Site config file (default: ./site.yml).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ssg")
def cli() -> None:
    """A static site generator for newsrooms: Markdown articles in, a news website out."""


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (`timeout`, `docker stop`, a cancelled CI job) stops the command the way
    Ctrl-C does, so its scratch folders and the search indexer go too; Python's default
    for SIGTERM ends the process on the spot and leaves them behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def build_clock() -> dt.datetime | None:
    """The moment SSG_BUILD_TIME names (build, check and serve judge scheduled stories,
    expiry and the breaking banner against it), or None for the real clock; a value that
    is not a time is an error, and the command stops."""
    now, problem = clock.build_time(os.environ.get(clock.BUILD_TIME_VARIABLE))
    if problem:
        print_problems([problem])
        sys.exit(EXIT_CONTENT_ERROR)
    return now


@cli.command("build")
@config_option
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
    type=click.IntRange(min=1, max=256),
    default=None,
    help="Processes for parsing and rendering, 1-256 (default: number of cores).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary line.")
def build_command(config, output, base_url, drafts, future, debug, jobs, quiet) -> None:
    """Build the site into the output folder.

    The new site replaces the old one only when the build succeeds: on any error
    the previous output is left untouched. Set SSG_BUILD_TIME (ISO 8601) to build
    as if it were that moment (scheduled articles, expiry, breaking banners, the
    Google News sitemap's two-day window).
    """
    root, config_path = site_root(config)
    now = build_clock()
    options = BuildOptions(drafts=drafts, future=future, **({"now": now} if now else {}))
    bar = progress_bar(quiet)
    try:
        with terminate_as_interrupt(), bar:
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
        outcome = (
            "the previous output was left untouched"
            if failed.output_kept
            else "the output folder holds part of the new site: build again"
        )
        click.secho(
            f"Build failed with {errors} error(s); {outcome}.",
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
    if result.search is not None:
        click.echo(result.search.summary())


@cli.command("check")
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="Report format: text for people, json for CI bots.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for unexpected failures.")
def check_command(config, fmt, strict, debug) -> None:
    """Build the site in memory and report broken links, missing credits and more.

    Exits 1 when any error is found (with --strict, any warning too), else 0.
    Nothing is written to the output folder.
    """
    root, config_path = site_root(config)
    try:
        from ssg.check import run_check  # imported here: `ssg build` starts faster

        with terminate_as_interrupt():
            report = run_check(root, config_path, strict=strict, now=build_clock())
    except Exception as exc:
        fail_unexpected(exc, debug)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        for line in report.lines():
            color = (
                "red" if " error: " in line or line.startswith(("Errors", "Check failed")) else None
            )
            click.secho(line, fg=color)
    sys.exit(report.exit_code)


def nonempty_host(host: str) -> str:
    """`--host` as given; an empty one (which would listen everywhere and print the unusable
    URL http://:8000/) is a usage error."""
    if not host.strip():
        raise click.BadParameter(
            "must not be empty (use 0.0.0.0 to listen on every interface)", param_hint="'--host'"
        )
    return host


@cli.command("serve")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=lambda ctx, param, value: nonempty_host(value),
    help="Address to listen on.",
)
@click.option(
    "--drafts/--no-drafts",
    default=True,
    show_default=True,
    help="Include drafts and scheduled articles (shown with a banner).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a web browser.")
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    help="Site config file (default: ./site.yml).",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks for unexpected failures.")
def serve_command(port, host, drafts, open_browser, config, debug) -> None:
    """Preview the site: build, serve it, and rebuild and reload the browser on every save.

    Pages are built into serve/ in the cache folder (cache_dir, default .ssg-cache/),
    never into the build output; a second server on the same site builds into serve-2/.
    """
    from ssg import serve
    from ssg.httpd import is_loopback

    serve.stop_on_signals()
    root, config_path = site_root(config)
    if not is_loopback(host):
        click.secho(
            f"warning: --host {host} makes the preview reachable from other machines; "
            "it is a development server, not for production",
            fg="yellow",
            err=True,
        )
    now = build_clock()
    preview = serve.Preview(
        root,
        config_path,
        host=host,
        port=port,
        drafts=drafts,
        now=now,
        echo=click.echo,
        report_problems=print_problems,
        debug=debug,
    )
    try:
        preview.bind()
    except OSError as exc:
        click.secho(
            f"error: cannot listen on {host}:{port}: {exc.strerror or exc} "
            f"(hint: is another server using it? try --port {port + 1 if port else 8001})",
            fg="red",
            err=True,
        )
        preview.stop()
        sys.exit(EXIT_CONTENT_ERROR)
    if preview.claim is not None and preview.claim.others:
        click.echo(
            f"Another ssg serve is previewing this site: this one builds into "
            f"{shown_folder(preview.output_dir, root)}/"
        )
    try:
        preview.start()
        included = "included" if drafts else "left out"
        click.echo(f"Serving {preview.url} (drafts and scheduled articles {included})")
        click.echo(watching_line(root, config_path))
        if open_browser:
            import webbrowser

            webbrowser.open(preview.url)
        serve.wait_for_interrupt()
    except KeyboardInterrupt:
        pass
    serve.ignore_interrupts()
    click.echo("Stopping…")
    preview.stop()
    click.echo("Stopped.")


def watching_line(root: Path, config_path: Path) -> str:
    """What `ssg serve` says it watches, naming the config file it was given."""
    config_name = shown_folder(config_path.resolve(), root)
    return f"Watching content/, layouts/, assets/ and {config_name}; press Ctrl-C to stop."


def shown_folder(folder: Path, root: Path) -> str:
    """`folder` relative to the site when inside it, for messages."""
    try:
        return folder.relative_to(root).as_posix()
    except ValueError:
        return str(folder)


@cli.group("new")
def new() -> None:
    """Create a starter file for an article or an author."""


@new.command("article")
@click.argument("title")
@click.option("--author", "authors", multiple=True, help="Author slug (repeatable).")
@click.option("--topic", "topics", multiple=True, help="Topic name (repeatable).")
@config_option
def new_article(title: str, authors: tuple[str, ...], topics: tuple[str, ...], config) -> None:
    """Scaffold content/articles/<year>/<slug>.md with every field explained."""
    root = scaffold_root(config, title, "headline")
    config_path = site_root(config)[1]
    site_config, _ = load_config(config_path)
    tz = site_config.tz if site_config else dt.UTC
    now = dt.datetime.now(tz)
    for slug in authors:
        if slug != slugify(slug):
            raise click.BadParameter(
                f"expected an author slug (lower-case letters, digits and hyphens), got "
                f"{slug!r}; try {slugify(slug)!r}",
                param_hint="--author",
            )
        if not (root / "content" / "authors" / f"{slug}.md").is_file():
            click.secho(
                f"warning: no author file content/authors/{slug}.md yet", fg="yellow", err=True
            )
    if not authors:
        known = sorted(p.stem for p in (root / "content" / "authors").glob("*.md"))
        click.secho(
            "warning: no --author given: the draft names 'your-slug'; put an author's slug "
            f"there before building (known: {', '.join(known) or 'none yet'})",
            fg="yellow",
            err=True,
        )
    path = root / "content" / "articles" / f"{now.year}" / f"{file_slug(title)}.md"
    write_new(path, scaffold.article_template(title, list(authors), list(topics), now), root)


@new.command("author")
@click.argument("name")
@config_option
def new_author(name: str, config) -> None:
    """Scaffold content/authors/<slug>.md for a new author."""
    root = scaffold_root(config, name, "name")
    write_new(
        root / "content" / "authors" / f"{file_slug(name)}.md", scaffold.author_template(name), root
    )


def scaffold_root(config: str | None, name: str, what: str) -> Path:
    """The site folder `ssg new` writes into; a usage error for a blank `name` or
    outside a site (a folder without site.yml would get a stray content/ folder)."""
    if not name.strip():
        raise click.UsageError(f"the {what} must not be blank")
    root, config_path = site_root(config)
    if not config_path.is_file():
        raise click.UsageError(
            f"{config_path} not found: run ssg new from the site's folder, or pass --config"
        )
    return root


def write_new(path: Path, text: str, root: Path) -> None:
    shown = path.relative_to(root).as_posix()
    if path.exists():
        click.secho(f"error: {shown} already exists; not overwriting it", fg="red", err=True)
        sys.exit(EXIT_CONTENT_ERROR)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        click.secho(
            f"error: cannot create {shown}: {exc.strerror or exc} (hint: run ssg new from the "
            "site's folder, one you may write to)",
            fg="red",
            err=True,
        )
        sys.exit(EXIT_CONTENT_ERROR)
    click.echo(f"Created {shown}")


def main() -> None:
    """Console-script entry point."""
    try:
        cli(standalone_mode=True)
    except OSError as exc:
        if exc.errno not in (errno.EPIPE, errno.ENOSPC, errno.EIO) or not _from_echo(exc):
            raise
        # the standard output went away or is full (`ssg build | head -1`, `> /dev/full`):
        # whatever the command did is done; say so on stderr, and let nothing flush again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if exc.errno != errno.EPIPE:
            click.secho(
                f"error: cannot write to the standard output: {exc.strerror}", fg="red", err=True
            )
        sys.exit(EXIT_CONTENT_ERROR)


def _from_echo(exc: BaseException) -> bool:
    """True when `exc` was raised while printing (click's echo, print)."""
    frame = exc.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_name in ("echo", "secho", "print_problems"):
            return True
        frame = frame.tb_next
    return False
