"""Responsive image markup: `<picture>` with WebP and fallback `srcset`s, sizes and dimensions.

One pure function used both by templates (the `picture()` global) and by the photo
stage for images inside article bodies, so every photo on the site is marked up alike.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from ssg.model import Image, Rendition

# `sizes` for each place a photo appears, matching the theme's CSS column widths.
SIZES = {
    "hero": "(min-width: 48rem) 46rem, 100vw",
    "body": "(min-width: 48rem) 40rem, 100vw",
    "lead": "(min-width: 72rem) 42rem, (min-width: 48rem) 60vw, 100vw",
    "card": "(min-width: 72rem) 22rem, (min-width: 40rem) 45vw, 100vw",
}


def srcset(renditions: list[Rendition], url: Callable[[str], str]) -> str:
    return ", ".join(f"{url(r.url)} {r.width}w" for r in renditions)


def picture_html(
    image: Image,
    url: Callable[[str], str],
    sizes: str = "body",
    *,
    alt: str | None = None,
    hero: bool = False,
    css_class: str = "",
) -> Markup:
    """A `<picture>` for a processed photo (or a plain `<img>` for anything else).

    `sizes` is a key of SIZES or a literal sizes attribute; `hero` photos load
    eagerly with high priority, every other photo lazily.
    """
    sizes = SIZES.get(sizes, sizes)
    alt_text = image.alt if alt is None else alt
    loading = ' fetchpriority="high"' if hero else ' loading="lazy"'
    klass = f' class="{escape(css_class)}"' if css_class else ""
    webp = [r for r in image.renditions if r.mime == "image/webp"]
    fallback = [r for r in image.renditions if r.mime != "image/webp"] or webp
    if not fallback:
        size = (
            f' width="{image.width}" height="{image.height}"'
            if image.width and image.height
            else ""
        )
        return Markup(
            f'<img{klass} src="{escape(url(image.url or image.src))}" alt="{escape(alt_text)}"'
            f'{size}{loading} decoding="async">'
        )
    largest = fallback[-1]
    default = next((r for r in fallback if r.width >= 960), largest)
    source = ""
    # WebP only when it comes in every width: a long infographic has no WebP past 16,383
    # pixels, and a browser taking <source> would never see the sharper fallbacks
    if webp and webp is not fallback and len(webp) == len(fallback):
        source = (
            f'<source type="image/webp" srcset="{escape(srcset(webp, url))}" '
            f'sizes="{escape(sizes)}">'
        )
    return Markup(
        f"<picture{klass}>{source}"
        f'<img src="{escape(url(default.url))}" srcset="{escape(srcset(fallback, url))}" '
        f'sizes="{escape(sizes)}" width="{largest.width}" height="{largest.height}" '
        f'alt="{escape(alt_text)}"{loading} decoding="async"></picture>'
    )
