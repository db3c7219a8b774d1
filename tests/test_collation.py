"""Topic and author lists in alphabetical order, accents and all."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ssg.collation import sort_key

from conftest import TINY_SITE, html, run, write_site


def test_names_sort_as_a_reader_looks_them_up():
    names = ["Zalo", "Ô nhiễm", "Ấn Độ", "Đà Nẵng", "An Giang", "Bạc Liêu", "Ủy ban", "Ý", "Straße"]
    assert sorted(names, key=sort_key) == [
        "Ấn Độ",  # "an do" before "an giang"
        "An Giang",
        "Bạc Liêu",
        "Đà Nẵng",
        "Ô nhiễm",
        "Straße",
        "Ủy ban",
        "Ý",
        "Zalo",
    ]
    assert sorted(["Huế", "Hue", "hue"], key=sort_key) == ["Hue", "hue", "Huế"]


def test_the_topics_page_lists_accented_names_in_place(tiny_site: Path):
    story = "---\ntitle: T\nauthors: ana-ruiz\ndate: 2024-03-05\ntopics: [Đà Nẵng, Zalo, Ấn Độ]\n---\nB.\n"
    config = textwrap.dedent(TINY_SITE["site.yml"]) + "language: vi\n"
    write_site(tiny_site, {"content/articles/t.md": story, "site.yml": config})
    assert run(tiny_site, "build").exit_code == 0
    page = html(tiny_site / "public/topics/index.html")
    names = [a.text_content().strip() for a in page.cssselect("main li a")]
    assert names.index("Ấn Độ") < names.index("Courts") < names.index("Đà Nẵng")
    assert names.index("Đà Nẵng") < names.index("Zalo") < names.index("Zürich")
