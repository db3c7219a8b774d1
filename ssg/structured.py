"""Structured data for search engines: schema.org JSON-LD built as plain dicts, safely serialized.

`news_article`, `profile_page`, `breadcrumbs` and `website` return JSON-ready dicts;
`to_jsonld` turns one into text that is safe inside `<script type="application/ld+json">`.
`install` makes them available to templates; `headline_warnings` flags headlines that
search engines will cut short.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jinja2
from markupsafe import Markup

from ssg.clock import iso_local
from ssg.config import SiteConfig
from ssg.errors import Problem, warning
from ssg.frontmatter import field_line
from ssg.helperargs import require
from ssg.live import live_blog_fields
from ssg.model import Article, Author, Image, Rendition, Topic

HEADLINE_LIMIT = 110  # Google shows at most this many characters of a headline

AbsUrl = Callable[[str], str]
JsonDict = dict[str, Any]

# Characters that could end a <script> element or an HTML comment, or break old JS parsers
_UNSAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def to_jsonld(data: Mapping[str, Any]) -> Markup:
    """JSON text for a `<script>` block: `<`, `>`, `&`, U+2028 and U+2029 become \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _UNSAFE:  # str.replace per character beats str.translate here
        if char in text:
            text = text.replace(char, escaped)
    return Markup(text)


_TAG = re.compile(r"<[^>]*>")


def plain_text(markup: str) -> str:
    """Text of a rendered inline HTML snippet (caption, correction), as a reader sees it."""
    return " ".join(html.unescape(_TAG.sub("", markup)).split())


def organization(config: SiteConfig, abs_url: AbsUrl) -> JsonDict:
    """The publisher as a schema.org Organization, with its logo."""
    publisher = config.publisher
    data: JsonDict = {
        "@type": "Organization",
        "name": publisher.name or config.title,
        "url": abs_url(publisher.url or "/"),
    }
    if publisher.logo:
        data["logo"] = {"@type": "ImageObject", "url": abs_url(publisher.logo)}
        if publisher.logo_width and publisher.logo_height:
            data["logo"].update(width=publisher.logo_width, height=publisher.logo_height)
    return data


def person(author: Author, abs_url: AbsUrl, detailed: bool = False) -> JsonDict:
    """One author as a Person (an Organization for a wire service's byline), with the URL
    of their author page."""
    kind = "Organization" if author.organization else "Person"
    data: JsonDict = {"@type": kind, "name": author.name, "url": abs_url(author.url)}
    if detailed:
        if author.role and not author.organization:
            data["jobTitle"] = author.role
        if author.bio_text:
            data["description"] = author.bio_text
        if author.photo:
            data["image"] = abs_url(author.photo.url)
        same_as = [author.twitter_url] if author.twitter else []
        same_as += [link.url for link in author.links if link.url.startswith("http")]
        if same_as:
            data["sameAs"] = same_as
    return data


# Wire services that put their name first ("AP Photo/Evan Vucci", "REUTERS/Athit
# Perawongmetha", "EPA-EFE/Luong Thai Linh"), folded to lower case
WIRE_FIRST = frozenset(
    {
        "ap",
        "ap photo",
        "the associated press",
        "associated press",
        "reuters",
        "afp",
        "afp photo",
        "epa",
        "epa-efe",
        "efe",
        "xinhua",
        "kyodo",
        "yonhap",
        "anadolu",
        "anadolu agency",
        "dpa",
        "ansa",
        "pa",
        "pa wire",
        "pa images",
        "ap images",
    }
)


# Agencies that may be credited alone ("Getty Images"), besides the wire services
AGENCIES = WIRE_FIRST | {"getty images", "shutterstock", "alamy", "bloomberg", "sipa"}


def copyright_holder(credit: str) -> JsonDict:
    """Who holds a photo's rights, from its credit: 'Linh Tran/The Delta Ledger' -> the
    organization after the last slash, 'AP Photo/Evan Vucci' -> the wire service that
    comes first (as 'AP': "Photo" names the desk, not the holder); a credit without a
    slash names a person, unless it is an agency ('Reuters', 'AFP')."""
    parts = [part.strip() for part in credit.split("/")]
    if len(parts) == 1:
        if parts[0].casefold() in AGENCIES:
            return {"@type": "Organization", "name": _agency_name(parts[0])}
        return {"@type": "Person", "name": parts[0]}
    if len(parts) == 2 and parts[0].casefold() in WIRE_FIRST:  # "Agency/Photographer"
        return {"@type": "Organization", "name": _agency_name(parts[0])}
    return {"@type": "Organization", "name": parts[-1]}


def _agency_name(credited: str) -> str:
    """'AP Photo' -> 'AP', 'AFP PHOTO' -> 'AFP': the agency behind its photo desk's credit."""
    name, _, last = credited.rpartition(" ")
    return name if name and last.casefold() == "photo" else credited


def image_object(image: Image, abs_url: AbsUrl) -> JsonDict:
    """A photo as an ImageObject: absolute URL, size, caption and credit."""
    url = abs_url(image.url or image.src)
    data: JsonDict = {"@type": "ImageObject", "url": url, "contentUrl": url}
    if image.width and image.height:
        data["width"] = image.width
        data["height"] = image.height
    if image.caption:
        data["caption"] = plain_text(image.caption_html) if image.caption_html else image.caption
    if image.credit:
        data["creditText"] = image.credit
        data["copyrightHolder"] = copyright_holder(image.credit)
    return data


