"""Run the CLI in-process at a fixed build time (SSG_BUILD_TIME), for front-page tests."""

from __future__ import annotations

import contextlib
from pathlib import Path

from click.testing import CliRunner, Result

from ssg.cli import cli

DEFAULT_TIME = "2024-06-01T12:00:00+07:00"


def run_at(root: Path, when: str | None, *args: str) -> Result:
    """`ssg <args>` from `root` with SSG_BUILD_TIME set to `when` (None: unset)."""
    with contextlib.chdir(root):
        return CliRunner().invoke(
            cli, list(args), env={"SSG_BUILD_TIME": when}, catch_exceptions=False
        )


def article_md(title: str, date: str, section: str = "", **extra: str) -> str:
    """A minimal article source by Ana Ruiz (the tiny site's author)."""
    lines = ["---", f"title: {title}", "authors: ana-ruiz", f"date: {date}"]
    if section:
        lines.append(f"section: {section}")
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join([*lines, "---", f"Body of {title}.", ""])
