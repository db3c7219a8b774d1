"""Internal link checking over rendered pages: every link, image and anchor must lead somewhere.

Pure: rendered HTML by URL and the set of published files in, located problems out.
A link found on many pages (a menu entry, say) is reported once, with a count.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from ssg.errors import Problem, error

LINK_ATTRS = {
    "a": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("srcset",),
    "script": ("src",),
}
SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "sms:")


@dataclass(frozen=True, slots=True)
class Page:
    """One rendered page: its site URL, its HTML, and the source file it came from."""

    url: str
    html: str
    source: str | None = None  # content file, when the page renders one
    source_text: str = ""  # that file's text, to find the line of a link


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"] or "")
        for attr in LINK_ATTRS.get(tag, ()):
            value = values.get(attr)
            if not value:
                continue
            if attr == "srcset":
                self.links += [part.split()[0] for part in value.split(",") if part.strip()]
            else:
                self.links.append(value)


def output_file(url_path: str) -> str:
    """The output file for a site path: '/a/' -> 'a/index.html'."""
    path = url_path.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def check_links(pages: list[Page], files: set[str], origin: str, base_path: str) -> list[Problem]:
    """Broken internal links and anchors across all pages, one problem per broken target."""
    parsed: dict[str, tuple[Page, _Collector]] = {}
    for page in pages:
        collector = _Collector()
        collector.feed(page.html)
        parsed[output_file(page.url)] = (page, collector)
    found: dict[tuple[str | None, str], list[Page]] = defaultdict(list)
    reasons: dict[tuple[str | None, str], str] = {}
    for page, collector in parsed.values():
        page_path = base_path + page.url.lstrip("/")
        for link in dict.fromkeys(collector.links):
            reason = _broken(link, page_path, collector, parsed, files, origin, base_path)
            if reason:
                key = (page.source if _in_source(page, link, base_path) else None, link)
                found[key].append(page)
                reasons[key] = reason
    problems = []
    for (source, link), where in sorted(found.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        on = (
            f"on {where[0].url}"
            if len(where) == 1
            else f"on {len(where)} pages, e.g. {where[0].url}"
        )
        line = _line(where[0], link, base_path) if source else None
        hint = (
            "fix the link in the Markdown"
            if source
            else "the link comes from a template or site.yml (menu)"
        )
        problems.append(
            error(f"broken link {link}: {reasons[(source, link)]} ({on})", source, line, hint=hint)
        )
    return problems


def _broken(link, page_path, collector, parsed, files, origin, base_path) -> str | None:
    """Why `link` leads nowhere, or None when it is fine (or not ours to check)."""
    if link == "#" or link.startswith(SKIP_SCHEMES) or link.startswith("//"):
        return None
    if link.startswith("#"):
        fragment = unquote(link[1:])
        return None if fragment in collector.ids else f"no element with id '{fragment}' here"
    if link.startswith(("http://", "https://")):
        if not link.startswith(origin + base_path):
            return None  # external
        link = link[len(origin) :]
    parts = urlsplit(urljoin(page_path, link))
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path.startswith(base_path):
        return f"outside the site's base path {base_path}"
    relative = "/" + path[len(base_path) :]
    target = output_file(relative)
    normal = posixpath.normpath(relative).lstrip("/")
    if target in parsed:
        if parts.fragment and unquote(parts.fragment) not in parsed[target][1].ids:
            return f"no element with id '{unquote(parts.fragment)}' on {relative}"
        return None
    if normal in files or target in files:
        return None
    if not relative.endswith("/") and output_file(relative + "/") in parsed:
        return None
    return "no such page or file"


def _in_source(page: Page, link: str, base_path: str) -> bool:
    return bool(page.source) and _line(page, link, base_path) is not None


def _line(page: Page, link: str, base_path: str) -> int | None:
    """The line of the page's source file where the link is written, if it is there."""
    candidates = [link]
    if base_path != "/" and link.startswith(base_path):
        candidates.append("/" + link[len(base_path) :])
    if "#" in link and not link.startswith("#"):
        candidates.append(".md#" + link.split("#", 1)[1])
    for number, text in enumerate(page.source_text.splitlines(), start=1):
        if any(
            f"({c}" in text
            or f'"{c}"' in text
            or f"<{c}>" in text
            or (c.startswith(".md#") and c in text)
            for c in candidates
        ):
            return number
    return None
