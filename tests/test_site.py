"""The site model: publication rules, related articles, and cross-reference problems."""

from __future__ import annotations

import datetime as dt

from ssg.config import parse_config
from ssg.model import Article, Author
from ssg.site import BuildOptions, Parsed, build_site

UTC = dt.UTC
CONFIG, _ = parse_config({"title": "T", "base_url": "https://x.example/"}, "site.yml")


def article(name: str, day: int, topics: tuple[str, ...], **kw) -> Article:
    fields = {
        "path": f"content/articles/{name}.md",
        "slug": name,
        "title": name.title(),
        "date": dt.datetime(2024, 1, day, tzinfo=UTC),
        "author_slugs": ("ana",),
        "topic_names": topics,
    }
    return Article(**(fields | kw))


def site_of(*articles: Article, **options):
    parsed = Parsed(articles=articles, authors=(Author("ana", "Ana"),))
    now = dt.datetime(2024, 6, 1, tzinfo=UTC)
    return build_site(CONFIG, parsed, BuildOptions(now=now, **options), [])


def test_related_prefers_most_shared_topics_then_newest():
    site, problems = site_of(
        article("base", 1, ("A", "B", "C")),
        article("two-shared-old", 2, ("A", "B")),
        article("one-shared-new", 9, ("C",)),
        article("three-shared", 3, ("A", "B", "C")),
        article("one-shared-newer", 10, ("A",)),
        article("unrelated", 11, ("Z",)),
    )
    assert problems == []
    related = [a.slug for a in site.related["content/articles/base.md"]]
    assert related == ["three-shared", "two-shared-old", "one-shared-newer", "one-shared-new"]


def test_publication_rules():
    site, _ = site_of(
        article("draft", 1, (), draft=True),
        article("future", 1, (), date=dt.datetime(2030, 1, 1, tzinfo=UTC)),
        article("expired", 1, (), expires=dt.datetime(2024, 2, 1, tzinfo=UTC)),
        article("live", 2, ()),
    )
    assert [a.slug for a in site.articles] == ["live"]
    site, _ = site_of(
        article("draft", 1, (), draft=True),
        article("future", 1, (), date=dt.datetime(2030, 1, 1, tzinfo=UTC)),
        drafts=True,
        future=True,
    )
    assert {a.slug for a in site.articles} == {"draft", "future"}
    assert [a.scheduled for a in site.articles if a.slug == "future"] == [True]


def test_topics_without_files_get_pages_and_stable_slugs():
    site, _ = site_of(article("a", 1, ("Kim Jong Un", "Zürich")))
    assert set(site.topics) == {"kim-jong-un", "zurich"}
    assert site.topics["zurich"].url == "/topics/zurich/"
    assert site.topics["zurich"].name == "Zürich"


def test_unknown_author_lists_known_ones():
    _site, problems = site_of(article("a", 1, (), author_slugs=("ana", "bob")))
    assert [p.message for p in problems] == ["unknown author 'bob' (known: ana)"]
