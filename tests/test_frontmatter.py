"""Splitting front matter from the body, YAML errors with lines, and field line lookup."""

from __future__ import annotations

from ssg.frontmatter import field_line, load_yaml, split


def test_split_returns_front_body_and_body_line():
    source, problems = split("a.md", "---\ntitle: T\ndate: 2024-01-01\n---\nHello\n")
    assert problems == []
    assert source.front == "title: T\ndate: 2024-01-01\n"
    assert source.body == "Hello\n"
    assert source.body_line == 5


def test_file_without_front_matter_is_all_body():
    source, problems = split("a.md", "Just text\n")
    assert problems == [] and source.front == "" and source.body == "Just text\n"


def test_unclosed_front_matter_is_a_problem():
    _, problems = split("a.md", "---\ntitle: T\n")
    assert problems[0].format().startswith("a.md:1: error: front matter is not closed")


def test_yaml_error_line_is_the_file_line():
    _, problems = load_yaml("title: T\nauthors: [a\ndate: x\n", "a.md", line_offset=1)
    assert problems[0].line == 4
    assert "invalid YAML" in problems[0].message


def test_an_unclosed_quote_is_reported_where_it_opens():
    front = 'title: "A story\nauthors: [ann-lee]\ndate: 2026-01-30\nsection: x\n'
    _, problems = load_yaml(front, "a.md", line_offset=1)
    assert [p.format() for p in problems] == [
        "a.md:2: error: invalid YAML: a quote opened on line 2 is not closed (found unexpected "
        "end of stream on line 6) (hint: end the value with the quote it starts with; inside "
        "it, write \\\" or '')"
    ]


def test_field_line_finds_nested_and_list_items():
    front = "title: T\nimage:\n  src: a.jpg\n  alt: A\ncorrections:\n  - date: 2024-01-01\n    text: x\n  - date: 2024-01-02\n    text: y\n"
    assert field_line(front, "title") == 2
    assert field_line(front, "image.alt") == 5
    assert field_line(front, "corrections.1") == 9
    assert field_line(front, "corrections.1.text") == 10
    assert field_line(front, "missing") is None


SETTINGS = """\
sections:
  - title: World
    description: Far away.
  -
  - title: Politics
publisher:
  url: https://x.example/
menu:
- title: Topics
  url: /topics/
5: five
url: /wrong/
title: [a]
"""


def test_field_line_looks_for_a_key_only_inside_its_parents_block():
    def line(key: str) -> int | None:
        return field_line(SETTINGS, key, first_line=1)

    assert line("title") == 13  # the top-level key, not a section's title on line 2
    assert line("url") == 12 and line("publisher.url") == 7
    assert line("5") == 11  # a top-level key made of digits is a key, not a list index
    assert line("sections.0.description") == 3
    assert line("sections.1") == 4 and line("sections.1.title") == 4  # an empty item
    assert line("sections.2.title") == 5
    assert line("menu.0.url") == 10  # a list written at its key's own column
    assert line("sections.0.missing") == 2  # a missing key: its parent's line
    assert line("copyright") is None