def crop_object(crop: Rendition, image: Image, abs_url: AbsUrl) -> JsonDict:
    """A hero crop (16:9, 4:3 or 1:1) as an ImageObject carrying the photo's credit."""
    url = abs_url(crop.url)
    data: JsonDict = {
        "@type": "ImageObject",
        "url": url,
        "contentUrl": url,
        "width": crop.width,
        "height": crop.height,
    }
    if image.credit:
        data["creditText"] = image.credit
        data["copyrightHolder"] = copyright_holder(image.credit)
    return data


def news_article(config: SiteConfig, article: Article, abs_url: AbsUrl) -> JsonDict:
    """A NewsArticle for one article page."""
    tz = config.tz
    url = abs_url(article.url)
    data: JsonDict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url + "#article",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "description": article.dek or article.summary,
        "datePublished": iso_local(article.date, tz),
        "dateModified": iso_local(article.modified, tz),
        "inLanguage": config.language,
        "author": [person(author, abs_url) for author in article.authors],
        "publisher": organization(config, abs_url),
        "articleSection": article.section or article.kind,
    }
    if article.live is not None:
        data |= live_blog_fields(article, abs_url, tz, lambda author: person(author, abs_url))
    if article.topics:
        data["keywords"] = [topic.name for topic in article.topics]
    if article.image:
        data["image"] = [image_object(article.image, abs_url)] + [
            crop_object(crop, article.image, abs_url) for crop in article.image.crops
        ]
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline}
    if article.corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": plain_text(correction.text_html),
                "datePublished": iso_local(correction.date, tz),
            }
            for correction in article.corrections
        ]
    return data


def profile_page(config: SiteConfig, author: Author, abs_url: AbsUrl) -> JsonDict:
    """A ProfilePage whose main entity is the author as a Person."""
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": abs_url(author.url),
        "inLanguage": config.language,
        "mainEntity": person(author, abs_url, detailed=True),
    }


def breadcrumbs(trail: Iterable[tuple[str, str]], abs_url: AbsUrl) -> JsonDict:
    """A BreadcrumbList from (name, site path) pairs, outermost first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": abs_url(path)}
            for index, (name, path) in enumerate(trail, start=1)
        ],
    }


def article_trail(config: SiteConfig, article: Article) -> list[tuple[str, str]]:
    """Home > first topic > the article."""
    trail = [(config.title, "/")]
    if article.topics:
        trail.append((article.topics[0].name, article.topics[0].url))
    trail.append((article.title, article.url))
    return trail


def topic_trail(config: SiteConfig, topic: Topic) -> list[tuple[str, str]]:
    """Home > Topics > the topic."""
    return [(config.title, "/"), ("Topics", "/topics/"), (topic.name, topic.url)]


def website(config: SiteConfig, abs_url: AbsUrl) -> JsonDict:
    """The WebSite, for the home page."""
    data: JsonDict = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": config.title,
        "url": abs_url("/"),
        "inLanguage": config.language,
        "publisher": organization(config, abs_url),
    }
    if config.description:
        data["description"] = config.description
    return data


def install(env: jinja2.Environment, config: SiteConfig, abs_url: AbsUrl) -> None:
    """Add the `jsonld` filter and `ld_*` helpers to a template environment."""
    env.filters["jsonld"] = to_jsonld

    def ld_article(article: Article) -> JsonDict:
        require(article, Article, "ld_article()", "a story")
        return news_article(config, article, abs_url)

    def ld_article_breadcrumbs(article: Article) -> JsonDict:
        require(article, Article, "ld_article_breadcrumbs()", "a story")
        return breadcrumbs(article_trail(config, article), abs_url)

    def ld_topic_breadcrumbs(topic: Topic) -> JsonDict:
        require(topic, Topic, "ld_topic_breadcrumbs()", "a topic")
        return breadcrumbs(topic_trail(config, topic), abs_url)

    def ld_profile(author: Author) -> JsonDict:
        require(author, Author, "ld_profile()", "an author")
        return profile_page(config, author, abs_url)

    env.globals.update(
        ld_article=ld_article,
        ld_article_breadcrumbs=ld_article_breadcrumbs,
        ld_topic_breadcrumbs=ld_topic_breadcrumbs,
        ld_profile=ld_profile,
        ld_website=lambda: website(config, abs_url),
    )


def headline_warnings(articles: Iterable[Article], fronts: Mapping[str, str]) -> list[Problem]:
    """A warning for each headline longer than search engines show."""
    problems = []
    for article in articles:
        if len(article.title) > HEADLINE_LIMIT:
            front = fronts.get(article.path)
            problems.append(
                warning(
                    f"headline is {len(article.title)} characters long; search engines show "
                    f"at most {HEADLINE_LIMIT}",
                    article.path,
                    field_line(front, "title", first_line=2) if front is not None else None,
                    field="title",
                    hint="shorten the title (the dek can carry the detail)",
                )
            )
    return problems
