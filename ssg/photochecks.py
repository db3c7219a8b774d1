"""Problems with a site's photos and their messages: missing credits, images withheld for
metadata or size, and author photos or a publisher logo that Pillow cannot read whole."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ssg import images
from ssg.config import setting_line
from ssg.errors import Problem, error, warning
from ssg.imagepaths import asset_of, is_photo
from ssg.images import ImageError, ImageSettings
from ssg.model import Article, Author, Page
from ssg.photolines import body_line, front_line

_IMG_SRC = re.compile(r'<(?:img|source)\b[^>]*?\ssrc="([^"]*)"')
CREDIT_HINT = (
    'add {credit="Name/Agency"} right after the image, or end its title with "— Photo: Name/Agency"'
)


def unpublished(asset: str, fmt: str, reason: ImageError) -> Problem:
    """The warning for an image under assets/ that is not published: `reason` says why."""
    hint = (
        reason.hint
        if fmt or isinstance(reason, images.TooManyPixels)
        else "re-export it without metadata, or as JPEG, PNG or WebP (ssg cleans those)"
    )
    return warning(f"assets/{asset} was not published: {reason}", hint=hint)


def withheld_problem(
    asset: str, reason: ImageError, path: str, line: int | None, field: str
) -> Problem:
    """The error for a source that shows an image withheld for `reason`."""
    return error(
        f"shows assets/{asset}, which is not published: {reason}",
        path,
        line,
        field=field,
        hint=reason.hint
        if isinstance(reason, images.TooManyPixels)
        else "re-export it without metadata, or as JPEG, PNG or WebP",
    )


def missing_credit(
    settings: ImageSettings,
    root: Path,
    credit: str,
    hero: bool,
    path: str,
    field: str,
    fallback: str = "",
    line: int | None = None,
    asset: str = "",
) -> Problem | None:
    """The problem for a hero photo (or a body photo of `asset`) without a credit, as
    severe as the image settings say; None when it has one or the check is off. Without
    a `line`, the problem points at `field` (else `fallback`) in the front matter."""
    if credit.strip():
        return None
    severity = settings.credit_severity(hero)
    if severity is None:
        return None
    what = "hero photo" if hero else f"photo assets/{asset}"
    hint = "add credit: Name/Agency under image:" if hero else CREDIT_HINT
    return Problem(
        f"{what} has no credit",
        path,
        line if line is not None else front_line(root, path, field, fallback),
        field=field,
        hint=hint,
        severity=severity,
    )


def withheld_in_use(
    items: Iterable[Article | Page], withheld: dict[str, ImageError], root: Path, base_path: str
) -> list[Problem]:
    """An error for each story or page that shows an image withheld (for metadata it
    cannot be cleaned of, or for its size): it would link a file that is not published."""
    if not withheld:
        return []
    problems = []
    for item in items:
        image = getattr(item, "image", None)
        hero = asset_of(image.src) if image is not None else None
        found = [(hero, "image.src")] if hero in withheld else []
        htmls = [item.body_html, *(u.html for u in getattr(item, "updates", ()))]
        for html_text in htmls:
            for src in _IMG_SRC.findall(html_text):
                asset = asset_of(html.unescape(src), base_path)
                if asset in withheld and (asset, "body") not in found:
                    found.append((asset, "body"))
        for asset, field in found:
            line = (
                front_line(root, item.path, field, "image")
                if field == "image.src"
                else body_line(root, item.path, asset)
            )
            problems.append(withheld_problem(asset, withheld[asset], item.path, line, field))
    return problems


def portraits_and_logo(
    authors: Iterable[Author],
    logo: str,
    config_path: Path,
    root: Path,
    assets: dict[str, Path],
    withheld: dict[str, ImageError],
    unreadable: Callable[[str], ImageError | None],
) -> list[Problem]:
    """An error for each author photo, and for the publisher logo, that Pillow cannot
    read whole (a hero photo's fate) or that is withheld: a page would link an empty,
    damaged or missing file. `unreadable(asset)` says why Pillow cannot read a photo."""
    uses = [
        (asset_of(a.photo.src), a.path, "photo.src")
        for a in authors
        if a.photo is not None and not a.photo.is_remote
    ]
    if logo and not logo.startswith(("http://", "https://")):
        uses.append((asset_of(logo), str(config_path), "publisher.logo"))
    problems = []
    for asset, path, field in uses:
        if asset is None or asset not in assets or not is_photo(asset):
            continue  # missing files and other images: the site model reports them
        if field == "publisher.logo":
            line = setting_line(config_path, field)
        else:
            line = front_line(root, path, field, "photo")
        if asset in withheld:
            problems.append(withheld_problem(asset, withheld[asset], path, line, field))
            continue
        if (exc := unreadable(asset)) is not None:
            problems.append(
                error(
                    f"cannot use photo assets/{asset}: {exc}",
                    path,
                    line,
                    field=field,
                    hint=exc.hint,
                )
            )
    return problems
