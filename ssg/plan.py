"""The plan: every page the site needs, as (URL, template, context) values.

Planning decides *what* to write; rendering (`render_output`) turns one planned
output into bytes. Keeping them apart lets a build render in any order or in parallel.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from ssg.collation import sort_key
from ssg.errors import Problem, error
from ssg.evolve import pickled_by_fields
from ssg.folders import is_plain_site_path
from ssg.model import Article
from ssg.site import Site


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Paginator:
    """One page of a paginated listing, with links to its neighbours."""

    items: tuple[Article, ...]
    number: int
    total: int
    first_url: str

    def url_for(self, number: int) -> str:
        return self.first_url if number == 1 else f"{self.first_url}page/{number}/"

    @property
    def prev_url(self) -> str | None:
        return self.url_for(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url_for(self.number + 1) if self.number < self.total else None

    @property
    def pages(self) -> list[tuple[int, str]]:
        return [(n, self.url_for(n)) for n in range(1, self.total + 1)]

    @property
    def window(self) -> list[tuple[int, str] | None]:
        """First, last and nearby page links; None marks a gap. Listing every page
        would make each page of a 10,000-article archive carry a thousand links."""
        near = {1, self.total, *range(self.number - 2, self.number + 3)}
        shown: list[tuple[int, str] | None] = []
        for n in sorted(n for n in near if 1 <= n <= self.total):
            if shown and shown[-1] is not None and n > shown[-1][0] + 1:
                shown.append(None)
            shown.append((n, self.url_for(n)))
        return shown


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Output:
    """One file to write: its site URL, the template that renders it, and the context."""

    url: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def unsafe_outputs(outputs: Sequence[Output]) -> list[Problem]:
    """An error for each planned output whose address would reach outside the output
    folder ('..' segments and the like). Sources and settings are checked where they are
    read; this is the last guard before anything is written."""
    problems = []
    for output in outputs:
        if not is_plain_site_path(output.url):
            item = output.context.get("article") or output.context.get("page")
            problems.append(
                error(
                    f"the page address {output.url!r} would be written outside the output folder",
                    getattr(item, "path", None),
                    hint="addresses come from permalink, aliases, slugs and section settings: "
                    "remove '.' and '..' segments",
                )
            )
    return problems


Locate = Callable[[str, str], "int | None"]  # (source path, field) -> its line


def colliding_outputs(outputs: Sequence[Output], locate: Locate | None = None) -> list[Problem]:
    """An error for each planned output written where another one is: the same file
    (an alias of '/' against the home page), or a file where another needs a folder
    (an alias '/feed.xml' against the feed). The sources' own addresses are checked
    against each other when the site is linked; this catches what they meet among the
    pages ssg makes itself (home, topics, archives, feeds, sitemaps).

    The error goes to the source file that asked for the address: an alias's story,
    or an article or page; two built-in addresses colliding name the setting."""
    by_file: dict[str, Output] = {}
    problems: list[Problem] = []
    for output in outputs:
        relative = output_path(output.url)
        other = by_file.get(relative)
        if other is None:
            by_file[relative] = output
        else:
            problems.append(_collision(output, other, True, locate))
    folders: dict[str, str] = {}
    for relative in by_file:
        parts = relative.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), relative)
    for relative, output in by_file.items():
        inside = folders.get(relative)
        if inside is not None:
            problems.append(_collision(output, by_file[inside], False, locate))
    return problems


def misplaced_outputs(
    outputs: Sequence[Output],
    files: Collection[str],
    locate: Locate | None = None,
    search_bundle: str | None = None,
) -> list[Problem]:
    """Every planned output that cannot be written where it would go, checked in turn
    (the first check that finds any wins): outside the output folder, over another
    output, over a published file from assets/ (`files`), or inside the search index's
    folder `search_bundle` (None: no index is made)."""
    return (
        unsafe_outputs(outputs)
        or colliding_outputs(outputs, locate)
        or outputs_over_files(outputs, files, locate)
        or (
            outputs_in_folder(outputs, search_bundle, "the search index", locate)
            if search_bundle
            else []
        )
    )


def outputs_over_files(
    outputs: Sequence[Output], files: Collection[str], locate: Locate | None = None
) -> list[Problem]:
    """An error for each planned page written where a file from assets/ goes (a photo,
    a stylesheet), or in a folder named like one: an alias '/favicon.svg/' against
    `assets/favicon.svg`. The error goes to the source that asked for the address, or
    to the file when the page is one ssg makes itself."""
    roots = {name.partition("/")[0] for name in files}
    problems = []
    for output in outputs:
        relative = output_path(output.url)
        if relative.partition("/")[0] not in roots:
            continue  # the usual case: no asset under this page's first folder
        parts = relative.split("/")
        clash = next(
            (f for f in ("/".join(parts[:d]) for d in range(1, len(parts) + 1)) if f in files),
            None,
        )
        if clash is None:
            continue
        source = _source_of(output)
        if source is None:
            problems.append(
                error(
                    f"the file would take the place of {_what(output)}",
                    f"assets/{clash}",
                    hint="rename the file or move it into a folder of its own",
                )
            )
            continue
        path, key = source
        problems.append(
            error(
                f"the address {output.url} cannot be written: the file assets/{clash} is "
                f"published {'there' if clash == relative else 'under that name'}",
                path,
                locate(path, key) if locate else None,
                field=key,
                hint="choose another address, or rename the file in assets/",
            )
        )
    return problems


def outputs_in_folder(
    outputs: Sequence[Output], folder: str, what: str, locate: Locate | None = None
) -> list[Problem]:
    """An error for each planned page inside `folder` of the output, which `what` fills
    and replaces whole on every build (the search index's `pagefind/`): such a page would
    be written, then deleted without a word."""
    prefix = folder.strip("/") + "/"
    problems = []
    for output in outputs:
        if not output_path(output.url).startswith(prefix):
            continue
        path, key = _source_of(output) or (None, None)
        problems.append(
            error(
                f"the address {output.url} is inside /{prefix}, where {what} goes",
                path,
                locate(path, key) if locate and path and key else None,
                field=key,
                hint=f"choose an address outside /{prefix}",
            )
        )
    return problems


def _source_of(output: Output) -> tuple[str, str] | None:
    """The source file and field that gave an output its address, if any."""
    redirect = output.context.get("redirect")
    if output.template == "redirect.html" and getattr(redirect, "origin", ""):
        return redirect.origin, "aliases"
    item = output.context.get("article") if output.template == "article.html" else None
    item = item or (output.context.get("page") if output.template == "page.html" else None)
    path = getattr(item, "path", None)
    return (path, "slug") if path else None


BUILT_IN = {
    "home.html": "the home page",
    "topics.html": "the list of topics",
    "topic.html": "a topic page",
    "authors.html": "the list of authors",
    "author.html": "an author page",
    "archive_index.html": "the archive",
    "archive.html": "a date archive page",
    "section.html": "a section front",
    "series.html": "a series page",
    "search.html": "the search page",
    "404.html": "the page for missing addresses",
    "feeds/atom.xml": "a feed",
    "feeds/rss.xml": "a feed",
    "redirects.txt": "the list of redirects",
}


def _what(output: Output) -> str:
    source = _source_of(output)
    if source is None:
        name = BUILT_IN.get(output.template, "the file")
        if output.template.startswith("sitemaps/"):
            name = "a sitemap"
        return f"{name} ssg makes at {output.url}"
    path, key = source
    return f"an alias of {path}" if key == "aliases" else f"the page of {path}"


def _collision(output: Output, other: Output, same_file: bool, locate: Locate | None) -> Problem:
    def rank(item: Output) -> int:  # blame an alias first, then an article or a page
        source = _source_of(item)
        return 2 if source is None else 0 if source[1] == "aliases" else 1

    blamed, second = (output, other) if rank(output) <= rank(other) else (other, output)
    path, key = _source_of(blamed) or (None, None)
    if same_file:
        message = f"the address {blamed.url} is already taken by {_what(second)}"
    else:
        message = (
            f"the address {blamed.url} cannot be written beside {_what(second)}: one of "
            "them needs a folder named like the other's file"
        )
    return error(
        message,
        path,
        locate(path, key) if locate and path and key else None,
        field=key,
        hint="choose another address: every page needs one of its own",
    )


def output_path(url: str) -> str:
    """The file path (relative to the output folder) for a site URL: pretty URLs."""
    path = url.lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path


def url_of_file(relative: str) -> str:
    """The site URL of an output file: 'a/b/index.html' -> '/a/b/', 'css/x.css' -> '/css/x.css'."""
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def paginate(items: Sequence[Article], per_page: int, first_url: str) -> list[Paginator]:
    """Split a listing into pages; an empty listing still gets one (empty) page."""
    total = max(1, math.ceil(len(items) / per_page))
    return [
        Paginator(tuple(items[i * per_page : (i + 1) * per_page]), i + 1, total, first_url)
        for i in range(total)
    ]


def plan(site: Site) -> list[Output]:
    """Every page of the site, in a stable order."""
    from ssg import fronts  # imported here: fronts builds on this module's Output

    per_page = site.config.per_page
    outputs: list[Output] = fronts.home_outputs(site)
    extras = fronts.article_extras(site)
    for article in site.articles:
        outputs.append(
            Output(
                article.url,
                "article.html",
                {
                    "article": article,
                    "related": site.related.get(article.path, ()),
                    **extras[article.path],
                },
            )
        )
    topics = sorted(site.topics.values(), key=lambda t: sort_key(t.name))
    outputs.append(
        Output(
            "/topics/",
            "topics.html",
            {"topics": topics, "counts": {t.slug: len(site.by_topic[t.slug]) for t in topics}},
        )
    )
    for topic in topics:
        for pager in paginate(site.by_topic[topic.slug], per_page, topic.url):
            outputs.append(
                Output(
                    pager.url_for(pager.number), "topic.html", {"topic": topic, "paginator": pager}
                )
            )
    authors = sorted(site.authors.values(), key=lambda a: sort_key(a.name))
    outputs.append(
        Output(
            "/authors/",
            "authors.html",
            {
                "authors": authors,
                "counts": {a.slug: len(site.by_author.get(a.slug, ())) for a in authors},
            },
        )
    )
    for author in authors:
        for pager in paginate(site.by_author.get(author.slug, ()), per_page, author.url):
            outputs.append(
                Output(
                    pager.url_for(pager.number),
                    "author.html",
                    {"author": author, "paginator": pager},
                )
            )
    for page in site.pages:
        outputs.append(Output(page.url, "page.html", {"page": page}))
    outputs += fronts.outputs(site)
    if site.config.search:
        outputs.append(Output("/search/", "search.html", {}))
    outputs.append(Output("/404.html", "404.html", {}))
    return outputs
