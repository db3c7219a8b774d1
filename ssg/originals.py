"""Images published at their own addresses under assets/: photos cleaned of EXIF, GPS and
any other metadata, other images checked for it, and withheld when it cannot be removed."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from ssg import images
from ssg.errors import Problem
from ssg.imagecache import ImageCache, SourceDigests, cache_key
from ssg.imagepaths import is_photo
from ssg.images import Encoded, ImageError
from ssg.photochecks import unpublished


@dataclass(frozen=True, slots=True)
class Originals:
    """What publishing the images under assets/ at their own addresses came to."""

    files: dict[str, Path | None]  # asset -> cleaned file in the cache; None: withheld
    problems: list[Problem]
    keys: set[str]  # the cache keys used
    withheld: dict[str, ImageError]  # why each withheld image is
    # how to make each cache entry again (a damaged one found while publishing)
    makers: dict[str, Callable[[], list[tuple[Encoded, bytes]]]]
    encoded: int  # files cleaned in this run (cache misses)


def clean_originals(
    assets: dict[str, Path],
    cache: ImageCache,
    digests: SourceDigests,
    read: Callable[[str], bytes],
) -> Originals:
    """Clean every image in `assets` through `cache`; `read(asset)` gives its bytes."""
    files: dict[str, Path | None] = {}
    problems: list[Problem] = []
    withheld: dict[str, ImageError] = {}
    encoded = 0
    jobs = []
    for asset in sorted(assets):
        suffix = PurePosixPath(asset).suffix.lower()
        if is_photo(asset) or suffix in images.OTHER_IMAGE_SUFFIXES:
            fmt = images.RASTER_FORMATS.get(suffix, "")
            recipe = f"original;v=3;fmt={fmt or suffix}"
            jobs.append((asset, fmt, cache_key(digests.digest(assets[asset]), recipe)))
    misses = {key for _, fmt, key in jobs if fmt and cache.get(key) is None}
    makers = {key: partial(_clean_file, read, asset, fmt) for asset, fmt, key in jobs}

    def work(job: tuple[str, str, str]) -> list[tuple[Encoded, Path]] | ImageError:
        key = job[2]
        try:
            return cache.fetch(key, makers[key])
        except ImageError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=4) as pool:
        for (asset, fmt, key), result in zip(jobs, pool.map(work, jobs), strict=True):
            if isinstance(result, ImageError):
                files[asset] = None  # never publish a file whose metadata stays in it
                withheld[asset] = result
                problems.append(unpublished(asset, fmt, result))
            elif result:  # else: clean as it is, published by the asset stage
                files[asset] = result[0][1]
                encoded += key in misses
    return Originals(files, problems, {key for _, _, key in jobs}, withheld, makers, encoded)


def _clean_file(read: Callable[[str], bytes], asset: str, fmt: str) -> list[tuple[Encoded, bytes]]:
    return clean_original(read(asset), fmt)


def clean_original(data: bytes, fmt: str) -> list[tuple[Encoded, bytes]]:
    """The file for a photo's own address, cleaned of metadata; [] when the source
    holds none. Raises ImageError when metadata is in it and cannot be removed, or when
    it is too large to be looked into (TooManyPixels)."""
    if not fmt:  # a GIF, TIFF or AVIF: checked, never rewritten
        if images.has_metadata(data):
            raise ImageError("it carries metadata (EXIF, GPS, XMP or comments)")
        return []
    try:
        encoded, cleaned = images.strip(data, fmt)
    except images.TooManyPixels:
        raise
    except ImageError as exc:
        if images.has_metadata(data):
            reason = f"it carries metadata (EXIF, GPS) and cannot be cleaned: {exc}"
            raise ImageError(reason) from exc
        return []  # unreadable, with nothing in it to leak: published as it is
    return [] if cleaned == data else [(encoded, cleaned)]
