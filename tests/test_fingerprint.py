"""Fingerprints: equal inputs give equal digests, any difference gives a different one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ssg.config import SiteConfig
from ssg.fingerprint import Fingerprinter, TemplateDigests
from ssg.templates import make_environment


@dataclass(frozen=True, slots=True)
class Pair:
    a: object
    b: object


@dataclass(frozen=True, slots=True)
class One:
    a: object


def digest(value) -> bytes:
    return Fingerprinter().digest(value)


def test_equal_values_give_equal_digests():
    when = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
    assert digest({"x": Pair("é", when)}) == digest({"x": Pair("é", when)})


def test_differences_are_seen():
    values = [
        Pair(None, "x"),
        Pair("x", None),
        Pair("x", ("S",)),
        Pair(("x",), None),
        Pair(1, "x"),
        Pair(True, "x"),
        Pair("1", "x"),
        Pair(Markup("x"), "x"),
        One("x"),
        Pair("x", "y"),
        Pair("xy", ""),
        Pair(dt.datetime(2024, 1, 1, tzinfo=dt.UTC), ""),
        Pair(dt.datetime(2024, 1, 1, 7, tzinfo=dt.timezone(dt.timedelta(hours=7))), ""),
        [Pair("x", "y")],
        (Pair("x", "y"),),
        {"k": "v"},
        {"v": "k"},
    ]
    digests = [digest(v) for v in values]
    assert len(set(digests)) == len(values)


def test_nested_objects_are_digested_once_per_build():
    shared = Pair("body " * 1000, None)
    fp = Fingerprinter()
    first = fp.digest([shared, shared])
    assert fp.digest([shared, shared]) == first
    assert len(fp._memo) == 1


def test_template_digest_follows_includes_and_card(tmp_path: Path):
    layouts = tmp_path / "layouts"
    (layouts / "partials").mkdir(parents=True)
    config = SiteConfig(title="T", base_url="https://x.example/")
    env = make_environment(config, layouts)
    before = {name: TemplateDigests(env).digest(name) for name in ("home.html", "404.html")}
    (layouts / "partials/card.html").write_text("<p>{{ item.title }}</p>", encoding="utf-8")
    env = make_environment(config, layouts)
    after = {name: TemplateDigests(env).digest(name) for name in ("home.html", "404.html")}
    assert after["home.html"] != before["home.html"]  # home calls card()
    assert after["404.html"] == before["404.html"]  # the 404 page shows no cards


def test_a_kept_fingerprinter_reuses_digests_only_for_the_same_objects():
    fp = Fingerprinter()
    kept = Pair("headline", ("a", "b"))
    first = fp.context_digest("/x/", {"article": kept, "related": (One(1),)})
    fp.next_build()
    # the same object, and a new object with equal fields: both give the same digest
    assert fp.context_digest("/x/", {"article": kept, "related": (One(1),)}) == first
    fp.next_build()
    # a new object with different fields, or a changed plain value, is seen
    assert fp.context_digest("/x/", {"article": Pair("headline", ("a", "c"))}) != first
    fp.next_build()
    assert fp.context_digest("/x/", {"article": kept, "related": (One(2),)}) != first
    fp.next_build()
    assert fp.context_digest("/x/", {"article": kept, "related": (One(1),)}) == first
    # the same context under another output name is digested alike
    assert fp.context_digest("/y/", {"article": kept, "related": (One(1),)}) == first


def test_context_digest_equals_a_fresh_digest_of_deep_and_mutable_contexts():
    """Frozen objects are frozen all the way down in the content model; the lists and
    dicts a context holds directly are compared by value."""
    fp = Fingerprinter()
    deep = {"page": Pair(Pair(Pair(1, 2), (3,)), ("k", 4)), "items": [One(1)], "counts": {"a": 1}}
    assert fp.context_digest("/d/", deep) == Fingerprinter().digest(deep)
    fp.next_build()
    deep["items"].append(One(2))  # changed in place between two builds
    deep["counts"]["a"] = 2
    assert fp.context_digest("/d/", deep) == Fingerprinter().digest(deep)
    fp.next_build()
    assert fp.context_digest("/d/", deep) == Fingerprinter().digest(deep)
