"""A build whose files cannot all be moved into the output folder puts back what it moved:
replaced files return (the same files, mtimes included), new files and folders go, removed
files come back. Before, the first moves stayed and the output was half new, half old."""

from __future__ import annotations

import errno
import os
import textwrap
from pathlib import Path

import pytest

from conftest import TINY_SITE, run, write_site

OUT_OF_SEARCH = textwrap.dedent(TINY_SITE["site.yml"]) + "search: false\n"
LONE_STORY = """\
    ---
    title: A lone story
    authors: li-wei
    date: 2024-03-04T10:00:00Z
    topics: [Lonely Topic]
    ---
    Alone.
    """


def state_of(folder: Path) -> dict[str, tuple]:
    """Every file's bytes, mtime and inode, and every folder, by relative path."""
    found: dict[str, tuple] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_dir():
            found[relative] = ("folder",)
        else:
            st = path.stat()
            found[relative] = (path.read_bytes(), st.st_mtime_ns, st.st_ino)
    return found


@pytest.fixture
def edited_site(tmp_path: Path) -> Path:
    """A built site, then edited so that the next build replaces pages (a new title),
    adds pages and folders (a new story) and removes some (a deleted story and its topic)."""
    root = write_site(
        tmp_path / "site",
        {**TINY_SITE, "site.yml": OUT_OF_SEARCH, "content/articles/lone.md": LONE_STORY},
    )
    assert run(root, "build", "--jobs", "1").exit_code == 0
    first = (root / "content/articles/first.md").read_text().replace("First story", "Renamed")
    write_site(
        root,
        {
            "content/articles/first.md": first,
            "content/articles/lone.md": None,
            "content/articles/fresh.md": LONE_STORY.replace("A lone story", "Fresh")
            .replace("2024-03-04", "2024-03-05")
            .replace("Lonely Topic", "Fresh Topic"),
        },
    )
    return root


def failing_on(monkeypatch, name: str, nth: int, out_dir: Path, also=None) -> list[str]:
    """Make the `nth` move into `out_dir` by os.replace (a staged file moved in), or the
    `nth` move out of it by os.rename (a file removed), fail with "permission denied";
    `also(source)` may fail other calls too. Returns the output files moved, in order."""
    real = getattr(os, name)
    staged = f"/.{out_dir.name}.staging."
    moved: list[str] = []

    def fake(source, target, *args, **kwargs):
        source, target = str(source), str(target)
        if also is not None and also(source):
            raise PermissionError(errno.EACCES, "Permission denied", source)
        if name == "replace" and staged in source and "/kept." not in source:
            moved.append(target)
        elif name == "rename" and source.startswith(f"{out_dir}/"):
            moved.append(source)
        else:
            return real(source, target, *args, **kwargs)
        if len(moved) == nth:
            raise PermissionError(errno.EACCES, "Permission denied", source)
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, name, fake)
    return moved


@pytest.mark.parametrize(("call", "nth"), [("replace", 4), ("replace", 9), ("rename", 2)])
def test_a_failed_move_puts_the_previous_output_back(
    edited_site: Path, monkeypatch: pytest.MonkeyPatch, call: str, nth: int
):
    public = edited_site / "public"
    before = state_of(public)
    assert "topics/lonely-topic/index.html" in before
    moved = failing_on(monkeypatch, call, nth, public)
    result = run(edited_site, "build", "--jobs", "1")
    monkeypatch.undo()
    assert len(moved) == nth  # it failed midway: earlier moves had been made
    assert result.exit_code == 1
    assert state_of(public) == before
    assert "error: cannot write the output folder" in result.output
    assert f"Permission denied ({moved[-1]})" in result.output  # where in the output folder
    assert "the previous output was left untouched" in result.output
    assert not [p for p in edited_site.iterdir() if p.name.startswith(".public.")]
    assert run(edited_site, "build", "--jobs", "1").exit_code == 0  # and the next build works
    assert "Renamed" in (public / "2024/03/01/first/index.html").read_text()
    assert not (public / "topics/lonely-topic").exists()


def test_an_output_that_cannot_be_put_back_says_so(
    edited_site: Path, monkeypatch: pytest.MonkeyPatch
):
    public = edited_site / "public"
    failing_on(monkeypatch, "replace", 6, public, also=lambda source: "/kept." in source)
    result = run(edited_site, "build", "--jobs", "1")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "could not be put back" in result.output
    assert "the output folder holds part of the new site: build again" in result.output
    assert "left untouched" not in result.output
    assert run(edited_site, "build", "--jobs", "1").exit_code == 0


def test_an_empty_output_folder_costs_no_copies_and_stays_empty_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    root = write_site(tmp_path / "site", {**TINY_SITE, "site.yml": OUT_OF_SEARCH})
    public = root / "public"
    public.mkdir()
    linked = []
    real_link = os.link
    monkeypatch.setattr(os, "link", lambda *a, **k: linked.append(a) or real_link(*a, **k))
    moved = failing_on(monkeypatch, "replace", 5, public)
    assert run(root, "build", "--jobs", "1").exit_code == 1
    assert len(moved) == 5
    assert list(public.iterdir()) == []  # the new files and folders went again
    monkeypatch.undo()
    monkeypatch.setattr(os, "link", lambda *a, **k: linked.append(a) or real_link(*a, **k))
    assert run(root, "build", "--jobs", "1").exit_code == 0
    assert (public / "index.html").is_file()
    assert linked == []  # nothing to keep aside, so no link was tried


def test_a_pruned_folder_comes_back_with_its_permissions(
    edited_site: Path, monkeypatch: pytest.MonkeyPatch
):
    public = edited_site / "public"
    pruned = public / "2024/03/04/lone"  # the deleted story's folder, emptied and pruned
    pruned.chmod(0o2750)
    removed = failing_on(monkeypatch, "rename", 2, public)  # after the first removal
    result = run(edited_site, "build", "--jobs", "1")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert removed[0] == f"{pruned}/index.html"  # removed, its folder pruned, then put back
    assert oct(pruned.stat().st_mode & 0o7777) == oct(0o2750)


def test_an_emptied_folder_that_cannot_be_deleted_is_a_warning(
    edited_site: Path, monkeypatch: pytest.MonkeyPatch
):
    public = edited_site / "public"
    real = os.rmdir
    stuck = f"{public}/2024/03/04/lone"

    def refusing(path, *args, **kwargs):
        if str(path) == stuck:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "rmdir", refusing)
    result = run(edited_site, "build", "--jobs", "1")
    monkeypatch.undo()
    assert result.exit_code == 0, result.output
    assert (
        "warning: the emptied folder 2024/03/04/lone/ stays in the output folder: Permission denied"
    ) in result.output
    assert not (public / "2024/03/04/lone/index.html").exists()
    again = run(edited_site, "build", "--jobs", "1")  # a one-off, not remembered
    assert "emptied folder" not in again.output
