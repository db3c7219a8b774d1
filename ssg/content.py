"""Front-matter schemas: turn one source file's text into an Article, Author, Topic or Page.

Pure functions: text in, a model value and a list of located problems out.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from ssg import live, markdown, series
from ssg.clock import DateOnly
from ssg.errors import Problem, error, has_errors, warning
from ssg.fields import FieldReader, describe
from ssg.folders import is_plain_site_path
from ssg.frontmatter import Source, field_line, load_yaml, split
from ssg.model import Article, Author, Correction, Image, Link, Page, Topic
from ssg.slugs import (
    MAX_SLUG,
    file_slug,
    overlong_part,
    slugify,
    source_slug,
    too_long_message,
)

# stands for a missing or unreadable `date`: the build fails on that error, but the
# story still goes through the site model so its other mistakes are reported with it
UNKNOWN_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

ARTICLE_FIELDS = (
    "title",
    "dek",
    "authors",
    "date",
    "updated",
    "dateline",
    "topics",
    "section",
    "image",
    "kind",
    "slug",
    "draft",
    "expires",
    "corrections",
    "aliases",
    "summary",
    *live.LIVE_FIELDS,
    *series.SERIES_FIELDS,
)
IMAGE_FIELDS = ("src", "alt", "caption", "credit", "focus")
AUTHOR_FIELDS = ("name", "role", "photo", "twitter", "x", "email", "links", "organization")
TOPIC_FIELDS = ("name", "description")
PAGE_FIELDS = ("title", "description", "slug")


def _front_matter(
    path: str, text: str
) -> tuple[Source, Mapping[str, Any] | None, FieldReader | None, list[Problem]]:
    source, problems = split(path, text)
    if problems:
        return source, None, None, problems
    data, problems = load_yaml(source.front, path, line_offset=1)
    if data is None and has_errors(problems):  # unreadable YAML
        return source, None, None, problems
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        problem = error(
            f"front matter must be a mapping of fields, got {describe(data)}",
            path,
            2,
            hint="write 'field: value' lines between the '---' fences",
        )
        return source, None, None, [problem]
    reported = frozenset(p.field for p in problems if p.field)  # values YAML could not read
    reader = FieldReader(
        data, path, lambda key: field_line(source.front, key, first_line=2), reported=reported
    )
    reader.problems += problems  # those values, and warnings: keys written twice
    return source, data, reader, []


_URL_SAFE = "/:?#[]@!$&'()*+,;=%~"  # what a URL keeps as written: its syntax, and escapes


def _image(
    reader: FieldReader, key: str, value: Any, base_path: str, language: str = "en"
) -> Image | None:
    """An image given as a mapping {src, alt, caption, credit}, or a bare src string."""
    if value is None:
        return None
    if isinstance(value, str):
        value = {"src": value}
    if not isinstance(value, Mapping):
        reader.fail(key, f"expected src, alt, caption and credit, got {describe(value)}")
        return None
    sub = reader.child(key, value)
    sub.unknown_keys(IMAGE_FIELDS, "image field")
    src = sub.text("src", required=True)
    if not src:
        return None
    if src.lower().startswith("http://"):
        sub.warn(
            "src",
            f"{describe(src)} is a plain http:// address: browsers block it on https pages",
            "use its https:// address, or copy the photo into assets/",
        )
    if src.lower().startswith(("http://", "https://")):  # as a browser sends it: a space
        src = quote(src, safe=_URL_SAFE)  # or an accent makes an invalid src and og:image
    caption = sub.text("caption", "") or ""
    return Image(
        src=src,
        alt=sub.text("alt", "") or "",
        caption=caption,
        credit=sub.text("credit", "") or "",
        caption_html=_inline_markdown(sub, "caption", caption, base_path, language)
        if caption
        else "",
        focus=_focus(sub),
    )


SOURCE_LINK_MESSAGE = (
    "links another source by its file path, which works in bodies of articles and pages only"
)
SOURCE_LINK_HINT = "write the page's site path instead, e.g. [earlier](/2026/11/20/salt-intrusion/)"


def _inline_markdown(
    sub: FieldReader, key: str, text: str, base_path: str, language: str = "en"
) -> str:
    """A front-matter field's Markdown as inline HTML; a link to a `.md` source, which
    only bodies resolve, is an error on the field."""
    html = markdown.render_inline(text, base_path, language)
    if markdown.has_source_links(html):
        sub.fail(key, SOURCE_LINK_MESSAGE, SOURCE_LINK_HINT)
    return html


def _source_link_problem(path: str, source: Source, rendered: markdown.Rendered) -> list[Problem]:
    """An error when the body of an author or topic file links a source by its path."""
    if not rendered.links:
        return []
    first = rendered.links[0]
    line = next((n for n, text in enumerate(source.body.splitlines(), 1) if ".md" in text), None)
    return [
        error(
            f"the body {SOURCE_LINK_MESSAGE} ({first})",
            path,
            line + source.body_line - 1 if line else None,
            hint=SOURCE_LINK_HINT,
        )
    ]


def _focus(reader: FieldReader) -> tuple[float, float] | None:
    """`focus: [x, y]`, the point crops centre on, as fractions (0 to 1) of width and height."""
    value = reader.data.get("focus")
    if value is None:
        return None
    ok = isinstance(value, list) and len(value) == 2
    ok = ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    if not ok or not all(0 <= v <= 1 for v in value):
        shown = f"[{', '.join(map(str, value))}]" if ok else describe(value)
        reader.fail(
            "focus",
            f"expected two numbers between 0 and 1, got {shown}",
            "write focus: [0.3, 0.4] for a point 30% from the left and 40% from the top",
        )
        return None
    return float(value[0]), float(value[1])


def _body_warnings(path: str, source: Source, rendered: markdown.Rendered) -> list[Problem]:
    """Warnings for what a body's Markdown could not render as written: quotes or lists
    nested past markdown-it's limit, a link to a `javascript:` address."""
    found = []
    if rendered.too_deep_line is not None:
        found.append(
            warning(
                "quotes or lists are nested too deeply: Markdown renders nothing past 20 "
                "levels, and text inside or after them may be missing from the page",
                path,
                source.body_line + rendered.too_deep_line,
                hint="nest quotes and lists less deeply",
            )
        )
    if rendered.refused_link_line is not None:
        found.append(
            warning(
                "a link to a javascript:, vbscript: or file: address is not made: readers "
                "see the Markdown as text",
                path,
                source.body_line + rendered.refused_link_line,
                hint="link to an https:// address or a page of the site",
            )
        )
    return found


