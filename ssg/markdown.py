"""Markdown to HTML with markdown-it-py: CommonMark, tables, footnotes, typography, anchors.

Links are rewritten while rendering: root-relative URLs get the site's base path, and
relative links to other `.md` sources become `ssg-link:` markers that the site model
resolves to the target's URL once every page's address is known.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore, replacements, smartquotes
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ssg.languages import is_traditional_chinese
from ssg.slugs import slugify

LINK_MARKER = "ssg-link:"


@dataclass(frozen=True, slots=True)
class Rendered:
    """The HTML of a Markdown body, plus its first paragraph as plain text."""

    html: str
    first_paragraph: str
    links: tuple[str, ...]  # source paths of linked .md files, as written in markers
    # the body line (0-based) where quotes or lists reached markdown-it's nesting limit,
    # past which it renders nothing (and drops some of what follows), or None
    too_deep_line: int | None = None
    # the body line (0-based) of a link to a `javascript:`, `vbscript:` or `file:` address,
    # which markdown-it shows as text instead, or None
    refused_link_line: int | None = None


# a marker in rendered HTML: the linked source's path (percent-encoded), then any fragment
MARKERS = re.compile(re.escape(LINK_MARKER) + r"([^\"'#\s]+)(#[^\"'\s]*)?")


def rewrite_url(url: str, source_dir: str, base_path: str) -> str:
    """Rewrite one link target: `.md` sources to markers, root-relative URLs to the base path.

    markdown-it has percent-encoded the link (`đại-ngãi.md`, `my story.md`): the source's
    path is decoded to find the file, and the marker holds it encoded again."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("#") or not url:
        return url
    if parts.path.endswith(".md"):
        path = unquote(parts.path)
        if path.startswith("/"):
            target = posixpath.normpath("content" + path)
        else:
            target = posixpath.normpath(posixpath.join(source_dir, path))
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return f"{LINK_MARKER}{quote(target, safe='/')}{fragment}"
    if url.startswith("/") and not url.startswith("//"):
        return base_path + url[1:]
    return url


def replace_markers(html: str, resolve: Callable[[str, str], str]) -> str:
    """`html` with each `ssg-link:` marker replaced by `resolve(source path, fragment)`."""
    return MARKERS.sub(lambda m: resolve(unquote(m.group(1)), m.group(2) or ""), html)


def has_source_links(html: str) -> bool:
    """True when rendered HTML links another source by its path (an `ssg-link:` marker)."""
    return LINK_MARKER in html


def _rewrite_links(state: StateCore) -> None:
    source_dir = state.env.get("source_dir", "")
    base_path = state.env.get("base_path", "/")
    links = state.env.setdefault("links", [])
    for block in state.tokens:
        for token in block.children or ():
            attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
            if attr is None:
                continue
            value = token.attrGet(attr)
            if not isinstance(value, str):
                continue
            new = rewrite_url(value, source_dir, base_path)
            if new.startswith(LINK_MARKER):
                links.append(unquote(new[len(LINK_MARKER) :].split("#")[0]))
            token.attrSet(attr, new)


# The typographer's replacements, as a newsroom wants them: `--` and `---` become dashes
# and `...` an ellipsis. markdown-it's own rule also turns "(R)", "(c)" and "(TM)" into ®, ©
# and ™ ("Sen. Jane Roe (R)", "section 3(c)"), "+-" into ± and ",," into ",": copy changed.
_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")


def _typography(state: StateCore) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        if "--" not in block.content and "..." not in block.content:
            continue
        in_autolink = False
        for token in block.children:
            if token.type == "text" and not in_autolink:
                text = _ELLIPSIS.sub("\u2026", token.content)
                text = replacements.EM_DASH_RE.sub("\\1\u2014", text)
                text = replacements.EN_DASH_RE.sub("\\1\u2013", text)
                token.content = replacements.EN_DASH_INDENT_RE.sub("\\1\u2013", text)
            elif token.type in ("link_open", "link_close") and token.info == "auto":
                in_autolink = token.type == "link_open"


def _figures(state: StateCore) -> None:
    """A paragraph holding only an image with a title or a credit becomes a <figure>
    (a figure cannot sit inside a paragraph)."""
    if not state.md.options["html"]:  # a front-matter field: its images are links
        return
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        opening, inline, closing = tokens[i], tokens[i + 1], tokens[i + 2]
        if opening.type != "paragraph_open" or inline.type != "inline" or not inline.children:
            continue
        children = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
        if len(children) != 1 or children[0].type != "image":
            continue
        if not (children[0].attrGet("title") or children[0].attrGet("credit")):
            continue
        opening.type, opening.tag = "figure_open", "figure"
        closing.type, closing.tag = "figure_close", "figure"
        title = children[0].attrGet("title")
        if title:  # the caption gets the typographer (and Markdown) like the text around it
            # the same links list, but not the body's footnotes: their block would follow
            env = {key: value for key, value in state.env.items() if key != "footnotes"}
            children[0].meta["caption_html"] = state.md.renderInline(str(title), env)
        # in a tight list the paragraph's tags are hidden; the figure's must not be, or
        # its caption would sit right in the <li> or <dd>, where it is not allowed
        opening.hidden = closing.hidden = False
        children[0].meta["figure"] = True


