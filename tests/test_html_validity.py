"""Every HTML page of the sample site passes the W3C Nu HTML Checker (vnu.jar) with zero errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

VNU_JAR = Path(os.environ.get("VNU_JAR", REPO / ".ci/node/node_modules/vnu-jar/build/dist/vnu.jar"))


def vnu_errors(files: list[Path]) -> list[str]:
    """Run the checker once over all files; one line per error."""
    if not VNU_JAR.is_file():
        pytest.fail(
            f"vnu.jar not found at {VNU_JAR}: run `npm install --prefix .ci/node vnu-jar` "
            "(as .ci/run does) or set VNU_JAR"
        )
    java = shutil.which("java")
    assert java, "java is needed to run vnu.jar (Debian: default-jre-headless)"
    command = [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    errors = [
        f"{m.get('url', '?')}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    if done.returncode != 0:
        assert errors, f"vnu failed without a report: {done.stderr[-2000:]}"
    return errors


def test_every_sample_page_is_valid_html(sample_build: Path):
    pages = sorted(sample_build.rglob("*.html"))
    assert len(pages) >= 30  # articles, listings, redirect and 404 pages
    assert (sample_build / "404.html") in pages
    assert vnu_errors(pages) == []


def test_the_checker_does_report_errors(tmp_path: Path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>", encoding="utf-8")
    errors = vnu_errors([bad])
    assert errors and all("bad.html" in e for e in errors)
