"""The photo stage's state, kept between builds: encode jobs run through the image cache
in parallel, the renditions they give, and what a build publishes, uses and reports.

Pillow releases the GIL while it encodes, so the jobs run in threads."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import quote

from ssg import images
from ssg.config import SiteConfig
from ssg.errors import Problem
from ssg.imagecache import ImageCache, SourceDigests, cache_key
from ssg.imagepaths import output_name
from ssg.images import Encoded, ImageError
from ssg.memo import IdentityMemo
from ssg.model import Rendition
from ssg.originals import Originals, clean_originals

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EncodeJob:
    """One photo to encode: its renditions (and crops, for a hero) at its focus point."""

    asset: str  # path under assets/
    fmt: str
    crops: bool
    focus: tuple[float, float] | None
    key: str

    @property
    def shown_as(self) -> str:
        """What its published files are known by: the content key alone would give a
        byte-identical copy under another name (`embargoed-story.jpg`) that copy's name."""
        return f"{self.asset}\0{self.key}"


class PhotoStage:
    """Holds the cache, the encodings known so far and the collected problems.

    One build uses it from `begin()` on; a long-lived builder keeps it (through its
    memo) for as long as the photos on disk and the image settings stay the same.
    """

    def __init__(self, root: Path, config: SiteConfig, assets: dict[str, Path], cache_folder: Path):
        self.root = root
        self.config = config
        self.settings: images.ImageSettings = config.images
        self.assets = assets
        self.cache = ImageCache(cache_folder)
        self.digests = SourceDigests(cache_folder)
        self._results: dict[str, list[tuple[Encoded, Path]] | ImageError] = {}
        self._renditions: dict[str, tuple[list[Rendition], list[Rendition]] | ImageError] = {}
        self._job_files: dict[str, dict[str, Path]] = {}  # `shown_as` -> files it publishes
        self._jobs: dict[tuple[str, bool, tuple[float, float] | None], EncodeJob] = {}
        # how to encode each cache entry again (a damaged one found while publishing)
        self._makers: dict[str, Callable[[], list[tuple[Encoded, bytes]]]] = {}
        self._originals: Originals | None = None
        self.withheld: dict[str, ImageError] = {}  # images not published, and why
        self.progress: Callable[[str, int, int], None] | None = None  # (phase, done, total)
        self.begin()

    def begin(self) -> None:
        """Start a build: nothing used, published or reported yet."""
        self.files: dict[str, Path | None] = {}
        self.problems: list[Problem] = []
        self.encoded = 0
        self.used: set[str] = set()  # cache keys this run needs
        self._touched: set[str] = set()  # `shown_as` of the renditions the content shows
        self._shown: set[str] = set()
        for key, result in list(self._results.items()):  # the cache folder may be gone
            if not isinstance(result, ImageError) and not all(p.exists() for _, p in result):
                del self._results[key]
                for shown_as in [k for k in self._renditions if k.endswith(f"\0{key}")]:
                    del self._renditions[shown_as]
        if self._originals and not all(p.exists() for p in self._originals.files.values() if p):
            self._originals = None

    def remembered(self, item: T, process: Callable[[T], T], memo: IdentityMemo) -> T:
        """`process(item)` (an article or page with its photos), remembered by identity
        together with the problems it reported and the encodings it shows."""

        def compute(found: list[Problem]) -> tuple[Any, frozenset[str]]:
            before, self._touched = len(self.problems), set()
            result = process(item)
            found += self.problems[before:]
            del self.problems[before:]
            return result, frozenset(self._touched)

        result, shown = memo.get_with_problems("photo-item", (item,), None, compute, self.problems)
        self._shown |= shown
        return result

    def published_files(self) -> dict[str, Path | None]:
        """The encoded files the content shows, plus the cleaned originals."""
        files: dict[str, Path | None] = {}
        for key in sorted(self._shown):
            files.update(self._job_files.get(key, {}))
        files.update(self.files)
        return files

    def read(self, asset: str) -> bytes:
        """A photo's bytes, read when it is encoded (never kept: see `SourceDigests`)."""
        return self.assets[asset].read_bytes()

    def job(self, asset: str, crops: bool, focus: tuple[float, float] | None) -> EncodeJob:
        """The job encoding `asset` (with crops around `focus`, for a hero)."""
        known = self._jobs.get((asset, crops, focus))  # a photo is shared by many articles
        if known is not None:
            return known
        fmt = images.RASTER_FORMATS[PurePosixPath(asset).suffix.lower()]
        recipe = f"{self.settings.signature()};fmt={fmt};crops={crops};focus={focus}"
        job = EncodeJob(
            asset, fmt, crops, focus, cache_key(self.digests.digest(self.assets[asset]), recipe)
        )
        self._jobs[(asset, crops, focus)] = job
        self._makers[job.key] = partial(self._encode, job)
        return job

    def _encode(self, job: EncodeJob) -> list[tuple[Encoded, bytes]]:
        return images.process(self.read(job.asset), job.fmt, self.settings, job.crops, job.focus)

    def run(self, jobs: list[EncodeJob]) -> None:
        """Encode every job not cached yet, in parallel."""
        self.used.update(job.key for job in jobs)
        todo = {job.key: job for job in jobs if job.key not in self._results}
        if not todo:
            return
        misses = [job for job in todo.values() if self.cache.get(job.key) is None]
        self.encoded += len(misses)

        def work(job: EncodeJob) -> list[tuple[Encoded, Path]] | ImageError:
            try:
                return self.cache.fetch(job.key, self._makers[job.key])
            except ImageError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = pool.map(work, todo.values())
            for done, (job, result) in enumerate(zip(todo.values(), results, strict=True), 1):
                self._results[job.key] = result
                if self.progress is not None:
                    self.progress("photos", done, len(todo))

    def renditions(self, job: EncodeJob) -> tuple[list[Rendition], list[Rendition]] | ImageError:
        """The srcset renditions and crops of a finished job, registering their files."""
        self._touched.add(job.shown_as)
        known = self._renditions.get(job.shown_as)  # many articles share a photo
        if known is not None:
            return known
        self._renditions[job.shown_as] = self._make_renditions(job)
        return self._renditions[job.shown_as]

    def _make_renditions(
        self, job: EncodeJob
    ) -> tuple[list[Rendition], list[Rendition]] | ImageError:
        result = self._results[job.key]
        if isinstance(result, ImageError):
            return result
        srcset, crops = [], []
        files = self._job_files[job.shown_as] = {}
        for encoded, path in result:
            name = output_name(job.asset, job.key, encoded.suffix)
            files[name] = path
            rendition = Rendition("/" + quote(name), encoded.width, encoded.height, encoded.mime)
            (crops if encoded.kind == "crop" else srcset).append(rendition)
        return srcset, crops

    def trusted(self, path: Path, data: bytes) -> bytes:
        """`data`, read from `path` to be published, when it is what the image cache
        recorded for that file; else (a damaged cache, whatever its files' times say)
        the file encoded again. Files outside the cache are returned as they are.

        Only bytes about to be published are checked: they have been read anyway, and a
        file already in the output folder was checked when it was written."""
        entry = path.parent
        if entry.parent != self.cache.folder or self.cache.holds(path, data):
            return data
        make = self._makers.get(entry.name)
        if make is None:  # no photo of this build made it: nothing to publish it from
            raise ImageError(f"the image cache's {path} is damaged", "delete the cache folder")
        files = make()
        self.cache.put(entry.name, files)
        return next(data for encoded, data in files if encoded.suffix == path.name)

    def strip_originals(self) -> None:
        """Publish every photo in assets/ at its own address without EXIF, GPS or any other
        metadata; withhold other images that carry metadata ssg cannot remove."""
        if self._originals is None:
            self._originals = clean_originals(self.assets, self.cache, self.digests, self.read)
            self._makers.update(self._originals.makers)
            self.encoded += self._originals.encoded
        self.files.update(self._originals.files)
        self.problems += self._originals.problems
        self.used |= self._originals.keys
        self.withheld = self._originals.withheld

    def unreadable(self, asset: str) -> ImageError | None:
        """Why Pillow cannot read the photo `asset` whole, or None when it can. Each file
        is decoded once; its (empty) cache entry says so after."""
        key = cache_key(self.digests.digest(self.assets[asset]), "readable;v=1")
        self.used.add(key)
        try:
            self.cache.fetch(key, lambda: images.verify(self.read(asset)) or [])
        except ImageError as exc:
            return exc
        return None
