"""The site configuration: schema, defaults and validation of `site.yml`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ssg import languages
from ssg.assets import AssetSettings, parse_asset_settings
from ssg.errors import Problem, error, has_errors
from ssg.fields import FieldReader, describe, is_safe_link
from ssg.folders import is_plain_site_path
from ssg.frontmatter import field_line, load_yaml
from ssg.images import ImageSettings, parse_image_settings
from ssg.rules import CheckSettings, parse_check_settings
from ssg.sections import Section, read_sections

DEFAULT_PERMALINK = "/{year}/{month}/{day}/{slug}/"
PERMALINK_FIELDS = ("year", "month", "day", "slug", "section")
KNOWN_KEYS = (
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "permalink",
    "per_page",
    "related_count",
    "publisher",
    "social",
    "menu",
    "output",
    "copyright",
    "images",
    "assets",
    "check",
    "sections",
    "feed_entries",
    "feed_full_content",
    "rss",
    "search",
    "cache_dir",
)


@dataclass(frozen=True, slots=True)
class MenuItem:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Publisher:
    name: str
    logo: str | None = None
    url: str | None = None
    # the logo file's own size in pixels, filled in from the file when a build starts
    logo_width: int | None = None
    logo_height: int | None = None


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Validated settings from `site.yml`, with defaults filled in."""

    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    permalink: str = DEFAULT_PERMALINK
    per_page: int = 10
    related_count: int = 4
    publisher: Publisher = field(default_factory=lambda: Publisher(""))
    social: dict[str, str] = field(default_factory=dict)
    menu: tuple[MenuItem, ...] = ()
    output: str = "public"
    copyright: str = ""
    images: ImageSettings = field(default_factory=ImageSettings)
    assets: AssetSettings = field(default_factory=AssetSettings)
    check: CheckSettings = field(default_factory=CheckSettings)
    sections: tuple[Section, ...] = ()  # empty: an article's section is free text
    feed_entries: int = 20  # newest N articles in each Atom/RSS feed
    feed_full_content: bool = True  # full article HTML in feeds, not only the summary
    rss: bool = False  # also write /rss.xml, an RSS 2.0 twin of /feed.xml
    search: bool = True  # Pagefind index + /search/ page (ssg.search)
    cache_dir: str = ".ssg-cache"  # the build cache, relative to the site folder

    @property
    def direction(self) -> str:
        """The writing direction of the site's language: `rtl` or `ltr` (`<html dir>`)."""
        return languages.direction(self.language)

    @property
    def og_locale(self) -> str:
        """The Open Graph locale (`fr_FR`), or empty (see `ssg.languages.og_locale`)."""
        return languages.og_locale(self.language)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of `base_url`, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def origin(self) -> str:
        """Scheme and host of `base_url`, without the path."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def _language(reader: FieldReader) -> str:
    language = reader.text("language", "en") or "en"
    if languages.is_language_tag(language):
        return language
    hint = "a language tag such as en, fr, pt-BR or zh-Hant"
    if "_" in language and languages.is_language_tag(language.replace("_", "-")):
        hint = f"write {language.replace('_', '-')!r}: language tags use '-', not '_'"
    reader.fail("language", f"expected a language tag, got {describe(language)}", hint)
    return "en"


_URL_UNSAFE = re.compile(r"[\s\"'<>\\`{}|^?#\x00-\x1f\x7f]")


def _plain_base_url(value: str) -> bool:
    """True for an http(s) URL with a host, whose characters are all safe to print in
    HTML attributes, feeds and JSON as they are, and whose path names plain folders."""
    if not re.match(r"^https?://[^/?#]+", value) or _URL_UNSAFE.search(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:  # such as a broken IPv6 host, 'https://[zz/'
        return False
    if "@" in parts.netloc:
        return False  # credentials would be printed on every page
    return is_plain_site_path(parts.path or "/")


def normalize_base_url(value: str) -> str:
    """Make sure a base URL ends with '/'."""
    return value if value.endswith("/") else value + "/"


# (file, base URL override) -> (its text, the result): the preview server reads site.yml
# on every save, and validating it costs more than reading it
_LAST: dict[tuple[str, str | None], tuple[str, SiteConfig | None, tuple[Problem, ...]]] = {}


def load_config(path: Path, base_url: str | None = None) -> tuple[SiteConfig | None, list[Problem]]:
    """Read and validate `site.yml`; returns (None, problems) when it cannot be used."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = "run ssg from the site's folder, or pass --config path/to/site.yml"
        return None, [error("site configuration not found", name, hint=hint)]
    except UnicodeDecodeError as exc:
        message = f"site configuration is not UTF-8 text ({exc.reason})"
        return None, [error(message, name, hint="save it as UTF-8")]
    except OSError as exc:
        return None, [error(f"cannot read site configuration: {exc.strerror or exc}", name)]
    last = _LAST.get((name, base_url))
    if last is not None and last[0] == text:
        return last[1], list(last[2])
    config, problems = _read_config(text, name, base_url)
    _LAST[(name, base_url)] = (text, config, tuple(problems))
    return config, problems


