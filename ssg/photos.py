"""The photo stage of the build: encode every hero and in-body photo, and check credits.

Runs between parsing and the site model. It reads photos from the asset folders,
encodes what the cache does not have yet (in parallel: Pillow releases the GIL
while it encodes), and returns the parsed content with every `Image` carrying its
renditions and crops, article bodies with `<picture>` markup, the files to publish,
and problems for unreadable photos and missing credits.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from ssg import images
from ssg.config import SiteConfig
from ssg.errors import Problem, Severity, error, warning
from ssg.evolve import evolve
from ssg.folders import path_key
from ssg.frontmatter import field_line
from ssg.imagecache import ImageCache, SourceDigests, cache_key
from ssg.imageinfo import image_size, is_animated, not_an_image
from ssg.images import Encoded, ImageError
from ssg.memo import IdentityMemo, NoMemo
from ssg.model import Article, Image, Page, Rendition
from ssg.picture import picture_html
from ssg.site import Parsed

_BODY_IMAGE = re.compile(
    r"<figure>(?P<fimg><img\b[^>]*>)(?:<figcaption>(?P<cap>.*?)</figcaption>)?</figure>"
    r"|(?P<img><img\b[^>]*>)",
    re.DOTALL,
)
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_IMG_SRC = re.compile(r'<(?:img|source)\b[^>]*?\ssrc="([^"]*)"')
_CREDIT_IN_CAPTION = re.compile(
    r"^(?P<cap>.*?)\s*(?:[—–-]+\s*)?(?:Photo|Photograph|Image|Credit)s?:\s*(?P<credit>[^<>]+?)\s*$",
    re.DOTALL,
)
CREDIT_HINT = (
    'add {credit="Name/Agency"} right after the image, or end its title with "— Photo: Name/Agency"'
)


@dataclass(frozen=True, slots=True)
class PhotoResult:
    """What the stage produced: updated content, files to publish, problems, work done."""

    parsed: Parsed
    files: dict[str, Path | None]  # output path -> encoded file in the cache; None: publish nothing
    problems: list[Problem]
    encoded: int  # photos encoded in this run (cache misses)
    # `trusted(path, data)`: the bytes to publish for a file of `files`, read from `path`
    trusted: Callable[[Path, bytes], bytes] = lambda path, data: data


# what publishing the images under assets/ at their own addresses came to: files (None:
# withheld), warnings, cache keys, and why each withheld image is
_Stripped = tuple[dict[str, Path | None], list[Problem], set[str], dict[str, ImageError]]


@dataclass(frozen=True, slots=True)
class _Job:
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


def is_photo(asset: str) -> bool:
    """True for files we resize (JPEG, PNG, WebP), by suffix as `PurePosixPath` reads it
    (plain string work: this runs for every story's photo on every build)."""
    name = asset.rstrip("/").rpartition("/")[2]
    dot = name.rfind(".")
    return 0 < dot < len(name) - 1 and name[dot:].lower() in images.RASTER_FORMATS


def _unpublished(asset: str, fmt: str, reason: ImageError) -> Problem:
    """The warning for an image under assets/ that is not published: `reason` says why."""
    hint = (
        reason.hint
        if fmt or isinstance(reason, images.TooManyPixels)
        else "re-export it without metadata, or as JPEG, PNG or WebP (ssg cleans those)"
    )
    return warning(f"assets/{asset} was not published: {reason}", hint=hint)


def _withheld_problem(
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


def output_name(asset: str, key: str, suffix: str) -> str:
    """'images/a.jpg' + key + '480.webp' -> 'images/a.<key8>.480.webp' (safe to cache forever)."""
    path = PurePosixPath(asset)
    return str(path.with_name(f"{path.stem}.{key[:8]}.{suffix}"))


def asset_of(src: str, base_path: str = "/") -> str | None:
    """The path under assets/ for a local image URL, or None for remote/data URLs."""
    if src.startswith(("http://", "https://", "//", "data:")):
        return None
    if base_path != "/" and src.startswith(base_path):
        src = src[len(base_path) :]
    return path_key(unquote(src.lstrip("/"))) or None  # Markdown percent-encodes 'my photo.jpg'


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
    memo = memo or NoMemo()
    stage = memo.get(
        "photo-stage",
        (),
        f"{root}\0{cache_folder}",
        lambda: _Stage(root, config, assets, cache_folder),
    )
    stage.begin()
    stage.progress = progress
    stage.run([job for item in (*parsed.articles, *parsed.pages) for job in stage.jobs(item, memo)])
    articles = tuple(stage.remembered(a, stage.article, memo) for a in parsed.articles)
    pages = tuple(stage.remembered(p, stage.page, memo) for p in parsed.pages)
    stage.strip_originals()
    problems = stage.problems + stage.withheld_in_use((*articles, *pages))
    problems += stage.portraits_and_logo(parsed.authors, config_path or root / "site.yml")
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


class _Stage:
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
        self._jobs: dict[tuple[str, bool, tuple[float, float] | None], _Job] = {}
        # how to encode each cache entry again (a damaged one found while publishing)
        self._makers: dict[str, Callable[[], list[tuple[Encoded, bytes]]]] = {}
        self._stripped: _Stripped | None = None
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
        if self._stripped and not all(p.exists() for p in self._stripped[0].values() if p):
            self._stripped = None

    def remembered(self, item, process, memo: IdentityMemo):
        """`process(item)` (an article or page with its photos), remembered by identity
        together with the problems it reported and the encodings it shows."""

        def compute(found: list[Problem]):
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

    # --- encoding -----------------------------------------------------------------

    def _read(self, asset: str) -> bytes:
        """A photo's bytes, read when it is encoded (never kept: see `SourceDigests`)."""
        return self.assets[asset].read_bytes()

    def _job(self, asset: str, crops: bool, focus: tuple[float, float] | None) -> _Job:
        known = self._jobs.get((asset, crops, focus))  # a photo is shared by many articles
        if known is not None:
            return known
        fmt = images.RASTER_FORMATS[PurePosixPath(asset).suffix.lower()]
        recipe = f"{self.settings.signature()};fmt={fmt};crops={crops};focus={focus}"
        job = _Job(
            asset, fmt, crops, focus, cache_key(self.digests.digest(self.assets[asset]), recipe)
        )
        self._jobs[(asset, crops, focus)] = job
        self._makers[job.key] = partial(self._encode, job)
        return job

    def _encode(self, job: _Job) -> list[tuple[Encoded, bytes]]:
        return images.process(self._read(job.asset), job.fmt, self.settings, job.crops, job.focus)

    def run(self, jobs: list[_Job]) -> None:
        """Encode every job not cached yet, in parallel."""
        self.used.update(job.key for job in jobs)
        todo = {job.key: job for job in jobs if job.key not in self._results}
        if not todo:
            return
        misses = [job for job in todo.values() if self.cache.get(job.key) is None]
        self.encoded += len(misses)

        def work(job: _Job) -> list[tuple[Encoded, Path]] | ImageError:
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

    def jobs(self, item: Article | Page, memo: IdentityMemo) -> tuple[_Job, ...]:
        """Every encoding an article or page needs, so a build can run them all in one
        parallel batch."""

        def compute() -> tuple[_Job, ...]:
            jobs = []
            image = item.image if isinstance(item, Article) else None
            asset = asset_of(image.src) if image and not image.is_remote else None
            if image and asset and asset in self.assets and is_photo(asset):
                jobs.append(self._job(asset, True, image.focus))
            return tuple(jobs + self._body_jobs(item.body_html))

        return memo.get("photo-jobs", (item,), None, compute)

    def _body_jobs(self, body_html: str) -> list[_Job]:
        if "<img" not in body_html:
            return []
        jobs = []
        for match in _BODY_IMAGE.finditer(body_html):
            attrs = dict(_ATTR.findall(match.group("fimg") or match.group("img")))
            asset = asset_of(html.unescape(attrs.get("src", "")), self.config.base_path)
            if asset and asset in self.assets and is_photo(asset):
                if is_animated(self.assets[asset]):
                    continue  # shown as it is: resized copies would be stills
                jobs.append(self._job(asset, False, None))
        return jobs

    def renditions(self, job: _Job) -> tuple[list[Rendition], list[Rendition]] | ImageError:
        """The srcset renditions and crops of a finished job, registering their files."""
        self._touched.add(job.shown_as)
        known = self._renditions.get(job.shown_as)  # many articles share a photo
        if known is not None:
            return known
        self._renditions[job.shown_as] = self._make_renditions(job)
        return self._renditions[job.shown_as]

    def _make_renditions(self, job: _Job) -> tuple[list[Rendition], list[Rendition]] | ImageError:
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

    # --- content ------------------------------------------------------------------

    def article(self, article: Article) -> Article:
        image = article.image
        if image and not image.is_remote:
            image = self.hero(article, image)
        body = self.body(article.path, article.body_html, check_credit=not article.draft)
        updates = tuple(  # a live story's updates are body text too
            evolve(u, html=self.body(article.path, u.html, check_credit=not article.draft))
            if "<img" in u.html
            else u
            for u in article.updates
        )
        return evolve(article, image=image, body_html=body, updates=updates)

    def page(self, page: Page) -> Page:
        return evolve(page, body_html=self.body(page.path, page.body_html, check_credit=True))

    def hero(self, article: Article, image: Image) -> Image:
        if not article.draft:
            self._check_credit(image.credit, True, article.path, "image.credit", "image")
        asset = asset_of(image.src)
        if asset is None or asset not in self.assets or not is_photo(asset):
            return image  # missing files are reported by the site model
        job = self._job(asset, True, image.focus)
        self.run([job])
        result = self.renditions(job)
        if isinstance(result, ImageError):
            self.problems.append(
                error(
                    f"cannot use photo assets/{asset}: {result}",
                    article.path,
                    self._front_line(article.path, "image.src", "image"),
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

    def body(self, path: str, body_html: str, check_credit: bool) -> str:
        """Replace each local photo in a rendered body with `<picture>` markup."""
        if "<img" not in body_html:
            return body_html
        base = self.config.base_path
        self.run(self._body_jobs(body_html))

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
                return _captioned(
                    f"<img{kept}>", match, attrs, caption, html.escape(attrs["credit"])
                )
            line = self._body_line(path, asset, seen[asset])
            seen[asset] += 1
            if asset not in self.assets:
                self.problems.append(
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
                self._check_credit(credit, False, path, "body", line=line, asset=asset)
            if not is_photo(asset) or is_animated(self.assets[asset]):
                if why := not_an_image(self.assets[asset], asset):
                    self.problems.append(
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
                size = image_size(self.assets[asset])
                dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
                media = (
                    f'<img src="{html.escape(base + quote(asset))}" '
                    f'alt="{html.escape(attrs.get("alt", ""))}"{dims} loading="lazy" '
                    'decoding="async">'
                )
                return _captioned(media, match, attrs, caption, credit)
            job = self._job(asset, False, None)
            result = self.renditions(job)
            if isinstance(result, ImageError):
                self.problems.append(
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

    def strip_originals(self) -> None:
        """Publish every photo in assets/ at its own address without EXIF, GPS or any other
        metadata; withhold other images that carry metadata ssg cannot remove."""
        if self._stripped is None:
            self._stripped = self._strip_all()
        files, problems, keys, self.withheld = self._stripped
        self.files.update(files)
        self.problems += problems
        self.used |= keys

    def _strip_all(self) -> _Stripped:
        files: dict[str, Path | None] = {}
        problems: list[Problem] = []
        withheld: dict[str, ImageError] = {}
        jobs = []
        for asset in sorted(self.assets):
            suffix = PurePosixPath(asset).suffix.lower()
            if is_photo(asset) or suffix in images.OTHER_IMAGE_SUFFIXES:
                fmt = images.RASTER_FORMATS.get(suffix, "")
                recipe = f"original;v=3;fmt={fmt or suffix}"
                jobs.append(
                    (asset, fmt, cache_key(self.digests.digest(self.assets[asset]), recipe))
                )
        misses = {key for _, fmt, key in jobs if fmt and self.cache.get(key) is None}
        for asset, fmt, key in jobs:
            self._makers[key] = partial(self._original, asset, fmt)

        def work(job: tuple[str, str, str]) -> list[tuple[Encoded, Path]] | ImageError:
            key = job[2]
            try:
                return self.cache.fetch(key, self._makers[key])
            except ImageError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=4) as pool:
            for (asset, fmt, key), result in zip(jobs, pool.map(work, jobs), strict=True):
                if isinstance(result, ImageError):
                    files[asset] = None  # never publish a file whose metadata stays in it
                    withheld[asset] = result
                    problems.append(_unpublished(asset, fmt, result))
                elif result:  # else: clean as it is, published by the asset stage
                    files[asset] = result[0][1]
                    self.encoded += key in misses
        return files, problems, {key for _, _, key in jobs}, withheld

    def _original(self, asset: str, fmt: str) -> list[tuple[Encoded, bytes]]:
        """The file for a photo's own address, cleaned of metadata; [] when the source
        holds none. Raises ImageError when metadata is in it and cannot be removed, or when
        it is too large to be looked into (TooManyPixels)."""
        data = self._read(asset)
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

    # --- problems -----------------------------------------------------------------

    def withheld_in_use(self, items) -> list[Problem]:
        """An error for each story or page that shows an image withheld (for metadata it
        cannot be cleaned of, or for its size): it would link a file that is not published."""
        withheld = self.withheld
        if not withheld:
            return []
        base = self.config.base_path
        problems = []
        for item in items:
            image = getattr(item, "image", None)
            hero = asset_of(image.src) if image is not None else None
            found = [(hero, "image.src")] if hero in withheld else []
            htmls = [item.body_html, *(u.html for u in getattr(item, "updates", ()))]
            for html_text in htmls:
                for src in _IMG_SRC.findall(html_text):
                    asset = asset_of(html.unescape(src), base)
                    if asset in withheld and (asset, "body") not in found:
                        found.append((asset, "body"))
            for asset, field in found:
                line = (
                    self._front_line(item.path, field, "image")
                    if field == "image.src"
                    else self._body_line(item.path, asset)
                )
                problems.append(_withheld_problem(asset, withheld[asset], item.path, line, field))
        return problems

    def portraits_and_logo(self, authors, config_path: Path) -> list[Problem]:
        """An error for each author photo, and for the publisher logo, that Pillow cannot
        read whole (a hero photo's fate) or that is withheld: a page would link an empty,
        damaged or missing file. Each file is decoded once; its cache entry says so after."""
        uses = [
            (asset_of(a.photo.src), a.path, "photo.src")
            for a in authors
            if a.photo is not None and not a.photo.is_remote
        ]
        logo = self.config.publisher.logo
        if logo and not logo.startswith(("http://", "https://")):
            uses.append((asset_of(logo), str(config_path), "publisher.logo"))
        problems = []
        for asset, path, field in uses:
            if asset is None or asset not in self.assets or not is_photo(asset):
                continue  # missing files and other images: the site model reports them
            if field == "publisher.logo":
                line = self._setting_line(config_path, field)
            else:
                line = self._front_line(path, field, "photo")
            if asset in self.withheld:
                problems.append(_withheld_problem(asset, self.withheld[asset], path, line, field))
                continue
            key = cache_key(self.digests.digest(self.assets[asset]), "readable;v=1")
            self.used.add(key)
            try:  # an empty entry: the file was read whole once
                self.cache.fetch(key, lambda asset=asset: images.verify(self._read(asset)) or [])
            except ImageError as exc:
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

    def _check_credit(
        self,
        credit: str,
        hero: bool,
        path: str,
        field: str,
        fallback: str = "",
        line: int | None = None,
        asset: str = "",
    ) -> None:
        if credit.strip():
            return
        severity = self.settings.credit_severity(hero)
        if severity is None:
            return
        what = "hero photo" if hero else f"photo assets/{asset}"
        hint = "add credit: Name/Agency under image:" if hero else CREDIT_HINT
        self.problems.append(
            Problem(
                f"{what} has no credit",
                path,
                line if line is not None else self._front_line(path, field, fallback),
                field=field,
                hint=hint,
                severity=Severity(severity),
            )
        )

    @staticmethod
    def _setting_line(config_path: Path, key: str) -> int | None:
        try:
            return field_line(config_path.read_text(encoding="utf-8"), key, first_line=1)
        except (OSError, UnicodeDecodeError):
            return None

    def _source(self, path: str) -> str:
        try:
            return (self.root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""

    def _front_line(self, path: str, key: str, fallback: str = "") -> int | None:
        text = self._source(path).removeprefix("\ufeff")  # a BOM, as split() drops it
        if not text.startswith("---"):
            return None
        front = text.split("\n---", 1)[0]
        return field_line(front, key, first_line=1) or (
            field_line(front, fallback, first_line=1) if fallback else None
        )

    def _body_line(self, path: str, asset: str, nth: int = 0) -> int | None:
        """The line of the `nth` image naming `asset` in the source (counted from 0)."""
        for number, line in enumerate(self._source(path).splitlines(), start=1):
            if asset in line and "](" in line:
                if nth < line.count(asset):
                    return number
                nth -= line.count(asset)
        return None
