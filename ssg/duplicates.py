"""Sources that would overwrite each other: author or topic files sharing a slug, and
articles, aliases and pages sharing an output URL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from ssg.errors import Problem, error
from ssg.model import Article, Author, Page, Topic


def shared_slugs(items: Sequence[Author] | Sequence[Topic], kind: str) -> list[Problem]:
    """An error for each author or topic file whose name gives the slug of one before
    it ('linh_tran.md' and 'linh-tran.md'): one would silently replace the other."""
    first: dict[str, str] = {}
    problems = []
    for item in items:
        earlier = first.setdefault(item.slug, item.path)
        if earlier != item.path:
            problems.append(
                error(
                    f"this {kind}'s slug '{item.slug}' (from the file name) is also the slug "
                    f"of {earlier}",
                    item.path,
                    hint=f"rename or remove one of the two files: each {kind} needs a slug "
                    "of its own",
                )
            )
    return problems


def duplicate_urls(
    articles: Sequence[Article],
    pages: Sequence[Page],
    locate: Callable[[str, str], int | None],
) -> list[Problem]:
    """An error for each article, alias or page whose output URL another one (or a
    built-in page) also produces, and for an alias that is its story's own address."""
    owners: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for article in articles:
        owners[article.url].append((article.path, "slug"))
        for alias in article.aliases:
            owners[alias if alias.endswith(("/", ".html")) else alias + "/"].append(
                (article.path, "aliases")
            )
    for page in pages:
        owners[page.url].append((page.path, "slug"))
    reserved = {"/topics/", "/authors/", "/page/", "/404.html"}
    for page in pages:
        if page.url in reserved or page.url.startswith(("/topics/", "/authors/", "/page/")):
            owners[page.url].append(("(built-in page)", "slug"))
    problems = []
    for url, sources in owners.items():
        if len(sources) < 2:
            continue
        names = sorted({p for p, _ in sources})
        for path, key in sources:
            if path.startswith("("):
                continue
            others = ", ".join(n for n in names if n != path)
            if not others:  # an alias of the story's own address
                problems.append(
                    error(
                        f"the alias {url} is this story's own address",
                        path,
                        locate(path, "aliases"),
                        field="aliases",
                        hint="remove it: aliases are the addresses a story had before",
                    )
                )
                break
            problems.append(
                error(
                    f"output URL {url} is also produced by {others}",
                    path,
                    locate(path, key) or locate(path, "title"),
                    field=key,
                    hint="give one of them a different 'slug' (or date)",
                )
            )
    return problems
