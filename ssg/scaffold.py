"""`ssg new`: starter files for an article or an author, with every field explained."""

from __future__ import annotations

import datetime as dt

from ssg.slugs import file_slug


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def article_template(title: str, authors: list[str], topics: list[str], now: dt.datetime) -> str:
    """Front matter with the required fields filled in and every optional one commented."""
    author_line = f"[{', '.join(_yaml_string(a) for a in authors)}]" if authors else "[your-slug]"
    topic_line = f"[{', '.join(_yaml_string(t) for t in topics)}]" if topics else None
    stamp = now.replace(microsecond=0).isoformat()
    later = (now + dt.timedelta(hours=6)).replace(microsecond=0).isoformat()
    next_day = (now + dt.timedelta(days=1)).date().isoformat()
    next_year = now.year + 1
    lines = [
        "---",
        f"title: {_yaml_string(title)}",
        f"authors: {author_line}  # author slugs: files in content/authors/",
        f"date: {stamp}  # published; a date without time zone uses site.yml's timezone",
        "draft: true  # remove this line to publish",
        '# dek: "A one-sentence subtitle under the headline"',
        f"# updated: {later}  # last substantive update, after 'date'",
        "# dateline: HANOI, Vietnam",
        "# kind: News  # label above the headline: News, Analysis, Opinion, Review...",
        "# section: World",
        "# series: Rivers of Sand  # a multi-part package; series_part: 1 sets the order",
        "# live: true  # live coverage: add '## HH:MM Title' updates below (see README)",
        f"{'' if topic_line else '# '}topics: {topic_line or '[Topic One, Topic Two]'}",
        "# image:",
        "#   src: /images/photos/example.jpg  # path under assets/",
        '#   alt: "What the photo shows, for readers who cannot see it"',
        '#   caption: "The caption printed under the photo"',
        '#   credit: "Photographer/Agency"',
        f"# slug: {file_slug(title)}  # defaults to the file name",
        '# summary: "For cards, feeds and search results when there is no dek; defaults to the first paragraph"',
        f"# expires: {next_year}-01-01  # leave the article out of builds after this date",
        "# corrections:",
        f"#   - date: {next_day}",
        '#     text: "An earlier version of this article misspelled ..."',
        "# aliases: [/old/url/of/this/story/]",
        "---",
        "",
        "Write the first paragraph here. Cards and feeds show the dek, else 'summary', else this.",
        "",
    ]
    return "\n".join(lines)


def author_template(name: str) -> str:
    """An author profile; the body is the bio."""
    lines = [
        "---",
        f"name: {_yaml_string(name)}",
        '# role: "Senior correspondent"',
        f"# photo: /images/authors/{file_slug(name)}.jpg  # path under assets/",
        "# twitter: handle  # or x: handle, without the @",
        "# email: name@example.org",
        "# links:",
        "#   - title: Website",
        "#     url: https://example.org/",
        "---",
        "",
        f"{name} writes about ... (the bio, in Markdown).",
        "",
    ]
    return "\n".join(lines)
