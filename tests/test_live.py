"""Live coverage: updates from front matter and `## HH:MM` subheadings, anchors, LiveBlogPosting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from buildtime import run_at

from ssg.frontmatter import Source
from ssg.live import resolve_time, split_body

from conftest import html, write_site

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2024, 3, 10, 20, 0, tzinfo=TZ)
NOW = "2024-03-12T00:00:00+07:00"

LIVE = """\
---
title: "Live: river crest </script><b>x</b> passes the city"
authors: ana-ruiz
date: 2024-03-10T20:00:00+07:00
live: true
updates:
  - time: "21:10"
    title: Sandbags arrive
    author: li-wei
    text: Trucks brought sandbags to the [first story](first.md).
---
The river is expected to crest overnight.

## 20:30 Warning issued {author=li-wei}

The city issued a flood warning.

```
## 23:00 not an update: inside a code fence
```

## 2024-03-11T01:15:00+07:00 Crest passes

The crest passed the main bridge. {author=nobody} is plain text here.

## 23:45

Water is still rising.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:10", dt.datetime(2024, 3, 10, 21, 10, tzinfo=TZ)),
        ("01:15", dt.datetime(2024, 3, 11, 1, 15, tzinfo=TZ)),  # after midnight: the next day
        ("2024-03-12T08:00:00+07:00", dt.datetime(2024, 3, 12, 8, 0, tzinfo=TZ)),
        ("2024-03-12 09:30", dt.datetime(2024, 3, 12, 9, 30, tzinfo=TZ)),
        ("25:00", None),
        ("12:75", None),
    ],
)
def test_update_times(text: str, expected: dt.datetime | None):
    assert resolve_time(text, START, TZ) == expected


def test_body_splits_at_time_subheadings_outside_code_fences():
    body = LIVE.split("---\n", 2)[2]
    intro, raws = split_body(Source("a.md", "", body, 12))
    assert intro.strip() == "The river is expected to crest overnight."
    assert [(r.time, r.title, r.authors, r.line) for r in raws] == [
        ("20:30", "Warning issued", ("li-wei",), 14),
        ("2024-03-11T01:15:00+07:00", "Crest passes", (), 22),
        ("23:45", "", (), 26),
    ]
    assert "inside a code fence" in raws[0].text


@pytest.fixture
def live_site(tiny_site: Path) -> Path:
    write_site(tiny_site, {"content/articles/live.md": LIVE})
    result = run_at(tiny_site, NOW, "build")
    assert result.exit_code == 0, result.output
    return tiny_site


def live_page(root: Path):
    return html(root / "public/2024/03/10/live/index.html")


def json_ld(page) -> dict:
    scripts = page.xpath('//script[@type="application/ld+json"]')
    return json.loads(scripts[0].text)


def test_updates_render_newest_first_with_permanent_anchors(live_site: Path):
    page = live_page(live_site)
    updates = page.cssselect(".live-update")
    assert [u.get("id") for u in updates] == [
        "update-2024-03-11-0115",
        "update-2024-03-10-2345",
        "update-2024-03-10-2110",
        "update-2024-03-10-2030",
    ]
    times = [u.cssselect("time")[0].get("datetime") for u in updates]
    assert times == sorted(times, reverse=True)
    for update in updates:  # each update links to itself
        assert update.cssselect(".live-update-time a")[0].get("href") == "#" + update.get("id")
    assert updates[0].cssselect(".live-update-title")[0].text_content() == "Crest passes"
    assert [a.text_content() for a in updates[2].cssselect(".byline a")] == ["Li Wei"]
    assert updates[2].cssselect(".live-update-body a")[0].get("href") == "/2024/03/01/first/"
    assert "not an update" in updates[3].text_content()  # the fenced line stayed in its update
    # every update has a heading, so a screen reader can go from one to the next; the
    # 23:45 one has no title of its own
    headings = [u.cssselect("h3") for u in updates]
    assert all(len(h) == 1 for h in headings)
    untitled = headings[1][0]
    assert "visually-hidden" in untitled.get("class")
    assert untitled.text_content() == "Update at March 10, 2024, 11:45 p.m. +07"
    body = page.cssselect(".story-body")[0].text_content()
    assert "expected to crest" in body and "flood warning" not in body


