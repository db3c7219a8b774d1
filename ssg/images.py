"""Photo processing with Pillow: upright, metadata-free, resized and cropped encodings.

Pure functions from source bytes to encoded bytes; no file access here (the cache
and the build stage that use them live in `ssg.imagecache` and `ssg.photostage`).
Published files never carry EXIF, GPS, XMP or comments, so a reporter's location
cannot leak; the EXIF orientation is applied to the pixels first.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

from ssg import imagemeta
from ssg.errors import Severity
from ssg.fields import FieldReader, describe

# File suffixes we resize, and the Pillow format each one is written back in.
RASTER_FORMATS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".jpe": "JPEG",
    ".jfif": "JPEG",
    ".png": "PNG",
    ".webp": "WEBP",
}
# Other image files under assets/: published as they are, unless they carry metadata
OTHER_IMAGE_SUFFIXES = frozenset((".gif", ".avif", ".tif", ".tiff", ".bmp", ".heic", ".heif"))
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SUFFIX = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CROP_RATIOS = (("16x9", 16, 9), ("4x3", 4, 3), ("1x1", 1, 1))
METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc", "dpi")
CREDIT_LEVELS = ("error", "warning", "off")
ORIENTATION = 0x0112  # the EXIF tag
# libwebp effort (0-6): 2 encodes about 2.5 times faster than 4 for files within a few
# percent of the size; below 2 files grow by a quarter or more.
WEBP_METHOD = 2
# The WebP format cannot hold an image longer than this on either side.
WEBP_MAX_SIDE = 16383
# Resized JPEGs are the <picture> fallback and the social-card crops: browsers that load
# photos progressively take the WebP files, so the JPEGs are baseline (optimised Huffman
# tables), which encodes 2.5 times faster than progressive for files about 2% larger.
# The full-size original, opened on its own, stays progressive.


class ImageError(Exception):
    """A source file Pillow cannot read as a photo; `hint` says what to do about it."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint or "re-export the photo as JPEG, PNG or WebP"

    def __reduce__(self):  # keeps the hint across processes
        return type(self), (str(self), self.hint)


class TooManyPixels(ImageError):
    """A photo past Pillow's pixel guard: it is neither decoded nor looked into."""


def _too_many_pixels() -> TooManyPixels:
    return TooManyPixels(
        "the photo has more pixels than ssg decodes safely "
        f"({PILImage.MAX_IMAGE_PIXELS / 1e6:.1f} megapixels, a guard against files built "
        "to exhaust memory)",
        "export a smaller copy for the web: 4,000 pixels on the long side is plenty",
    )


@dataclass(frozen=True, slots=True)
class ImageSettings:
    """The `images:` settings of site.yml."""

    widths: tuple[int, ...] = (480, 960, 1600)
    quality: int = 82
    crop_width: int = 1200
    credit_hero: str = "error"  # error | warning | off
    credit_body: str = "warning"

    def credit_severity(self, hero: bool) -> Severity | None:
        """How a missing credit is reported: an error, a warning, or not at all (None)."""
        level = self.credit_hero if hero else self.credit_body
        return None if level == "off" else Severity(level)

    def signature(self) -> str:
        """What the encoded files depend on, for the cache key."""
        widths = ",".join(map(str, self.widths))
        return f"w={widths};q={self.quality};c={self.crop_width};webp-m={WEBP_METHOD};v=5"


@dataclass(frozen=True, slots=True)
class Encoded:
    """One encoded file: a name suffix (e.g. '480.webp', '16x9.jpg'), its size and format."""

    suffix: str
    width: int
    height: int
    format: str
    kind: str  # "srcset", "crop" or "original"

    @property
    def mime(self) -> str:
        return MIME[self.format]


def parse_image_settings(reader: FieldReader) -> ImageSettings:
    """Read the optional `images:` mapping of site.yml."""
    data = reader.mapping("images")
    default = ImageSettings()
    if data is None:
        return default
    sub = reader.child("images", data)
    sub.unknown_keys(("widths", "quality", "crop_width", "credit"), "images setting")
    widths: list[int] = []
    for item in sub.items("widths"):
        if isinstance(item, bool) or not isinstance(item, int) or item < 16:
            sub.fail("widths", f"expected pixel widths like [480, 960, 1600], got {describe(item)}")
        else:
            widths.append(item)
    quality = sub.integer("quality", default.quality)
    if quality > 100:
        sub.fail("quality", f"expected a number from 1 to 100, got {quality}")
        quality = default.quality
    credit_hero, credit_body = default.credit_hero, default.credit_body
    credit = sub.mapping("credit")
    if credit is not None:
        csub = sub.child("credit", credit)
        csub.unknown_keys(("hero", "body"), "credit setting")
        credit_hero = _level(csub, "hero", credit_hero)
        credit_body = _level(csub, "body", credit_body)
    return ImageSettings(
        widths=tuple(sorted(set(widths))) or default.widths,
        quality=quality,
        crop_width=sub.integer("crop_width", default.crop_width, minimum=16),
        credit_hero=credit_hero,
        credit_body=credit_body,
    )


