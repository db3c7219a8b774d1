"""Every kind of bad input gives one located message, exit code 1, and leaves the old output alone."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import lxml.etree
import pytest
from click.testing import Result

from conftest import REPO, TINY_SITE, run, snapshot, write_site

GOOD_HEADER = "---\ntitle: A story\nauthors: ana-ruiz\ndate: 2024-03-05\n"

CASES = {
    "unreadable YAML": (
        {
            "content/articles/bad.md": "---\ntitle: A story\nauthors: [ana-ruiz\ndate: 2024-03-05\n---\nBody.\n"
        },
        "content/articles/bad.md:4: error: invalid YAML",
    ),
    "missing required field": (
        {"content/articles/bad.md": "---\ntitle: A story\ndate: 2024-03-05\n---\nBody.\n"},
        "content/articles/bad.md:1: error: field 'authors': missing required field",
    ),
    "bad date": (
        {
            "content/articles/bad.md": "---\ntitle: A story\nauthors: ana-ruiz\ndate: yesterday\n---\nBody.\n"
        },
        "content/articles/bad.md:4: error: field 'date': expected a date like 2019-02-28 or "
        "2019-02-28T10:00:00+07:00, got 'yesterday' (hint: write the year, month and day in "
        "digits; a time and a zone may follow a T)",
    ),
    "wrong type": (
        {"content/articles/bad.md": GOOD_HEADER + "draft: maybe\n---\nBody.\n"},
        "content/articles/bad.md:5: error: field 'draft': expected true or false, got 'maybe' "
        "(hint: write draft: true or draft: false, without quotes)",
    ),
    "wrong type for topics": (
        {"content/articles/bad.md": GOOD_HEADER + "topics:\n  a: b\n---\nBody.\n"},
        "content/articles/bad.md:5: error: field 'topics': expected a list of names, got a mapping",
    ),
    "unknown author": (
        {
            "content/articles/bad.md": "---\ntitle: A story\nauthors: [ana-ruiz, jdoe]\ndate: 2024-03-05\n---\nB.\n"
        },
        "content/articles/bad.md:3: error: field 'authors': unknown author 'jdoe' (known: ana-ruiz, li-wei)",
    ),
    "missing image": (
        {
            "content/articles/bad.md": GOOD_HEADER
            + "image:\n  src: /images/nope.jpg\n  alt: A\n---\nB.\n"
        },
        "content/articles/bad.md:6: error: field 'image.src': image file not found: assets/images/nope.jpg",
    ),
    "impossible date": (
        {"content/articles/bad.md": GOOD_HEADER.replace("2024-03-05", "2024-02-30") + "---\nB.\n"},
        "content/articles/bad.md:4: error: field 'date': invalid date: '2024-02-30' is not a real "
        "date or time "
        "(day is out of range for month) (hint: write a real date and time",
    ),
    "impossible hour in a correction": (
        {
            "content/articles/bad.md": GOOD_HEADER
            + "corrections:\n  - date: 2024-03-06 25:00:00\n    text: Fixed.\n---\nB.\n"
        },
        "content/articles/bad.md:6: error: field 'corrections.0.date': invalid date: "
        "'2024-03-06 25:00:00' is not a real "
        "date or time (hour must be in 0..23)",
    ),
    "correction before publication": (
        {
            "content/articles/bad.md": GOOD_HEADER
            + "corrections:\n  - date: 2024-03-04\n    text: Fixed.\n---\nB.\n"
        },
        "content/articles/bad.md:6: error: field 'corrections.0.date': is before the story's "
        "publication (2024-03-04 < 2024-03-05) (hint: a correction comes after publication",
    ),
    "year out of range": (
        {
            "content/articles/bad.md": GOOD_HEADER.replace(
                "2024-03-05", "0001-01-01T00:00:00+07:00"
            )
            + "---\nB.\n"
        },
        "content/articles/bad.md:4: error: field 'date': expected a year from 1000 to 9000, got 1",
    ),
    "only a fence": (
        {"content/articles/bad.md": "---"},
        "content/articles/bad.md:1: error: front matter is not closed",
    ),
    "empty author list": (
        {
            "content/articles/bad.md": "---\ntitle: A story\nauthors: []\ndate: 2024-03-05\n---\nB.\n"
        },
        "content/articles/bad.md:3: error: field 'authors': expected at least one author, got an "
        "empty list",
    ),
    "blank author": (
        {
            "content/articles/bad.md": "---\ntitle: A story\nauthors: [ana-ruiz, ' ']\n"
            "date: 2024-03-05\n---\nB.\n"
        },
        "content/articles/bad.md:3: error: field 'authors': expected each item to be text, got ' '",
    ),
    "two author files with one slug": (
        {"content/authors/ana_ruiz.md": "---\nname: Impostor\n---\nBio.\n"},
        "content/authors/ana_ruiz.md: error: this author's slug 'ana-ruiz' (from the file name) "
        "is also the slug of content/authors/ana-ruiz.md",
    ),
    "missing logo": (
        {
            "site.yml": textwrap.dedent(TINY_SITE["site.yml"])
            + "publisher:\n  logo: /images/nosuch.png\n"
        },
        "site.yml:7: error: field 'publisher.logo': logo file not found: assets/images/nosuch.png",
    ),
    "invisible title": (
        {
            "content/articles/bad.md": '---\ntitle: "\\u200b\\u200d"\nauthors: ana-ruiz\ndate: 2024-03-05\n---\nB.\n'
        },
        "content/articles/bad.md:2: error: field 'title': missing required field (expected text)",
    ),
    "focus out of range": (
        {
            "content/articles/bad.md": GOOD_HEADER
            + "image:\n  src: https://x.example/a.jpg\n  alt: A\n  credit: C\n  focus: [2, 2]\n---\nB.\n"
        },
        "content/articles/bad.md:9: error: field 'image.focus': expected two numbers between 0 "
        "and 1, got [2, 2]",
    ),
    "alias of its own address": (
        {"content/articles/bad.md": GOOD_HEADER + "aliases: [/2024/03/05/bad/]\n---\nB.\n"},
        "content/articles/bad.md:5: error: field 'aliases': the alias /2024/03/05/bad/ is this "
        "story's own address",
    ),
    "topics with one address": (
        {"content/articles/bad.md": GOOD_HEADER + "topics: [C++, 'C#']\n---\nB.\n"},
        "content/articles/bad.md:5: error: field 'topics': topic 'C#' would share the page "
        "/topics/c/ with topic 'C++'",
    ),
    "updated before date": (
        {"content/articles/bad.md": GOOD_HEADER + "updated: 2024-03-01\n---\nBody.\n"},
        "content/articles/bad.md:5: error: field 'updated': is earlier than 'date'",
    ),
    "duplicate output URL": (
        {
            "content/articles/again/first.md": "---\ntitle: Copy\nauthors: li-wei\ndate: 2024-03-01\n---\nB.\n"
        },
        "content/articles/again/first.md:2: error: field 'slug': output URL /2024/03/01/first/ is also "
        "produced by content/articles/first.md",
    ),
    "unclosed front matter": (
        {"content/articles/bad.md": "---\ntitle: A story\n"},
        "content/articles/bad.md:1: error: front matter is not closed",
    ),
    "link to a missing article": (
        {"content/articles/bad.md": GOOD_HEADER + "---\nSee [this](nowhere.md).\n"},
        "content/articles/bad.md:6: error: link to content/articles/nowhere.md does not exist",
    ),
    "bad config": (
        {"site.yml": "title: T\nbase_url: https://t.example/\ntimezone: Mars/Olympus\n"},
        "site.yml:3: error: field 'timezone': expected an IANA time zone name, got 'Mars/Olympus'",
    ),
    "template syntax error": (
        {
            "layouts/404.html": "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n{% endblock %}\n"
        },
        "404.html:3: error: template syntax error",
    ),
    "missing included template": (
        {
            "layouts/404.html": "{% extends 'base.html' %}\n{% block content %}\n"
            "{% include 'partials/nosuch.html' %}\n{% endblock %}\n"
        },
        "404.html:3: error: template not found: partials/nosuch.html while rendering /404.html",
    ),
    "template undefined variable": (
        {
            "layouts/404.html": "{% extends 'base.html' %}\n{% block content %}\n{{ nonsense.value }}\n{% endblock %}\n"
        },
        "404.html:3: error: template error: 'nonsense' is undefined",
    ),
    "page slug needing percent-encoding": (
        {"content/pages/qa.md": "---\ntitle: Q and A\nslug: q&a café\n---\nAsk us.\n"},
        "content/pages/qa.md:3: error: field 'slug': expected lower-case letters, digits and "
        "hyphens (and '/' between folders), got 'q&a café' (hint: try 'q-a-cafe')",
    ),
    "undefined variable in an included SVG": (
        {
            "layouts/partials/icon.svg": '<svg viewBox="0 0 8 8">\n<title>{{ icon_title.text }}</title>\n</svg>\n',
            "layouts/404.html": "{% extends 'base.html' %}\n{% block content %}\n"
            "{% include 'partials/icon.svg' %}\n{% endblock %}\n",
        },
        "layouts/partials/icon.svg:2: error: template error: 'icon_title' is undefined",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_and_old_output_kept(tiny_site: Path, case: str):
    assert run(tiny_site, "build").exit_code == 0
    before = snapshot(tiny_site / "public")
    files, expected = CASES[case]
    write_site(tiny_site, files)
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output
    assert "previous output was left untouched" in result.output
    assert snapshot(tiny_site / "public") == before
    leftovers = [p.name for p in tiny_site.iterdir() if p.name.startswith(".public")]
    assert leftovers == []


def test_all_errors_of_a_build_are_shown_together(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "content/articles/a.md": "---\ntitle: A\nauthors: nobody\ndate: 2024-03-05\n---\nB.\n",
            "content/articles/b.md": "---\ntitle: B\nauthors: ana-ruiz\ndate: soon\n---\nB.\n",
            "content/articles/c.md": "---\nauthors: ana-ruiz\ndate: 2024-03-05\n---\nB.\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert (
        "content/articles/a.md:3: error: field 'authors': unknown author 'nobody'" in result.output
    )
    assert "content/articles/b.md:4: error: field 'date'" in result.output
    assert "content/articles/c.md:1: error: field 'title': missing required field" in result.output
    assert "3 error(s)" in result.output


def test_unknown_fields_warn_with_suggestion(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "content/articles/a.md": GOOD_HEADER + "datline: HANOI\n---\nBody.\n",
            "site.yml": (tiny_site / "site.yml").read_text() + "titel: oops\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert (
        "content/articles/a.md:5: warning: field 'datline': unknown field, ignored "
        "(hint: did you mean 'dateline'?)" in result.output
    )
    assert "site.yml:" in result.output and "field 'titel': unknown setting" in result.output
    assert "did you mean 'title'?" in result.output


def test_missing_config_is_a_clear_error(tmp_path: Path):
    result = run(tmp_path, "build")
    assert result.exit_code == 1
    assert "site.yml: error: site configuration not found" in result.output


def test_usage_error_exits_2(tiny_site: Path):
    assert run(tiny_site, "build", "--no-such-flag").exit_code == 2
    assert run(tiny_site, "frobnicate").exit_code == 2


def test_a_slug_too_long_for_a_folder_name_is_a_field_error(tiny_site: Path):
    slug = "a" * 300
    article = TINY_SITE["content/articles/first.md"].replace(
        "title: First story", f"slug: {slug}\n        title: First story"
    )
    write_site(tiny_site, {"content/articles/first.md": article})
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "content/articles/first.md:2: error: field 'slug': expected at most 200 characters" in (
        result.output
    )
    assert "cannot write the output folder" not in result.output


def test_control_characters_are_removed_with_a_warning_and_feeds_stay_xml(tiny_site: Path):
    """Text pasted from a word processor can carry U+0008, U+000B or U+000C: XML 1.0
    forbids them, so one story made every feed that shows it unreadable."""
    article = (
        TINY_SITE["content/articles/first.md"]
        .replace("title: First story", 'title: "First\x0b story"')
        .replace("The first paragraph", "The first\x08 paragraph\x0c")
    )
    write_site(tiny_site, {"content/articles/first.md": article})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert "content/articles/first.md:2: warning: removed 3 invisible character(s)" in result.output
    out = tiny_site / "public"
    feeds = list(out.rglob("*.xml"))
    assert len(feeds) > 3
    for feed in feeds:
        lxml.etree.parse(str(feed))  # raises on a character XML forbids
    page = (out / "2024/03/01/first/index.html").read_text(encoding="utf-8")
    assert "First story" in page and "The first paragraph" in page
    assert not any(ch in page for ch in "\x08\x0b\x0c")


def test_lists_nested_past_markdowns_limit_give_a_warning_at_their_line(tiny_site: Path):
    """markdown-it renders nothing past 20 levels of quotes or lists and drops some of
    what follows without a word: the build says where."""
    deep = "- " * 25 + "too deep\n\nAfter the list.\n"
    article = textwrap.dedent(TINY_SITE["content/articles/first.md"]) + "\n" + deep
    write_site(tiny_site, {"content/articles/first.md": article})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert "content/articles/first.md:9: warning: quotes or lists are nested too deeply" in (
        result.output
    )
    write_site(tiny_site, {"content/articles/first.md": TINY_SITE["content/articles/first.md"]})
    assert "nested too deeply" not in run(tiny_site, "build").output


def test_dates_before_standard_time_are_written_in_utc(tmp_path: Path):
    # Asia/Ho_Chi_Minh kept local mean time (+07:06:30) until 1906: an offset with seconds
    # is invalid in HTML and W3C dates, so such dates are written in UTC
    story = "---\ntitle: Old news\nauthors: ana-ruiz\ndate: 1890-05-01T08:00:00\n---\nB.\n"
    root = write_site(tmp_path / "site", {**TINY_SITE, "content/articles/old.md": story})
    assert run(root, "build").exit_code == 0
    page = (root / "public/1890/05/01/old/index.html").read_text(encoding="utf-8")
    stamps = re.findall(r'datetime="([^"]+)"', page) + re.findall(
        r'"datePublished":"([^"]+)"', page
    )
    assert stamps and set(stamps) == {"1890-05-01T00:53:30+00:00"}
    sitemap = (root / "public/sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>1890-05-01T00:53:30+00:00</lastmod>" in sitemap


def test_an_author_or_topic_named_twice_is_shown_once(tmp_path: Path):
    story = (
        "---\ntitle: Twice\nauthors: [li-wei, li-wei]\ndate: 2024-03-04\n"
        "topics: [Zürich, zürich, ZÜRICH]\n---\nB.\n"
    )
    root = write_site(tmp_path / "site", {**TINY_SITE, "content/articles/twice.md": story})
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    page = (root / "public/2024/03/04/twice/index.html").read_text(encoding="utf-8")
    assert page.count('rel="tag"') == 1 and page.count('rel="author"') == 1
    assert page.count('id="author-li-wei"') == 1
    topic = (root / "public/topics/zurich/index.html").read_text(encoding="utf-8")
    assert topic.count("/2024/03/04/twice/") == 1


def test_a_content_folder_that_cannot_be_read_is_an_error_not_a_silent_loss(
    tmp_path: Path, monkeypatch
):
    story = "---\ntitle: Fish\nauthors: ana-ruiz\ndate: 2024-03-04\n---\nB.\n"
    root = write_site(tmp_path / "site", {**TINY_SITE, "content/articles/opinion/fish.md": story})
    assert run(root, "build").exit_code == 0
    before = snapshot(root / "public")
    real_scandir = os.scandir

    def scandir(path=".", *args):
        if str(path).endswith("opinion"):  # as a folder without read permission does
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *args)

    monkeypatch.setattr(os, "scandir", scandir)
    message = (
        "content/articles/opinion: error: cannot read folder: Permission denied (hint: let the "
        "user who builds read the folder, or move its files out)"
    )
    for command in ("build", "check"):
        result = run(root, command)
        assert result.exit_code == 1 and message in result.output, result.output
    assert snapshot(root / "public") == before


def test_layouts_skip_stray_files_and_name_a_template_that_is_not_utf8(tmp_path: Path):
    root = write_site(
        tmp_path / "site",
        {**TINY_SITE, "layouts/.DS_Store": b"\xff\xfe\x00binary", "layouts/404.html~": b"\xff"},
    )
    assert run(root, "build").exit_code == 0, "stray files in layouts/ are not templates"
    write_site(root, {"layouts/404.html": b"\xff\xfe{{ x }}"})
    result = run(root, "build")
    assert result.exit_code == 1
    assert (
        "layouts/404.html: error: cannot use template 404.html: the file is not UTF-8 text "
        "(invalid start byte) (hint: save it as UTF-8 text)"
    ) in result.output
    assert "unexpected failure" not in result.output


def test_jobs_has_an_upper_bound(tmp_path: Path):
    root = write_site(tmp_path / "site", TINY_SITE)
    result = run(root, "build", "--jobs", "100000")
    assert result.exit_code == 2 and "1<=x<=256" in result.output


def test_an_error_in_the_base_template_is_reported_once_not_per_page(tmp_path: Path):
    base = (REPO / "layouts/base.html").read_text(encoding="utf-8")
    broken = base.replace("</footer>", "{{ nonsense.value }}</footer>", 1)
    root = write_site(tmp_path / "site", {**TINY_SITE, "layouts/base.html": broken})
    result = run(root, "build")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(errors) == 1, errors
    assert "template error: 'nonsense' is undefined while rendering /" in errors[0]
    assert re.search(r"\(and \d+ other page\(s\)\)", errors[0])
    check = run(root, "check")
    assert check.exit_code == 1
    assert [line for line in check.output.splitlines() if "error:" in line] == [
        next(line for line in check.output.splitlines() if "'nonsense' is undefined" in line)
    ]  # and no 'broken link' to the pages that failed to render


def test_a_plain_http_photo_address_is_a_warning(tmp_path: Path):
    story = (
        "---\ntitle: T\nauthors: ana-ruiz\ndate: 2024-03-09\nimage:\n"
        "  src: http://photos.example/a.jpg\n  alt: A\n  credit: C\n---\nB.\n"
    )
    root = write_site(tmp_path / "site", {**TINY_SITE, "content/articles/t.md": story})
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert (
        "content/articles/t.md:6: warning: field 'image.src': 'http://photos.example/a.jpg' is a "
        "plain http:// address: browsers block it on https pages"
    ) in result.output


def test_template_errors_name_the_site_template_by_its_site_relative_path(tmp_path: Path):
    byline = {"layouts/partials/byline.html": "<p>\n{{ nonsense.value }}</p>\n"}
    root = write_site(tmp_path / "site", {**TINY_SITE, **byline})
    syntax = {"layouts/404.html": "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n"}
    for files, where in (
        (byline, "layouts/partials/byline.html:2"),
        (syntax, "layouts/404.html:3"),
    ):
        write_site(root, files)
        result = run(root, "build")
        assert result.exit_code == 1
        errors = [line for line in result.output.splitlines() if ": error: " in line]
        assert [line.split(": error: ")[0] for line in errors] == [where], errors


def errors_of(result) -> list[str]:
    return [line for line in result.output.splitlines() if ": error: " in line]


def test_errors_in_one_file_do_not_hide_each_other(tmp_path: Path):
    """An impossible date hid a missing title; a bad title hid a missing photo and a
    broken link; a bad alias hid an unknown section: each needed a build of its own."""
    date_and_title = "---\nauthors: ana-ruiz\ndate: 2026-02-30\n---\nB.\n"
    title_photo_link = (
        "---\ntitle: [a, list]\nauthors: ana-ruiz\ndate: 2024-03-05\nimage:\n"
        "  src: /images/nope.jpg\n  alt: A\n  credit: C\n---\nSee [this](nowhere.md).\n"
    )
    alias_and_section = GOOD_HEADER + "aliases: [old]\nsection: Nope\n---\nB.\n"
    site = TINY_SITE["site.yml"] + "sections: [World]\n"
    root = write_site(
        tmp_path / "site",
        {
            **TINY_SITE,
            "site.yml": site,
            "content/articles/a.md": date_and_title,
            "content/articles/b.md": title_photo_link,
            "content/articles/c.md": alias_and_section,
        },
    )
    result = run(root, "build")
    assert result.exit_code == 1
    located = [line.split(" (hint")[0] for line in errors_of(result)]
    assert [line.split(": error: ")[0] + ": " + line.split(": ")[2] for line in located] == [
        "content/articles/a.md:1: field 'title'",
        "content/articles/a.md:3: field 'date'",
        "content/articles/b.md:2: field 'title'",
        "content/articles/b.md:6: field 'image.src'",
        "content/articles/b.md:10: link to content/articles/nowhere.md does not exist",
        "content/articles/c.md:5: field 'aliases'",
        "content/articles/c.md:6: field 'section'",
    ], located


def test_a_bad_link_in_an_author_file_does_not_make_the_author_unknown(tiny_site: Path):
    author = TINY_SITE["content/authors/li-wei.md"].replace(
        "role: Data editor",
        "role: Data editor\n        links:\n          - title: X\n"
        '            url: "javascript:alert(1)"',
    )
    write_site(tiny_site, {"content/authors/li-wei.md": author})
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert [line.split(" (hint")[0] for line in errors_of(result)] == [
        "content/authors/li-wei.md:6: error: field 'links.0.url': expected an http(s) or mailto "
        "link or a site path, got 'javascript:alert(1)'"
    ]


def test_an_asset_the_system_refuses_to_read_is_named(tiny_site: Path, monkeypatch):
    # as root, chmod 000 changes nothing: the refusal is simulated where the file is read
    import pathlib

    write_site(tiny_site, {"assets/css/extra.css": "p { color: black }\n"})
    real = pathlib.Path.read_bytes

    def refusing(self):
        if self.name == "extra.css":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", refusing)
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "error: cannot use assets/css/extra.css: Permission denied" in result.output
    assert "unexpected failure" not in result.output and "Traceback" not in result.output


def test_a_failure_inside_a_helper_a_template_calls_says_where_it_is(tiny_site: Path, monkeypatch):
    from ssg import feeds

    monkeypatch.setattr(feeds, "urlsplit", None)  # entry_id() now fails in ssg/feeds.py
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if "'NoneType' object is not callable" in x]
    assert "feeds/atom.xml:" in line  # where the template called it
    assert "TypeError raised inside ssg's own code (ssg/feeds.py:" in line
    assert "not callable while rendering /feed.xml" in line  # the page, not ssg's file
    assert "Traceback" not in result.output


def test_a_broken_author_file_is_reported_once_not_once_per_story(tiny_site: Path):
    # both fixture stories name li-wei, and so does a live update; the file exists, but
    # its front matter is a list
    live = (
        "---\ntitle: Live\nauthors: ana-ruiz\ndate: 2024-03-05T08:00:00Z\nlive: true\n---\n"
        "Intro.\n\n## 09:00 First {author=li-wei}\n\nText.\n"
    )
    write_site(
        tiny_site,
        {
            "content/authors/li-wei.md": "---\n- a\n---\nBio.\n",
            "content/articles/live.md": live,
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(errors) == 1, errors
    assert errors[0].startswith("content/authors/li-wei.md:")
    assert "unknown author" not in result.output


def build_with_page_template(site: Path, template: str) -> Result:
    """Build `site` with an About page rendered by `template` as layouts/page.html."""
    about = "---\ntitle: About\n---\nUs.\n"
    write_site(site, {"layouts/page.html": template, "content/pages/about.md": about})
    return run(site, "build")


def in_content_block(line: str) -> str:
    """A page template whose third line is `line`, inside the content block."""
    return '{% extends "base.html" %}\n{% block content %}\n' + line + "\n{% endblock %}\n"


def test_a_macro_given_too_many_arguments_is_the_templates_mistake(tiny_site: Path):
    page = in_content_block("{% macro tag(a, b) %}{{ a }}{% endmacro %}{{ tag(1, 2, 3) }}")
    result = build_with_page_template(tiny_site, page)
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if "takes not more than 2 argument" in x]
    assert line.startswith("layouts/page.html:3:")
    assert "ssg's own code" not in line and "TypeError raised in the template" in line


def test_a_misspelt_theme_template_is_named_as_written_with_a_suggestion(tiny_site: Path):
    result = build_with_page_template(tiny_site, '{% extends "theme/pag.html" %}\n')
    assert result.exit_code == 1
    assert "template not found: theme/pag.html" in result.output
    assert "did you mean 'theme/page.html'?" in result.output


def test_a_card_given_nothing_is_reported_at_the_line_that_called_it(tiny_site: Path):
    result = build_with_page_template(tiny_site, in_content_block("{{ card(none) }}"))
    assert result.exit_code == 1
    assert "layouts/page.html:3: error: template error: card() needs a story to show" in (
        result.output
    )


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("{{ page.title|upperr }}", "did you mean the filter 'upper'?"),
        ("{{ page.titel }}", "did you mean 'title'? (page has no 'titel')"),
    ],
)
def test_a_misspelt_filter_or_attribute_gets_a_did_you_mean(tiny_site: Path, line: str, hint: str):
    result = build_with_page_template(tiny_site, in_content_block(line))
    assert result.exit_code == 1
    assert "layouts/page.html:3: error: template" in result.output
    assert f"(hint: {hint})" in result.output


def test_a_date_filter_given_an_empty_field_says_so_at_the_templates_line(tiny_site: Path):
    result = build_with_page_template(tiny_site, in_content_block("{{ none|format_datetime }}"))
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if "format_datetime needs a date" in x]
    assert line.startswith("layouts/page.html:3: error: template error: format_datetime needs")
    assert "ssg's own code" not in line and "bug" not in line


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("{{ url(none) }}", "url() needs a site path"),
        ("{{ abs_url(none) }}", "abs_url() needs a site path"),
        ("{{ asset(none) }}", "asset() needs a file's path under assets/"),
        ("{{ picture(none) }}", "picture() needs a photo"),
        ("{{ none|join_names }}", "join_names needs a list of names"),
        ("{{ social_url('github', none) }}", "social_url() needs a handle"),
        ("{{ social_name(none) }}", "social_name() needs a network's name"),
        ("{{ ld_article(none)|jsonld }}", "ld_article() needs a story"),
        ("{{ ld_article_breadcrumbs(none)|jsonld }}", "ld_article_breadcrumbs() needs a story"),
        ("{{ ld_topic_breadcrumbs(none)|jsonld }}", "ld_topic_breadcrumbs() needs a topic"),
        ("{{ ld_profile(none)|jsonld }}", "ld_profile() needs an author"),
        ("{{ none|rfc822 }}", "rfc822 needs a date"),
        ("{{ entry_id(none) }}", "entry_id() needs a story"),
    ],
)
def test_a_helper_given_an_empty_field_says_so_at_the_templates_line(
    tiny_site: Path, line: str, says: str
):
    result = build_with_page_template(tiny_site, in_content_block(line))
    assert result.exit_code == 1
    [error] = [x for x in result.output.splitlines() if ": error: " in x]
    assert error.startswith(f"layouts/page.html:3: error: template error: {says}")
    assert "got None" in error and "{% if … %}" in error
    assert "ssg's own code" not in error and "bug" not in error


def test_helpers_take_their_arguments_by_name_too(tiny_site: Path):
    calls = (
        "{{ social_url(network='github', handle='ana') }} {{ social_name(network='github') }}"
        " {{ url(path='/x/') }} {{ abs_url(path='/x/') }} {{ asset(path='css/style.css') }}"
    )
    result = build_with_page_template(tiny_site, in_content_block(calls))
    assert result.exit_code == 0, result.output
    html = (tiny_site / "public/about/index.html").read_text()
    assert "https://github.com/ana GitHub /x/ https://tiny.example/x/ /css/style." in html


def test_structured_data_helpers_take_their_arguments_by_name(tiny_site: Path):
    template = "{{ ld_article(article=article)|jsonld }}{{ entry_id(article=article) }}"
    write_site(tiny_site, {"layouts/article.html": template})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert "NewsArticle" in (tiny_site / "public/2024/03/01/first/index.html").read_text()


def test_a_helper_given_a_misspelt_name_says_which_name(tiny_site: Path):
    result = build_with_page_template(tiny_site, in_content_block("{{ abs_url(page.urll) }}"))
    assert result.exit_code == 1
    [error] = [x for x in result.output.splitlines() if ": error: " in x]
    assert "has no attribute 'urll'" in error and "did you mean 'url'?" in error
    assert "abs_url() needs" not in error


def test_a_helper_given_text_for_a_list_says_what_it_needs_without_the_empty_field_hint(
    tiny_site: Path,
):
    result = build_with_page_template(tiny_site, in_content_block("{{ 'Ana'|join_names }}"))
    assert result.exit_code == 1
    assert "join_names needs a list of names, got 'Ana' while rendering" in result.output


def test_a_template_included_under_a_backup_name_is_an_error(tiny_site: Path):
    """Backups and hidden files are not templates (ssg.strays): neither tracked for
    rebuilds nor watched by the preview, so including one is refused, not served stale."""
    write_site(tiny_site, {"layouts/partials/promo.html.bak": "<p>promo</p>\n"})
    page = in_content_block('{% include "partials/promo.html.bak" %}')
    result = build_with_page_template(tiny_site, page)
    assert result.exit_code == 1
    assert "is not loaded as a template" in result.output and "Traceback" not in result.output


def test_join_names_given_objects_says_to_map_them_to_names(tiny_site: Path):
    result = build_with_page_template(tiny_site, in_content_block("{{ [page]|join_names }}"))
    assert result.exit_code == 1
    [error] = [x for x in result.output.splitlines() if ": error: " in x]
    assert "join_names needs names as text, such as authors|map(attribute='name')" in error
    assert "ssg's own code" not in error