def test_live_label_and_updated_time_follow_the_latest_update(live_site: Path):
    page = live_page(live_site)
    assert page.cssselect(".story-header .live-label")[0].text_content() == "Live"
    assert page.cssselect(".updated time")[0].get("datetime") == "2024-03-11T01:15:00+07:00"
    home = html(live_site / "public/index.html")
    assert home.cssselect(".lead .live-label")


def test_json_ld_is_a_live_blog_posting_with_every_update(live_site: Path):
    page = live_page(live_site)
    data = json_ld(page)
    assert data["@type"] == "LiveBlogPosting"
    assert data["headline"] == "Live: river crest </script><b>x</b> passes the city"
    assert data["coverageStartTime"] == "2024-03-10T20:00:00+07:00"
    assert "coverageEndTime" not in data
    assert data["dateModified"] == "2024-03-11T01:15:00+07:00"
    updates = data["liveBlogUpdate"]
    assert [u["@type"] for u in updates] == ["BlogPosting"] * 4
    ids = [u.get("id") for u in page.cssselect(".live-update")]
    assert [u["url"] for u in updates] == [
        f"https://tiny.example/2024/03/10/live/#{anchor}" for anchor in ids
    ]
    assert [u["datePublished"] for u in updates] == [
        t.get("datetime") for t in page.cssselect(".live-update-time time")
    ]
    assert data["dateModified"] == max(u["datePublished"] for u in updates)
    assert updates[2]["author"][0]["name"] == "Li Wei"
    assert updates[1]["author"][0]["name"] == "Ana Ruiz"  # no own author: the article's
    assert updates[3]["articleBody"].startswith("The city issued a flood warning. ## 23:00")
    raw = page.xpath('//script[@type="application/ld+json"]')[0].text
    assert "</script>" not in raw and "<b>" not in raw


def test_closed_coverage_has_an_end_time_and_no_live_label(tiny_site: Path):
    closed = LIVE.replace("live: true", "live: false")
    write_site(tiny_site, {"content/articles/live.md": closed})
    assert run_at(tiny_site, NOW, "build").exit_code == 0
    page = live_page(tiny_site)
    assert not page.cssselect(".live-label")
    data = json_ld(page)
    assert data["coverageEndTime"] == "2024-03-11T01:15:00+07:00"
    ended = closed.replace("live: false", "live: false\ncoverage_end: 2024-03-11T06:00:00+07:00")
    write_site(tiny_site, {"content/articles/live.md": ended})
    assert run_at(tiny_site, NOW, "build").exit_code == 0
    assert json_ld(live_page(tiny_site))["coverageEndTime"] == "2024-03-11T06:00:00+07:00"


def test_a_new_update_appears_on_the_next_build(live_site: Path):
    source = live_site / "content/articles/live.md"
    source.write_text(source.read_text() + "\n## 02:00 Waters recede\n\nLevels are falling.\n")
    assert run_at(live_site, NOW, "build").exit_code == 0
    page = live_page(live_site)
    assert page.cssselect(".live-update")[0].get("id") == "update-2024-03-11-0200"
    assert json_ld(page)["dateModified"] == "2024-03-11T02:00:00+07:00"


def test_each_update_later_than_now_is_a_warning_at_its_line(tiny_site: Path):
    write_site(tiny_site, {"content/articles/live.md": LIVE})
    result = run_at(tiny_site, "2024-03-10T21:00:00+07:00", "build")
    assert result.exit_code == 0, result.output
    for line, time in ((7, "21:10"), (22, "2024-03-11T01:15"), (26, "23:45")):
        when = time if "T" in time else f"2024-03-10T{time}"
        assert (
            f"content/articles/live.md:{line}: warning: live update at {when}:00+07:00 is later "
            "than now: it is published already"
        ) in result.output, line
    assert result.output.count("later than now") == 3  # not once more for 'updated'
    assert "field 'updated'" not in result.output
    # they are published all the same, as a future 'updated' is
    assert len(live_page(tiny_site).cssselect(".live-update")) == 4
    result = run_at(tiny_site, "2024-03-11T00:00:00+07:00", "build")  # two have come
    assert result.output.count("later than now") == 1
    assert "live.md:22: warning: live update at 2024-03-11T01:15:00+07:00" in result.output
    result = run_at(tiny_site, NOW, "build")  # and the last one
    assert result.exit_code == 0 and "later than now" not in result.output