def _read_config(
    text: str, name: str, base_url: str | None
) -> tuple[SiteConfig | None, list[Problem]]:
    data, problems = load_yaml(text, name)
    if has_errors(problems):
        return None, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        msg = f"expected a mapping of settings, got {describe(data)}"
        return None, [error(msg, name, 1, hint="write settings as 'key: value' lines")]
    if base_url:
        data = {**data, "base_url": base_url}
    config, found = parse_config(data, name, text, base_url_flag=bool(base_url))
    return config, problems + found


def parse_config(
    data: dict, name: str, text: str = "", base_url_flag: bool = False
) -> tuple[SiteConfig | None, list[Problem]]:
    """Validate a parsed `site.yml` mapping; `base_url_flag`: its base_url came from the
    command line's --base-url, which its errors then name."""
    reader = FieldReader(data, name, lambda key: field_line(text, key, first_line=1))
    reader.unknown_keys(KNOWN_KEYS, "setting")
    title = reader.text("title", required=True) or ""
    base_url = reader.text("base_url", required=True) or "/"
    if reader.present("base_url") and not _plain_base_url(base_url):
        message = (
            f"expected an absolute URL like https://example.org/ or https://example.org/news/, "
            f"got {describe(base_url)}"
        )
        hint = (
            "no spaces, quotes, angle brackets, '?', '#', credentials, empty, '.' or '..' "
            "segments: percent-encode special characters (a space is %20)"
        )
        if base_url_flag:
            reader.problems.append(error(f"option --base-url: {message}", hint=hint))
        else:
            reader.fail("base_url", message, hint)
    timezone = reader.text("timezone", "UTC") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        reader.fail(
            "timezone",
            f"expected an IANA time zone name, got {describe(timezone)}",
            "for example Asia/Ho_Chi_Minh, Europe/Paris or UTC",
        )
        timezone = "UTC"
    permalink = reader.text("permalink", DEFAULT_PERMALINK) or DEFAULT_PERMALINK
    _check_permalink(reader, permalink)
    config = SiteConfig(
        title=title,
        base_url=normalize_base_url(base_url),
        description=reader.text("description", "") or "",
        language=_language(reader),
        timezone=timezone,
        permalink=permalink,
        per_page=reader.integer("per_page", 10),
        related_count=reader.integer("related_count", 4, minimum=0),
        publisher=_publisher(reader, title),
        social=_social(reader),
        menu=_menu(reader),
        output=reader.text("output", "public") or "public",
        copyright=reader.text("copyright", "") or "",
        images=parse_image_settings(reader),
        assets=parse_asset_settings(reader),
        check=parse_check_settings(reader),
        sections=read_sections(reader),
        feed_entries=reader.integer("feed_entries", 20),
        feed_full_content=reader.boolean("feed_full_content", True),
        rss=reader.boolean("rss", False),
        search=reader.boolean("search", True),
        cache_dir=reader.text("cache_dir", ".ssg-cache") or ".ssg-cache",
    )
    return config, reader.problems


def _check_permalink(reader: FieldReader, pattern: str) -> None:
    names = re.findall(r"{([^}]*)}", pattern)
    unknown = [n for n in names if n not in PERMALINK_FIELDS]
    if unknown:
        reader.fail(
            "permalink",
            f"unknown placeholder {{{unknown[0]}}} in {describe(pattern)}",
            f"use {', '.join('{' + n + '}' for n in PERMALINK_FIELDS)}",
        )
    if "slug" not in names:
        reader.fail(
            "permalink",
            f"pattern must contain {{slug}}, got {describe(pattern)}",
            "every article needs an address of its own: add {slug}, as in /{year}/{month}/{slug}/",
        )
    if not pattern.startswith("/") or not (pattern.endswith("/") or pattern.endswith(".html")):
        reader.fail(
            "permalink",
            f"expected a path starting with '/' and ending with '/' or '.html', "
            f"got {describe(pattern)}",
            "for example /{year}/{month}/{slug}/",
        )
    if not is_plain_site_path(pattern):
        reader.fail(
            "permalink",
            f"expected a path without '.' or '..' segments, backslashes, '?' or '#', "
            f"got {describe(pattern)}",
            "for example /{year}/{month}/{slug}/",
        )
    elif odd := _PERMALINK_ODD.search(re.sub(r"{[^}]*}", "", pattern)):
        reader.fail(
            "permalink",
            f"expected letters, digits, '-', '_', '.' and '/' around the placeholders, "
            f"got {odd.group()!r} in {describe(pattern)}",
            "a space, quote or '<' makes an address every page, feed and sitemap must escape: "
            "use '-' instead",
        )


