"""Split a Markdown source into YAML front matter and body, and locate fields by line.

Line numbers are computed lazily, only when a problem needs one, so the fast path
(CSafeLoader, no node composition) stays fast on large archives.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from ssg.errors import Problem, error, warning

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


@dataclass(frozen=True, slots=True, eq=False)
class _Unreadable:
    """Stands, while loading, for a scalar YAML cannot turn into the value its form or tag
    asks for: an impossible date (2026-02-30), '!!int abc'. PyYAML would raise a bare
    exception without a line, and lose every other field of the file with it."""

    text: str
    reason: str
    line: int  # 0-based
    is_date: bool

    def __str__(self) -> str:
        return self.text


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader, with located errors for impossible values, a record of keys
    written twice (`repeated`: YAML keeps the last silently), and numbers read the
    YAML 1.2 way: '3:16' and '0755' stay text (YAML 1.1 makes them 196 and 493)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: list[tuple[str, int, int]] = []  # (key, first line, repeat line), 0-based
        self.unreadable = 0  # how many values are _Unreadable
        self.controls: list[tuple[int, int]] = []  # (line 0-based, count) of escaped controls

    def construct_yaml_str(self, node: yaml.Node) -> Any:
        value = self.construct_scalar(node)
        # the file's own control characters are gone (clean_text); a double-quoted value
        # can still write them as escapes ("\v", "\x0b", "\u0008")
        if node.style == '"' and _CONTROL.search(value):
            self.controls.append((node.start_mark.line, len(_CONTROL.findall(value))))
            value = _CONTROL.sub("", value)
        return value

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[tuple[str, str], int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    continue
                line = key_node.start_mark.line
                first = seen.setdefault((key_node.tag, key_node.value), line)
                if first != line:
                    self.repeated.append((key_node.value, first, line))
        return super().construct_mapping(node, deep)


def _checked(construct: Any, what: str, is_date: bool) -> Any:
    def constructor(loader: Any, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            reason = f"{node.value!r} is not {what}"
            if isinstance(exc, ValueError) and is_date:  # "day is out of range"
                reason += f" ({exc})"
            loader.unreadable += 1
            return _Unreadable(str(node.value), reason, node.start_mark.line, is_date)

    return constructor


_Loader.add_constructor("tag:yaml.org,2002:str", _Loader.construct_yaml_str)
_SAFE = yaml.constructor.SafeConstructor
for _tag, _construct, _what, _is_date in (
    ("timestamp", _SAFE.construct_yaml_timestamp, "a real date or time", True),
    ("int", _SAFE.construct_yaml_int, "a whole number", False),
    ("float", _SAFE.construct_yaml_float, "a number", False),
    ("binary", _SAFE.construct_yaml_binary, "base64 data", False),
):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _checked(_construct, _what, _is_date))

# YAML 1.2's numbers in place of YAML 1.1's (sexagesimal 3:16, octal 0755)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":int", ":float"))]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|0o[0-7_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9_]*)(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)

_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
# C0 controls but tab and line feed, DEL, the C1 controls and the noncharacters U+FFFE and
# U+FFFF: XML 1.0 (the feeds) forbids most of them and HTML calls them parse errors; they
# come with text pasted from word processors and PDFs, where they do nothing visible
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean_text(path: str, text: str) -> tuple[str, list[Problem]]:
    """A source's text with Windows and old Mac line ends made '\\n' and control
    characters removed; a warning says how many and where the first one was."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = _CONTROL.search(text)
    if first is None:
        return text, []
    count = len(_CONTROL.findall(text))
    line = text.count("\n", 0, first.start()) + 1
    problem = warning(
        f"removed {count} invisible character(s) that feeds and HTML do not allow (the "
        f"first is U+{ord(first.group()):04X})",
        path,
        line,
        hint="they usually come with text pasted from a word processor or a PDF; delete "
        "them from the file to silence this warning",
    )
    return _CONTROL.sub("", text), [problem]


@dataclass(frozen=True, slots=True)
class Source:
    """A source file split in two: YAML front matter text and the Markdown body."""

    path: str
    front: str
    body: str
    body_line: int  # 1-based line of the body's first line in the file


