"""Where the preview is built: under cache_dir, one folder per running server, stale locks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from servekit import running

from ssg.previewdir import claim_preview_folder, preview_cache_folder

from conftest import TINY_SITE, write_site

DRAFT = "---\ntitle: Hidden draft\nauthors: li-wei\ndate: 2024-03-05\ndraft: true\n---\nD.\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", TINY_SITE)


def set_cache_dir(site: Path, value: str) -> None:
    config = site / "site.yml"
    config.write_text(config.read_text() + f"cache_dir: {value}\n")


def test_the_preview_is_built_under_the_configured_cache_dir(site: Path):
    set_cache_dir(site, "build-cache")
    with running(site) as live:
        assert live.preview.output_dir == site / "build-cache/serve"
        assert (site / "build-cache/serve/index.html").is_file()
        assert live.get("/")[0] == 200
    assert not (site / ".ssg-cache/serve").exists()


@pytest.mark.parametrize("config", ["title: [unclosed\n", None, "cache_dir: content\n"])
def test_without_a_usable_site_yml_the_preview_goes_into_ssg_cache(site: Path, config):
    if config is None:
        (site / "site.yml").unlink()
    else:
        (site / "site.yml").write_text((site / "site.yml").read_text() + config)
    assert preview_cache_folder(site, site / "site.yml") == site / ".ssg-cache"


def test_two_servers_on_one_site_build_into_folders_of_their_own(site: Path):
    write_site(site, {"content/articles/draft.md": DRAFT})
    with running(site) as first, running(site, drafts=False) as second:
        assert first.preview.output_dir == site / ".ssg-cache/serve"
        assert second.preview.output_dir == site / ".ssg-cache/serve-2"
        assert b"Hidden draft" in first.get("/")[2]
        assert b"Hidden draft" not in second.get("/")[2]
        # each one's canonical URLs name its own port
        for live in (first, second):
            canonical = live.page("/").cssselect('link[rel="canonical"]')[0].get("href")
            assert canonical == f"http://127.0.0.1:{live.port}/"
        first.save_and_wait(site, {"content/articles/draft.md": DRAFT.replace("D.", "E.")})
        assert b"Hidden draft" in first.get("/")[2]
        assert b"Hidden draft" not in second.get("/")[2]
    # both stopped: the folders are free again
    assert not list((site / ".ssg-cache").glob("*.lock"))
    with running(site) as again:
        assert again.preview.output_dir == site / ".ssg-cache/serve"


def test_a_lock_left_by_a_dead_server_is_taken_over(tmp_path: Path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    cache = tmp_path / ".ssg-cache"
    cache.mkdir()
    (cache / "serve.lock").write_text(dead.stdout)
    claim = claim_preview_folder(cache)
    try:
        assert claim.folder == cache / "serve" and claim.others == 0
        assert (cache / "serve.lock").read_text() == f"{os.getpid()}\n"
    finally:
        claim.release()
    assert not (cache / "serve.lock").exists()


def test_a_cache_folder_that_cannot_be_written_gives_a_temporary_folder(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    claim = claim_preview_folder(blocker / "cache")
    try:
        assert claim.lock is None and not claim.folder.is_relative_to(tmp_path)
        claim.folder.mkdir()
    finally:
        claim.release()
    assert not claim.folder.parent.exists()