# what a permalink's fixed text may not hold: what a URL must percent-encode, and braces
_PERMALINK_ODD = re.compile(r"""[\s"'<>`{}|^%]""")


def _publisher(reader: FieldReader, title: str) -> Publisher:
    data = reader.mapping("publisher")
    if data is None:
        return Publisher(title)
    sub = reader.child("publisher", data)
    sub.unknown_keys(("name", "logo", "url"), "publisher setting")
    url = sub.link("url", "https://example.org/")
    return Publisher(sub.text("name", title) or title, sub.text("logo"), url)


# Profile addresses of networks a bare handle can be turned into
SOCIAL_PROFILES = {
    "x": "https://x.com/{}",
    "twitter": "https://x.com/{}",
    "facebook": "https://www.facebook.com/{}",
    "instagram": "https://www.instagram.com/{}/",
    "threads": "https://www.threads.net/@{}",
    "youtube": "https://www.youtube.com/@{}",
    "tiktok": "https://www.tiktok.com/@{}",
    "linkedin": "https://www.linkedin.com/company/{}/",
    "bluesky": "https://bsky.app/profile/{}",
    "github": "https://github.com/{}",
    "telegram": "https://t.me/{}",
}


# How networks spell their own names (`capitalize` would give "Github", "Youtube")
SOCIAL_NAMES = {
    "x": "X",
    "twitter": "X",
    "github": "GitHub",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "whatsapp": "WhatsApp",
    "soundcloud": "SoundCloud",
}


def setting_line(config_path: Path, key: str) -> int | None:
    """The line of setting `key` (`publisher.logo`) in the config file, for a problem
    found after it was read; None when the file cannot be read again."""
    try:
        return field_line(config_path.read_text(encoding="utf-8"), key, first_line=1)
    except (OSError, UnicodeDecodeError):
        return None


def social_name(network: str) -> str:
    """A network's name as it writes it: `github` -> GitHub; others capitalised."""
    key = network.strip().lower()
    return SOCIAL_NAMES.get(key) or (network[:1].upper() + network[1:])


def social_url(network: str, handle: str) -> str:
    """The profile address for `handle` on `network`: a link as given, a known network's
    profile page, a Mastodon account `@name@server` on its server; empty when unknown
    (a template printing it shows nothing, not "None")."""
    if ":" in handle:
        return handle
    name = handle.strip().lstrip("@")
    if network.lower() == "mastodon":
        user, at, server = name.partition("@")
        return f"https://{server}/@{user}" if at and user and server else ""
    pattern = SOCIAL_PROFILES.get(network.lower())
    return pattern.format(quote(name, safe="._-")) if pattern and name else ""


def _social(reader: FieldReader) -> dict[str, str]:
    data = reader.mapping("social")
    if data is None:
        return {}
    sub = reader.child("social", data)
    out = {}
    for key in data:
        if not isinstance(key, str):  # 'x:' is text, '1:' a number and '~:' nothing
            sub.warn(str(key), f"expected a network name, got {describe(key)}; ignored")
            continue
        value = sub.text(str(key))
        if value and ":" in value and not is_safe_link(value):
            sub.fail(
                str(key),
                f"expected a handle or an http(s) or mailto link, got {describe(value)}",
                "for example deltaledger, or https://mastodon.example/@deltaledger",
            )
        elif value and ":" not in value and any(char.isspace() for char in value):
            sub.fail(
                str(key),
                f"expected a handle without spaces, or a link, got {describe(value)}",
                "for example deltaledger, or the profile's full address",
            )
        elif value and not social_url(key, value):
            example = "@deltaledger@mastodon.example" if key.lower() == "mastodon" else None
            sub.warn(
                str(key),
                f"no profile address is known for {describe(value)} on {key!r}; left out "
                "of the footer",
                f"write {example} or the full address"
                if example
                else "write the profile's full address, such as https://…",
            )
        elif value:
            out[str(key)] = value
    return out


def _menu(reader: FieldReader) -> tuple[MenuItem, ...]:
    items = []
    for _, sub in reader.records("menu", ("title", "url"), "title and url", "menu setting"):
        title = sub.text("title", required=True)
        url = sub.link("url", "/about/ or https://example.org/newsletter", required=True)
        if title and url:
            items.append(MenuItem(title, url))
    return tuple(items)