def split(path: str, text: str) -> tuple[Source, list[Problem]]:
    """Split `text` at its `---` fences; a file without front matter is all body."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not (text.startswith("---\n") or text.startswith("---\r\n") or text == "---"):
        return Source(path, "", text, 1), []
    newline = text.find("\n")
    start = len(text) if newline < 0 else newline + 1  # a file of just '---': not closed
    end = _FENCE.search(text, start)
    if end is None:
        problem = error(
            "front matter is not closed",
            path,
            1,
            hint="end the YAML block with a line holding only '---'",
        )
        return Source(path, "", "", 1), [problem]
    front = text[start : end.start()]
    rest = text[end.end() :]
    if rest.startswith("\r\n"):
        rest = rest[2:]
    elif rest.startswith("\n"):
        rest = rest[1:]
    body_line = front.count("\n") + 3
    return Source(path, front, rest, body_line), []


def load_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, list[Problem]]:
    """Parse YAML; a syntax error becomes a located problem instead of an exception.

    `line_offset` is the number of file lines before the YAML text starts. A value YAML
    cannot convert (an impossible date) is an error on its field, and is left out: the
    other fields are read as usual.
    """
    if not text.strip():
        return {}, []
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
        repeated = loader.repeated
        found: list[tuple[str, _Unreadable]] = []
        if loader.unreadable:
            data = _without_unreadable(data, "", found)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        message = f"invalid YAML: {reason}" + (f" ({context})" if context else "")
        hint = "check indentation, and quote values that contain ': ' or start with a symbol"
        opened = getattr(exc, "context_mark", None)
        if context == "while scanning a quoted scalar" and opened is not None:
            # the scanner notices only where the text runs out: point at the quote
            found, line = line, opened.line + 1 + line_offset
            message = f"invalid YAML: a quote opened on line {line} is not closed ({reason}"
            message += f" on line {found})" if found is not None else ")"
            hint = "end the value with the quote it starts with; inside it, write \\\" or ''"
        return None, [error(message, path, line, hint=hint)]
    finally:
        loader.dispose()
    problems = [_unreadable_problem(name, bad, path, line_offset) for name, bad in found]
    problems += [
        warning(
            f"the key {key!r} is written twice: the one on line {again + 1 + line_offset} is "
            f"used, the one on line {first + 1 + line_offset} is ignored",
            path,
            again + 1 + line_offset,
            hint="delete one of the two",
        )
        for key, first, again in repeated
    ]
    problems += [
        warning(
            f"removed {count} invisible character(s) written as escapes in a quoted value, "
            "which feeds and HTML do not allow",
            path,
            line + 1 + line_offset,
            hint="delete the escape (such as \\v or \\b) from the value",
        )
        for line, count in loader.controls
    ]
    return data, problems


def _without_unreadable(data: Any, prefix: str, found: list[tuple[str, _Unreadable]]) -> Any:
    """`data` with each _Unreadable value left out (added to `found` with its dotted field
    name, as FieldReader names fields: `corrections.0.date`); a key is kept as its text."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            name = f"{prefix}{key}"
            if isinstance(key, _Unreadable):
                found.append((name, key))
                key = key.text
            if isinstance(value, _Unreadable):
                found.append((name, value))
            else:
                out[key] = _without_unreadable(value, f"{name}.", found)
        return out
    if isinstance(data, list):
        items = []
        for index, value in enumerate(data):
            if isinstance(value, _Unreadable):
                found.append((f"{prefix}{index}", value))
            else:
                items.append(_without_unreadable(value, f"{prefix}{index}.", found))
        return items
    if isinstance(data, _Unreadable):  # the whole document
        found.append(("", data))
        return None
    return data


def _unreadable_problem(name: str, bad: _Unreadable, path: str, line_offset: int) -> Problem:
    if bad.is_date:
        message = f"invalid date: {bad.reason}"
        hint = "write a real date and time, like 2019-02-28 or 2019-02-28T10:00:00+07:00"
    else:
        message = f"invalid value: {bad.reason}"
        hint = "fix the value, or put it in quotes to keep it as text"
    line = bad.line + 1 + line_offset
    return error(message, path, line, field=name or None, hint=hint)


def field_line(front: str, dotted: str, first_line: int = 2) -> int | None:
    """The file line where a (possibly nested, dotted) key is written, or None.

    A key is looked for only inside its parent's block: `title` is a top-level key,
    never the `title` of a section further down; digits after a key are list items
    (`corrections.1.text`). When a nested key is missing, its parent's line is given.
    `first_line` is the file line of the YAML text's first line (2 after a `---`).
    """
    lines = front.splitlines()
    found: int | None = None  # the line of the last key or item found
    indent = -1  # the column its own keys are written at, less one
    item = False  # whether `found` is a list item ('- ' line)
    for key in dotted.split("."):
        begin = 0 if found is None else found if item else found + 1
        end = len(lines) if found is None else _block_end(lines, found, indent, item)
        if key.isdigit() and found is not None:
            hit = _nth_item(lines, begin, end, int(key))
            if hit is None:
                break
            found, indent, item = hit, len(lines[hit]) - len(lines[hit].lstrip()), True
            continue
        pattern = re.compile(rf"^(\s*)(- )?['\"]?{re.escape(key)}['\"]?\s*:")
        for i in range(begin, end):
            match = pattern.match(lines[i])
            if match is None:
                continue
            column, dash = len(match.group(1)), bool(match.group(2))
            if found is None:
                ok = column == 0 and not dash
            elif item and i == found:  # the item's first key, on its '- ' line
                ok = dash and column == indent
            else:
                ok = not dash and column > indent
            if ok:
                found, indent, item = i, column + (2 if dash else 0), False
                break
        else:
            break
    return _line(found, first_line)


def locator(fronts: dict[str, str]) -> Callable[[str, str], int | None]:
    """(source path, field) -> the field's line in that source's front matter, if known."""

    def locate(path: str, key: str) -> int | None:
        front = fronts.get(path)
        return field_line(front, key) if front is not None else None

    return locate


def _block_end(lines: list[str], start: int, indent: int, item: bool) -> int:
    """The first line after `start` that is outside its block: written at `indent` or
    less (a list written at its key's own column, 'key:' then '- a', stays inside)."""
    for i in range(start + 1, len(lines)):
        stripped = lines[i].lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        column = len(lines[i]) - len(stripped)
        if column < indent or (column == indent and (item or not stripped.startswith("- "))):
            return i
    return len(lines)


def _nth_item(lines: list[str], begin: int, end: int, wanted: int) -> int | None:
    """The line of the `wanted`-th '- ' item of the first list in lines [begin, end)."""
    column, seen = None, -1
    for i in range(begin, end):
        stripped = lines[i].lstrip()
        if not stripped.startswith("-"):
            continue
        depth = len(lines[i]) - len(stripped)
        if column is None:
            column = depth
        if depth == column and (stripped == "-" or stripped.startswith("- ")):
            seen += 1
            if seen == wanted:
                return i
    return None


def _line(index: int | None, first_line: int) -> int | None:
    return None if index is None else index + first_line
