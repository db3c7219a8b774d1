"""An unfinished draft never stops the newsroom from publishing."""

from __future__ import annotations

from pathlib import Path

from conftest import run, write_site

DRAFT = """\
---
title: Half-written story
authors: [your-slug]
date: 2024-03-04T09:00:00+07:00
draft: true
image:
  src: /images/not-uploaded-yet.jpg
  alt: A photo to come
---
Notes for later.
"""


def test_errors_in_a_draft_are_warnings_when_drafts_are_left_out(tiny_site: Path):
    write_site(tiny_site, {"content/articles/draft.md": DRAFT})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "draft.md:3: warning: field 'authors': unknown author 'your-slug'" in out
    assert "draft.md:7: warning: field 'image.src': image file not found" in out
    assert "in a draft, which this build leaves out: fix it before publishing" in out
    assert (tiny_site / "public/index.html").is_file()
    assert not list((tiny_site / "public").rglob("half-written*"))

    check = run(tiny_site, "check")
    assert check.exit_code == 0, check.output
    assert "unknown author 'your-slug'" in check.output

    preview = run(tiny_site, "build", "--drafts", "--output", str(tiny_site / "preview"))
    assert preview.exit_code != 0  # a preview shows the draft: it must be right
    assert "draft.md:3: error: field 'authors': unknown author" in preview.output


def test_a_scheduled_story_is_not_excused(tiny_site: Path):
    scheduled = DRAFT.replace("draft: true", "").replace("2024-03-04", "2099-03-04")
    write_site(tiny_site, {"content/articles/later.md": scheduled})
    result = run(tiny_site, "build")
    assert result.exit_code != 0  # it goes out unattended at a later build
    assert "later.md:3: error: field 'authors': unknown author 'your-slug'" in result.output
