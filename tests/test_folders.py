"""Nothing is written outside the folders a build owns. An output or cache folder that is
the site's folder, holds it, or overlaps its sources is refused before anything is written
(`ssg build --output content` once deleted every article), and so is a page address with
'..' segments (an alias once wrote a redirect page outside the output folder)."""

from __future__ import annotations

import errno
import os
import textwrap
from pathlib import Path

import pytest

from ssg import writer
from ssg.folders import is_plain_site_path

from conftest import TINY_SITE, run, snapshot, write_site


def sources(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root).items() if k.split("/")[0] in ("content", "site.yml")}


@pytest.mark.parametrize("folder", ["content", "content/articles", ".", "..", "layouts/out"])
def test_an_output_flag_over_the_sources_is_refused(tmp_path: Path, folder: str):
    root = write_site(tmp_path / "site", TINY_SITE)
    before = snapshot(tmp_path)
    result = run(root, "build", "--output", folder)
    assert result.exit_code != 0
    assert f"the output folder {folder} cannot be used" in result.output
    assert "--output" in result.output and "Traceback" not in result.output
    assert "cache folder" not in result.output  # the output's error covers the cache in it
    assert snapshot(tmp_path) == before  # nothing written, nothing deleted


def test_an_output_setting_over_the_sources_is_refused_at_its_field(tmp_path: Path):
    root = write_site(tmp_path / "site", TINY_SITE)
    write_site(root, {"site.yml": TINY_SITE["site.yml"] + "output: assets/site\n"})
    before = sources(root)
    result = run(root, "build")
    assert result.exit_code != 0
    assert "site.yml: error: field 'output': the output folder assets/site cannot be used: " in (
        result.output
    )
    assert "overlaps the site's assets/ folder" in result.output
    assert sources(root) == before
    assert not (root / "assets/site").exists()


@pytest.mark.parametrize("setting", [".", "..", "assets/cache", "layouts/.cache"])
def test_a_cache_folder_over_the_sources_is_refused(tmp_path: Path, setting: str):
    root = write_site(tmp_path / "site", TINY_SITE)
    write_site(root, {"site.yml": TINY_SITE["site.yml"] + f"cache_dir: {setting}\n"})
    before = snapshot(tmp_path)
    for command in ("build", "check"):
        result = run(root, command)
        assert result.exit_code != 0, command
        assert f"field 'cache_dir': the cache folder {setting} cannot be used" in result.output
        assert snapshot(tmp_path) == before, command


def test_a_cache_folder_inside_the_output_folder_is_refused_at_its_setting(tmp_path: Path):
    root = write_site(tmp_path / "site", TINY_SITE)
    write_site(root, {"site.yml": TINY_SITE["site.yml"] + "cache_dir: public/.cache\n"})
    result = run(root, "build")
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors == [
        "site.yml:6: error: field 'cache_dir': the cache folder public/.cache cannot be used: it "
        "is inside the output folder, and a build deletes files there that it did not write "
        "(hint: use a folder of its own, such as .ssg-cache (the default))"
    ]