def test_ordinary_articles_have_no_live_markup(live_site: Path):
    page = html(live_site / "public/2024/03/01/first/index.html")
    assert not page.cssselect(".live-updates, .live-label")
    types = [
        json.loads(s.text)["@type"] for s in page.xpath('//script[@type="application/ld+json"]')
    ]
    assert "NewsArticle" in types and "LiveBlogPosting" not in types


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("## 23:45", "## 24:61"), "content/articles/live.md:26: error: expected an update time"),
        (
            ("## 23:45", "## 20:30 again"),
            "content/articles/live.md:26: error: two updates share the time 2024-03-10 20:30",
        ),
        (
            ("{author=li-wei}", "{author=jdoe}"),
            "content/articles/live.md:14: error: unknown author 'jdoe' in the update at "
            "2024-03-10T20:30:00+07:00",
        ),
        (
            ("## 23:45", "## 2024-03-09T10:00"),
            "content/articles/live.md:26: error: update at 2024-03-09T10:00:00+07:00 is before",
        ),
        (
            ('time: "21:10"', "time: soon"),
            "content/articles/live.md:7: error: field 'updates.0': expected an update time",
        ),
        (("live: true\n", ""), "field 'updates': updates need 'live: true'"),
        (("live: true", "live: yes please"), "field 'live': expected true or false"),
    ],
)
def test_bad_live_updates_are_located_errors(tiny_site: Path, change, expected: str):
    write_site(tiny_site, {"content/articles/live.md": LIVE.replace(*change)})
    result = run_at(tiny_site, NOW, "build")
    assert result.exit_code == 1
    assert expected in result.output


def test_unquoted_yaml_times_are_read_as_clock_times(tiny_site: Path):
    # YAML 1.1 reads 21:10 as the number 1270 (base 60); it still means ten past nine
    write_site(
        tiny_site, {"content/articles/live.md": LIVE.replace('time: "21:10"', "time: 21:10")}
    )
    assert run_at(tiny_site, NOW, "build").exit_code == 0
    ids = [u.get("id") for u in live_page(tiny_site).cssselect(".live-update")]
    assert "update-2024-03-10-2110" in ids


LIVE_HEADER = (
    "---\ntitle: Live\nauthors: ana-ruiz\ndate: 2024-03-10T20:00:00+07:00\nlive: true\n---\n"
)


def built_live_page(root: Path, body: str):
    """The page of a live story with `body`, built as of NOW, and every id it holds."""
    write_site(root, {"content/articles/live.md": LIVE_HEADER + body})
    result = run_at(root, NOW, "build")
    assert result.exit_code == 0, result.output
    page = live_page(root)
    return page, [element.get("id") for element in page.iter() if element.get("id")]


def test_ids_in_updates_stay_unique_and_their_links_work(tiny_site: Path):
    page, ids = built_live_page(
        tiny_site,
        "The intro.\n\n### Background\n\nIntro background.\n\n"
        "## 20:30 First\n\n### Background\n\nA claim.[^1]\n\n[^1]: First source.\n\n"
        "## 21:30 Second\n\n### Background\n\nAnother claim.[^1]\n\n[^1]: Second source.\n",
    )
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for link in page.cssselect("article a[href^='#']"):
        target = link.get("href")[1:]
        assert target in ids, target  # every link to a place in the page finds it
    notes = page.cssselect(".live-update-body li.footnote-item")
    assert sorted(n.text_content().split("↩")[0].strip() for n in notes) == [
        "First source.",
        "Second source.",
    ]


def test_a_footnote_defined_at_the_end_serves_the_intro_and_every_update(tiny_site: Path):
    page, ids = built_live_page(
        tiny_site,
        "The intro makes a claim.[^src]\n\n"
        "## 20:30 First\n\nThe update repeats it.[^src]\n\n"
        "## 21:30 Second\n\nNo notes here.\n\n"
        "[^src]: The ministry's report,\n    page 4.\n",
    )
    assert "[^src]" not in page.text_content()
    notes = page.cssselect("li.footnote-item")
    assert len(notes) == 2  # in the intro and in the first update, each with its own ids
    assert all("report, page 4." in " ".join(n.text_content().split()) for n in notes)
    second = page.cssselect(".live-update")[0]  # newest first: the 21:30 update
    assert not second.cssselect("li.footnote-item")
    assert len(ids) == len(set(ids))
