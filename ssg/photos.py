"""The photo stage of the build: encode every hero and in-body photo, and check credits.

Runs between parsing and the site model. It reads photos from the asset folders,
encodes what the cache does not have yet (in parallel: Pillow releases the GIL
while it encodes), and returns the parsed content with every `Image` carrying its
renditions and crops, article bodies with `<picture>` markup, the files to publish,
and problems for unreadable photos and missing credits.

The steps live beside it: `ssg.photostage` (encoding through the cache),
`ssg.contentphotos` (photos into articles and pages), `ssg.originals` (originals
cleaned of metadata) and `ssg.photochecks` (credits, withheld and unreadable photos).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from ssg.config import SiteConfig
from ssg.contentphotos import article_with_photos, page_with_photos, photo_jobs
from ssg.errors import Problem, error
from ssg.memo import IdentityMemo, NoMemo
from ssg.photochecks import portraits_and_logo, withheld_in_use
from ssg.photostage import PhotoStage
from ssg.site import Parsed


@dataclass(frozen=True, slots=True)
class PhotoResult:
    """What the stage produced: updated content, files to publish, problems, work done."""

    parsed: Parsed
    files: dict[str, Path | None]  # output path -> encoded file in the cache; None: publish nothing
    problems: list[Problem]
    encoded: int  # photos encoded in this run (cache misses)
    # `trusted(path, data)`: the bytes to publish for a file of `files`, read from `path`
    trusted: Callable[[Path, bytes], bytes] = lambda path, data: data


def process_photos(
    root: Path,
    config: SiteConfig,
    parsed: Parsed,
    assets: dict[str, Path],
    cache_folder: Path,
    memo: IdentityMemo | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    config_path: Path | None = None,
) -> PhotoResult:
    """Encode the site's photos (through the cache in `cache_folder`, where the encoded
    files stay) and attach renditions to the content. Author photos and the publisher
    logo (`publisher.logo` in `config_path`) are published as they are, once Pillow has
    read them whole.

    With a `memo` (a long-lived builder's), the stage and each article's result are kept
    between builds: an unchanged article comes back as the same object without its
    photos being looked at again. The memo's scope must cover the asset files' stats.
    """
    try:
        return _process(root, config, parsed, assets, cache_folder, memo, progress, config_path)
    except OSError as exc:  # a photo moved away since the scan, a full disk…
        return PhotoResult(parsed, {}, [photo_stage_problem(exc, root, cache_folder)], 0)


def photo_stage_problem(exc: OSError, root: Path, cache_folder: Path) -> Problem:
    """The error for a file the photo stage could not read or write: a source photo gone
    since the scan (a `git checkout` while `ssg serve` builds), one not readable, or the
    image cache not writable (a full disk)."""
    name = Path(exc.filename) if isinstance(exc.filename, str) else None
    reason = exc.strerror or str(exc)
    if name is None or name.is_relative_to(cache_folder):
        return error(
            f"cannot write the image cache: {reason}",
            str(name or cache_folder),
            hint="check the free space and permissions of the cache folder (cache_dir)",
        )
    shown = name.relative_to(root).as_posix() if name.is_relative_to(root) else str(name)
    if isinstance(exc, FileNotFoundError):
        hint = "it was moved or deleted while the site was being built: build again"
        return error(f"a photo could not be read: {reason}", shown, hint=hint)
    hint = "let the user who builds read the file"
    return error(f"a photo could not be read: {reason}", shown, hint=hint)


def _process(
    root: Path,
    config: SiteConfig,
    parsed: Parsed,
    assets: dict[str, Path],
    cache_folder: Path,
    memo: IdentityMemo | None,
    progress: Callable[[str, int, int], None] | None,
    config_path: Path | None,
) -> PhotoResult:
    memo = memo or NoMemo()
    stage = memo.get(
        "photo-stage",
        (),
        f"{root}\0{cache_folder}",
        lambda: PhotoStage(root, config, assets, cache_folder),
    )
    stage.begin()
    stage.progress = progress
    items = (*parsed.articles, *parsed.pages)
    stage.run([job for item in items for job in photo_jobs(stage, item, memo)])
    articles = tuple(
        stage.remembered(a, partial(article_with_photos, stage), memo) for a in parsed.articles
    )
    pages = tuple(stage.remembered(p, partial(page_with_photos, stage), memo) for p in parsed.pages)
    stage.strip_originals()
    problems = stage.problems + withheld_in_use(
        (*articles, *pages), stage.withheld, stage.root, stage.config.base_path
    )
    problems += portraits_and_logo(
        parsed.authors,
        stage.config.publisher.logo,
        config_path or root / "site.yml",
        stage.root,
        stage.assets,
        stage.withheld,
        stage.unreadable,
    )
    stage.cache.prune(stage.used)
    stage.digests.save()
    files = stage.published_files()
    return PhotoResult(
        replace(parsed, articles=articles, pages=pages),
        files,
        problems,
        stage.encoded,
        stage.trusted,
    )
