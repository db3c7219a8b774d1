"""site.yml validation: defaults, base paths, and located problems."""

from __future__ import annotations

from pathlib import Path

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
