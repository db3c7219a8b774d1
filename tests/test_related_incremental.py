"""Related articles recomputed from the last build's result equal a fresh computation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from ssg.model import Article, Topic
from ssg.related import related_articles

TOPICS = [Topic(slug, slug.title()) for slug in ("a", "b", "c", "d", "e")]
topic_sets = st.lists(st.sampled_from(TOPICS), max_size=4, unique=True).map(tuple)


def story(number: int, day: int, topics: tuple[Topic, ...]) -> Article:
    date = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=day)
    return Article(f"s{number}.md", f"s{number}", f"S{number}", date, (), topics=topics)


def listed(articles: list[Article]):
    """Newest first, and each topic's articles, as build_site hands them over."""
    ordered = sorted(articles, key=lambda a: (a.date, a.path), reverse=True)
    by_topic = defaultdict(list)
    for article in ordered:
        for topic in article.topics:
            by_topic[topic.slug].append(article)
    return ordered, by_topic


edit = st.one_of(
    st.tuples(st.just("topics"), st.integers(0, 30), topic_sets),
    st.tuples(st.just("date"), st.integers(0, 30), st.integers(0, 60)),
    st.tuples(st.just("add"), st.integers(0, 60), topic_sets),
    st.tuples(st.just("remove"), st.integers(0, 30)),
)


@settings(max_examples=60, deadline=None)
@given(
    start=st.lists(st.tuples(st.integers(0, 60), topic_sets), min_size=1, max_size=25),
    edits=st.lists(edit, min_size=1, max_size=4),
    count=st.integers(1, 4),
)
def test_incremental_related_equals_fresh(start, edits, count):
    articles = [story(i, day, topics) for i, (day, topics) in enumerate(start)]
    ordered, by_topic = listed(articles)
    result = related_articles(ordered, by_topic, count)
    for number, change in enumerate(edits):
        before = ({a.path: a for a in ordered}, result)
        kind = change[0]
        if kind == "add":
            articles.append(story(100 + number, change[1], change[2]))
        elif articles:
            index = change[1] % len(articles)
            if kind == "topics":
                articles[index] = replace(articles[index], topics=change[2])
            elif kind == "date":
                when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=change[2])
                articles[index] = replace(articles[index], date=when)
            else:
                del articles[index]
        ordered, by_topic = listed(articles)
        result = related_articles(ordered, by_topic, count, before)
        assert result == related_articles(ordered, by_topic, count)