def _level(reader: FieldReader, key: str, default: str) -> str:
    if reader.data.get(key) is False:  # YAML reads a bare `off` as false
        return "off"
    value = reader.text(key, default) or default
    if value not in CREDIT_LEVELS:
        reader.fail(key, f"expected error, warning or off, got {describe(value)}")
        return default
    return value


@contextlib.contextmanager
def _reading() -> Iterator[None]:
    """Pillow's errors while opening or decoding a photo, as ImageError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            yield
    except UnidentifiedImageError as exc:
        raise ImageError("not an image Pillow can read (expected JPEG, PNG or WebP)") from exc
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"the file is damaged or truncated ({exc})") from exc


def verify(data: bytes) -> None:
    """Raise ImageError unless `data` decodes whole as a photo (not empty, not text, not
    truncated or damaged, within the pixel guard)."""
    with _reading():
        with PILImage.open(io.BytesIO(data)) as probe:
            probe.verify()  # the structure and checksums
        with PILImage.open(io.BytesIO(data)) as image:
            image.load()  # every pixel: a truncated JPEG passes verify()


def open_upright(data: bytes) -> PILImage.Image:
    """Decode a photo and turn it upright by its EXIF orientation; ImageError if unreadable."""
    with _reading():
        probe = PILImage.open(io.BytesIO(data))
        probe.verify()  # catches truncated and corrupt files early
        image = PILImage.open(io.BytesIO(data))
        image.load()
        ImageOps.exif_transpose(image, in_place=True)  # no copy when already upright
        return _displayable(image)


def _displayable(image: PILImage.Image) -> PILImage.Image:
    """8-bit pixels with explicit transparency: 16-bit grey scaled down (converted as it
    is, every value over 255 would turn white), a palette's or grey's transparent
    colour made an alpha channel (encoding drops the `transparency` key), and print
    colours (CMYK) turned into screen colours (sRGB)."""
    if image.mode == "CMYK":
        return _cmyk_to_srgb(image)
    if image.mode.startswith("I"):  # 16- or 32-bit grey
        wide = image if image.mode == "I" else image.convert("I")
        return wide.point(lambda value: value / 256).convert("L")
    if "transparency" in image.info and image.mode in ("P", "L", "RGB"):
        return image.convert("RGBA")
    return image


def _cmyk_to_srgb(image: PILImage.Image) -> PILImage.Image:
    """An RGB copy of a CMYK photo, through its embedded colour profile when it has a
    usable one. The copy carries no profile: untagged pixels are sRGB to a browser, and
    the CMYK profile would not describe them."""
    icc = image.info.get("icc_profile")
    converted = None
    if icc:
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError, TypeError):
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(image, source, srgb, outputMode="RGB")
    converted = converted or image.convert("RGB")
    converted.info = {key: value for key, value in image.info.items() if key != "icc_profile"}
    return converted


def has_metadata(data: bytes) -> bool:
    """True when a file carries EXIF/XMP/comments or a rotation that publishing must strip.
    Raises TooManyPixels for a file too large to be looked into."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as image:
                if any(key in image.info for key in METADATA_KEYS if key != "dpi"):
                    return True
                return len(image.getexif()) > 0
    except PILImage.DecompressionBombError as exc:
        raise _too_many_pixels() from exc  # cannot be looked into: not published, and why
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False


def target_widths(source_width: int, widths: tuple[int, ...]) -> list[int]:
    """The srcset widths for a source: never wider than the source (no upscaling)."""
    return sorted({min(width, source_width) for width in widths})


