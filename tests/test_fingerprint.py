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