def _same_day(updated: dt.datetime, date: dt.datetime, tz: ZoneInfo) -> bool:
    """True for an `updated` written without a time of day on the day of publication."""
    return isinstance(updated, DateOnly) and updated.date() == date.astimezone(tz).date()


def _on_publication_day(date: dt.datetime) -> DateOnly:
    """A date-only `updated` on the day of publication: the moment of publication (so the
    story's last change stays `date`), shown to readers as the date alone."""
    return DateOnly(
        date.year,
        date.month,
        date.day,
        date.hour,
        date.minute,
        date.second,
        date.microsecond,
        tzinfo=date.tzinfo,
        fold=date.fold,
    )


def parse_article(
    path: str, text: str, tz: ZoneInfo, base_path: str = "/", language: str = "en"
) -> tuple[Article | None, list[Problem]]:
    """Parse `content/articles/**.md` into an Article (None when its front matter cannot
    be read). With errors, the Article leaves the broken fields out."""
    source, data, reader, problems = _front_matter(path, text)
    if reader is None or data is None:
        return None, problems
    reader.unknown_keys(ARTICLE_FIELDS)
    title = reader.text("title", required=True)
    # an author is known by the slug of its file's name: `müller` names content/authors/müller.md
    authors = list(
        dict.fromkeys(slugify(a) or a for a in reader.text_list("authors", required=True))
    )
    if data.get("authors") == []:
        reader.fail(
            "authors", "expected at least one author, got an empty list", "write authors: [slug]"
        )
    date = reader.datetime("date", tz, required=True)
    updated = reader.datetime("updated", tz)
    if date and updated and updated < date and _same_day(updated, date, tz):
        updated = _on_publication_day(date)
    elif date and updated and updated < date:
        reader.fail(
            "updated",
            f"is earlier than 'date' ({updated.isoformat()} < {date.isoformat()})",
            "an update comes after publication: fix the date, or remove 'updated'",
        )
        updated = None
    corrections = []
    fields = ("date", "text")
    for key, sub in reader.records("corrections", fields, "a date and a text", "correction field"):
        when, what = sub.datetime("date", tz, required=True), sub.text("text", required=True)
        if when and date and when.astimezone(tz).date() < date.astimezone(tz).date():
            sub.fail(
                "date",
                f"is before the story's publication ({when.date()} < {date.astimezone(tz).date()})",
                "a correction comes after publication: check its date",
            )
            when = None
        if when and what:
            html = _inline_markdown(sub, "text", what, base_path, language)
            corrections.append(Correction(when, what, html, reader.locate(f"{key}.date")))
    aliases = []
    for written in reader.text_list("aliases"):
        alias = _decoded_alias(written)
        if alias is None:
            reader.fail(
                "aliases",
                f"expected percent-escapes of UTF-8 text, and no encoded '/' (%2F), "
                f"got {describe(written)}",
                "copy the old address from the browser's address bar, or write it decoded",
            )
        elif not alias.startswith("/"):
            reader.fail(
                "aliases", f"expected a site path starting with '/', got {describe(written)}"
            )
        elif not is_plain_site_path(alias):
            reader.fail(
                "aliases",
                f"expected a site path without '.' or '..' segments, backslashes, '?' or '#', "
                f"got {describe(written)}",
                "write the old address as it appears after the domain, such as /2019/05/old-story/",
            )
        elif "/." in alias:
            reader.fail(
                "aliases",
                f"expected no folder whose name starts with '.', got {describe(written)}",
                "hosts hide or refuse such folders (.htaccess, .well-known): leave the alias out",
            )
        elif overlong_part(alias) is not None:
            reader.fail(
                "aliases",
                f"expected folder names of at most 255 bytes, got one of "
                f"{len(overlong_part(alias).encode())} in {describe(written[:60] + '…')}",
                "a host cannot serve that address either: leave the alias out",
            )
        elif alias not in aliases:  # written twice, or once encoded and once not
            aliases.append(alias)
    slug = reader.text("slug") or source_slug(path)
    if slug != slugify(slug):
        suggested = slugify(slug) if len(slugify(slug)) <= MAX_SLUG else file_slug(slug)
        reader.fail(
            "slug",
            f"expected lower-case letters, digits and hyphens, got {describe(slug)}",
            f"try '{suggested}'",
        )
        slug = suggested
    elif len(slug) > MAX_SLUG:
        reader.fail(
            "slug",
            f"expected at most {MAX_SLUG} characters, got {len(slug)} (it names a folder, and "
            "file systems refuse names past 255 bytes)",
            f"try '{file_slug(slug)}'",
        )
    image = _image(reader, "image", data.get("image"), base_path, language)
    live_fields = live.read_live(reader, source, date, tz, base_path, language)
    body = live_fields.intro if live_fields else source.body
    rendered = markdown.render(body, path, base_path, language=language)
    problems += _body_warnings(path, source, rendered)
    extra = live.article_fields(live_fields, updated) | series.article_fields(reader)
    article = Article(  # with errors too, so the site model checks its photo and links
        path=path,
        slug=slug,
        title=markdown.smart_text(title or "", language),
        date=date or UNKNOWN_DATE,
        author_slugs=tuple(authors),
        topic_names=_topic_names(reader),
        dek=markdown.smart_text(reader.text("dek", "") or "", language),
        dateline=reader.text("dateline", "") or "",
        section=reader.text("section", "") or "",
        kind=reader.text("kind", "News") or "News",
        image=image,
        draft=reader.boolean("draft"),
        expires=reader.datetime("expires", tz),
        corrections=tuple(sorted(corrections, key=lambda c: c.date)),  # oldest first, stable
        aliases=tuple(aliases),
        summary=markdown.smart_text(reader.text("summary", "") or "", language)
        or rendered.first_paragraph,
        body_html=rendered.html,
        links=rendered.links,
        **extra,
    )
    return article, problems + reader.problems


