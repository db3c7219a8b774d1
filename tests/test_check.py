"""`ssg check`: every rule fires on a fixture that breaks it, and is silent on clean sites."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import TINY_SITE, run, write_site
from photofix import make_photo

DEKS = {
    "content/articles/first.md": "A first dek.",
    "content/articles/second.md": "A second dek.",
    "content/articles/third.md": "A third dek.",
}
SITE_YML = textwrap.dedent(TINY_SITE["site.yml"])
ARTICLE = "---\ntitle: {title}\nauthors: ana-ruiz\ndate: {date}\n{extra}---\n{body}\n"


def article(title="Extra story", date="2024-03-05", extra="dek: D.\n", body="Body.") -> str:
    return ARTICLE.format(title=title, date=date, extra=extra, body=body)


@pytest.fixture
def clean_site(tmp_path: Path) -> Path:
    """The tiny site with deks and a topic file: `ssg check` finds nothing in it."""
    files: dict[str, str | bytes] = dict(TINY_SITE)
    for path, dek in DEKS.items():
        files[path] = files[path].replace(
            "        ---\n        The", f"        dek: {dek}\n        ---\n        The", 1
        )
        files[path] = files[path].replace(
            "        ---\n        Third", f"        dek: {dek}\n        ---\n        Third", 1
        )
    files["content/topics/courts.md"] = "---\nname: Courts\n---\nCourt cases.\n"
    files["assets/images/photo.jpg"] = make_photo(120, 80)
    return write_site(tmp_path / "site", files)


def check(root: Path, *args: str) -> tuple[int, dict]:
    result = run(root, "check", "--format", "json", *args)
    return result.exit_code, json.loads(result.output)


def findings(report: dict) -> list[dict]:
    return report["errors"] + report["warnings"]


def test_clean_fixture_site_passes_silently(clean_site: Path):
    code, report = check(clean_site)
    assert (code, report["errors"], report["warnings"]) == (0, [], []), report
    assert report["ok"] is True and report["pages"] > 5
    assert not (clean_site / "public").exists()  # check never writes the output
    text = run(clean_site, "check")
    assert text.exit_code == 0 and "Check passed: 0 error(s), 0 warning(s)" in text.output


def test_sample_newsroom_passes_with_no_errors_or_warnings(sample_build: Path):
    code, report = check(sample_build.parent)
    assert code == 0, report
    assert report["errors"] == [] and report["warnings"] == [], report


HERO = "image:\n  src: /images/photo.jpg\n  alt: {alt}\n  credit: {credit}\n"
X = "content/articles/extra.md"
CASES = [
    # id, files, rule, severity, path, line, text in the message
    (
        "broken link",
        {X: article(body="See [this](/2024/09/09/nowhere/).")},
        "broken-link",
        "error",
        X,
        7,
        "no such page",
    ),
    (
        "broken anchor between articles",
        {X: article(body="See [this](first.md#nowhere).")},
        "broken-link",
        "error",
        X,
        7,
        "no element with id 'nowhere'",
    ),
    (
        "broken anchor on the page",
        {X: article(body="## Facts\n\nSee [facts](#facts) and [more](#more).")},
        "broken-link",
        "error",
        X,
        9,
        "no element with id 'more'",
    ),
    (
        "broken menu link",
        {"site.yml": SITE_YML + "menu:\n  - title: About\n    url: /about/\n"},
        "broken-link",
        "error",
        None,
        None,
        "/about/: no such page or file (on ",
    ),
    (
        "link to a draft",
        {
            X: article(body="See [draft](draft.md)."),
            "content/articles/draft.md": article("Draft", extra="dek: D.\ndraft: true\n"),
        },
        "link-to-draft",
        "error",
        X,
        7,
        "is a draft",
    ),
    (
        "unknown author",
        {X: article().replace("authors: ana-ruiz", "authors: [ana-ruiz, jdoe]")},
        "unknown-author",
        "error",
        X,
        3,
        "unknown author 'jdoe'",
    ),
    (
        "misspelt topic",
        {X: article(extra="dek: D.\ntopics: [Cuorts]\n")},
        "unknown-topic",
        "warning",
        X,
        6,
        "topic 'Cuorts' has no content/topics/cuorts.md",
    ),
    (
        "missing hero alt",
        {X: article(extra="dek: D.\n" + HERO.format(alt='""', credit="Us"))},
        "missing-alt",
        "error",
        X,
        8,
        "hero photo has no alt text",
    ),
    (
        "missing body alt",
        {X: article(body="Text.\n\n![](/images/photo.jpg){credit=Us}")},
        "missing-alt",
        "error",
        X,
        9,
        "photo in the text has no alt text",
    ),
    (
        "missing hero credit",
        {X: article(extra="dek: D.\n" + HERO.format(alt="A", credit='""'))},
        "missing-credit",
        "error",
        X,
        9,
        "hero photo has no credit",
    ),
    (
        "missing body credit",
        {X: article(body="![A card](/images/photo.jpg)")},
        "missing-credit",
        "warning",
        X,
        7,
        "photo assets/images/photo.jpg has no credit",
    ),
    (
        "long headline",
        {X: article(title="Long " * 23)},
        "headline-length",
        "warning",
        X,
        2,
        "headline is 114 characters (limit 110)",
    ),
    (
        "missing dek",
        {X: article(extra="")},
        "missing-summary",
        "warning",
        X,
        2,
        "no dek or summary",
    ),
    (
        "updated before date",
        {X: article(extra="dek: D.\nupdated: 2024-03-01\n")},
        "updated-before-date",
        "error",
        X,
        6,
        "is earlier than 'date'",
    ),
    (
        "duplicate URL",
        {
            X: article(extra="dek: D.\nslug: twin\n"),
            "content/articles/x2.md": article(extra="dek: D.\nslug: twin\n"),
        },
        "duplicate-url",
        "error",
        X,
        6,
        "output URL /2024/03/05/twin/ is also produced by",
    ),
    (
        "duplicate slug",
        {X: article(extra="dek: D.\nslug: first\n")},
        "duplicate-slug",
        "warning",
        X,
        6,
        "slug 'first' is used by 2 articles",
    ),
    (
        "image over budget",
        {
            X: article(extra="dek: D.\n" + HERO.format(alt="A", credit="Us")),
            "site.yml": SITE_YML + "check:\n  image_max_bytes: 100\n",
        },
        "image-too-large",
        "warning",
        X,
        7,
        "bytes (budget 100)",
    ),
    (
        "orphan author",
        {"content/authors/gone.md": "---\nname: Gone Away\n---\nBio.\n"},
        "orphan-author",
        "warning",
        "content/authors/gone.md",
        1,
        "author 'gone' has no published articles",
    ),
    (
        "link to a missing article",
        {X: article(body="See [gone](gone.md).")},
        "broken-link",
        "error",
        X,
        7,
        "link to content/articles/gone.md does not exist",
    ),
    (
        "damaged photo",
        {
            X: article(extra="dek: D.\n" + HERO.format(alt="A", credit="Us")),
            "assets/images/photo.jpg": b"not a photo",
        },
        "bad-image",
        "error",
        X,
        7,
        "cannot use photo assets/images/photo.jpg",
    ),
    (
        "missing photo",
        {X: article(body="![A](/images/gone.jpg){credit=Us}")},
        "bad-image",
        "error",
        X,
        7,
        "image file not found: assets/images/gone.jpg",
    ),
    (
        "template error",
        {
            "layouts/404.html": "{% extends 'base.html' %}\n{% block content %}\n{{ nope.x }}\n{% endblock %}\n"
        },
        "template",
        "error",
        "layouts/404.html",
        3,
        "template error: 'nope' is undefined",
    ),
]


@pytest.mark.parametrize(
    ("files", "rule", "severity", "path", "line", "text"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_rule_fires_on_a_fixture_that_breaks_it(
    clean_site, files, rule, severity, path, line, text
):
    write_site(clean_site, files)
    code, report = check(clean_site)
    found = findings(report)
    assert {f["rule"] for f in found} == {rule}, found
    match = [f for f in found if text in f["message"] and f["path"] == path]
    assert match, found
    first = match[0]
    assert (first["severity"], first["path"], first["line"]) == (severity, path, line), first
    assert code == (1 if report["errors"] else 0)
    assert (severity == "error") == (code == 1)


def test_good_links_and_anchors_pass(clean_site: Path):
    body = (
        "## Key facts\n\nSee [facts](#key-facts), [the first story](first.md#top), "
        "[the courts](/topics/courts/), [a photo](/images/photo.jpg) and [home](/).\n\n"
        "A claim.[^1]\n\n[^1]: A footnote."
    )
    first = (clean_site / "content/articles/first.md").read_text()
    first = first.replace("The first paragraph", '<a id="top"></a>The first paragraph')
    write_site(clean_site, {X: article(body=body), "content/articles/first.md": first})
    code, report = check(clean_site)
    assert (code, report["errors"], report["warnings"]) == (0, [], []), report


def test_strict_turns_warnings_into_errors(clean_site: Path):
    write_site(clean_site, {X: article(extra="")})
    code, report = check(clean_site)
    assert code == 0 and len(report["warnings"]) == 1
    code, report = check(clean_site, "--strict")
    assert code == 1 and report["strict"] is True
    assert [f["rule"] for f in report["errors"]] == ["missing-summary"] and report["warnings"] == []
    assert report["errors"][0]["severity"] == "error"  # listed as an error, said as one
    text = run(clean_site, "check", "--strict").output
    assert "Errors (1):" in text and "error: " in text and "warning:" not in text


def test_rule_levels_come_from_site_yml(clean_site: Path):
    config = SITE_YML + (
        "check:\n  headline_max: 20\n  require_topic_files: true\n"
        "  rules:\n    headline-length: error\n    missing-summary: off\n    unknown-author: off\n"
    )
    bad_author = article(title="A headline that is long", extra="").replace("ana-ruiz", "jdoe")
    write_site(clean_site, {"site.yml": config, X: bad_author})
    code, report = check(clean_site)
    assert code == 1
    rules = {(f["rule"], f["severity"]) for f in findings(report)}
    # build errors cannot be switched off: the site cannot be built with them
    assert ("unknown-author", "error") in rules
    assert ("headline-length", "error") in rules
    assert not any(rule == "missing-summary" for rule, _ in rules)
    # with require_topic_files, topics without a file are reported too
    assert {f["message"] for f in findings(report) if f["rule"] == "unknown-topic"} >= {
        "topic 'Kim Jong Un' has no content/topics/kim-jong-un.md"
    }


def test_bad_rule_setting_is_a_located_config_error(clean_site: Path):
    config = SITE_YML + "check:\n  rules:\n    headline-length: loud\n"
    write_site(clean_site, {"site.yml": config})
    result = run(clean_site, "check")
    assert result.exit_code == 1
    assert "site.yml:" in result.output
    assert (
        "field 'check.rules.headline-length': expected error, warning or off, got 'loud'"
        in result.output
    )


def test_scheduled_articles_are_listed_with_the_next_go_live_time(clean_site: Path):
    write_site(
        clean_site,
        {
            "content/articles/later.md": article("Later", date="2999-01-02T08:00:00+07:00"),
            "content/articles/soon.md": article("Soon", date="2999-01-01T06:30:00+07:00"),
        },
    )
    code, report = check(clean_site)
    assert code == 0 and report["errors"] == [] and report["warnings"] == []
    assert [s["title"] for s in report["scheduled"]] == ["Soon", "Later"]
    assert report["next_live"] == "2999-01-01T06:30:00+07:00"
    assert report["scheduled"][0]["url"] == "/2999/01/01/soon/"
    assert report["next_rebuild"] == {
        "at": "2999-01-01T06:30:00+07:00",
        "reason": "live",
        "path": "content/articles/soon.md",
    }
    text = run(clean_site, "check").output
    assert "Scheduled (2): the next one goes live at 2999-01-01T06:30:00+07:00" in text
    assert (
        "Next rebuild: 2999-01-01T06:30:00+07:00, when content/articles/soon.md (Soon) "
        "goes live; rebuild the site then"
    ) in text


def test_the_next_rebuild_is_the_earliest_go_live_or_expiry(clean_site: Path):
    write_site(
        clean_site,
        {
            "content/articles/soon.md": article("Soon", date="2999-01-01T06:30:00+07:00"),
            "content/articles/fading.md": article(
                "Fading", extra="dek: D.\nexpires: 2998-06-01T12:00:00+07:00\n"
            ),
            "content/articles/gone.md": article("Gone", extra="dek: D.\nexpires: 2024-03-06\n"),
            "content/home.yml": "breaking:\n  text: Polls close\n  expires: 2998-05-01\n",
        },
    )
    # the banner goes first, then the story, then the scheduled one; what has expired
    # already needs no rebuild
    code, report = check(clean_site)
    assert code == 0, report
    assert report["next_live"] == "2999-01-01T06:30:00+07:00"
    assert report["next_rebuild"] == {
        "at": "2998-05-01T00:00:00+07:00",
        "reason": "breaking-expires",
        "path": "content/home.yml",
    }
    text = run(clean_site, "check").output
    assert (
        "Next rebuild: 2998-05-01T00:00:00+07:00, when the breaking banner in content/home.yml "
        "expires; rebuild the site then"
    ) in text
    write_site(clean_site, {"content/home.yml": None})
    code, report = check(clean_site)
    assert report["next_rebuild"] == {
        "at": "2998-06-01T12:00:00+07:00",
        "reason": "expires",
        "path": "content/articles/fading.md",
    }
    text = run(clean_site, "check").output
    assert (
        "Next rebuild: 2998-06-01T12:00:00+07:00, when content/articles/fading.md (Fading) "
        "expires; rebuild the site then"
    ) in text
    # nothing ahead: no rebuild is due
    write_site(clean_site, {"content/articles/soon.md": None, "content/articles/fading.md": None})
    code, report = check(clean_site)
    assert report["next_rebuild"] is None
    assert "Next rebuild" not in run(clean_site, "check").output


def test_text_report_groups_by_severity_with_locations(clean_site: Path):
    write_site(
        clean_site,
        {X: article(title="Long " * 23, extra="", body="See [this](/nowhere/).")},
    )
    result = run(clean_site, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    errors_at, warnings_at = lines.index("Errors (1):"), lines.index("Warnings (2):")
    assert errors_at < warnings_at
    assert lines[errors_at + 1].startswith(f"  {X}:6: error: broken link /nowhere/")
    assert lines[errors_at + 1].endswith("[broken-link]")
    assert lines[-1].startswith("Check failed: 1 error(s), 2 warning(s)")


def test_unreadable_config_is_reported(tmp_path: Path):
    write_site(tmp_path, {"site.yml": "title: [unclosed\n"})
    code, report = check(tmp_path)
    assert code == 1
    assert report["errors"][0]["rule"] == "config"


def test_check_refuses_the_output_folder_the_build_refuses(clean_site: Path):
    config = (clean_site / "site.yml").read_text() + "output: content\n"
    write_site(clean_site, {"site.yml": config})
    code, report = check(clean_site)
    assert code == 1
    [error] = report["errors"]
    assert error["field"] == "output" and "overlaps the site's content/ folder" in error["message"]
    assert error["rule"] == "config"


def test_a_template_syntax_error_is_reported_once(tiny_site: Path):
    broken = (
        '{% extends "theme/article.html" %}\n{% block title %}{{ article.title } }}{% endblock %}\n'
    )
    write_site(tiny_site, {"layouts/article.html": broken})
    for command in ("check", "build"):
        result = run(tiny_site, command)
        assert result.exit_code != 0
        lines = [line for line in result.output.splitlines() if "unexpected '}'" in line]
        assert len(lines) == 1, result.output
        assert "layouts/article.html:2:" in lines[0]


def test_check_judges_scheduled_stories_by_ssg_build_time(
    tiny_site: Path, monkeypatch: pytest.MonkeyPatch
):
    story = "---\ntitle: Later\nauthors: li-wei\ndate: 2030-01-01T08:00:00Z\n---\nSoon.\n"
    write_site(tiny_site, {"content/articles/later.md": story})
    before = run(tiny_site, "check")
    assert "Scheduled (1)" in before.output and "2030-01-01" in before.output
    monkeypatch.setenv("SSG_BUILD_TIME", "2030-02-01T00:00:00Z")
    after = run(tiny_site, "check")
    assert after.exit_code == 0, after.output
    assert "Scheduled" not in after.output and "Next rebuild" not in after.output
    monkeypatch.setenv("SSG_BUILD_TIME", "not a time")
    wrong = run(tiny_site, "check")
    assert wrong.exit_code == 1 and "SSG_BUILD_TIME" in wrong.output
