"""`evolve` copies a frozen dataclass with changes, exactly like `dataclasses.replace`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from ssg.evolve import evolve
from ssg.model import Article, Image, Topic


def test_evolve_matches_replace():
    article = Article(
        "a.md", "a", "A", dt.datetime(2024, 1, 1, tzinfo=dt.UTC), ("x",), image=Image("/i.jpg")
    )
    for changes in ({}, {"url": "/a/"}, {"title": "B", "image": None}):
        assert evolve(article, **changes) == replace(article, **changes)
    assert evolve(Topic("t", "T"), url="/topics/t/") == Topic("t", "T", url="/topics/t/")


def test_evolve_rejects_unknown_fields():
    with pytest.raises(TypeError, match="no field 'nope'"):
        evolve(Topic("t", "T"), nope=1)