def test_folders_of_their_own_build(tmp_path: Path):
    root = write_site(tmp_path / "site", TINY_SITE)
    write_site(root, {"site.yml": TINY_SITE["site.yml"] + "cache_dir: ../shared-cache\n"})
    result = run(root, "build", "--output", str(tmp_path / "www"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "www/index.html").is_file()
    assert (tmp_path / "shared-cache/parse.sqlite").is_file()


ESCAPE = "/../../../escaped/"


def escaped(tmp_path: Path) -> bool:
    return any(p.name == "escaped" for p in tmp_path.rglob("*")) or Path("/escaped").exists()


def test_an_alias_with_dot_dot_segments_is_a_field_error(tmp_path: Path):
    root = write_site(tmp_path / "a" / "b" / "site", TINY_SITE)
    article = TINY_SITE["content/articles/first.md"].replace(
        "title: First story", f'title: First story\n        aliases: ["{ESCAPE}"]'
    )
    write_site(root, {"content/articles/first.md": article})
    result = run(root, "build")
    assert result.exit_code != 0
    assert "content/articles/first.md:3: error: field 'aliases': expected a site path" in (
        result.output
    )
    assert not escaped(tmp_path) and not (root / "public").exists()


def test_a_permalink_with_dot_dot_segments_is_a_field_error(tmp_path: Path):
    root = write_site(tmp_path / "a" / "b" / "site", TINY_SITE)
    permalink = 'permalink: "/../../../escaped/{slug}/"\n'
    write_site(root, {"site.yml": TINY_SITE["site.yml"] + permalink})
    result = run(root, "build")
    assert result.exit_code != 0
    assert "site.yml:6: error: field 'permalink': expected a path without '.' or '..'" in (
        result.output
    )
    assert not escaped(tmp_path) and not (root / "public").exists()


def test_a_page_slug_leaving_the_output_folder_is_a_field_error(tmp_path: Path):
    root = write_site(tmp_path / "a" / "b" / "site", TINY_SITE)
    page = f"---\ntitle: About\nslug: {ESCAPE.strip('/')}\n---\nAbout us.\n"
    write_site(root, {"content/pages/about.md": page})
    result = run(root, "build")
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors == [
        "content/pages/about.md:3: error: field 'slug': expected a page address without '.' or "
        "'..' segments, backslashes, '?' or '#', got '../../../escaped': it would be written "
        "outside the output folder (hint: try 'escaped')"
    ]
    assert not escaped(tmp_path) and not (root / "public").exists()


def test_an_output_folder_below_a_file_is_a_clean_error(tmp_path: Path):
    root = write_site(tmp_path / "site", TINY_SITE)
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = run(root, "build", "--output", str(tmp_path / "a-file" / "public"))
    assert result.exit_code == 1
    assert "error: cannot write the output folder" in result.output
    assert "Traceback" not in result.output and "unexpected failure" not in result.output


def test_a_full_disk_while_rendering_fails_cleanly_and_keeps_the_output(
    tmp_path: Path, monkeypatch
):
    root = write_site(tmp_path / "site", TINY_SITE)
    assert run(root, "build", "--jobs", "1").exit_code == 0
    before = snapshot(root / "public")
    write_site(root, {"layouts/partials/card.html": "<p>{{ item.title }}</p>\\n"})

    class FullDisk:  # the os module as ssg.writer sees it, with every write failing
        def __getattr__(self, name: str):
            return getattr(os, name)

        @staticmethod
        def write(fd: int, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer, "os", FullDisk())
    result = run(root, "build", "--jobs", "1")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "error: cannot write the output folder" in result.output
    assert "No space left on device" in result.output
    assert snapshot(root / "public") == before
    assert not [p for p in root.iterdir() if ".staging." in p.name]


@pytest.mark.parametrize(
    ("path", "plain"),
    [
        ("/a/b/", True),
        ("/a..b/", True),
        ("/a/.hidden/", True),
        ("/a/...", True),
        ("/", True),
        ("/a/../b/", False),
        ("/../x", False),
        ("/a/..", False),
        ("/./a", False),
        ("..", False),
        ("/a\\b", False),
        ("/a?x", False),
        ("/a#x", False),
        ("/a\x01b/", False),
    ],
)
def test_plain_site_paths(path: str, plain: bool):
    assert is_plain_site_path(path) is plain


LONG = "a" * 256  # past the 255 bytes a folder name may have


@pytest.mark.parametrize(
    ("field", "line", "front"),
    [
        ("topics", 3, f"topics: [{LONG}]"),
        ("series", 3, f"series: {LONG}"),
        ("aliases", 3, f"aliases: [/old/{LONG}/]"),
        ("slug", 3, f"slug: {LONG}"),
    ],
)
def test_a_name_too_long_for_a_folder_is_a_field_error_in_build_and_check(
    tmp_path: Path, field: str, line: int, front: str
):
    article = f"---\ntitle: Long\n{front}\nauthors: ana-ruiz\ndate: 2024-03-09\n---\nB.\n"
    root = write_site(tmp_path / "site", {**TINY_SITE, "content/articles/long.md": article})
    for command in ("build", "check"):
        result = run(root, command)
        assert result.exit_code == 1, result.output
        assert f"content/articles/long.md:{line}: error: field '{field}': expected" in (
            result.output
        )
        assert "cannot write the output folder" not in result.output
    assert not (root / "public").exists()


def test_a_page_slug_too_long_for_a_folder_is_a_field_error(tmp_path: Path):
    page = f"---\ntitle: About\nslug: about/{LONG}\n---\nUs.\n"
    root = write_site(tmp_path / "site", {**TINY_SITE, "content/pages/about.md": page})
    result = run(root, "build")
    assert result.exit_code == 1, result.output
    assert "content/pages/about.md:3: error: field 'slug': expected each folder of at most" in (
        result.output
    )


def test_a_section_too_long_for_a_folder_is_a_setting_error(tmp_path: Path):
    config = textwrap.dedent(TINY_SITE["site.yml"]) + f"sections:\n  - title: {LONG}\n"
    root = write_site(tmp_path / "site", {**TINY_SITE, "site.yml": config})
    result = run(root, "build")
    assert result.exit_code == 1, result.output
    assert "site.yml:7: error: field 'sections.0.title': expected a section slug of at" in (
        result.output
    )


def test_a_slug_in_another_script_gets_one_error_with_a_short_suggestion(tmp_path: Path):
    article = (
        f"---\ntitle: Long\nslug: {'中' * 100}\nauthors: ana-ruiz\ndate: 2024-03-09\n---\nB.\n"
    )
    root = write_site(tmp_path / "site", {**TINY_SITE, "content/articles/long.md": article})
    result = run(root, "build")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(errors) == 1, errors
    assert "expected lower-case letters, digits and hyphens" in errors[0]
    suggestion = errors[0].split("try '")[1].split("'")[0]
    assert 0 < len(suggestion) <= 80 and suggestion.startswith("zhong-zhong")


def test_an_output_folder_that_is_a_file_is_refused_before_rendering(tmp_path: Path):
    root = write_site(tmp_path / "site", {**TINY_SITE, "public": "not a folder\n"})
    result = run(root, "build")
    assert result.exit_code == 1
    assert (
        "site.yml: error: field 'output': the output folder public cannot be used: it is a file"
        in (result.output)
    )
    assert (root / "public").read_text() == "not a folder\n"
    assert not list(tmp_path.glob("site/.public.*")) and not list(tmp_path.glob("site/.ssg-s*"))


def test_a_cold_build_keeps_a_gh_pages_worktrees_version_control(tmp_path: Path):
    root = write_site(tmp_path / "site", TINY_SITE)
    git_head = root / "public/.git/HEAD"
    git_head.parent.mkdir(parents=True)
    git_head.write_text("ref: refs/heads/gh-pages\n")
    (root / "public/stray.txt").write_text("not ours\n")
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert git_head.read_text() == "ref: refs/heads/gh-pages\n"
    assert not (root / "public/stray.txt").exists()  # the rest of the folder is ssg's
