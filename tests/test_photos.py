"""The photo stage in real builds: srcset files, markup, EXIF stripping, cache, credits, errors."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import shutil
import textwrap
import time
import zlib
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import pytest
from PIL import Image as PILImage

from ssg import images
from ssg.imagecache import SourceDigests
from ssg.imagepaths import is_photo

from conftest import TINY_SITE, html, run, snapshot, write_site
from photofix import BOTTOM, TOP, close, make_photo

HERO_ARTICLE = """\
    ---
    title: Photo story
    authors: ana-ruiz
    date: 2024-03-04T09:00:00+07:00
    image:
      src: /images/hero.jpg
      alt: A red and blue test card
      caption: The test card at dawn.
      credit: Ana Ruiz/Tiny Times
      focus: [0.25, 0.5]
    ---
    Intro paragraph.

    ![A rotated test card](/images/rotated.jpg "Seen from the bridge. — Photo: Li Wei/Tiny Times")

    ![An inline chart](/images/chart.png){credit="Tiny Times graphics"}
    """


PHOTO_FILES = {
    "assets/images/hero.jpg": make_photo(2000, 1000, gps=True),
    "assets/images/rotated.jpg": make_photo(700, 400, gps=True, orientation=6),
    "assets/images/chart.png": make_photo(300, 200, "PNG"),
    "assets/images/ana.jpg": make_photo(200, 200, gps=True),
    "content/authors/ana-ruiz.md": "---\nname: Ana Ruiz\nphoto: /images/ana.jpg\n---\nAna.\n",
    "content/articles/photo.md": HERO_ARTICLE,
}


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory) -> Path:
    """An image cache filled once per test session (entries are keyed by content)."""
    root = write_site(tmp_path_factory.mktemp("warm"), {**TINY_SITE, **PHOTO_FILES})
    assert run(root, "build").exit_code == 0
    return root / ".ssg-cache"


@pytest.fixture
def cold_photo_site(tiny_site: Path) -> Path:
    """The tiny site with photos and an empty image cache."""
    return write_site(tiny_site, PHOTO_FILES)


@pytest.fixture
def photo_site(cold_photo_site: Path, warm_cache: Path) -> Path:
    """The tiny site with photos, its image cache already filled."""
    shutil.copytree(warm_cache, cold_photo_site / ".ssg-cache")
    return cold_photo_site


def srcset_entries(value: str) -> list[tuple[str, int]]:
    out = []
    for part in value.split(","):
        url, width = part.split()
        out.append((url, int(width.rstrip("w"))))
    return out


def test_srcset_files_exist_with_the_declared_widths(photo_site: Path):
    result = run(photo_site, "build")
    assert result.exit_code == 0, result.output
    out = photo_site / "public"
    page = html(out / "2024/03/04/photo/index.html")
    hero = page.cssselect("figure.hero picture")[0]
    checked = 0
    for element in hero.cssselect("source, img"):
        entries = srcset_entries(element.get("srcset"))
        assert [w for _, w in entries] == [480, 960, 1600]
        for url, width in entries:
            with PILImage.open(out / url.lstrip("/")) as image:
                assert image.width == width
                assert image.format == ("WEBP" if element.tag == "source" else "JPEG")
                checked += 1
    assert checked == 6
    img = hero.cssselect("img")[0]
    assert (img.get("width"), img.get("height")) == ("1600", "800")
    assert img.get("loading") is None and img.get("fetchpriority") == "high"
    assert img.get("decoding") == "async" and img.get("sizes")
    # in-body photos: lazy, never upscaled past the source width
    body = page.cssselect(".story-body picture img")
    assert [i.get("loading") for i in body] == ["lazy", "lazy"]
    rotated = srcset_entries(page.cssselect(".story-body picture source")[0].get("srcset"))
    assert [w for _, w in rotated] == [400]  # 700x400 turned upright is 400 wide
    chart = page.cssselect(".story-body picture")[1]
    assert [w for _, w in srcset_entries(chart.cssselect("img")[0].get("srcset"))] == [300]


def test_every_referenced_file_exists(photo_site: Path):
    assert run(photo_site, "build").exit_code == 0
    out = photo_site / "public"
    checked = 0
    for page in out.rglob("*.html"):
        doc = html(page)
        for element in doc.iter("img", "source", "link", "script"):
            urls = [element.get("src"), element.get("href")]
            if element.get("srcset"):
                urls += [u for u, _ in srcset_entries(element.get("srcset"))]
            for url in filter(None, urls):
                if url.startswith("/"):
                    assert (out / url.lstrip("/")).is_file(), f"{page}: {url}"
                    checked += 1
    assert checked > 40


def test_gps_exif_is_absent_from_every_output_file(photo_site: Path):
    assert run(photo_site, "build").exit_code == 0
    out = photo_site / "public"
    photos = [p for p in out.rglob("*") if p.suffix in (".jpg", ".png", ".webp")]
    assert len(photos) > 10
    for path in out.rglob("*"):
        if path.is_file():
            assert b"Exif\x00\x00" not in path.read_bytes(), path
    for path in photos:
        with PILImage.open(path) as image:
            assert len(image.getexif()) == 0, path
    # the author photo is not resized but is still published clean, at its own address
    with PILImage.open(out / "images/ana.jpg") as image:
        assert image.size == (200, 200) and not image.getexif()


def test_rotated_exif_comes_out_upright(photo_site: Path):
    assert run(photo_site, "build").exit_code == 0
    out = photo_site / "public"
    page = html(out / "2024/03/04/photo/index.html")
    img = page.cssselect(".story-body picture img")[0]
    assert (img.get("width"), img.get("height")) == ("400", "700")
    files = [out / "images/rotated.jpg"]
    files += [out / u.lstrip("/") for u, _ in srcset_entries(img.get("srcset"))]
    for path in files:
        with PILImage.open(path) as image:
            upright = image.convert("RGB")
        assert upright.size == (400, 700)
        assert close(upright.getpixel((390, 350)), TOP)  # stored top is now on the right
        assert close(upright.getpixel((10, 350)), BOTTOM)


def test_second_build_does_not_re_encode(cold_photo_site: Path, monkeypatch):
    photo_site = cold_photo_site
    calls = []
    real = images.encode
    monkeypatch.setattr(images, "encode", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert run(photo_site, "build").exit_code == 0
    first = len(calls)
    assert first > 10
    cache = photo_site / ".ssg-cache/images"

    def encoded() -> dict[Path, int]:  # the entries' files (not the digests' bookkeeping)
        return {p: p.stat().st_mtime_ns for p in cache.glob("*/*") if p.is_file()}

    stamps = encoded()
    assert len(stamps) > 10
    assert run(photo_site, "build").exit_code == 0
    assert len(calls) == first
    assert stamps == encoded()
    # a changed photo is encoded again, and only that one
    entries = {p.name for p in cache.iterdir() if p.is_dir()}
    write_site(photo_site, {"assets/images/chart.png": make_photo(320, 200, "PNG")})
    assert run(photo_site, "build").exit_code == 0
    assert 0 < len(calls) - first <= 2
    # the old chart's entries (renditions, original) are pruned, new ones added, the rest kept
    after = {p.name for p in cache.iterdir() if p.is_dir()}
    assert len(after) == len(entries) and len(after & entries) == len(entries) - 2


def test_hero_crops_on_the_model(photo_site: Path):
    from ssg.build import build

    result = build(photo_site)
    article = next(a for a in result.site.articles if a.slug == "photo")
    crops = {(c.width, c.height) for c in article.image.crops}
    assert crops == {(1200, 675), (1200, 900), (1000, 1000)}
    out = photo_site / "public"
    square = next(c for c in article.image.crops if c.width == c.height)
    with PILImage.open(out / square.url.lstrip("/")) as image:
        assert image.size == (1000, 1000)
    # focus [0.25, 0.5] on a 2000x1000 photo: the square starts at the left edge
    assert images.crop_box((2000, 1000), (1, 1), (0.25, 0.5))[0] == 0


def test_credit_and_caption_are_visible_on_article_and_cards(photo_site: Path):
    assert run(photo_site, "build").exit_code == 0
    out = photo_site / "public"
    page = html(out / "2024/03/04/photo/index.html")
    hero = page.cssselect("figure.hero figcaption")[0]
    assert hero.cssselect(".caption")[0].text_content() == "The test card at dawn."
    assert hero.cssselect(".credit")[0].text_content() == "Ana Ruiz/Tiny Times"
    body = page.cssselect(".story-body figure.photo figcaption")
    assert body[0].cssselect(".caption")[0].text_content() == "Seen from the bridge."
    assert body[0].cssselect(".credit")[0].text_content() == "Li Wei/Tiny Times"
    assert body[1].cssselect(".credit")[0].text_content() == "Tiny Times graphics"
    assert "credit=" not in (out / "2024/03/04/photo/index.html").read_text()
    card = html(out / "index.html").cssselect(".card")[0]
    credit = card.cssselect("figure figcaption .credit")[0]
    assert credit.text_content() == "Ana Ruiz/Tiny Times"
    assert "visually-hidden" not in credit.get("class")


def test_missing_hero_credit_is_an_error_by_default(photo_site: Path):
    text = HERO_ARTICLE.replace("      credit: Ana Ruiz/Tiny Times\n", "")
    write_site(photo_site, {"content/articles/photo.md": text})
    result = run(photo_site, "build")
    assert result.exit_code == 1
    assert "content/articles/photo.md:5: error: field 'image.credit': hero photo has no credit" in (
        result.output
    )
    config = (photo_site / "site.yml").read_text() + "images:\n  credit:\n    hero: warning\n"
    write_site(photo_site, {"site.yml": config})
    result = run(photo_site, "build")
    assert result.exit_code == 0, result.output
    assert "warning: field 'image.credit': hero photo has no credit" in result.output


def test_missing_body_credit_is_a_warning_by_default(photo_site: Path):
    text = HERO_ARTICLE.replace(' — Photo: Li Wei/Tiny Times"', '"')
    write_site(photo_site, {"content/articles/photo.md": text})
    result = run(photo_site, "build")
    assert result.exit_code == 0, result.output
    assert (
        "content/articles/photo.md:14: warning: field 'body': photo assets/images/rotated.jpg has no credit"
        in result.output
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"assets/images/hero.jpg": b"not a jpeg at all"},
            "content/articles/photo.md:6: error: field 'image.src': cannot use photo "
            "assets/images/hero.jpg: not an image Pillow can read",
        ),
        (
            {"assets/images/rotated.jpg": make_photo(700, 400)[:400]},
            "content/articles/photo.md:14: error: field 'body': cannot use photo "
            "assets/images/rotated.jpg: the file is damaged or truncated",
        ),
        (
            {"assets/images/rotated.jpg": None},
            "content/articles/photo.md:14: error: field 'body': image file not found: "
            "assets/images/rotated.jpg",
        ),
        (
            {"assets/images/hero.jpg": None},
            "content/articles/photo.md:6: error: field 'image.src': image file not found: "
            "assets/images/hero.jpg",
        ),
    ],
    ids=["corrupt hero", "truncated body photo", "missing body photo", "missing hero"],
)
def test_bad_photos_are_located_errors(photo_site: Path, files, expected):
    assert run(photo_site, "build").exit_code == 0
    before = (photo_site / "public/index.html").read_bytes()
    write_site(photo_site, files)
    result = run(photo_site, "build")
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output
    assert (photo_site / "public/index.html").read_bytes() == before


def test_base_path_prefixes_photo_urls(photo_site: Path):
    assert run(photo_site, "build", "--base-url", "https://tiny.example/news/").exit_code == 0
    page = html(photo_site / "public/2024/03/04/photo/index.html")
    for element in page.cssselect("picture source, picture img"):
        for url, _ in srcset_entries(element.get("srcset")):
            assert url.startswith("/news/images/")
            assert (photo_site / "public" / url.removeprefix("/news/")).is_file()


def test_png_with_transparency_gets_a_jpeg_free_fallback(tiny_site: Path):
    image = PILImage.new("RGBA", (600, 300), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    write_site(
        tiny_site,
        {
            "assets/images/logo.png": buffer.getvalue(),
            "content/articles/first.md": "---\ntitle: T\nauthors: ana-ruiz\ndate: 2024-03-01\n"
            "image:\n  src: /images/logo.png\n  alt: Logo\n  credit: Us\n---\nB.\n",
        },
    )
    assert run(tiny_site, "build").exit_code == 0
    img = html(tiny_site / "public/2024/03/01/first/index.html").cssselect("figure.hero img")[0]
    fallback = srcset_entries(img.get("srcset"))
    assert all(url.endswith(".png") for url, _ in fallback)
    with PILImage.open(tiny_site / "public" / fallback[0][0].lstrip("/")) as out:
        assert out.mode == "RGBA"


def test_front_matter_and_credit_text_cannot_break_out_of_markup(photo_site: Path):
    evil = '"><script>alert(1)</script>'
    text = (
        HERO_ARTICLE.replace("alt: A red and blue test card", f"alt: '{evil}'")
        .replace("credit: Ana Ruiz/Tiny Times", f"credit: '{evil}'")
        .replace('{credit="Tiny Times graphics"}', '{credit="<b>bold</b>"}')
    )
    write_site(photo_site, {"content/articles/photo.md": text})
    assert run(photo_site, "build").exit_code == 0
    out = photo_site / "public"
    for page in (out / "2024/03/04/photo/index.html", out / "index.html"):
        doc = html(page)
        assert not doc.cssselect('script:not([type="application/ld+json"])') and not doc.cssselect(
            ".credit b"
        )
    page = html(out / "2024/03/04/photo/index.html")
    assert page.cssselect("figure.hero img")[0].get("alt") == evil
    assert page.cssselect("figure.hero .credit")[0].text_content() == evil
    assert page.cssselect(".story-body .credit")[1].text_content() == "<b>bold</b>"


def test_only_the_top_story_photo_on_the_home_page_loads_eagerly(photo_site: Path):
    assert run(photo_site, "build").exit_code == 0
    home = html(photo_site / "public/index.html")
    lead = home.cssselect(".lead picture img")[0]
    assert lead.get("loading") is None and lead.get("fetchpriority") == "high"
    assert "42rem" in lead.get("sizes")
    # the same photo on a listing further down (the author page) is lazy
    author = html(photo_site / "public/authors/ana-ruiz/index.html")
    assert author.cssselect("picture img")[0].get("loading") == "lazy"


def test_unreferenced_photo_with_gps_that_cannot_be_cleaned_is_not_published(photo_site: Path):
    broken = make_photo(400, 300, gps=True)
    write_site(photo_site, {"assets/images/unused.jpg": broken[: len(broken) // 2]})
    result = run(photo_site, "build")
    assert result.exit_code == 0, result.output
    assert "warning: assets/images/unused.jpg was not published" in result.output
    assert not (photo_site / "public/images/unused.jpg").exists()


def _with_text_chunk(png: bytes, keyword: bytes, text: bytes) -> bytes:
    payload = keyword + b"\x00" + text
    chunk = len(payload).to_bytes(4, "big") + b"tEXt" + payload
    chunk += zlib.crc32(b"tEXt" + payload).to_bytes(4, "big")
    return png[:33] + chunk + png[33:]  # after the 8-byte signature and the header chunk


def test_no_image_under_assets_is_published_with_metadata_anywhere_in_it(photo_site: Path):
    """Metadata Pillow does not report (a picture appended after the first, PNG text) is
    removed too, and what cannot be cleaned (a GIF's comment) is not published."""
    clean = make_photo(300, 200)
    gif = io.BytesIO()
    PILImage.new("P", (20, 20)).save(gif, "GIF", comment=b"shot at 10 Nguyen Hue street")
    write_site(
        photo_site,
        {
            "assets/images/appended.jpg": clean + make_photo(60, 40, gps=True),
            "assets/images/notes.png": _with_text_chunk(
                make_photo(60, 40, "PNG"), b"Author", b"Ana Ruiz at 10 Nguyen Hue"
            ),
            "assets/images/camera.jpe": make_photo(60, 40, gps=True),
            "assets/images/clean.jpg": clean,
            "assets/images/anim.gif": gif.getvalue(),
        },
    )
    result = run(photo_site, "build")
    assert result.exit_code == 0, result.output
    out = photo_site / "public/images"
    for name in ("appended.jpg", "notes.png", "camera.jpe"):
        data = (out / name).read_bytes()
        assert b"Fixture Camera" not in data and b"Nguyen Hue" not in data, name
        assert not images.has_metadata(data), name
    appended = (out / "appended.jpg").read_bytes()
    assert appended.count(b"\xff\xd8") == 1 and appended == clean  # cut after the first picture
    assert (out / "clean.jpg").read_bytes() == clean  # nothing to remove: published as it is
    assert "warning: assets/images/anim.gif was not published: it carries metadata" in result.output
    assert not (out / "anim.gif").exists()


def test_unchanged_photos_are_not_read_again(cold_photo_site: Path, monkeypatch):
    """Photos are known by their file stats between builds: a newsroom's photo folder can
    hold gigabytes, and a rebuild reads only the photos that changed."""
    from ssg.photostage import PhotoStage

    opened: list[str] = []
    real_read, real_digest = PhotoStage.read, hashlib.file_digest
    monkeypatch.setattr(PhotoStage, "read", lambda self, a: opened.append(a) or real_read(self, a))
    monkeypatch.setattr(
        hashlib, "file_digest", lambda f, d: opened.append(f.name) or real_digest(f, d)
    )
    an_hour_ago = time.time_ns() - 3600 * 10**9  # stats this close to a write prove nothing
    for photo in (cold_photo_site / "assets").rglob("*.*"):
        os.utime(photo, ns=(an_hour_ago, an_hour_ago))
    assert run(cold_photo_site, "build").exit_code == 0
    hashed = [p for p in opened if Path(p).is_absolute()]  # reads are named by asset
    assert hashed and len(hashed) == len(set(hashed))  # each photo hashed once a build
    opened.clear()
    assert run(cold_photo_site, "build").exit_code == 0
    assert opened == []
    write_site(cold_photo_site, {"assets/images/chart.png": make_photo(320, 200, "PNG")})
    assert run(cold_photo_site, "build").exit_code == 0
    assert {Path(p).name for p in opened} == {"chart.png"}


def test_a_photo_rewritten_in_the_same_clock_tick_is_read_again(tmp_path: Path):
    """Same size, same modification time (a rewrite within one tick of the file system's
    clock): a digest taken that close to the write is not trusted later."""
    photo = tmp_path / "photo.png"
    photo.write_bytes(make_photo(40, 30, "PNG"))
    first = SourceDigests(tmp_path).digest(photo)
    digests = SourceDigests(tmp_path)
    assert digests.digest(photo) == first
    digests.save()
    st = photo.stat()
    other = bytearray(photo.read_bytes())
    other[-20] ^= 0xFF  # same length, other bytes
    photo.write_bytes(bytes(other))
    os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert photo.stat().st_size == st.st_size and photo.stat().st_ino == st.st_ino
    assert SourceDigests(tmp_path).digest(photo) != first


def test_encoded_photos_live_in_the_configured_cache_folder(photo_site: Path):
    write_site(photo_site, {"site.yml": TINY_SITE["site.yml"] + "cache_dir: build-cache\n"})
    shutil.rmtree(photo_site / ".ssg-cache")
    result = run(photo_site, "build")
    assert result.exit_code == 0, result.output
    assert not (photo_site / ".ssg-cache").exists()
    cached = {p.name for p in (photo_site / "build-cache/images").rglob("*") if p.is_file()}
    assert any(name.endswith(".webp") for name in cached)


def test_a_cache_folder_that_cannot_be_used_builds_without_it(photo_site: Path, tmp_path: Path):
    """cache_dir below a regular file: a warning naming the setting, the same site, and
    nothing written into a cache anywhere under the site (the search index aside)."""
    expected = tmp_path / "expected"
    assert run(photo_site, "build", "--output", str(expected)).exit_code == 0
    (photo_site / "blocker").write_text("not a folder", encoding="utf-8")
    write_site(photo_site, {"site.yml": TINY_SITE["site.yml"] + "cache_dir: blocker/cache\n"})
    shutil.rmtree(photo_site / ".ssg-cache")
    for command in (("build",), ("check",)):
        result = run(photo_site, *command)
        assert result.exit_code == 0, result.output
        assert "warning: field 'cache_dir': the cache folder blocker/cache cannot be used" in (
            result.output
        )
        assert "Traceback" not in result.output
    assert not (photo_site / ".ssg-cache").exists()
    site_files = {k: v for k, v in snapshot(photo_site / "public").items() if "pagefind" not in k}
    assert site_files == {k: v for k, v in snapshot(expected).items() if "pagefind" not in k}


@pytest.mark.parametrize(
    "asset",
    [
        "images/a.jpg",
        "images/a.JPEG",
        "a.png",
        "deep/er/a.webp",
        "images/a.gif",
        "images/a.svg",
        "images/.jpg",
        "images/a.",
        "images/a.tar.jpg",
        "images/jpg",
        "images.jpg/a",
        "images/a.jpg/",
        "",
    ],
)
def test_is_photo_reads_the_suffix_as_pathlib_does(asset: str):
    assert is_photo(asset) == (PurePosixPath(asset).suffix.lower() in images.RASTER_FORMATS)


def test_a_photo_bomb_among_the_assets_is_refused_with_a_warning(photo_site: Path):
    # a 69-byte PNG whose header claims 100,000 x 100,000 pixels
    image = PILImage.new("L", (1, 1))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = (100_000).to_bytes(4, "big") * 2  # the IHDR width and height
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    write_site(photo_site, {"assets/images/bomb.png": bytes(data)})
    result = run(photo_site, "build")
    assert result.exit_code == 0, result.output
    assert "warning: assets/images/bomb.png was not published" in result.output
    assert (
        "more pixels than ssg decodes safely" in result.output and "Traceback" not in result.output
    )
    assert not (photo_site / "public/images/bomb.png").exists()


def test_a_photo_too_long_for_webp_keeps_its_jpeg_renditions(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "assets/images/long.jpg": make_photo(400, 17_000),
            "content/articles/first.md": "---\ntitle: T\nauthors: ana-ruiz\ndate: 2024-03-01\n"
            "image:\n  src: /images/long.jpg\n  alt: A long chart\n  credit: Us\n---\nB.\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    picture = html(tiny_site / "public/2024/03/01/first/index.html").cssselect("figure.hero")[0]
    img = picture.cssselect("img")[0]
    assert [w for _, w in srcset_entries(img.get("srcset"))] == [400]  # never upscaled
    webp = picture.cssselect("source")
    assert all(w < 400 for s in webp for _, w in srcset_entries(s.get("srcset")))
    for url, _ in srcset_entries(img.get("srcset")):
        assert (tiny_site / "public" / url.lstrip("/")).is_file()


def _png(image: PILImage.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def _hero_story(src: str) -> str:
    return (
        "---\ntitle: T\nauthors: ana-ruiz\ndate: 2024-03-01\n"
        f"image:\n  src: '{src}'\n  alt: A graphic\n  credit: Us\n---\nB.\n"
    )


def _renditions(root: Path, page: str) -> list[Path]:
    doc = html(root / "public" / page)
    found = []
    for element in doc.cssselect("figure picture source, figure picture img"):
        for url, _ in srcset_entries(element.get("srcset")):
            found.append(root / "public" / unquote(url.lstrip("/")))
    return found


def test_palette_transparency_and_16_bit_grey_survive_the_renditions(tiny_site: Path):
    palette = PILImage.new("P", (600, 300), 0)
    palette.putpalette([255, 0, 0] + [0, 0, 255] * 255)
    palette.paste(1, (300, 0, 600, 300))  # left half: index 0, transparent red
    grey = PILImage.new("I;16", (600, 300), 30_000)  # mid grey, 30000 of 65535
    write_site(
        tiny_site,
        {
            "assets/images/map.png": _png(palette, transparency=0),
            "assets/images/xray.png": _png(grey),
            "content/articles/first.md": _hero_story("/images/map.png"),
            "content/articles/third.md": _hero_story("/images/xray.png").replace(
                "2024-03-01", "2024-03-03"
            ),
        },
    )
    assert run(tiny_site, "build").exit_code == 0
    maps = _renditions(tiny_site, "2024/03/01/first/index.html")
    assert len(maps) >= 2
    for path in maps:
        with PILImage.open(path) as out:
            rgba = out.convert("RGBA")
            assert rgba.getpixel((5, 5))[3] == 0, path  # still transparent
            assert rgba.getpixel((rgba.width - 5, 5))[:3] == (0, 0, 255), path
    for path in _renditions(tiny_site, "2024/03/03/third/index.html"):
        with PILImage.open(path) as out:
            value = out.convert("L").getpixel((5, 5))
            assert 110 <= value <= 125, (path, value)  # 30000/256 = 117, not white


def test_photos_with_spaces_and_accents_in_their_names(tiny_site: Path):
    body = 'In the text:\n\n![A river](</images/ảnh sông.jpg>){credit="Us"}\n'
    write_site(
        tiny_site,
        {
            "assets/images/my photo.jpg": make_photo(500, 300),
            "assets/images/ảnh sông.jpg": make_photo(500, 300),
            "content/articles/first.md": _hero_story("/images/my photo.jpg") + body,
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    doc = html(tiny_site / "public/2024/03/01/first/index.html")
    pictures = doc.cssselect("picture")
    assert len(pictures) == 2  # the hero and the photo in the text
    for element in doc.cssselect("picture source, picture img"):
        for url, _ in srcset_entries(element.get("srcset")):  # no raw space splits an entry
            assert " " not in url and "%20" in url
            assert (tiny_site / "public" / unquote(url.lstrip("/"))).is_file()


@pytest.mark.parametrize(
    ("files", "src", "why"),
    [
        (
            {},
            "/css/style.css",
            "expected an image (.jpg, .jpeg, .png, .webp, .gif, .svg, .avif), got a .css file",
        ),
        ({"assets/images/x.gif": b"not a gif"}, "/images/x.gif", "the file does not hold GIF data"),
        (
            {"assets/images/x.svg": b"<html></html>"},
            "/images/x.svg",
            "the file does not hold SVG data",
        ),
    ],
)
def test_a_file_that_is_not_an_image_is_a_located_error(tiny_site: Path, files, src, why):
    story = _hero_story(src) + f'\n![Inline](/images/{src.rsplit("/", 1)[1]}){{credit="Us"}}\n'
    write_site(tiny_site, {**files, "content/articles/first.md": story})
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    asset = src.lstrip("/")
    assert (
        f"content/articles/first.md:6: error: field 'image.src': cannot show assets/{asset} as an "
        f"image: {why}"
    ) in result.output
    if asset.startswith("images/"):
        assert f"field 'body': cannot show assets/{asset} as an image: {why}" in result.output


def test_no_figure_inside_a_paragraph(tiny_site: Path):
    body = (
        'Alone, with a credit:\n\n![A](/images/p.jpg){credit="Ann"}\n\n'
        'In a line: before ![B](/images/p.jpg "A caption"){credit="Bo"} after.\n'
    )
    write_site(
        tiny_site,
        {
            "assets/images/p.jpg": make_photo(600, 300),
            "content/articles/first.md": _hero_story("/images/p.jpg") + body,
        },
    )
    assert run(tiny_site, "build").exit_code == 0
    raw = (tiny_site / "public/2024/03/01/first/index.html").read_text(encoding="utf-8")
    assert not re.search(r"<p>(?:(?!</p>).)*<figure", raw, re.DOTALL)
    doc = html(tiny_site / "public/2024/03/01/first/index.html")
    alone = doc.cssselect(".story-body figure.photo")
    assert len(alone) == 1 and alone[0].cssselect(".credit")[0].text == "Ann"
    line = next(p for p in doc.cssselect(".story-body p") if "before" in p.text_content())
    assert line.cssselect("picture") and line.cssselect(".photo-note .credit")[0].text == "Bo"
    assert line.cssselect(".photo-note .caption")[0].text == "A caption"


@pytest.mark.parametrize("damage", ["truncated", "same size"])
def test_a_damaged_file_in_the_image_cache_is_never_published(photo_site: Path, damage: str):
    assert run(photo_site, "build", "--quiet").exit_code == 0

    def published(folder: Path) -> dict[str, bytes]:  # the search index is not reproducible
        return {k: v for k, v in snapshot(folder).items() if not k.startswith("pagefind/")}

    good = published(photo_site / "public")
    damaged = sorted((photo_site / ".ssg-cache/images").glob("*/*.*"))
    damaged = [p for p in damaged if p.name != "manifest.json"]
    assert damaged
    for path in damaged:
        data = path.read_bytes()
        if damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        else:
            middle = len(data) // 2
            path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    other = photo_site / "other"
    assert run(photo_site, "build", "--quiet", "--output", str(other)).exit_code == 0
    assert published(other) == good


def test_two_builds_storing_one_photo_at_once_share_the_entry(tmp_path: Path, monkeypatch):
    from ssg import imagecache
    from ssg.imagecache import ImageCache
    from ssg.images import Encoded

    files = [(Encoded("480.webp", 480, 240, "WEBP", "srcset"), b"webp bytes")]
    real_replace = os.replace

    def the_other_build_wins(source, target):
        # between this build's check and its rename, another build renames its entry in
        monkeypatch.setattr(imagecache.os, "replace", real_replace)
        ImageCache(tmp_path / "images").put("key", files)
        raise OSError(39, "Directory not empty")

    monkeypatch.setattr(imagecache.os, "replace", the_other_build_wins)
    stored = ImageCache(tmp_path / "images").put("key", files)
    assert [(encoded.suffix, path.read_bytes()) for encoded, path in stored] == [
        ("480.webp", b"webp bytes")
    ]
    assert not [p for p in (tmp_path / "images").iterdir() if p.name.startswith(".")]


def test_a_sideways_phone_photo_gets_its_upright_size_in_metadata(cold_photo_site: Path):
    article = HERO_ARTICLE.replace("/images/hero.jpg", "/images/rotated.jpg")
    write_site(cold_photo_site, {"content/articles/photo.md": article})
    assert run(cold_photo_site, "build").exit_code == 0
    out = cold_photo_site / "public"
    page = html(out / "2024/03/04/photo/index.html")
    values = {m.get("property"): m.get("content") for m in page.cssselect("meta[property]")}
    published = out / unquote(values["og:image"].split("tiny.example/")[1])
    with PILImage.open(published) as photo:
        assert photo.size == (400, 700)  # stored 700x400, turned upright
        upright = photo.size
    assert (int(values["og:image:width"]), int(values["og:image:height"])) == upright


def test_a_photo_withheld_for_its_metadata_fails_the_stories_that_show_it(tiny_site: Path):
    gif = io.BytesIO()
    PILImage.new("P", (40, 30)).save(gif, "GIF", comment=b"Made with ChartTool")
    story = HERO_ARTICLE.replace("/images/hero.jpg", "/images/chart.gif")
    write_site(
        tiny_site,
        {
            "assets/images/chart.gif": gif.getvalue(),
            "assets/images/unused.gif": gif.getvalue(),
            "content/articles/photo.md": story.replace("/images/rotated.jpg", "/images/chart.gif"),
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code != 0
    out = result.output
    assert "photo.md:6: error: field 'image.src': shows assets/images/chart.gif" in out
    assert "photo.md:14: error: field 'body': shows assets/images/chart.gif" in out
    assert "warning: assets/images/unused.gif was not published" in out  # shown nowhere
    assert "error" not in out.split("unused.gif")[1].split("\n")[0]


def test_no_webp_source_for_a_long_infographic_that_webp_cannot_hold_at_every_width(
    tiny_site: Path,
):
    config = textwrap.dedent(TINY_SITE["site.yml"]) + "images:\n  widths: [100, 300]\n"
    story = "---\ntitle: Chart\nauthors: ana-ruiz\ndate: 2024-03-04T09:00:00+07:00\n---\n"
    story += '![A long chart](/images/long.jpg){credit="Tiny Times graphics"}\n'
    write_site(
        tiny_site,
        {
            "site.yml": config,
            "assets/images/long.jpg": make_photo(300, 17000),
            "content/articles/chart.md": story,
        },
    )
    assert run(tiny_site, "build").exit_code == 0
    page = html(tiny_site / "public/2024/03/04/chart/index.html")
    (picture,) = page.cssselect("picture")
    assert not picture.cssselect("source")  # a WebP of 100 px only would be all it offers
    widths = [w for _, w in srcset_entries(picture.cssselect("img")[0].get("srcset"))]
    assert widths == [100, 300]


def test_a_photo_past_the_pixel_guard_gets_a_hint_that_helps(tiny_site: Path):
    huge = io.BytesIO()
    PILImage.new("1", (12000, 8000)).save(huge, "PNG")  # 96 megapixels, a few kilobytes
    story = HERO_ARTICLE.replace("/images/hero.jpg", "/images/huge.png")
    story = story.split("Intro paragraph.")[0] + "Intro paragraph.\n"
    write_site(
        tiny_site, {"assets/images/huge.png": huge.getvalue(), "content/articles/photo.md": story}
    )
    result = run(tiny_site, "build")
    assert result.exit_code != 0
    assert "more pixels than ssg decodes safely (89.5 megapixels" in result.output
    assert "hint: export a smaller copy for the web" in result.output


def test_byte_identical_photos_are_published_under_their_own_names(tiny_site: Path):
    photo = make_photo(600, 400)
    story = "---\ntitle: {t}\nauthors: ana-ruiz\ndate: 2024-03-0{d}T09:00:00+07:00\n---\n"
    story += '![A river]({src}){{credit="Tiny Times"}}\n'
    files = {
        "assets/images/embargoed-minister-resigns.jpg": photo,
        "assets/images/river.jpg": photo,
        "content/articles/a.md": story.format(
            t="A", d=5, src="/images/embargoed-minister-resigns.jpg"
        ),
        "content/articles/b.md": story.format(t="B", d=6, src="/images/river.jpg"),
    }
    write_site(tiny_site, files)
    assert run(tiny_site, "build").exit_code == 0
    out = tiny_site / "public"

    def photo_urls(page: str) -> set[str]:
        picture = html(out / page).cssselect("picture")[0]
        srcsets = [s.get("srcset") for s in picture.cssselect("source, img")]
        return {url for value in srcsets for url, _ in srcset_entries(value)}

    river = photo_urls("2024/03/06/b/index.html")
    assert river and all("/images/river." in url for url in river)
    assert all(("/images/embargoed" in u) for u in photo_urls("2024/03/05/a/index.html"))
    write_site(tiny_site, {"content/articles/a.md": None})
    assert run(tiny_site, "build").exit_code == 0
    assert photo_urls("2024/03/06/b/index.html") == river  # unmoved by the other story


def test_graphics_in_the_text_show_their_caption_credit_and_size(tiny_site: Path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"><rect width="640" height="360"/></svg>'
    gif = io.BytesIO()
    PILImage.new("P", (120, 80)).save(gif, "GIF")
    story = "---\ntitle: Map\nauthors: ana-ruiz\ndate: 2024-03-04T09:00:00+07:00\n---\nIntro.\n\n"
    story += '![Map of the delta](/images/map.svg){credit="Reuters Graphics"}\n\n'
    story += '![A chart](/images/chart.gif "Rice exports by month. — Photo: Tiny Times graphics")\n'
    write_site(
        tiny_site,
        {
            "assets/images/map.svg": svg,
            "assets/images/chart.gif": gif.getvalue(),
            "content/articles/map.md": story,
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    page = html(tiny_site / "public/2024/03/04/map/index.html")
    figures = page.cssselect("main figure.photo")
    assert len(figures) == 2
    svg_img, gif_img = (f.cssselect("img")[0] for f in figures)
    assert (svg_img.get("width"), svg_img.get("height")) == ("640", "360")
    assert svg_img.get("credit") is None  # not an HTML attribute
    assert figures[0].cssselect(".credit")[0].text_content() == "Reuters Graphics"
    assert (gif_img.get("width"), gif_img.get("height")) == ("120", "80")
    assert figures[1].cssselect(".caption")[0].text_content() == "Rice exports by month."
    assert figures[1].cssselect(".credit")[0].text_content() == "Tiny Times graphics"


def test_an_animated_png_in_the_text_stays_animated(tiny_site: Path):
    frames = [PILImage.new("RGB", (90, 60), colour) for colour in ("red", "green", "blue")]
    apng = io.BytesIO()
    frames[0].save(apng, "PNG", save_all=True, append_images=frames[1:], duration=200, loop=0)
    story = "---\ntitle: Loop\nauthors: ana-ruiz\ndate: 2024-03-04T09:00:00+07:00\n---\n"
    story += '![Water rising, animated](/images/loop.png){credit="Tiny Times graphics"}\n'
    write_site(
        tiny_site, {"assets/images/loop.png": apng.getvalue(), "content/articles/loop.md": story}
    )
    assert run(tiny_site, "build").exit_code == 0
    page = html(tiny_site / "public/2024/03/04/loop/index.html")
    (figure,) = page.cssselect("main figure.photo")
    assert not figure.cssselect("picture")  # resized copies would be stills
    img = figure.cssselect("img")[0]
    assert img.get("src") == "/images/loop.png" and img.get("width") == "90"
    with PILImage.open(tiny_site / "public/images/loop.png") as published:
        assert getattr(published, "n_frames", 1) == 3


def test_a_photo_named_in_decomposed_unicode_is_found_by_its_composed_name(tiny_site: Path):
    import unicodedata

    composed = "Đà Nẵng.jpg"
    decomposed = unicodedata.normalize("NFD", composed)  # as a Mac may have stored it
    assert decomposed != composed
    story = textwrap.dedent(HERO_ARTICLE).replace("/images/hero.jpg", f"/images/{composed}")
    story = (
        story.split("Intro paragraph.")[0]
        + f"Intro paragraph.\n\n![Bridge](</images/{composed}>)\n"
    )
    write_site(
        tiny_site,
        {f"assets/images/{decomposed}": make_photo(800, 500), "content/articles/photo.md": story},
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    page = html(tiny_site / "public/2024/03/04/photo/index.html")
    srcs = [i.get("src") for i in page.cssselect("main img")]
    assert len(srcs) == 2
    for src in srcs:
        assert (tiny_site / "public" / unquote(src.lstrip("/"))).is_file(), src


def test_each_uncredited_showing_of_a_photo_is_told_at_its_own_line(photo_site: Path):
    story = "---\ntitle: Twice\nauthors: ana-ruiz\ndate: 2024-03-05T09:00:00+07:00\n---\nIntro.\n\n"
    story += '![A chart](/images/chart.png){credit="Tiny Times graphics"}\n\nMore.\n\n'
    story += "![The chart again](/images/chart.png)\n\nAnd.\n\n![Once more](/images/chart.png)\n"
    write_site(photo_site, {"content/articles/twice.md": story})
    result = run(photo_site, "build")
    lines = [line for line in result.output.splitlines() if "twice.md" in line and "credit" in line]
    assert [line.split(":")[1] for line in lines] == ["12", "16"], result.output


def test_a_remote_image_keeps_its_credit_as_text_not_as_an_attribute(tiny_site: Path):
    story = "---\ntitle: Wire\nauthors: ana-ruiz\ndate: 2024-03-04T09:00:00+07:00\n---\nIntro.\n\n"
    story += '![Flooded road](https://example.com/afp.jpg "A flooded road"){credit="AFP"}\n\n'
    story += 'Inline ![map](https://example.com/m.png){credit="Reuters"} here.\n'
    write_site(tiny_site, {"content/articles/wire.md": story})
    assert run(tiny_site, "build").exit_code == 0
    page = html(tiny_site / "public/2024/03/04/wire/index.html")
    assert not page.cssselect("img[credit]")
    (figure,) = page.cssselect("main figure.photo")
    assert figure.cssselect("img")[0].get("src") == "https://example.com/afp.jpg"
    assert figure.cssselect(".caption")[0].text_content() == "A flooded road"
    assert figure.cssselect(".credit")[0].text_content() == "AFP"
    assert "Photo:" in figure.cssselect(".visually-hidden")[0].text_content()
    assert page.cssselect("main .photo-note .credit")[0].text_content() == "Reuters"


def test_a_remote_hero_with_a_space_or_an_accent_is_a_valid_address(tiny_site: Path):
    story = (
        "---\ntitle: Wire\nauthors: ana-ruiz\ndate: 2024-03-04T09:00:00+07:00\nimage:\n"
        "  src: https://example.com/photos/cần thơ 1.jpg?w=800\n  alt: A market\n"
        "  credit: AFP\n---\nIntro.\n"
    )
    write_site(tiny_site, {"content/articles/wire.md": story})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    page = html(tiny_site / "public/2024/03/04/wire/index.html")
    expected = "https://example.com/photos/c%E1%BA%A7n%20th%C6%A1%201.jpg?w=800"
    assert page.cssselect("main img")[0].get("src") == expected
    assert page.cssselect('meta[property="og:image"]')[0].get("content") == expected


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels."""
    buffer = io.BytesIO()
    PILImage.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    return bytes(data)


DAMAGED = {
    "empty": b"",
    "text": b"not a photo at all\n",
    "truncated": make_photo(400, 300)[:300],
}


@pytest.mark.parametrize("kind", DAMAGED)
def test_a_damaged_author_photo_or_logo_is_an_error_at_its_field(tiny_site: Path, kind: str):
    assert run(tiny_site, "build").exit_code == 0
    before = snapshot(tiny_site / "public")
    config = textwrap.dedent(TINY_SITE["site.yml"])
    write_site(
        tiny_site,
        {
            "site.yml": config + "publisher:\n  name: Tiny\n  logo: /images/logo.png\n",
            "assets/images/logo.png": DAMAGED[kind],
            "assets/images/authors/ana.jpg": DAMAGED[kind],
            "content/authors/ana-ruiz.md": "---\nname: Ana Ruiz\nphoto: /images/authors/ana.jpg\n"
            "---\nAna.\n",
        },
    )
    for command in ("build", "check"):
        result = run(tiny_site, command)
        assert result.exit_code != 0, result.output
        out = result.output
        assert (
            "content/authors/ana-ruiz.md:3: error: field 'photo.src': cannot use photo "
            "assets/images/authors/ana.jpg: " in out
        )
        assert (
            "site.yml:8: error: field 'publisher.logo': cannot use photo assets/images/logo.png"
            in out
        )
        assert "hint: re-export the photo as JPEG, PNG or WebP" in out
        assert "Traceback" not in out
    assert snapshot(tiny_site / "public") == before  # nothing damaged was published

    # good ones in their place build, and are published (cleaned) at their addresses
    write_site(
        tiny_site,
        {
            "assets/images/authors/ana.jpg": make_photo(200, 200),
            "assets/images/logo.png": make_photo(120, 40, "PNG"),
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    with PILImage.open(tiny_site / "public/images/authors/ana.jpg") as photo:
        assert photo.size == (200, 200)


def test_a_withheld_author_photo_or_logo_is_an_error_giving_the_real_reason(tiny_site: Path):
    config = textwrap.dedent(TINY_SITE["site.yml"])
    write_site(
        tiny_site,
        {
            "site.yml": config + "publisher:\n  name: Tiny\n  logo: /images/logo.png\n",
            "assets/images/logo.png": _png_claiming(100_000, 100_000),
            "assets/images/authors/ana.png": _png_claiming(100_000, 100_000),
            "content/authors/ana-ruiz.md": "---\nname: Ana Ruiz\nphoto: /images/authors/ana.png\n"
            "---\nAna.\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code != 0, result.output
    out = result.output
    assert "metadata" not in out  # it holds none: it is withheld for its size
    reason = "which is not published: the photo has more pixels than ssg decodes safely"
    assert (
        f"ana-ruiz.md:3: error: field 'photo.src': shows assets/images/authors/ana.png, {reason}"
        in out
    )
    assert (
        f"site.yml:8: error: field 'publisher.logo': shows assets/images/logo.png, {reason}" in out
    )
    assert (
        "warning: assets/images/authors/ana.png was not published: the photo has more pixels" in out
    )
    assert "hint: export a smaller copy for the web" in out
    assert not (tiny_site / "public").exists()


def test_a_damaged_cache_file_keeping_its_size_and_time_is_never_published(photo_site: Path):
    """The manifest's times say nothing of a byte flipped in place (a bad disk, a copy
    that kept the times): bytes are checked when they are published, and encoded again."""
    assert run(photo_site, "build", "--quiet").exit_code == 0

    def published(folder: Path) -> dict[str, bytes]:  # the search index is not reproducible
        return {k: v for k, v in snapshot(folder).items() if not k.startswith("pagefind/")}

    good = published(photo_site / "public")
    cached = [p for p in (photo_site / ".ssg-cache/images").glob("*/*.*") if p.suffix != ".json"]
    assert cached
    for path in cached:
        st = path.stat()
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    # the last build's entries for files written within the clock's resolution vouch for
    # nothing: they are read again, and must not be replaced by the damaged bytes
    assert run(photo_site, "build", "--quiet").exit_code == 0
    assert published(photo_site / "public") == good
    shutil.rmtree(photo_site / "public")
    assert run(photo_site, "build", "--quiet").exit_code == 0
    assert published(photo_site / "public") == good


def test_a_photo_deleted_during_the_build_is_a_located_error(cold_photo_site: Path, monkeypatch):
    """A `git checkout` while `ssg serve` rebuilds can take a photo away between the scan
    and its encoding: a located error (the next build is fine), not an "unexpected failure"."""
    from ssg.photostage import PhotoStage

    def vanished(self, asset: str) -> bytes:
        path = self.assets[asset]
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))

    monkeypatch.setattr(PhotoStage, "read", vanished)
    result = run(cold_photo_site, "build")
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if ": error: " in x]
    assert line.startswith("assets/images/") and "a photo could not be read" in line, line
    assert "No such file or directory" in line and "build again" in line
    assert "unexpected" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("error", "says", "hint"),
    [
        (errno.EACCES, "a photo could not be read: Permission denied", "let the user"),
        (errno.ENOSPC, "cannot write the image cache: No space left", "free space"),
    ],
)
def test_other_photo_stage_failures_are_not_called_vanished_photos(
    cold_photo_site: Path, monkeypatch, error: int, says: str, hint: str
):
    from ssg.photostage import PhotoStage

    def failing(self, asset: str) -> bytes:
        where = self.assets[asset] if error == errno.EACCES else None
        raise OSError(error, os.strerror(error), *([str(where)] if where else []))

    monkeypatch.setattr(PhotoStage, "read", failing)
    result = run(cold_photo_site, "build")
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if ": error: " in x]
    assert says in line and hint in line and "build again" not in line, line
