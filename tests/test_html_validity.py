"""Every HTML page of the sample site passes the W3C Nu HTML Checker (vnu.jar) with zero errors."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

VNU_JAR = Path(os.environ.get("VNU_JAR", REPO / ".ci/node/node_modules/vnu-jar/build/dist/vnu.jar"))
VNU_PACKAGE = (REPO / ".ci/vnu-package").read_text(encoding="utf-8").strip()  # also for .ci/run


def installed_vnu_jar() -> Path:
    """The checker's jar, installed from npm into .ci/node the first time (as .ci/run
    does), so `pytest` works from a fresh clone on a machine with npm and Java."""
    if VNU_JAR.is_file() or "VNU_JAR" in os.environ:
        return VNU_JAR
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            f"vnu.jar not found at {VNU_JAR} and npm is missing to install it: install npm "
            f"(Debian: apt-get install npm) or run `npm install --prefix .ci/node {VNU_PACKAGE}`, "
            "or set VNU_JAR"
        )
    folder = REPO / ".ci/node"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".install-lock", "w") as lock:  # test workers install it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not VNU_JAR.is_file():
            command = [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund"]
            done = subprocess.run(
                [*command, VNU_PACKAGE], capture_output=True, text=True, timeout=600
            )
            assert VNU_JAR.is_file(), f"npm could not install {VNU_PACKAGE}: {done.stderr[-2000:]}"
    return VNU_JAR


def vnu_errors(files: list[Path]) -> list[str]:
    """Run the checker once over all files; one line per error."""
    jar = installed_vnu_jar()
    if not jar.is_file():
        pytest.fail(f"vnu.jar not found at {jar} (VNU_JAR)")
    java = shutil.which("java")
    assert java, "java is needed to run vnu.jar (Debian: default-jre-headless)"
    command = [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)]
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
