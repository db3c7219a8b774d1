"""Located problems: an error or warning value with a file, line, field and hint.

Every stage of the pipeline collects problems instead of raising on the first one,
so a writer sees every mistake of a build in one run.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors stop the build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as we know."""

    message: str
    path: str | None = None
    line: int | None = None
    field: str | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        """`path:line` (or just `path`), empty when the problem is not tied to a file."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def format(self) -> str:
        """Render as one line, e.g. `content/a.md:4: error: field 'date': expected ...`."""
        parts = []
        where = self.location()
        if where:
            parts.append(f"{where}:")
        parts.append(f"{self.severity.value}:")
        if self.field:
            parts.append(f"field '{self.field}':")
        parts.append(self.message)
        text = " ".join(parts)
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly view, for machine-readable reports and the browser overlay."""
        return {
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "text": self.format(),
        }


class TemplateArgumentError(TypeError):
    """A template gave one of ssg's helpers or filters a value it cannot use (an empty
    field, most often): the template's mistake, reported at its line."""


class BuildFailed(Exception):
    """Raised at the edge of the pipeline when errors were collected. `output_kept` is
    False in the rare case where the previous output could not be put back as it was."""

    def __init__(self, problems: Iterable[Problem], *, output_kept: bool = True):
        self.problems = list(problems)
        self.output_kept = output_kept
        errors = [p for p in self.problems if p.is_error]
        super().__init__(f"{len(errors)} error(s)")


def error(message: str, path: str | None = None, line: int | None = None, **kw) -> Problem:
    """Shorthand for an error problem."""
    return Problem(message, path, line, severity=Severity.ERROR, **kw)


def warning(message: str, path: str | None = None, line: int | None = None, **kw) -> Problem:
    """Shorthand for a warning problem."""
    return Problem(message, path, line, severity=Severity.WARNING, **kw)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known choice to a misspelt word, or None."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem is an error."""
    return any(p.is_error for p in problems)


def unique(problems: Iterable[Problem]) -> list[Problem]:
    """Drop repeated problems, keeping the first occurrence's order."""
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
