"""The command line: version, help, scaffolding new articles and authors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ssg import __version__

from conftest import TINY_SITE, run, write_site


def test_version_and_help(tiny_site: Path):
    assert __version__ in run(tiny_site, "--version").output
    for args in (
        ["--help"],
        ["build", "--help"],
        ["new", "article", "--help"],
        ["new", "author", "--help"],
    ):
        result = run(tiny_site, *args)
        assert result.exit_code == 0 and "Usage:" in result.output


def test_new_article_scaffold_builds_once_published(tiny_site: Path):
    result = run(
        tiny_site,
        "new",
        "article",
        "Floods reach Can Tho",
        "--author",
        "ana-ruiz",
        "--topic",
        "Floods",
    )
    assert result.exit_code == 0, result.output
    [path] = list((tiny_site / "content/articles").rglob("floods-reach-can-tho.md"))
    text = path.read_text()
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"] == "Floods reach Can Tho"
    assert (
        front["authors"] == ["ana-ruiz"]
        and front["topics"] == ["Floods"]
        and front["draft"] is True
    )
    for field in (
        "dek",
        "updated",
        "dateline",
        "kind",
        "section",
        "image",
        "corrections",
        "aliases",
        "summary",
        "expires",
        "slug",
    ):
        assert f"# {field}:" in text, field
    assert run(tiny_site, "build", "--drafts").exit_code == 0
    assert list((tiny_site / "public").rglob("floods-reach-can-tho/index.html"))
    again = run(tiny_site, "new", "article", "Floods reach Can Tho")
    assert again.exit_code == 1 and "already exists" in again.output


def test_new_article_authors_are_slugs_and_a_missing_one_is_announced(tiny_site: Path):
    result = run(tiny_site, "new", "article", "Budget talks", "--author", "x: y")
    assert result.exit_code == 2
    assert "expected an author slug" in result.output and "try 'x-y'" in result.output
    assert not list((tiny_site / "content/articles").rglob("budget-talks.md"))
    result = run(tiny_site, "new", "article", "Budget talks")
    assert result.exit_code == 0
    assert "warning: no --author given" in result.output
    assert "known: ana-ruiz, li-wei" in result.output
    [path] = list((tiny_site / "content/articles").rglob("budget-talks.md"))
    front = yaml.safe_load(path.read_text().split("---")[1])
    assert front["authors"] == ["your-slug"]


def test_new_author_scaffold(tiny_site: Path):
    result = run(tiny_site, "new", "author", "Nguyễn Văn An")
    assert result.exit_code == 0
    path = tiny_site / "content/authors/nguyen-van-an.md"
    assert yaml.safe_load(path.read_text().split("---")[1])["name"] == "Nguyễn Văn An"
    assert run(tiny_site, "build").exit_code == 0
    assert (tiny_site / "public/authors/nguyen-van-an/index.html").is_file()


def test_python_dash_m(tiny_site: Path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "ssg", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and __version__ in done.stdout


def test_new_article_with_a_very_long_headline_gets_a_short_file_name(tiny_site: Path):
    headline = "Provincial council " + "debates the budget again " * 20
    result = run(tiny_site, "new", "article", headline, "--author", "ana-ruiz")
    assert result.exit_code == 0, result.output
    (created,) = (tiny_site / "content/articles").rglob("provincial-council-*.md")
    assert len(created.stem) <= 80 and not created.stem.endswith("-")
    assert created.stem.startswith("provincial-council-debates-the-budget-again")
    assert f"# slug: {created.stem}  #" in created.read_text(encoding="utf-8")
    result = run(tiny_site, "new", "author", "X" * 300)
    assert result.exit_code == 0, result.output
    assert (tiny_site / "content/authors" / ("x" * 80 + ".md")).is_file()


def test_new_article_where_it_cannot_be_written_is_a_clean_error(tiny_site: Path):
    (tiny_site / "content/articles").rename(tiny_site / "moved-articles")
    (tiny_site / "content/articles").write_text("a file, not a folder", encoding="utf-8")
    result = run(tiny_site, "new", "article", "Blocked story")
    assert result.exit_code == 1
    assert "error: cannot create content/articles/" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [["article", "  "], ["author", ""]])
def test_new_with_a_blank_name_is_a_usage_error(tmp_path: Path, args: list[str]):
    root = write_site(tmp_path / "site", TINY_SITE)
    result = run(root, "new", *args)
    assert result.exit_code == 2 and "must not be blank" in result.output
    assert not list((root / "content").rglob("untitled*"))


def test_new_outside_a_site_is_a_usage_error(tmp_path: Path):
    result = run(tmp_path, "new", "article", "A headline")
    assert result.exit_code == 2 and "site.yml not found" in result.output
    assert not (tmp_path / "content").exists()


def test_a_standard_output_that_cannot_be_written_is_one_line_not_a_traceback(tiny_site: Path):
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "ssg", "build"],
            cwd=tiny_site,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert "error: cannot write to the standard output: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tiny_site / "public/index.html").is_file()  # the build itself was done


def test_the_scaffolds_example_dates_work_once_uncommented(tiny_site: Path):
    result = run(tiny_site, "new", "article", "Dam opens", "--author", "ana-ruiz")
    assert result.exit_code == 0, result.output
    [path] = list((tiny_site / "content/articles").rglob("dam-opens.md"))
    lines = path.read_text().splitlines()
    wanted = ("# updated:", "# expires:", "# corrections:", "#   - date:", "#     text:")
    uncommented = [line[2:] if line.startswith(wanted) else line for line in lines]
    path.write_text("\n".join(uncommented).replace("draft: true", "draft: false") + "\n")
    built = run(tiny_site, "build")
    assert built.exit_code == 0, built.output
    assert "error" not in built.output  # 'updated' six hours ahead is only a warning, until then


def test_serve_names_the_config_file_it_watches(tmp_path: Path):
    from ssg.cli import site_root, watching_line

    root, config_path = site_root(str(tmp_path / "site-news.yml"))
    assert watching_line(root, config_path).endswith("and site-news.yml; press Ctrl-C to stop.")


def test_pages_in_a_subfolder_are_announced_not_silently_dropped(tiny_site: Path):
    page = "---\ntitle: Team\nslug: about/team\n---\nWho we are.\n"
    write_site(tiny_site, {"content/pages/about/team.md": page})
    result = run(tiny_site, "build")
    assert result.exit_code == 0
    assert "content/pages/about/: warning: the Markdown files in this folder are not read" in (
        result.output
    )
    assert "slug" in result.output
    write_site(tiny_site, {"content/pages/team.md": page, "content/pages/about/team.md": None})
    result = run(tiny_site, "build")
    assert "not read" not in result.output
    assert (tiny_site / "public/about/team/index.html").is_file()


def test_a_folder_warning_goes_when_the_folder_does(tiny_site: Path, monkeypatch):
    monkeypatch.setattr("ssg.cache.RACY_NS", -1)  # stamps trusted at once: no-change path
    page = "---\ntitle: Team\n---\nWho we are.\n"
    write_site(tiny_site, {"content/pages/about/team.md": page})
    assert "not read" in run(tiny_site, "build", "--quiet").output
    shutil.rmtree(tiny_site / "content/pages/about")
    for _ in range(2):
        result = run(tiny_site, "build")
        assert result.exit_code == 0 and "not read" not in result.output, result.output
        assert "0 written" in result.output


INTERRUPT_AT_IMPORT = """\
import runpy, sys
class CtrlC:  # Ctrl-C arriving while `{module}` is imported
    def find_spec(self, name, path=None, target=None):
        if name == "{module}":
            raise KeyboardInterrupt
sys.meta_path.insert(0, CtrlC())
sys.argv = ["ssg", "--version"]
{start}
"""


@pytest.mark.parametrize("module", ["click", "jinja2", "ssg.build"])
@pytest.mark.parametrize("how", ["console script", "python -m ssg"])
def test_ctrl_c_while_starting_up_aborts_without_a_traceback(tmp_path: Path, module: str, how: str):
    script = Path(sys.executable).parent / "ssg"  # what pip wrote for [project.scripts]
    if how == "console script" and not script.is_file():
        pytest.skip("ssg is not installed as a console script here")
    start = (
        f"runpy.run_path({str(script)!r}, run_name='__main__')"
        if how == "console script"
        else "runpy.run_module('ssg', run_name='__main__', alter_sys=True)"
    )
    code = INTERRUPT_AT_IMPORT.format(module=module, start=start)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.stderr == "\nAborted!\n"  # as click ends a command interrupted later
    assert done.returncode == 1 and done.stdout == ""
