"""Photo processing: widths, no upscaling, upright output, no metadata, crops, settings."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from PIL import ImageChops, ImageCms, ImageDraw, ImageStat

from ssg import images
from ssg.fields import FieldReader
from ssg.images import ImageError, ImageSettings

from photofix import BOTTOM, TOP, close, make_photo


def open_bytes(data: bytes) -> PILImage.Image:
    return PILImage.open(io.BytesIO(data))


def test_target_widths_never_upscale():
    assert images.target_widths(2000, (480, 960, 1600)) == [480, 960, 1600]
    assert images.target_widths(700, (480, 960, 1600)) == [480, 700]
    assert images.target_widths(300, (480, 960, 1600)) == [300]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_process_writes_webp_and_original_format_at_each_width(fmt):
    files = images.process(make_photo(1000, 500, fmt), fmt, ImageSettings())
    seen = set()
    for encoded, data in files:
        image = open_bytes(data)
        assert image.format == encoded.format
        assert image.size == (encoded.width, encoded.height)
        seen.add((encoded.format, encoded.width))
    formats = {"WEBP", fmt}
    assert seen == {(f, w) for f in formats for w in (480, 960, 1000)}


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_output_has_no_exif_and_is_upright(fmt):
    source = make_photo(300, 200, fmt, gps=True, orientation=6)
    assert open_bytes(source).getexif().get_ifd(0x8825)  # the fixture really has GPS
    outputs = [data for _, data in images.process(source, fmt, ImageSettings((120,)), crops=True)]
    outputs.append(images.strip(source, fmt)[1])
    for data in outputs:
        image = open_bytes(data)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and b"Exif\x00\x00" not in data
    upright = open_bytes(images.strip(source, fmt)[1]).convert("RGB")
    # orientation 6 turns the stored image a quarter clockwise: the red top becomes the right
    assert upright.size == (200, 300)
    assert close(upright.getpixel((190, 150)), TOP)
    assert close(upright.getpixel((10, 150)), BOTTOM)


def test_crops_have_the_right_ratios_and_minimum_width():
    files = images.process(make_photo(2000, 1000), "JPEG", ImageSettings(), crops=True)
    crops = {e.suffix: (e.width, e.height) for e, _ in files if e.kind == "crop"}
    assert crops == {"16x9.jpg": (1200, 675), "4x3.jpg": (1200, 900), "1x1.jpg": (1000, 1000)}


def test_resized_jpegs_are_baseline():
    source = make_photo(1000, 500, "JPEG", gps=True)
    files = images.process(source, "JPEG", ImageSettings(), crops=True)
    jpegs = [data for encoded, data in files if encoded.format == "JPEG"]
    assert len(jpegs) == 6  # three widths and three crops
    assert not any(open_bytes(data).info.get("progressive") for data in jpegs)


def test_crop_box_follows_the_focal_point():
    assert images.crop_box((2000, 1000), (1, 1), None) == (500, 0, 1500, 1000)
    assert images.crop_box((2000, 1000), (1, 1), (0.0, 0.5)) == (0, 0, 1000, 1000)
    assert images.crop_box((2000, 1000), (1, 1), (0.9, 0.5)) == (1000, 0, 2000, 1000)
    assert images.crop_box((1000, 2000), (16, 9), (0.5, 0.0)) == (0, 0, 1000, 562)


def test_corrupt_file_raises_image_error():
    with pytest.raises(ImageError, match="not an image"):
        images.process(b"this is not a photo", "JPEG", ImageSettings())
    truncated = make_photo(400, 300)[:300]
    with pytest.raises(ImageError):
        images.process(truncated, "JPEG", ImageSettings())


def test_oversized_photo_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ImageError, match="more pixels than ssg decodes safely"):
        images.process(make_photo(100, 100), "JPEG", ImageSettings())


def test_has_metadata():
    assert images.has_metadata(make_photo(50, 50, gps=True))
    assert images.has_metadata(make_photo(50, 50, orientation=3))
    assert not images.has_metadata(make_photo(50, 50))


def test_settings_are_validated():
    data = {"images": {"widths": [320, "big"], "quality": 150, "credit": {"hero": "never"}}}
    reader = FieldReader(data, "site.yml", lambda key: None)
    settings = images.parse_image_settings(reader)
    messages = [p.format() for p in reader.problems]
    assert settings.widths == (320,)
    assert settings.quality == 82 and settings.credit_hero == "error"
    assert any("images.widths" in m and "'big'" in m for m in messages)
    assert any("images.quality" in m for m in messages)
    assert any("images.credit.hero" in m and "error, warning or off" in m for m in messages)


def detailed_photo(width: int, height: int) -> bytes:
    """A PNG (compared pixel for pixel, with no compression noise) with fine detail
    everywhere, so a crop a few pixels off shows."""
    image = PILImage.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 9):
        draw.line((x, 0, width - 1 - x, height - 1), fill=(x % 256, 200, (x * 5) % 256), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def mean_difference(data: bytes, reference: PILImage.Image) -> float:
    image = open_bytes(data).convert("RGB")
    assert image.size == reference.size
    return max(ImageStat.Stat(ImageChops.difference(image, reference)).mean)


def test_a_large_photo_is_scaled_down_once_and_every_output_keeps_full_detail():
    source = detailed_photo(3200, 2400)
    # the 1x1 crop needs half the source: the srcset and the crops are cut from this copy
    copy = images.working_copy(open_bytes(source), 1600, [(0, 0, 2400, 2400)], 1200)
    assert copy.size == (1600, 1200)
    focus = (0.55, 0.5)
    files = {
        e.suffix: data for e, data in images.process(source, "PNG", ImageSettings(), True, focus)
    }
    full = open_bytes(source).convert("RGB")
    lanczos = PILImage.Resampling.LANCZOS

    def direct(ratio: tuple[int, int], size: tuple[int, int], at=focus) -> PILImage.Image:
        return full.crop(images.crop_box(full.size, ratio, at)).resize(size, lanczos)

    # each output matches scaling the full-size source directly, within rounding
    assert mean_difference(files["1600.png"], full.resize((1600, 1200), lanczos)) < 1.5
    assert mean_difference(files["1x1.png"], direct((1, 1), (1200, 1200))) < 1.5
    assert mean_difference(files["16x9.png"], direct((16, 9), (1200, 675))) < 1.5
    assert mean_difference(files["4x3.png"], direct((4, 3), (1200, 900))) < 1.5
    # while a crop 1% off the focal point differs plainly
    assert mean_difference(files["1x1.png"], direct((1, 1), (1200, 1200), (0.56, 0.5))) > 5


def test_a_photo_near_the_output_sizes_is_cut_from_the_source_itself():
    source = open_bytes(detailed_photo(1800, 1200))
    assert images.working_copy(source, 1600, [(0, 0, 1200, 1200)], 1200) is source


def test_cmyk_photos_become_rgb_without_their_print_profile():
    """Resized files hold screen colours: a CMYK source's profile must not be attached
    to RGB pixels (browsers would ignore the mismatch or draw wrong colours)."""
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    cmyk_profile = srgb[:16] + b"CMYK" + srgb[20:]  # a stand-in for a press profile
    out = io.BytesIO()
    PILImage.new("CMYK", (600, 400), (0, 200, 200, 0)).save(out, "JPEG", icc_profile=cmyk_profile)
    files = images.process(out.getvalue(), "JPEG", ImageSettings((300,)), crops=True)
    assert files
    for encoded, data in files:
        image = open_bytes(data)
        assert image.mode == "RGB", encoded.suffix
        profile = image.info.get("icc_profile")
        assert profile is None or profile[16:20] != b"CMYK", encoded.suffix
        red, green, blue = image.convert("RGB").getpixel((10, 10))
        assert red > 200 and green < 100 and blue < 100  # magenta and yellow ink: red
