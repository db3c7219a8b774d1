"""The rules of `ssg check`: their names, default severities, and the `check:` settings.

A rule is named in reports (`[missing-alt]`) and in site.yml, where its severity can be
changed or the rule turned off:

    check:
      headline_max: 110
      image_max_bytes: 400000
      rules:
        headline-length: error
        orphan-author: off
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ssg.errors import Problem
from ssg.fields import FieldReader, describe

# name -> (default severity, what it catches). "build" rules are errors the build itself
# stops on; their severity cannot be lowered, because the site cannot be built with them.
RULES: dict[str, tuple[str, str]] = {
    "broken-link": ("error", "an internal link or anchor that leads nowhere"),
    "link-to-draft": (
        "error",
        "a link to a draft or scheduled article (to an expired one: a warning)",
    ),
    "unknown-author": ("error", "an article names an author with no content/authors file"),
    "unknown-topic": (
        "warning",
        "a topic with no content/topics file that looks like a misspelt known topic "
        "(any topic without a file when check.require_topic_files is true)",
    ),
    "missing-alt": ("error", "a photo without alt text"),
    "missing-credit": ("error", "a photo without a credit (severity set by images.credit)"),
    "headline-length": ("warning", "a headline longer than check.headline_max characters"),
    "missing-summary": ("warning", "an article with neither dek nor summary for social cards"),
    "updated-before-date": ("error", "'updated' is earlier than 'date'"),
    "duplicate-url": ("error", "two sources produce the same URL"),
    "duplicate-slug": ("warning", "two articles share a slug (on different dates)"),
    "image-too-large": ("warning", "a photo file larger than check.image_max_bytes"),
    "orphan-author": ("warning", "an author file no published article uses"),
    "bad-image": ("error", "a photo file that is missing or cannot be read"),
    "template": ("error", "a template that cannot be read, compiled or rendered"),
    "content": ("error", "any other problem the build reports"),
}
LEVELS = ("error", "warning", "off")

# How problems reported by the build pipeline map to rules, by their message.
_BUILD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("unknown-author", re.compile(r"^unknown author ")),
    ("link-to-draft", re.compile(r"^link to .*(is not published|is a draft|is scheduled|expired)")),
    ("broken-link", re.compile(r"^link to .* does not exist")),
    ("updated-before-date", re.compile(r"^is earlier than 'date'")),
    ("duplicate-url", re.compile(r"^output URL .* is also produced by")),
    ("missing-credit", re.compile(r"has no credit$")),
    (
        "bad-image",
        re.compile(
            r"^(image file not found|cannot use photo|cannot show assets/"
            r"|shows assets/.* not published)"
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """The `check:` settings of site.yml."""

    headline_max: int = 110
    image_max_bytes: int = 500_000
    require_topic_files: bool = False
    rules: dict[str, str] = field(default_factory=dict)  # rule -> error | warning | off

    def level(self, rule: str) -> str:
        """The configured level of a rule, or its default."""
        return self.rules.get(rule, RULES.get(rule, ("error", ""))[0])


def parse_check_settings(reader: FieldReader) -> CheckSettings:
    """Read the optional `check:` mapping of site.yml."""
    data = reader.mapping("check")
    default = CheckSettings()
    if data is None:
        return default
    sub = reader.child("check", data)
    sub.unknown_keys(
        ("headline_max", "image_max_bytes", "require_topic_files", "rules"), "check setting"
    )
    levels: dict[str, str] = {}
    rules = sub.mapping("rules")
    if rules is not None:
        rsub = sub.child("rules", rules)
        rsub.unknown_keys(tuple(RULES), "check rule")
        for name, value in rules.items():
            # YAML reads a bare `off` as false
            value = "off" if value is False else value
            if value not in LEVELS:
                rsub.fail(str(name), f"expected error, warning or off, got {describe(value)}")
            elif name in RULES:
                levels[str(name)] = value
    return CheckSettings(
        headline_max=sub.integer("headline_max", default.headline_max),
        image_max_bytes=sub.integer("image_max_bytes", default.image_max_bytes),
        require_topic_files=sub.boolean("require_topic_files", False),
        rules=levels,
    )


def classify(problem: Problem) -> str:
    """The rule a problem reported by the build belongs to."""
    for rule, pattern in _BUILD_PATTERNS:
        if pattern.search(problem.message):
            return rule
    return "content"
