"""site.yml validation: defaults, base paths, and located problems."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from ssg.config import DEFAULT_PERMALINK, load_config, parse_config, social_url

from conftest import TINY_SITE, html, run, write_site


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


def test_bad_numbers_and_a_permalink_without_slug_come_with_a_hint(tmp_path: Path):
    path = tmp_path / "site.yml"
    path.write_text(
        "title: T\nbase_url: https://x.example/\nper_page: ten\nrelated_count: -1\n"
        "permalink: /{year}/{month}/\n"
    )
    _config, problems = load_config(path)
    hints = {p.field: p.hint for p in problems}
    assert hints == {
        "per_page": "write it in digits, such as per_page: 10",
        "related_count": "write it in digits, such as related_count: 4",
        "permalink": "every article needs an address of its own: add {slug}, as in "
        "/{year}/{month}/{slug}/",
    }


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
        "https://x.example//news/",  # '//news/' in a link is another host to a browser
        "https://[zz/",
        "https://x.example:abc/",
        "https://user:secret@x.example/",
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


def test_a_bad_base_url_from_the_command_line_names_the_option(tmp_path: Path):
    path = tmp_path / "site.yml"
    path.write_text("title: T\nbase_url: https://x.example/\n")
    _, problems = load_config(path, base_url="ftp://x/")
    assert [p.format() for p in problems if p.is_error] == [
        "error: option --base-url: expected an absolute URL like https://example.org/ or "
        "https://example.org/news/, got 'ftp://x/' (hint: no spaces, quotes, angle brackets, "
        "'?', '#', credentials, empty, '.' or '..' segments: percent-encode special characters "
        "(a space is %20))"
    ]


@pytest.mark.parametrize("title", ["Pagefind", "Search", "JS"])
def test_sections_cannot_take_the_search_index_or_script_folders(title: str):
    _, problems = parse_config(
        {"title": "T", "base_url": "https://x.example/", "sections": [{"title": title}]},
        "site.yml",
    )
    assert [p.field for p in problems if p.is_error] == ["sections.0.slug"]


@pytest.mark.parametrize("url", ["http://[x/", "//evil.example/", "/\\evil.example"])
def test_menu_links_that_are_broken_or_lead_elsewhere_are_errors(url: str):
    menu = [{"title": "Bad", "url": url}]
    _, problems = parse_config(
        {"title": "T", "base_url": "https://x.example/", "menu": menu}, "site.yml"
    )
    assert [p.field for p in problems if p.is_error] == ["menu.0.url"]


def test_yaml_numbers_are_read_the_yaml_1_2_way_and_repeated_keys_warn(tmp_path: Path):
    path = tmp_path / "site.yml"
    path.write_text(
        "title: 3:16\nbase_url: https://x.example/\ndescription: 0755\nper_page: 0x10\n"
        "copyright: First\ncopyright: Second\nimages: {credit: {hero: off}}\n"
    )
    config, problems = load_config(path)
    assert config is not None and config.title == "3:16" and config.description == "0755"
    assert config.per_page == 16 and config.images.credit_hero == "off"
    assert config.copyright == "Second"
    assert [p.format() for p in problems] == [
        f"{path}:6: warning: the key 'copyright' is written twice: the one on line 6 is used, "
        "the one on line 5 is ignored (hint: delete one of the two)"
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("per_page: !!int ten", "invalid value: 'ten' is not a whole number"),
        ("per_page: !!int update", "invalid value: 'update' is not a whole number"),
        ("feed_entries: !!float x", "invalid value: 'x' is not a number"),
        ("expires: !!timestamp nope", "invalid date: 'nope' is not a real date or time"),
    ],
)
def test_values_yaml_cannot_convert_are_located_errors(tmp_path: Path, line: str, message: str):
    path = tmp_path / "site.yml"
    path.write_text(f"title: T\nbase_url: https://x.example/\n{line}\n")
    config, problems = load_config(path)
    assert config is None
    field = line.split(":")[0]
    assert [p.format().split(" (hint")[0] for p in problems] == [
        f"{path}:3: error: field '{field}': {message}"
    ]


def test_a_date_or_yes_where_text_is_expected_says_to_quote_it():
    _, problems = parse_config(
        {"title": True, "base_url": "https://x.example/", "description": dt.date(2026, 1, 1)},
        "site.yml",
    )
    assert [(p.field, p.message, p.hint) for p in problems] == [
        ("title", "expected text, got true (a yes/no value)", "put the text in quotes"),
        ("description", "expected text, got the date 2026-01-01", "put the text in quotes"),
    ]


def test_social_links_with_a_scheme_must_be_web_or_mail_links():
    social = {"x": "deltaledger", "email": "mailto:desk@x.example", "bad": "javascript:alert(1)"}
    config, problems = parse_config(
        {"title": "T", "base_url": "https://x.example/", "social": social}, "site.yml"
    )
    assert [p.field for p in problems if p.is_error] == ["social.bad"]
    assert config.social == {"x": "deltaledger", "email": "mailto:desk@x.example"}


def test_social_networks_must_be_named():
    config, problems = parse_config(
        {"title": "T", "base_url": "https://x.example/", "social": {1: "a", None: "b", "x": "c"}},
        "site.yml",
    )
    assert config.social == {"x": "c"}
    assert [(p.severity.value, p.field) for p in problems] == [
        ("warning", "social.1"),
        ("warning", "social.None"),
    ]


@pytest.mark.parametrize(
    ("network", "handle", "url"),
    [
        ("x", "@deltaledger", "https://x.com/deltaledger"),
        ("bluesky", "deltaledger.bsky.social", "https://bsky.app/profile/deltaledger.bsky.social"),
        ("mastodon", "@desk@mastodon.example", "https://mastodon.example/@desk"),
        ("mastodon", "https://mastodon.example/@desk", "https://mastodon.example/@desk"),
        ("instagram", "delta_ledger", "https://www.instagram.com/delta_ledger/"),
        ("YouTube", "DeltaLedger", "https://www.youtube.com/@DeltaLedger"),
        ("mastodon", "desk", ""),
        ("flickr", "deltaledger", ""),
        (
            "flickr",
            "https://www.flickr.com/photos/deltaledger",
            "https://www.flickr.com/photos/deltaledger",
        ),
    ],
)
def test_social_url(network: str, handle: str, url: str):
    assert social_url(network, handle) == url


def test_footer_links_every_social_profile_to_its_real_address(tiny_site: Path):
    social = (
        "social:\n  x: deltaledger\n  bluesky: deltaledger.bsky.social\n"
        "  mastodon: '@desk@mastodon.example'\n  flickr: deltaledger\n  threads: two words\n"
    )
    config = textwrap.dedent(TINY_SITE["site.yml"]) + social
    write_site(tiny_site, {"site.yml": config})
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert (
        "site.yml:11: error: field 'social.threads': expected a handle without spaces, or a link, "
        "got 'two words'" in result.output
    )
    write_site(tiny_site, {"site.yml": config.replace("two words", "deltaledger")})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert (
        "site.yml:10: warning: field 'social.flickr': no profile address is known" in result.output
    )
    footer = html(tiny_site / "public/index.html").cssselect(".social a")
    assert {a.text_content(): a.get("href") for a in footer} == {
        "X": "https://x.com/deltaledger",
        "Bluesky": "https://bsky.app/profile/deltaledger.bsky.social",
        "Mastodon": "https://mastodon.example/@desk",
        "Threads": "https://www.threads.net/@deltaledger",
    }


@pytest.mark.parametrize(
    ("language", "direction", "locale"),
    [
        ("en", "ltr", "en_US"),
        ("fr", "ltr", "fr_FR"),
        ("pt-BR", "ltr", "pt_BR"),
        ("es-419", "ltr", "es_ES"),
        ("zh-Hant-TW", "ltr", "zh_TW"),
        ("zh-Hant", "ltr", "zh_TW"),
        ("ar", "rtl", "ar_AR"),
        ("he-IL", "rtl", "he_IL"),
        ("fa", "rtl", "fa_IR"),
        ("haw", "ltr", ""),
        ("ku-Latn", "ltr", ""),
        ("az-Arab", "rtl", ""),
        ("prs", "rtl", ""),
        ("pa-Arab-PK", "rtl", "pa_PK"),
    ],
)
def test_language_tags_give_direction_and_open_graph_locale(
    language: str, direction: str, locale: str
):
    config, problems = parse_config(
        {"title": "T", "base_url": "https://x.example/", "language": language}, "site.yml"
    )
    assert problems == []
    assert (config.direction, config.og_locale) == (direction, locale)


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("en_US", "write 'en-US'"),
        ("english", "a language tag such as"),
        ('"><script>', "a language tag such as"),
        ("xx-INVALID-123", "a language tag such as"),
    ],
)
def test_a_language_that_is_no_language_tag_is_an_error(language: str, hint: str):
    config, problems = parse_config(
        {"title": "T", "base_url": "https://x.example/", "language": language}, "site.yml"
    )
    (problem,) = problems
    assert problem.field == "language" and "expected a language tag" in problem.message
    assert hint in (problem.hint or "") and config.language == "en"


def test_a_right_to_left_site_is_marked_and_mirrored(tiny_site: Path):
    config = textwrap.dedent(TINY_SITE["site.yml"]) + "language: ar\n"
    write_site(tiny_site, {"site.yml": config})
    assert run(tiny_site, "build").exit_code == 0
    page = html(tiny_site / "public/index.html")
    assert page.get("lang") == "ar" and page.get("dir") == "rtl"
    assert page.cssselect('meta[property="og:locale"]')[0].get("content") == "ar_AR"
    css = (tiny_site / "public/css/style.css").read_text()
    assert "left:" not in css.replace(" ", "") and "right:" not in css.replace(" ", "")
    assert "border-inline-start" in css


def test_the_footer_spells_networks_as_they_do(tiny_site: Path):
    social = (
        "social:\n  github: deltaledger\n  youtube: deltaledger\n  mastodon: '@dl@mstdn.example'\n"
    )
    write_site(tiny_site, {"site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + social})
    assert run(tiny_site, "build").exit_code == 0
    links = html(tiny_site / "public/index.html").cssselect(".social a")
    assert [a.text_content() for a in links] == ["GitHub", "YouTube", "Mastodon"]
    assert links[0].get("href") == "https://github.com/deltaledger"


@pytest.mark.parametrize(
    "pattern", ['/news "x"/{slug}/', "/<b>/{slug}/", "/a b/{slug}/", "/a|b/{slug}/"]
)
def test_a_permalink_with_characters_an_address_must_escape_is_an_error(pattern: str):
    data = {"title": "T", "base_url": "https://x.example/", "permalink": pattern}
    _, problems = parse_config(data, "site.yml")
    assert [p.field for p in problems if p.is_error] == ["permalink"], problems


def test_a_permalink_of_plain_words_and_placeholders_is_fine():
    data = {
        "title": "T",
        "base_url": "https://x.example/",
        "permalink": "/tin-tức/{year}/{slug}.html",
    }
    config, problems = parse_config(data, "site.yml")
    assert not [p for p in problems if p.is_error] and config.permalink.startswith("/tin-tức/")
