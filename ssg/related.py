"""Related articles: for each published article, the others sharing most of its topics."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from itertools import combinations

from ssg.model import Article


def related_articles(
    articles: list[Article],
    by_topic: dict[str, list[Article]],
    count: int,
    before: tuple[dict[str, Article], dict[str, tuple[Article, ...]]] | None = None,
) -> dict[str, tuple[Article, ...]]:
    """Up to `count` related articles each: most shared topics first, then newest.

    Candidates sharing two or more topics come from a topic-pair index, so the work
    stays near-linear on large archives; the rest fill in newest first from each topic.

    `before` is the last build's (published articles by path, result). Every candidate
    shares a topic with the article, so an unchanged article none of whose topics is
    touched by an added, removed or changed article keeps its related list as it was.
    """
    if count == 0:
        return {}
    touched = _touched_topics(articles, before[0]) if before else None
    rank = {a.path: i for i, a in enumerate(articles)}  # 0 is newest
    pairs: dict[tuple[str, str], list[Article]] = defaultdict(list)
    for article in articles:
        slugs = sorted(t.slug for t in article.topics)
        for pair in combinations(slugs, 2):
            pairs[pair].append(article)
    result = {}
    for article in articles:
        slugs = sorted(t.slug for t in article.topics)
        unchanged = before and before[0].get(article.path) is article
        if unchanged and touched is not None and touched.isdisjoint(slugs):
            result[article.path] = before[1][article.path]  # type: ignore[index]
            continue
        shared: Counter[str] = Counter()
        by_path = {}
        for pair in combinations(slugs, 2):
            for other in pairs[pair]:
                if other.path != article.path:
                    shared[other.path] += 1
                    by_path[other.path] = other
        # k shared topics give k*(k-1)/2 shared pairs: order by that, then newest
        chosen = sorted(shared, key=lambda p: (-shared[p], rank[p]))[:count]
        if len(chosen) < count:
            taken = set(chosen) | {article.path}
            streams = [by_topic[s] for s in slugs]
            for other in heapq.merge(*streams, key=lambda a: rank[a.path]):
                if other.path not in taken:
                    chosen.append(other.path)
                    taken.add(other.path)
                    by_path[other.path] = other
                    if len(chosen) == count:
                        break
        result[article.path] = tuple(by_path[p] for p in chosen)
    return result


def _touched_topics(articles: list[Article], before: dict[str, Article]) -> set[str]:
    """Topic slugs of every article added, removed or changed since `before`."""
    touched: set[str] = set()
    now = {a.path: a for a in articles}
    for article in articles:
        old = before.get(article.path)
        if old is not article:
            touched.update(t.slug for t in article.topics)
            if old is not None:
                touched.update(t.slug for t in old.topics)
    for path, old in before.items():
        if path not in now:
            touched.update(t.slug for t in old.topics)
    return touched
