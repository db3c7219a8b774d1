"""site.yml validation: defaults, base paths, and located problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssg.config import DEFAULT_PERMALINK, load_config, parse_config


def test_defaults_and_base_path():
    config, problems = parse_config(
        {"title": "T", "base_url": "https://x.example/news"}, "site.yml"
    )
    assert problems == []
    assert config.base_url == "https://x.example/news/"
    assert config.base_path == "/news/"
    assert config.origin == "https://x.example"
    assert config.permalink == DEFAULT_PERMALINK
    assert config.per_page == 10 and config.timezone == "UTC" and config.language == "en"


def test_bad_values_are_located(tmp_path: Path):
    path = tmp_path / "site.yml"
    path.write_text("title: T\nbase_url: example.org\nper_page: zero\npermalink: /{year}/{name}/\n")
    _config, problems = load_config(path)
    messages = [p.format() for p in problems]
    assert any(":2: error: field 'base_url': expected an absolute URL" in m for m in messages)
    assert any(":3: error: field 'per_page': expected a whole number" in m for m in messages)
    assert any(":4: error: field 'permalink': unknown placeholder {name}" in m for m in messages)
    assert any("must contain {slug}" in m for m in messages)


def test_missing_title_is_an_error():
    _, problems = parse_config({"base_url": "https://x.example/"}, "site.yml")
    assert [p.field for p in problems if p.is_error] == ["title"]


def test_menu_and_publisher():
    config, problems = parse_config(
        {
            "title": "T",
            "base_url": "https://x.example/",
            "publisher": {"name": "Pub", "logo": "/logo.png"},
            "menu": [{"title": "About", "url": "/about/"}, {"title": "No url"}],
        },
        "site.yml",
    )
    assert config.publisher.name == "Pub" and config.publisher.logo == "/logo.png"
    assert [m.title for m in config.menu] == ["About"]
    assert [p.field for p in problems] == ["menu.1.url"]


def test_base_url_override(tmp_path: Path):
    path = tmp_path / "site.yml"
    path.write_text("title: T\nbase_url: https://x.example/\n")
    config, _ = load_config(path, base_url="https://y.example/sub")
    assert config.base_path == "/sub/"


@pytest.mark.parametrize(
    "url",
    [
        'https://x.example/"><script>alert(1)</script>/',
        "https://x.example/a b/",
        "https://x.example/../",
        "https://x.example/news/./",
        "https://x.example/?q=1",
        "https://x.example/#top",
        "https://x.example/it's/",
        "https:///nohost/",
    ],
)
def test_a_base_url_that_pages_could_not_print_as_it_is_is_an_error(url: str):
    """The base path is printed into every link, feed and JSON-LD block: a quote or an
    angle bracket would break out of the attribute it is printed in."""
    _, problems = parse_config({"title": "T", "base_url": url}, "site.yml")
    assert [p.field for p in problems if p.is_error] == ["base_url"]
    assert "percent-encode" in (problems[0].hint or "")


@pytest.mark.parametrize(
    "url", ["https://x.example", "http://localhost:8000/sub/dir/", "https://x.example/%20x/"]
)
def test_plain_base_urls_are_accepted(url: str):
    config, problems = parse_config({"title": "T", "base_url": url}, "site.yml")
    assert problems == [] and config is not None
