"""Encoded photos put into the content: the encodings each article or page needs, its
hero image given renditions and crops, and each local photo in its body (and a live
story's updates) turned into `<picture>` markup with its caption and credit."""

from __future__ import annotations

import html
import re
from collections import Counter
from urllib.parse import quote

from ssg.errors import error
from ssg.evolve import evolve
from ssg.imageinfo import image_size, is_animated, not_an_image
from ssg.imagepaths import asset_of, is_photo
from ssg.images import ImageError
from ssg.memo import IdentityMemo
from ssg.model import Article, Image, Page
from ssg.photochecks import missing_credit
from ssg.photolines import body_line, front_line
from ssg.photostage import EncodeJob, PhotoStage
from ssg.picture import picture_html

_BODY_IMAGE = re.compile(
    r"<figure>(?P<fimg><img\b[^>]*>)(?:<figcaption>(?P<cap>.*?)</figcaption>)?</figure>"
    r"|(?P<img><img\b[^>]*>)",
    re.DOTALL,
)
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_CREDIT_IN_CAPTION = re.compile(
    r"^(?P<cap>.*?)\s*(?:[—–-]+\s*)?(?:Photo|Photograph|Image|Credit)s?:\s*(?P<credit>[^<>]+?)\s*$",
    re.DOTALL,
)


def photo_jobs(
    stage: PhotoStage, item: Article | Page, memo: IdentityMemo
) -> tuple[EncodeJob, ...]:
    """Every encoding an article or page needs, so a build can run them all in one
    parallel batch."""

    def compute() -> tuple[EncodeJob, ...]:
        jobs = []
        image = item.image if isinstance(item, Article) else None
        asset = asset_of(image.src) if image and not image.is_remote else None
        if image and asset and asset in stage.assets and is_photo(asset):
            jobs.append(stage.job(asset, True, image.focus))
        return tuple(jobs + _body_jobs(stage, item.body_html))

    return memo.get("photo-jobs", (item,), None, compute)


def _body_jobs(stage: PhotoStage, body_html: str) -> list[EncodeJob]:
    if "<img" not in body_html:
        return []
    jobs = []
    for match in _BODY_IMAGE.finditer(body_html):
        attrs = dict(_ATTR.findall(match.group("fimg") or match.group("img")))
        asset = asset_of(html.unescape(attrs.get("src", "")), stage.config.base_path)
        if asset and asset in stage.assets and is_photo(asset):
            if is_animated(stage.assets[asset]):
                continue  # shown as it is: resized copies would be stills
            jobs.append(stage.job(asset, False, None))
    return jobs


def article_with_photos(stage: PhotoStage, article: Article) -> Article:
    """`article` with its hero's renditions and `<picture>` markup in its body and updates."""
    image = article.image
    if image and not image.is_remote:
        image = _hero(stage, article, image)
    body = _body(stage, article.path, article.body_html, check_credit=not article.draft)
    updates = tuple(  # a live story's updates are body text too
        evolve(u, html=_body(stage, article.path, u.html, check_credit=not article.draft))
        if "<img" in u.html
        else u
        for u in article.updates
    )
    return evolve(article, image=image, body_html=body, updates=updates)


def page_with_photos(stage: PhotoStage, page: Page) -> Page:
    """`page` with `<picture>` markup in its body."""
    return evolve(page, body_html=_body(stage, page.path, page.body_html, check_credit=True))


def _hero(stage: PhotoStage, article: Article, image: Image) -> Image:
    if not article.draft:
        problem = missing_credit(
            stage.settings, stage.root, image.credit, True, article.path, "image.credit", "image"
        )
        if problem is not None:
            stage.problems.append(problem)
    asset = asset_of(image.src)
    if asset is None or asset not in stage.assets or not is_photo(asset):
        return image  # missing files are reported by the site model
    job = stage.job(asset, True, image.focus)
    stage.run([job])
    result = stage.renditions(job)
    if isinstance(result, ImageError):
        stage.problems.append(
            error(
                f"cannot use photo assets/{asset}: {result}",
                article.path,
                front_line(stage.root, article.path, "image.src", "image"),
                field="image.src",
                hint=result.hint,
            )
        )
        return image
    srcset, crops = result
    largest = srcset[-1] if srcset else None
    return evolve(
        image,
        renditions=tuple(srcset),
        crops=tuple(crops),
        width=largest.width if largest else image.width,
        height=largest.height if largest else image.height,
    )


