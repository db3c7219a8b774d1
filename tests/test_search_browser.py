"""Search in a real headless Chromium against built sites served over loopback.

Words are picked from the built pages themselves (not hard-coded), so the tests keep
meaning something as the sample newsroom grows.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from playwright.sync_api import Browser, Page

from conftest import TINY_SITE, copy_sample, html, run, write_site


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over loopback; yields the origin, e.g. http://127.0.0.1:43121."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def sample_origin(sample_build: Path) -> Iterator[str]:
    with serve(sample_build) as origin:
        yield origin


def tokens(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.casefold()))


def articles(public: Path) -> dict[str, dict]:
    """Each article page by URL: its indexed text, body text, title and topics."""
    found = {}
    for path in public.rglob("index.html"):
        page = html(path)
        indexed = page.cssselect("[data-pagefind-body]")
        if not indexed:
            continue
        url = "/" + path.parent.relative_to(public).as_posix() + "/"
        found[url] = {
            "indexed": " ".join(e.text_content() for e in indexed),
            "body": page.cssselect(".story-body")[0].text_content(),
            "title": page.cssselect("h1")[0].text_content().strip(),
            "topics": {a.text_content().strip() for a in page.cssselect("a[rel=tag]")},
        }
    return found


def unique_body_word(found: dict[str, dict]) -> tuple[str, str]:
    """A long word in one article's body that no other article's indexed text shares,
    even as a stem or prefix; returns (word, article URL)."""
    words = {url: tokens(a["indexed"]) for url, a in found.items()}
    for url in sorted(found):
        other_stems = {w[:6] for u, ws in words.items() if u != url for w in ws}
        for word in sorted(tokens(found[url]["body"])):
            if len(word) >= 8 and word[:6] not in other_stems:
                return word, url
    raise AssertionError("no article has a word of its own")


def search_for(page: Page, origin: str, query: str) -> str:
    """Open /search/?q=query and wait for the result count; returns the status text."""
    page.goto(f"{origin}/search/?q={query}")
    return wait_status(page, query)


def wait_status(page: Page, query: str, not_text: str | None = None) -> str:
    page.wait_for_function(
        """([query, old]) => {
            const text = document.querySelector('.search-status').textContent;
            return text.endsWith(`for “${query}”`) && text !== old;
        }""",
        arg=[query, not_text],
    )
    return page.inner_text(".search-status")


def result_links(page: Page) -> list[tuple[str, str]]:
    return [
        (a.get_attribute("href"), a.inner_text())
        for a in page.locator(".search-result-title a").all()
    ]


def test_unique_word_finds_its_article_first(browser: Browser, sample_build, sample_origin):
    found = articles(sample_build)
    word, url = unique_body_word(found)
    page = browser.new_page()
    page.goto(f"{sample_origin}/search/")
    page.wait_for_selector("[data-search][data-ready]")
    page.fill("#search-query", word)  # typing, not submitting: results as you type
    status = wait_status(page, word)
    links = result_links(page)
    assert links[0] == (url, found[url]["title"]), (word, links)
    assert status.endswith(f"for “{word}”") and not status.startswith("0 ")
    result = page.locator(".search-result").first
    assert word in result.locator(".search-result-excerpt mark").first.inner_text().casefold()
    dek = html(sample_build / url.lstrip("/") / "index.html").cssselect(".dek")
    if dek:
        assert result.locator(".search-result-dek").inner_text() == dek[0].text_content()
    assert result.locator("time").get_attribute("datetime")
    image = result.locator("img.search-result-image")
    if image.count():
        assert page.request.get(sample_origin + image.get_attribute("src")).ok
    page.close()


def test_topic_filter_narrows_results(browser: Browser, sample_build, sample_origin):
    found = articles(sample_build)
    spread = {}
    for a in found.values():
        for word in tokens(a["indexed"]):
            if len(word) >= 5:
                spread[word] = spread.get(word, 0) + 1
    word = max(sorted(spread), key=spread.get)  # the word in most articles
    page = browser.new_page()
    status = search_for(page, sample_origin, word)
    total = int(status.split()[0])
    assert total == len(result_links(page)) or total > 10
    assert total >= 3, status
    choice = None
    for label in page.locator("fieldset[data-filter=topic] label").all():
        count = int(label.locator(".count").inner_text().strip("()"))
        if 0 < count < total:
            choice = (label, label.locator("span").first.inner_text(), count)
            break
    assert choice, "no topic splits the results"
    label, topic, count = choice
    label.locator("input").check()
    narrowed = wait_status(page, word, not_text=status)
    assert narrowed.startswith(f"{count} result")
    links = result_links(page)
    assert len(links) == min(count, 10)
    for href, _ in links:
        assert topic in found[href]["topics"], (href, topic)
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": [word], "topic": [topic]}
    page.close()


def test_header_form_without_javascript_prefills_search(
    browser: Browser, sample_build, sample_origin
):
    found = articles(sample_build)
    word, url = unique_body_word(found)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sample_origin + sorted(found)[0])
    page.fill("header #site-search-q", word)
    page.press("header #site-search-q", "Enter")
    page.wait_for_url("**/search/?*")
    landed = urlsplit(page.url)
    assert landed.path == "/search/"
    assert parse_qs(landed.query) == {"q": [word]}
    assert "needs JavaScript" in page.inner_text("main")
    context.close()
    page = browser.new_page()
    page.goto(page_url := f"{sample_origin}/search/?{landed.query}")
    wait_status(page, word)
    assert page.input_value("#search-query") == word
    assert result_links(page)[0][0] == url, page_url
    page.close()


CHROME_WORDS = {
    "site.yml": """\
        title: The Quokkafeld Courier
        description: Vexillum tidings
        base_url: https://tiny.example/
        menu:
          - title: Wyvernstone desk
            url: /topics/
        copyright: Jabberwock Holdings
        """,
    "content/authors/li-wei.md": """\
        ---
        name: Li Wei
        role: Gryphonhall editor
        ---
        Li keeps the Basiliskmoor archive.
        """,
}


def test_navigation_and_footer_words_find_nothing(browser: Browser, tiny_site: Path):
    # Pagefind also matches words sharing a prefix, so these words share no first
    # three letters with any article text; "paragraph" shows the search itself works.
    write_site(tiny_site, CHROME_WORDS)
    assert run(tiny_site, "build").exit_code == 0
    public = tiny_site / "public"
    chrome = html(public / "2024/03/02/second/index.html")
    indexed = " ".join(e.text_content() for e in chrome.cssselect("[data-pagefind-body]"))
    words = ["quokkafeld", "vexillum", "wyvernstone", "jabberwock", "gryphonhall", "basiliskmoor"]
    shown = chrome.text_content().casefold()
    assert all(word in shown for word in words)
    assert not any(word[:3] in indexed.casefold() for word in words)
    with serve(public) as origin:
        page = browser.new_page()
        assert search_for(page, origin, "paragraph") == "1 result for “paragraph”"
        for word in words:
            assert search_for(page, origin, word) == f"0 results for “{word}”"
            assert result_links(page) == []
        page.close()


def test_search_under_a_base_path(browser: Browser, tmp_path: Path):
    root = copy_sample(tmp_path / "site")
    www = tmp_path / "www"
    www.mkdir()
    base = "https://deltaledger.example/news/"
    result = run(root, "build", "--base-url", base, "--output", str(www / "news"))
    assert result.exit_code == 0, result.output
    found = articles(www / "news")
    word, url = unique_body_word(found)
    failed: list[str] = []
    with serve(www) as origin:
        page = browser.new_page()
        page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
        search_for(page, origin + "/news", word)
        links = result_links(page)
        assert links[0][0] == "/news" + url
        for href, title in links:
            assert href.startswith("/news/")
            response = page.request.get(origin + href)
            assert response.ok, href
            assert html_title(response.text()) == title
        for image in page.locator("img.search-result-image").all():
            src = image.get_attribute("src")
            assert src.startswith("/news/") and page.request.get(origin + src).ok
        page.close()
    assert [u for u in failed if "favicon" not in u] == []


def html_title(text: str) -> str:
    return lxml.html.fromstring(text).cssselect("h1")[0].text_content().strip()


def test_article_text_never_becomes_markup_in_results(browser: Browser, tiny_site: Path):
    write_site(
        tiny_site,
        {
            "content/articles/code.md": """\
                ---
                title: Escaping lesson
                authors: li-wei
                date: 2024-03-09
                ---
                Zanzibar code sample: `<img src=x onerror="window.pwned=1">` and <b>zanzibar</b>.
                """
        },
    )
    assert run(tiny_site, "build").exit_code == 0
    with serve(tiny_site / "public") as origin:
        page = browser.new_page()
        search_for(page, origin, "zanzibar")
        excerpt = page.locator(".search-result-excerpt").first
        assert excerpt.locator("img, b, script").count() == 0
        assert excerpt.locator("mark").count() >= 1
        assert page.evaluate("window.pwned") is None
        page.close()


def test_equally_relevant_articles_come_newest_first(browser: Browser, tiny_site: Path):
    # Same words, same length: Pagefind scores them alike, so the date must decide. One
    # group's URLs sort with the dates, the other's against them, so no fixed index order
    # can pass both.
    twins = {"site.yml": TINY_SITE["site.yml"] + "permalink: /{slug}/\n"}
    groups = {"marmalade": ("a1", "a2", "a3"), "quincejam": ("b3", "b2", "b1")}
    for word, slugs in groups.items():
        for day, slug in enumerate(slugs, start=1):
            twins[f"content/articles/{slug}.md"] = f"""\
                ---
                title: Twin report
                authors: li-wei
                date: 2025-01-0{day}
                ---
                {word.capitalize()} harvest figures arrived late.
                """
    write_site(tiny_site, twins)
    assert run(tiny_site, "build").exit_code == 0
    with serve(tiny_site / "public") as origin:
        page = browser.new_page()
        for word, slugs in groups.items():
            assert search_for(page, origin, word) == f"3 results for “{word}”"
            hrefs = [href for href, _ in result_links(page)]
            assert hrefs == [f"/{slug}/" for slug in reversed(slugs)], word
        page.close()


def test_keyboard_reaches_results_before_filters_and_more_results_keeps_focus(
    browser: Browser, sample_build, sample_origin
):
    found = articles(sample_build)
    spread: dict[str, int] = {}
    for a in found.values():
        for word in tokens(a["indexed"]):
            spread[word] = spread.get(word, 0) + 1
    word = max(sorted(spread), key=spread.get)  # in the most articles: more than one batch
    page = browser.new_page()
    status = search_for(page, sample_origin, word)
    total = int(status.split()[0])
    assert total > 10, status
    # from the search button, the next stop is the first result, not a filter
    page.focus(".search-form button")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.search-result') !== null")
    # filters no result has are hidden: every visible one counts at least one
    for label in page.locator(".search-filters label:visible").all():
        assert int(label.locator(".count").inner_text().strip("()")) > 0
    page.click(".search-more")
    page.wait_for_function("document.querySelectorAll('.search-result').length > 10")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == result_links(page)[10][0]  # the first new result
    page.close()
