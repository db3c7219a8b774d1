"""Shared test helpers: tiny sites written inline, the CLI run in-process, HTML parsing."""

from __future__ import annotations

import contextlib
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner, Result

from ssg.cli import cli

REPO = Path(__file__).resolve().parent.parent

TINY_SITE = {
    "site.yml": """\
        title: The Tiny Times
        description: A fixture newsroom
        base_url: https://tiny.example/
        timezone: Asia/Ho_Chi_Minh
        per_page: 2
        """,
    "content/authors/ana-ruiz.md": """\
        ---
        name: Ana Ruiz
        role: Courts reporter
        twitter: anaruiz
        ---
        Ana covers the courts.
        """,
    "content/authors/li-wei.md": """\
        ---
        name: Li Wei
        role: Data editor
        ---
        Li edits data stories.
        """,
    "content/articles/first.md": """\
        ---
        title: First story
        authors: ana-ruiz
        date: 2024-03-01T09:00:00+07:00
        topics: [Courts, Kim Jong Un]
        ---
        The first paragraph of the first story.
        """,
    "content/articles/second.md": """\
        ---
        title: Second story
        authors: [ana-ruiz, li-wei]
        date: 2024-03-02
        topics: [Courts, Zürich]
        ---
        The second story links to [the first](first.md).
        """,
    "content/articles/third.md": """\
        ---
        title: Third story
        authors: li-wei
        date: 2024-03-03T10:00:00Z
        topics: [Zürich]
        ---
        Third.
        """,
}


CHROMIUM = (
    "/usr/bin/chromium"  # Debian's chromium, driven by Playwright (never `playwright install`)
)
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """A real headless Chromium for the module's browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def write_site(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write a site from {relative path: text}; None deletes a file."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """A three-article, two-author site in a temporary folder."""
    return write_site(tmp_path / "site", TINY_SITE)


def run(root: Path, *args: str) -> Result:
    """Run the `ssg` command line in-process from `root`."""
    with contextlib.chdir(root):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def html(path: Path) -> lxml.html.HtmlElement:
    """Parse an output HTML file."""
    return lxml.html.fromstring(path.read_bytes())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes under a folder, by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def many_articles_site(root: Path, count: int = 90) -> Path:
    """The tiny site (without search) and `count` more stories: enough pages for the
    process pool."""
    files = {**TINY_SITE, "site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "search: false\n"}
    for i in range(count):
        files[f"content/articles/bulk/story-{i:03d}.md"] = (
            f"---\ntitle: Bulk story {i}\nauthors: [{'ana-ruiz' if i % 2 else 'li-wei'}]\n"
            f"date: 2023-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z\n"
            f"topics: [Topic {i % 7}, Topic {i % 5}]\n---\n"
            f"Paragraph {i} with *emphasis* and a [link](https://example.org/{i}).\n\n## Part {i}\n"
        )
    return write_site(root, files)


def copy_sample(root: Path) -> Path:
    """Copy the repository's sample newsroom (content, layouts, assets, site.yml) into `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("content", "layouts", "assets", "site.yml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    return root


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Iterator[Path]:
    """The sample newsroom from the repository, built once into a temporary folder."""
    root = copy_sample(tmp_path_factory.mktemp("sample"))
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    yield root / "public"