def _body(stage: PhotoStage, path: str, body_html: str, check_credit: bool) -> str:
    """Replace each local photo in a rendered body with `<picture>` markup."""
    if "<img" not in body_html:
        return body_html
    base = stage.config.base_path
    assets = stage.assets
    stage.run(_body_jobs(stage, body_html))

    seen: Counter[str] = Counter()  # a photo shown twice: each is told at its own line

    def swap(match: re.Match) -> str:
        tag = match.group("fimg") or match.group("img")
        attrs = {k: html.unescape(v) for k, v in _ATTR.findall(tag)}
        asset = asset_of(attrs.get("src", ""), base)
        if asset is None:  # a remote image: shown as it is, with its caption and credit
            if "credit" not in attrs:
                return match.group(0)
            caption = match.group("cap") or ""
            kept = "".join(
                f' {name}="{html.escape(value)}"'
                for name, value in attrs.items()
                if name not in ("credit", "title") or (name == "title" and not caption)
            )
            return _captioned(f"<img{kept}>", match, attrs, caption, html.escape(attrs["credit"]))
        line = body_line(stage.root, path, asset, seen[asset])
        seen[asset] += 1
        if asset not in assets:
            stage.problems.append(
                error(
                    f"image file not found: assets/{asset}",
                    path,
                    line,
                    field="body",
                    hint="image paths are relative to the assets/ folder, e.g. /images/photo.jpg",
                )
            )
            return match.group(0)
        caption = match.group("cap") or ""
        credit = html.escape(attrs.get("credit", ""))
        split = _CREDIT_IN_CAPTION.match(caption) if caption and not credit else None
        if split:
            caption, credit = split.group("cap").rstrip(" —–-"), split.group("credit")
        if check_credit:
            problem = missing_credit(
                stage.settings, stage.root, credit, False, path, "body", line=line, asset=asset
            )
            if problem is not None:
                stage.problems.append(problem)
        if not is_photo(asset) or is_animated(assets[asset]):
            if why := not_an_image(assets[asset], asset):
                stage.problems.append(
                    error(
                        f"cannot show assets/{asset} as an image: {why}",
                        path,
                        line,
                        field="body",
                        hint="point the image at a photo or graphic file",
                    )
                )
                return match.group(0)
            # a graphic (SVG, GIF, an animated PNG or WebP, whose resized copies would
            # be stills) is published as it is, but shown like a photo: its size, and
            # its caption and credit under it
            size = image_size(assets[asset])
            dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
            media = (
                f'<img src="{html.escape(base + quote(asset))}" '
                f'alt="{html.escape(attrs.get("alt", ""))}"{dims} loading="lazy" '
                'decoding="async">'
            )
            return _captioned(media, match, attrs, caption, credit)
        job = stage.job(asset, False, None)
        result = stage.renditions(job)
        if isinstance(result, ImageError):
            stage.problems.append(
                error(
                    f"cannot use photo assets/{asset}: {result}",
                    path,
                    line,
                    field="body",
                    hint=result.hint,
                )
            )
            return match.group(0)
        srcset = result[0]
        image = Image(
            src="/" + asset,
            alt=attrs.get("alt", ""),
            url="/" + quote(asset),
            width=srcset[-1].width,
            height=srcset[-1].height,
            renditions=tuple(srcset),
        )
        picture = picture_html(image, lambda u: base + u.lstrip("/"), "body")
        return _captioned(str(picture), match, attrs, caption, credit)

    return _BODY_IMAGE.sub(swap, body_html)


def _captioned(
    media: str, match: re.Match, attrs: dict[str, str], caption: str, credit: str
) -> str:
    """A body image's markup with its caption and credit (both HTML already): a figure
    where the image stands alone, a note beside it within a line of text."""
    if not (caption or credit or match.group("fimg")):
        return media
    if not match.group("fimg"):  # within a line of text: no figure inside a <p>
        note = " ".join(
            f'<span class="{name}">{text}</span>'
            for name, text in (("caption", html.escape(attrs.get("title", ""))), ("credit", credit))
            if text
        )
        return f'{media} <small class="photo-note">{note}</small>'
    parts = []
    if caption:
        parts.append(f'<span class="caption">{caption}</span>')
    if credit:  # said as "Photo:" by a screen reader, as under the hero
        parts.append(
            f'<span class="visually-hidden">Photo: </span><span class="credit">{credit}</span>'
        )
    figcaption = f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""
    return f'<figure class="photo">{media}{figcaption}</figure>'
