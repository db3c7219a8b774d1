"""Drafts a build leaves out: what is wrong in them is reported, but stops nothing.

A newsroom's `content/` always holds unfinished stories: an author file not written yet, a
photo not uploaded. A plain `ssg build` publishes no draft, so an error in one becomes a
warning saying so; a preview build (`--drafts`) shows the drafts, and keeps them errors.
Scheduled stories are not excused: they go out unattended at a later build.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ssg.errors import Problem, Severity
from ssg.model import Article

NOTE = " (in a draft, which this build leaves out: fix it before publishing)"


def excuse_drafts(
    problems: list[Problem], articles: Iterable[Article], drafts_built: bool
) -> list[Problem]:
    """`problems`, with each error located in a draft turned into a warning, unless the
    build includes drafts."""
    if drafts_built:
        return problems
    drafts = {a.path for a in articles if a.draft}
    if not drafts:
        return problems
    return [
        replace(p, severity=Severity.WARNING, message=p.message + NOTE)
        if p.is_error and p.path in drafts
        else p
        for p in problems
    ]
