"""Two outputs never share an address: an alias, article or page that lands on a page
ssg makes itself (home, topics, archives, feeds, 404) is a located error, and the
previous output stays exactly as it was."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import TINY_SITE, run, snapshot, write_site


def with_alias(alias: str) -> dict[str, str]:
    story = TINY_SITE["content/articles/third.md"].replace(
        "title: Third story", f"title: Third story\n        aliases: ['{alias}']"
    )
    return {"content/articles/third.md": story}


@pytest.mark.parametrize(
    ("alias", "taken_by"),
    [
        ("/", "the home page ssg makes at /"),
        ("/index.html", "the home page ssg makes at /"),
        ("/page/2/", "the home page ssg makes at /page/2/"),
        ("/topics/", "the list of topics ssg makes at /topics/"),
        ("/topics/courts/", "a topic page ssg makes at /topics/courts/"),
        ("/authors/li-wei/", "an author page ssg makes at /authors/li-wei/"),
        ("/404.html", "the page for missing addresses ssg makes at /404.html"),
        ("/2024/03/", "a date archive page ssg makes at /2024/03/"),
        ("/2024/03/01/first/index.html", "the page of content/articles/first.md"),
    ],
)
def test_an_alias_on_a_page_ssg_makes_is_an_error_and_nothing_changes(
    tmp_path: Path, alias: str, taken_by: str
):
    root = write_site(tmp_path / "site", TINY_SITE)
    assert run(root, "build").exit_code == 0
    before = snapshot(root / "public")
    write_site(root, with_alias(alias))
    result = run(root, "build")
    assert result.exit_code == 1
    assert (
        f"content/articles/third.md:3: error: field 'aliases': the address {alias} is already "
        f"taken by {taken_by}"
    ) in result.output
    assert "Traceback" not in result.output
    assert snapshot(root / "public") == before
    assert not list(tmp_path.glob("site/.public*")) and not list(tmp_path.glob(".ssg-*"))
    check = run(root, "check")
    assert check.exit_code == 1 and f"the address {alias} is already taken" in check.output


def test_an_alias_that_needs_a_folder_where_a_feed_is_a_file(tmp_path: Path):
    root = write_site(tmp_path / "site", {**TINY_SITE, **with_alias("/feed.xml")})
    result = run(root, "build")
    assert result.exit_code == 1
    assert (
        "content/articles/third.md:3: error: field 'aliases': the address /feed.xml/ cannot be "
        "written beside a feed ssg makes at /feed.xml"
    ) in result.output
    assert not (root / "public").exists()


def test_an_alias_of_its_own_story_is_an_error(tmp_path: Path):
    root = write_site(tmp_path / "site", {**TINY_SITE, **with_alias("/2024/03/03/third/")})
    result = run(root, "build")
    assert result.exit_code == 1
    assert "field 'aliases'" in result.output and "/2024/03/03/third/" in result.output


@pytest.mark.parametrize("alias", ["/favicon.svg", "/images/pic.png", "/css/"])
def test_an_alias_where_a_file_from_assets_goes_is_a_located_error(tmp_path: Path, alias: str):
    files = {**TINY_SITE, **with_alias(alias), "assets/favicon.svg": "<svg/>"}
    files["assets/images/pic.png"] = "not read"
    files["assets/css/index.html"] = "<!doctype html><title>x</title>"
    root = write_site(tmp_path / "site", files)
    for command in ("build", "check"):
        result = run(root, command)
        assert result.exit_code == 1, result.output
        assert "content/articles/third.md:3: error: field 'aliases': the address " in (
            result.output
        )
        assert "cannot write the output folder" not in result.output
    assert not (root / "public").exists()


@pytest.mark.parametrize(
    ("files", "where"),
    [
        (
            {"content/pages/p.md": "---\ntitle: P\nslug: pagefind\n---\nP.\n"},
            "content/pages/p.md:3",
        ),
        (with_alias("/pagefind/old/"), "content/articles/third.md:3"),
    ],
)
def test_a_page_inside_the_search_index_folder_is_a_located_error(
    tmp_path: Path, files: dict[str, str], where: str
):
    config = textwrap.dedent(TINY_SITE["site.yml"]) + "search: true\n"
    root = write_site(tmp_path / "site", {**TINY_SITE, "site.yml": config, **files})
    for command in ("build", "check"):
        result = run(root, command)
        assert result.exit_code == 1, result.output
        assert f"{where}: error: " in result.output
        assert "is inside /pagefind/, where the search index goes" in result.output