def crop_box(
    size: tuple[int, int], ratio: tuple[int, int], focus: tuple[float, float] | None
) -> tuple[int, int, int, int]:
    """The largest box of `ratio` inside `size`, centred on `focus` (default: the centre)."""
    width, height = size
    rw, rh = ratio
    crop_w = min(width, height * rw // rh)
    crop_h = max(1, crop_w * rh // rw)
    fx, fy = focus or (0.5, 0.5)
    left = round(fx * width - crop_w / 2)
    top = round(fy * height - crop_h / 2)
    left = max(0, min(left, width - crop_w))
    top = max(0, min(top, height - crop_h))
    return left, top, left + crop_w, top + crop_h


def resize(image: PILImage.Image, width: int) -> PILImage.Image:
    """A copy `width` pixels wide with the same aspect ratio (never larger than the source)."""
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)


def encode(image: PILImage.Image, fmt: str, quality: int, progressive: bool = False) -> bytes:
    """Encode with no metadata at all (the ICC colour profile is kept: it is not personal).

    `progressive` applies to JPEG only."""
    icc = image.info.get("icc_profile")
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = _flatten(image)
    elif fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    options: dict[str, object] = {}
    if icc:
        options["icc_profile"] = icc
    if fmt == "JPEG":
        options.update(quality=quality, optimize=True, progressive=progressive)
    elif fmt == "WEBP":
        options.update(quality=quality, method=WEBP_METHOD)
    elif fmt == "PNG":
        options.update(optimize=True)
    kept, image.info = image.info, {}  # the encoders copy comments and XMP from here
    try:
        return save_bytes(image, fmt, **options)
    finally:
        image.info = kept


def save_bytes(image: PILImage.Image, fmt: str, **options: object) -> bytes:
    """The encoded file as bytes.

    Pillow's JPEG and PNG encoders hold the GIL while writing into a BytesIO, but not
    while writing to a file descriptor, so where Linux offers an in-memory file
    (memfd) the encoding goes there: photos then encode in parallel threads.
    """
    if fmt in ("JPEG", "PNG") and hasattr(os, "memfd_create"):
        with open(os.memfd_create("ssg-photo", os.MFD_CLOEXEC), "w+b") as handle:
            image.save(handle, fmt, **options)
            handle.seek(0)
            return handle.read()
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _flatten(image: PILImage.Image) -> PILImage.Image:
    """Transparent or palette images onto white, for JPEG."""
    rgba = image.convert("RGBA")
    background = PILImage.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def process(
    data: bytes,
    fmt: str,
    settings: ImageSettings,
    crops: bool = False,
    focus: tuple[float, float] | None = None,
) -> list[tuple[Encoded, bytes]]:
    """Every file for one photo: srcset widths in WebP and `fmt`, and optionally crops.

    Raises ImageError when the source cannot be read.
    """
    image = open_upright(data)
    files: list[tuple[Encoded, bytes]] = []
    widths = target_widths(image.width, settings.widths)
    boxes = [(name, rw, rh, crop_box(image.size, (rw, rh), focus)) for name, rw, rh in CROP_RATIOS]
    boxes = boxes if crops else []
    working = working_copy(image, widths[-1], [box for *_, box in boxes], settings.crop_width)
    scaled = working
    # largest first, each width scaled from the one before: much less work than
    # scaling every width from a full-size original
    for width in reversed(widths):
        scaled = resize(scaled, width)
        for out_fmt in dict.fromkeys((fmt, "WEBP")):
            if out_fmt == "WEBP" and max(scaled.size) > WEBP_MAX_SIDE:
                continue  # a long infographic: the JPEG or PNG serves every browser
            encoded = Encoded(f"{width}.{SUFFIX[out_fmt]}", *scaled.size, out_fmt, "srcset")
            files.append((encoded, encode(scaled, out_fmt, settings.quality)))
    files.sort(key=lambda item: (item[0].width, item[0].format))
    x_scale, y_scale = working.width / image.width, working.height / image.height
    for name, rw, rh, (left, top, right, bottom) in boxes:
        width = min(right - left, settings.crop_width)
        exact = (width, max(1, round(width * rh / rw)))  # exact ratio despite rounding
        box = (left * x_scale, top * y_scale, right * x_scale, bottom * y_scale)
        if working is image and exact == (right - left, bottom - top):
            cropped = image.crop((left, top, right, bottom))  # already the right size
        else:
            cropped = working.resize(exact, PILImage.Resampling.LANCZOS, box, reducing_gap=3.0)
        encoded = Encoded(f"{name}.{SUFFIX[fmt]}", *cropped.size, fmt, "crop")
        files.append((encoded, encode(cropped, fmt, settings.quality)))
    return files


# A working copy is made when every output fits in this share of the source's width or
# less: scaling the full-size source down is the costliest step, done once instead of
# once for the srcset and once per crop.
WORKING_COPY_MOST = 0.75


def working_copy(
    image: PILImage.Image,
    largest_width: int,
    crop_boxes: list[tuple[int, int, int, int]],
    crop_width: int,
) -> PILImage.Image:
    """The source scaled down just enough that the largest srcset width and every crop
    can be cut from it at full detail; the source itself when that saves little."""
    scale = largest_width / image.width
    for left, _, right, _ in crop_boxes:
        scale = max(scale, min(right - left, crop_width) / (right - left))
    if scale > WORKING_COPY_MOST:
        return image
    size = (math.ceil(image.width * scale), math.ceil(image.height * scale))
    return image.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)


def strip(data: bytes, fmt: str) -> tuple[Encoded, bytes]:
    """The photo at full size, upright and without metadata, for its original address.

    An upright photo keeps its compressed image as it is (`ssg.imagemeta`); a rotated
    one, or one not read plainly, is decoded, turned upright and encoded again (a JPEG
    as progressive). Raises ImageError when the source cannot be read."""
    with _reading(), PILImage.open(io.BytesIO(data)) as probe:
        upright = probe.getexif().get(ORIENTATION, 1) == 1
        size = probe.size
        kind = "JPEG" if probe.format == "MPO" else probe.format  # a PNG may be named .jpg
    lossless = imagemeta.without_metadata(data, kind) if upright else None
    if lossless is not None and _clean(lossless, kind, size):
        return Encoded("original", *size, kind, "original"), lossless
    image = open_upright(data)
    encoded = encode(image, fmt, 92, progressive=True)
    return Encoded("original", *image.size, fmt, "original"), encoded


def _clean(data: bytes, fmt: str, size: tuple[int, int]) -> bool:
    """True when `data` reads as a `fmt` image of `size` pixels with no metadata left."""
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            return image.format == fmt and image.size == size and not has_metadata(data)
    except Exception:  # anything unreadable: the caller re-encodes instead
        return False
