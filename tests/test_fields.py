"""Lists of mappings in front matter and site.yml: one shared reading, located messages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from ssg.config import parse_config
from ssg.content import parse_article
from ssg.fields import FieldReader

ARTICLE = """---
title: Dam gates open
authors: [ana]
date: 2026-11-01T08:00:00Z
corrections:
  - date: 2026-11-02T09:00:00Z
    text: An earlier version misnamed the dam.
    txt: typo
  - just a sentence
---
Body.
"""


def test_records_yields_each_mapping_with_its_key_and_warns_on_unknown_fields():
    reader = FieldReader(
        {"links": [{"title": "A", "url": "/a", "colour": "red"}, 7, {"title": "B"}]},
        "content/authors/ana.md",
        lambda key: None,
    )
    fields = ("title", "url")
    found = reader.records("links", fields, "a title and a url", "link field")
    assert [(key, sub.data["title"]) for key, sub in found] == [("links.0", "A"), ("links.2", "B")]
    assert [(p.field, p.message, p.is_error) for p in reader.problems] == [
        ("links.0.colour", "unknown link field, ignored", False),
        ("links.1", "expected a title and a url, got 7", True),
    ]


def test_a_correction_that_is_not_a_mapping_is_a_located_error():
    article, problems = parse_article("content/articles/dam.md", ARTICLE, ZoneInfo("UTC"))
    errors = [p for p in problems if p.is_error]
    assert [(p.field, p.line) for p in errors] == [("corrections.1", 9)]
    assert errors[0].message == "expected a date and a text, got 'just a sentence'"
    # the article is built without the bad correction, so the site model checks the rest
    assert article is not None and "just a sentence" not in repr(article.corrections)
    warnings = [p for p in problems if not p.is_error]
    assert [(p.field, p.line) for p in warnings] == [("corrections.0.txt", 8)]


def test_sections_accept_a_plain_title_and_reject_other_shapes():
    config, problems = parse_config(
        {
            "title": "T",
            "base_url": "https://x.example/",
            "sections": ["World", {"title": "Money"}, [1]],
        },
        "site.yml",
    )
    assert [(p.field, p.message) for p in problems] == [
        ("sections.2", "expected a title or slug/title/description, got a list")
    ]
    assert [s.title for s in config.sections] == ["World", "Money"]


def test_clock_times_a_daylight_saving_change_skips_or_repeats_are_explained():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from ssg.fields import FieldReader

    tz = ZoneInfo("America/New_York")
    data = {
        "skipped": "2026-03-08T02:30:00",
        "twice": "2026-11-01T01:30:00",
        "plain": "2026-06-01T09:00:00",
        "offset": "2026-03-08T02:30:00-05:00",
    }
    reader = FieldReader(data, "a.md", lambda key: None)
    skipped = reader.datetime("skipped", tz)
    assert skipped.isoformat() == "2026-03-08T03:30:00-04:00"  # the moment it names
    assert skipped.astimezone(dt.UTC).hour == 7
    twice = reader.datetime("twice", tz)
    assert twice.isoformat() == "2026-11-01T01:30:00-04:00"  # the first of the two
    assert reader.datetime("plain", tz).isoformat() == "2026-06-01T09:00:00-04:00"
    assert reader.datetime("offset", tz).isoformat() == "2026-03-08T02:30:00-05:00"
    messages = {p.field: p.message for p in reader.problems}
    assert set(messages) == {"skipped", "twice"}
    assert all(not p.is_error for p in reader.problems)
    assert "does not exist in America/New_York" in messages["skipped"]
    assert "happens twice in America/New_York" in messages["twice"]
