"""A real headless Chromium watching `ssg serve`: edits, errors and CSS show up by themselves."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from servekit import running, wait_until

from ssg.rebuild import RebuildReport, report_for

from conftest import TINY_SITE, write_site

ARTICLE = "content/articles/third.md"
LONG_BODY = "\n\n".join(f"Paragraph {n} of a long story about the delta." for n in range(80))
CSS = "h1.headline { color: rgb(200, 0, 0); }\n"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 600})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "site", {**TINY_SITE, "assets/css/style.css": CSS})
    text = (root / ARTICLE).read_text()
    (root / ARTICLE).write_text(text.replace("Third.", "The opening sentence.\n\n" + LONG_BODY))
    return root


def edit(root: Path, old: str, new: str) -> None:
    path = root / ARTICLE
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_open_tab_follows_edits_errors_and_css(site: Path, page: Page):
    with running(site) as live:
        navigations: list[str] = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url))
        page.goto(f"http://127.0.0.1:{live.port}/2024/03/03/third/")
        assert page.inner_text("h1.headline") == "Third story"

        # a changed sentence appears without the test reloading; scroll position is kept
        page.mouse.wheel(0, 900)
        page.wait_for_function("window.scrollY >= 800")
        scrolled = page.evaluate("window.scrollY")
        edit(site, "Paragraph 40 of", "Paragraph forty, freshly edited, of")
        page.wait_for_function(
            "document.querySelector('.story-body').textContent.includes('forty, freshly edited')"
        )
        page.wait_for_function(f"Math.abs(window.scrollY - {scrolled}) < 5")
        assert len(navigations) >= 2  # the script reloaded the page

        # broken front matter: an overlay names the file and line; the last good page stays
        edit(site, "authors: li-wei", "authors: [li-wei")
        overlay = page.wait_for_selector("#ssg-error-overlay")
        assert overlay is not None
        location = page.inner_text("#ssg-error-overlay .ssg-problem-location")
        assert location.startswith(f"{ARTICLE}:")
        assert "YAML" in page.inner_text("#ssg-error-overlay .ssg-problem-message")
        assert "forty, freshly edited" in page.inner_text(".story-body")

        # fixing it removes the overlay by itself
        edit(site, "authors: [li-wei", "authors: li-wei")
        page.wait_for_selector("#ssg-error-overlay", state="detached")

        # a CSS change restyles the page without navigating
        before = len(navigations)
        page.evaluate("window.__sameDocument = true")
        assert (
            page.evaluate("getComputedStyle(document.querySelector('h1.headline')).color")
            == "rgb(200, 0, 0)"
        )
        assert wait_until(lambda: live.preview.broker.connected() >= 1, timeout=20)
        (site / "assets/css/style.css").write_text(CSS.replace("200, 0, 0", "0, 0, 200"))
        page.wait_for_function(
            "getComputedStyle(document.querySelector('h1.headline')).color === 'rgb(0, 0, 200)'"
        )
        assert page.evaluate("window.__sameDocument") is True
        assert len(navigations) == before
        assert page.locator('link[rel="stylesheet"]').count() == 1


def test_tab_opened_while_broken_shows_overlay(site: Path, page: Page):
    with running(site) as live:
        done = live.preview.rebuilds
        edit(site, "authors: li-wei", "authors: nobody-here")
        assert live.preview.wait_for_rebuilds(done + 1, 20)
        page.goto(f"http://127.0.0.1:{live.port}/2024/03/03/third/")
        page.wait_for_selector("#ssg-error-overlay")
        text = page.inner_text("#ssg-error-overlay")
        assert f"{ARTICLE}:" in text and "unknown author 'nobody-here'" in text
        assert "hint:" in text


class FingerprintingRebuilder:
    """A stand-in Rebuilder publishing the stylesheet under a new name on every change,
    as fingerprinting does, so every page's HTML changes along with the CSS."""

    def __init__(self, output_dir: Path, stylesheet: Path):
        self.output_dir = output_dir
        self.stylesheet = stylesheet
        self.base_path = "/"
        self.version = 0
        self.published: str | None = None

    def verify(self) -> bool:
        return True

    def rebuild(self, changed: frozenset[Path]) -> RebuildReport:
        # like a real fingerprint, the name follows the content: a save the watcher
        # reports in two batches (a busy machine) must not publish a third name
        text = self.stylesheet.read_text()
        if text == self.published:
            return report_for([], (), 0)
        self.published = text
        self.version += 1
        shutil.rmtree(self.output_dir, ignore_errors=True)
        css = f"css/style.{self.version}.css"
        write_site(
            self.output_dir,
            {
                css: f"h1 {{ color: rgb({self.version}, 0, 0); }}",
                "index.html": f'<html><head><link rel="stylesheet" href="/{css}"></head>'
                "<body><h1>Home</h1></body></html>",
            },
        )
        # the page changed only in its stylesheet's name: a CSS-only change
        files = [css, "index.html"] + (
            [f"css/style.{self.version - 1}.css"] if self.version > 1 else []
        )
        return report_for(files, (), 1, css_only=True)


def test_fingerprinted_stylesheet_is_swapped_without_navigation(site: Path, page: Page, tmp_path):
    with running(
        site, rebuilder=FingerprintingRebuilder(tmp_path / "out", site / "assets/css/style.css")
    ) as live:
        page.goto(f"http://127.0.0.1:{live.port}/")
        assert (
            page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(1, 0, 0)"
        )
        page.evaluate("window.__sameDocument = true")
        # a change made before the tab's event stream is open is caught up by reloading
        # (the tab sees a newer generation): wait for the stream, as a reader's tab has it
        assert wait_until(lambda: live.preview.broker.connected() >= 1, timeout=20)
        (site / "assets/css/style.css").write_text("anything")
        page.wait_for_function(
            "getComputedStyle(document.querySelector('h1')).color === 'rgb(2, 0, 0)'"
        )
        assert page.evaluate("window.__sameDocument") is True
        href = page.get_attribute('link[rel="stylesheet"]', "href")
        assert href is not None and "/css/style.2.css" in href


def test_many_open_tabs_all_load_and_all_follow_an_edit(site: Path, browser: Browser):
    # a browser opens at most six connections to one host: with an event stream per tab,
    # a seventh tab never loaded and no tab reloaded; the tabs now share one stream
    context = browser.new_context()
    context.set_default_timeout(20_000)
    paths = ["/", "/2024/03/03/third/", "/2024/03/01/first/", "/2024/03/02/second/"]
    paths += ["/topics/", "/authors/", "/authors/li-wei/", "/topics/courts/"]
    try:
        with running(site) as live:
            tabs = []
            for path in paths:  # eight tabs, each opened while the others stay open
                tab = context.new_page()
                tab.goto(f"http://127.0.0.1:{live.port}{path}")
                tab.evaluate("window.__loaded = true")
                tabs.append(tab)
            assert wait_until(lambda: live.preview.broker.connected() >= 1, timeout=20)
            assert live.preview.broker.connected() < len(tabs)
            (site / "assets/css/style.css").write_text(CSS + "body { margin: 1px; }\n")
            edit(site, "Paragraph 40 of", "Paragraph forty, edited with eight tabs open, of")
            for tab in tabs:  # every tab reloads (a fresh document has no __loaded)
                tab.wait_for_function("window.__loaded === undefined")
            third = tabs[1]
            third.wait_for_function(
                "document.querySelector('.story-body').textContent.includes('eight tabs open')"
            )
    finally:
        context.close()