def _topic_names(reader: FieldReader) -> tuple[str, ...]:
    """The article's topics, each once; a name too long for a folder is an error."""
    names = tuple(dict.fromkeys(reader.text_list("topics")))
    for name in names:
        if len(slugify(name)) > MAX_SLUG:
            reader.fail("topics", too_long_message("a topic name", slugify(name)), "shorten it")
    return tuple(name for name in names if len(slugify(name)) <= MAX_SLUG)


def _decoded_alias(alias: str) -> str | None:
    """An old address as a file path: `/2019/caf%C3%A9/` (as copied from an address bar or
    a sitemap) is `/2019/café/`, the folder a host serves at that address, in NFC; None
    when its percent-escapes are not UTF-8 or encode a '/'."""
    if "%" in alias:
        if "%2f" in alias.lower():  # an encoded '/' inside a name: no folder can hold it
            return None
        try:
            alias = unquote(alias, errors="strict")
        except UnicodeDecodeError:
            return None
    return unicodedata.normalize("NFC", alias)  # as file names are written


def parse_author(
    path: str, text: str, base_path: str = "/", language: str = "en"
) -> tuple[Author | None, list[Problem]]:
    """Parse `content/authors/<slug>.md`; the body is the bio."""
    source, data, reader, problems = _front_matter(path, text)
    if reader is None or data is None:
        return None, problems
    reader.unknown_keys(AUTHOR_FIELDS)
    name = reader.text("name", required=True)
    links = []
    for _, sub in reader.records("links", ("title", "url"), "a title and a url", "link field"):
        title = sub.text("title", required=True)
        url = sub.link("url", "https://mastodon.social/@name", required=True)
        if title and url:
            links.append(Link(title, url))
    handle = (reader.text("x") or reader.text("twitter") or "").lstrip("@")
    photo = _image(reader, "photo", data.get("photo"), base_path, language)
    organization = reader.boolean("organization")
    if photo and not photo.alt and name:
        photo = Image(photo.src, alt=f"{'Logo' if organization else 'Portrait'} of {name}")
    rendered = markdown.render(source.body, path, base_path, language=language)
    problems += _body_warnings(path, source, rendered)
    problems += _source_link_problem(path, source, rendered)
    author = Author(  # with errors too (a bad link left out): its articles still know it
        slug=source_slug(path),
        name=name or "",
        path=path,
        role=reader.text("role", "") or "",
        photo=photo,
        twitter=handle,
        email=reader.text("email", "") or "",
        links=tuple(links),
        bio_html=rendered.html,
        bio_text=rendered.first_paragraph,
        organization=organization,
    )
    return author, problems + reader.problems