def _render_image_as_link(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    text = self.renderInlineAsText(token.children or [], options, env)
    return f'<a href="{escapeHtml(str(token.attrGet("src") or ""))}">{escapeHtml(text)}</a>'


def _render_image(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    caption = token.attrGet("title") if token.meta.get("figure") else None
    caption_html = token.meta.get("caption_html") or escapeHtml(str(caption or ""))
    if caption:
        token.attrs.pop("title", None)
    token.attrSet("alt", self.renderInlineAsText(token.children or [], options, env))
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    html = f"<img{self.renderAttrs(token)}>"
    if caption:
        html += f"<figcaption>{caption_html}</figcaption>"
    return html


def _render_table_open(self, tokens: list[Token], idx: int, options, env) -> str:
    return '<div class="table-wrap">' + self.renderToken(tokens, idx, options, env)


def _render_table_close(self, tokens: list[Token], idx: int, options, env) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


# Element ids the theme's templates give (and the prefixes of ids they make): a heading
# in a story must not take one, or the page holds two elements with one id
TEMPLATE_IDS = frozenset(
    {
        "main",
        "site-search-q",
        "search-query",
        "corrections-title",
        "related-title",
        "series-title",
        "live-updates-title",
        "latest-title",
        "top-stories-title",
    }
)
TEMPLATE_ID_PREFIXES = ("author-", "update-", "archive-", "home-block-")
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?\d+(?::\d+)?")  # the footnotes plugin's ids


def heading_id(text: str) -> str:
    """The anchor id of a subhead: its slug, with '-section' added where the templates
    use that id (markdown-it's anchors plugin then keeps repeats apart with -1, -2)."""
    slug = slugify(text)
    if (
        slug in TEMPLATE_IDS
        or slug.startswith(TEMPLATE_ID_PREFIXES)
        or _FOOTNOTE_ID.fullmatch(slug)
    ):
        return f"{slug}-section"
    return slug


# The typographer's quotation marks per language: double open, double close, single open,
# single close. A language missing here (or a region with a usage of its own) uses English's.
ENGLISH_QUOTES = ("\u201c", "\u201d", "\u2018", "\u2019")
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "fr": ("\u00ab\u00a0", "\u00a0\u00bb", "\u2039\u00a0", "\u00a0\u203a"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "de-ch": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "cs": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "pl": ("\u201e", "\u201d", "\u201a", "\u2019"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "pt": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "pt-br": ENGLISH_QUOTES,
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "uk": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "nb": ("\u00ab", "\u00bb", "\u2018", "\u2019"),
    "sv": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "fi": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "da": ("\u00bb", "\u00ab", "\u203a", "\u2039"),
    "ja": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "ar": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "fa": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "he": ("\u201e", "\u201d", "\u201a", "\u2019"),
    "zh-hant": ("\u300c", "\u300d", "\u300e", "\u300f"),
}


def quotes_for(language: str) -> tuple[str, str, str, str]:
    """The quotation marks a `language` tag's readers expect (`fr-CA` as `fr`)."""
    tag = language.lower().replace("_", "-")
    parts = tag.split("-")
    for key in ("-".join(parts[:2]), parts[0]):
        if key in QUOTES:
            return QUOTES[key]
    if is_traditional_chinese(language):
        return QUOTES["zh-hant"]
    return ENGLISH_QUOTES


def parser(allow_html: bool = True, language: str = "en") -> MarkdownIt:
    """The configured markdown-it instance for `language`'s quotation marks."""
    return _parser(allow_html, quotes_for(language))


@lru_cache(maxsize=8)
def _parser(allow_html: bool, quotes: tuple[str, str, str, str]) -> MarkdownIt:
    """The configured markdown-it instance (built once per process). Bodies may hold raw
    HTML (an embed, a <sup>); Markdown in front-matter fields may not: its tags are shown
    as text, like every other front-matter value."""
    options = {"typographer": True, "html": allow_html, "linkify": False, "quotes": quotes}
    md = MarkdownIt("commonmark", options)
    md.enable(["table", "strikethrough", "smartquotes"])
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    if allow_html:  # a front-matter field gets no attributes (style, id, ping) and no images
        md.use(attrs_plugin)
        md.use(attrs_block_plugin)
    else:  # an image is shown as a link to it: no tracking pixel loads from a caption
        md.renderer.rules["image"] = _render_image_as_link.__get__(md.renderer)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_id)
    md.core.ruler.push("ssg_typography", _typography)
    md.core.ruler.push("ssg_links", _rewrite_links)
    md.core.ruler.push("ssg_figures", _figures)
    renderer: RendererHTML = md.renderer  # type: ignore[assignment]
    if allow_html:
        renderer.rules["image"] = _render_image.__get__(renderer)
    renderer.rules["table_open"] = _render_table_open.__get__(renderer)
    renderer.rules["table_close"] = _render_table_close.__get__(renderer)
    renderer.rules["footnote_ref"] = _render_footnote_ref.__get__(renderer)
    renderer.rules["footnote_anchor"] = _render_footnote_anchor.__get__(renderer)
    renderer.rules["footnote_block_open"] = _render_footnote_block_open.__get__(renderer)
    return md


# Footnotes as the plugin writes them, with names a screen reader can say: its links read
# "[1]" and "↩" (a hooked arrow), and its section has no name.
def _footnote_number(self: RendererHTML, tokens: list[Token], idx: int, options, env) -> str:
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    sub = tokens[idx].meta.get("subId", -1)
    return ident + (f":{sub}" if sub > 0 else "")


def _render_footnote_ref(self: RendererHTML, tokens: list[Token], idx: int, options, env) -> str:
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    refid = _footnote_number(self, tokens, idx, options, env)
    number = tokens[idx].meta["id"] + 1
    return (
        f'<sup class="footnote-ref"><a href="#fn{ident}" id="fnref{refid}" '
        f'aria-label="Footnote {number}">[{number}]</a></sup>'
    )


def _render_footnote_anchor(self: RendererHTML, tokens: list[Token], idx: int, options, env) -> str:
    refid = _footnote_number(self, tokens, idx, options, env)
    number = tokens[idx].meta["id"] + 1
    # U+21A9 then U+FE0E, so iOS does not draw it as an emoji
    return (
        f' <a href="#fnref{refid}" class="footnote-backref" '
        f'aria-label="Back to reference {number}">\u21a9\ufe0e</a>'
    )


def _render_footnote_block_open(
    self: RendererHTML, tokens: list[Token], idx: int, options, env
) -> str:
    return (
        '<hr class="footnotes-sep">\n'
        '<section class="footnotes" aria-label="Footnotes">\n<ol class="footnotes-list">\n'
    )


def render(
    text: str,
    source_path: str = "",
    base_path: str = "/",
    allow_html: bool = True,
    language: str = "en",
) -> Rendered:
    """Render a Markdown body for the source at `source_path` (relative to the site root);
    `allow_html=False` for Markdown written in a front-matter field (see `parser`), and
    quotation marks as `language` writes them."""
    md = parser(allow_html, language)
    env = {"source_dir": posixpath.dirname(source_path), "base_path": base_path}
    tokens = md.parse(text, env)
    html = md.renderer.render(tokens, md.options, env)
    limit = md.options["maxNesting"] - 1
    deep = next((t for t in tokens if t.level >= limit), None)
    deep_line = None if deep is None else (deep.map[0] if deep.map else 0)
    refused = _REFUSED_LINK.search(text) if _may_refuse(text) else None
    refused_line = text.count("\n", 0, refused.start()) if refused else None
    links = tuple(env.get("links", ()))
    return Rendered(html, _first_paragraph(tokens), links, deep_line, refused_line)


def _may_refuse(text: str) -> bool:
    """A quick look for the schemes markdown-it refuses, in their usual spellings: the full
    search below costs about 60 us a body, and this runs for every body of every build."""
    return "cript:" in text or "ile:" in text or "CRIPT:" in text or "ILE:" in text


# a link markdown-it refuses to make (it shows the Markdown as text): inline or a reference
_REFUSED_LINK = re.compile(
    r"(?:\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?)\s*(?:javascript|vbscript|file):",
    re.IGNORECASE | re.MULTILINE,
)


def render_inline(text: str, base_path: str = "/", language: str = "en") -> str:
    """Render one line of Markdown from a front-matter field (captions, corrections)
    without a wrapping <p>; raw HTML in it is shown as text."""
    md = parser(allow_html=False, language=language)
    return md.renderInline(text, {"source_dir": "", "base_path": base_path})


def smart_text(text: str, language: str = "en") -> str:
    """Plain text with the typographer's quotation marks, dashes and ellipsis, as a body
    gets them: for a headline or a dek, which are text rather than Markdown (`*` and `<`
    stay as written)."""
    if not _NEEDS_TYPOGRAPHY.search(text):
        return text
    md = parser(allow_html=False, language=language)
    state = StateCore(text, md, {})
    line = Token("inline", "", 0, content=text, children=[Token("text", "", 0, content=text)])
    state.tokens = [line]
    smartquotes(state)
    _typography(state)
    return "".join(child.content for child in line.children or ())


_NEEDS_TYPOGRAPHY = re.compile(r"[\"']|--|\.\.\.")


def _first_paragraph(tokens: list[Token]) -> str:
    for i, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0 and i + 1 < len(tokens):
            text = _plain_text(tokens[i + 1].children or [])
            if text.strip():
                return " ".join(text.split())
    return ""


def _plain_text(children: list[Token]) -> str:
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type in ("footnote_ref", "image"):  # a photo's alt text is no summary
            continue
        elif child.type == "html_inline" and child.content[:3].lower() == "<br":
            out.append(" ")
        elif child.children:
            out.append(_plain_text(child.children))
    return "".join(out)