def parse_topic(
    path: str, text: str, base_path: str = "/", language: str = "en"
) -> tuple[Topic | None, list[Problem]]:
    """Parse `content/topics/<slug>.md`: a display name and a description."""
    source, data, reader, problems = _front_matter(path, text)
    if reader is None or data is None:
        return None, problems
    reader.unknown_keys(TOPIC_FIELDS)
    name = reader.text("name", required=True)
    description = reader.text("description", "") or ""
    if source.body:
        rendered = markdown.render(source.body, path, base_path, language=language)
        problems += _source_link_problem(path, source, rendered)
    else:  # the description is a front-matter field: no raw HTML
        rendered = markdown.render(description, path, base_path, False, language)
        if rendered.links:
            reader.fail("description", SOURCE_LINK_MESSAGE, SOURCE_LINK_HINT)
    problems += _body_warnings(path, source, rendered)
    if any(p.is_error for p in reader.problems):
        return None, problems + reader.problems
    topic = Topic(
        slug=source_slug(path),
        name=name or "",
        path=path,
        description_html=rendered.html,
        description_text=rendered.first_paragraph,
    )
    return topic, problems + reader.problems


def parse_page(
    path: str, text: str, base_path: str = "/", language: str = "en"
) -> tuple[Page | None, list[Problem]]:
    """Parse `content/pages/*.md`: a plain page such as About."""
    source, data, reader, problems = _front_matter(path, text)
    if reader is None or data is None:
        return None, problems
    reader.unknown_keys(PAGE_FIELDS)
    title = reader.text("title", required=True)
    slug = _page_slug(reader, path)
    rendered = markdown.render(source.body, path, base_path, language=language)
    problems += _body_warnings(path, source, rendered)
    page = Page(  # with errors too, so the site model checks its links
        path=path,
        slug=slug,
        title=markdown.smart_text(title or "", language),
        description=reader.text("description", "") or rendered.first_paragraph,
        body_html=rendered.html,
        links=rendered.links,
    )
    return page, problems + reader.problems


def _page_slug(reader: FieldReader, path: str) -> str:
    """A page's `slug`, the folder of its address (`/<slug>/`): one that would leave the
    output folder ('..') is an error on the field, and the file name's slug is used."""
    slug = reader.text("slug") or source_slug(path)
    if not is_plain_site_path(f"/{slug}/"):
        reader.fail(
            "slug",
            f"expected a page address without '.' or '..' segments, backslashes, '?' or '#', "
            f"got {describe(slug)}: it would be written outside the output folder",
            f"try '{slugify(slug)}'",
        )
        return source_slug(path)
    suggested = "/".join(slugify(part) for part in slug.split("/"))
    if any(len(part) > MAX_SLUG for part in suggested.split("/")):
        longest = max(suggested.split("/"), key=len)
        reader.fail("slug", too_long_message("each folder", longest), "shorten it")
        return source_slug(path)
    if slug != suggested:  # spaces, '&', capitals, accents: an address to percent-encode
        reader.fail(
            "slug",
            f"expected lower-case letters, digits and hyphens (and '/' between folders), "
            f"got {describe(slug)}",
            f"try '{suggested}'",
        )
        return suggested if is_plain_site_path(f"/{suggested}/") else source_slug(path)
    return slug
