"""The masthead logo carries its own size (raster or SVG), in the page and the JSON-LD,
and a logo replaced by one of another shape re-renders every page."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image as PILImage

from ssg.imageinfo import svg_size

from conftest import html, run, snapshot, write_site


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (20, 40, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def with_logo(site: Path, name: str, data: bytes | str) -> Path:
    config = (site / "site.yml").read_text(encoding="utf-8")
    config = "\n".join(
        line for line in config.splitlines() if not line.startswith(("publisher", "  "))
    )
    return write_site(
        site,
        {
            f"assets/images/{name}": data,
            "site.yml": config + f"\npublisher:\n  name: Tiny Times\n  logo: /images/{name}\n",
        },
    )


def masthead_size(out: Path, page: str = "index.html") -> tuple[str | None, str | None]:
    [logo] = html(out / page).cssselect("img.brand-logo")
    return logo.get("width"), logo.get("height")


def publisher_logo(out: Path, page: str) -> dict:
    for script in html(out / page).cssselect('script[type="application/ld+json"]'):
        data = json.loads(script.text)
        for item in data if isinstance(data, list) else [data]:
            if item.get("@type") == "NewsArticle":
                return item["publisher"]["logo"]
    raise AssertionError(f"no NewsArticle in {page}")


def story_page(out: Path) -> str:
    page = "2024/03/01/first/index.html"
    assert (out / page).is_file()
    return page


def test_raster_logo_prints_its_own_size(tiny_site: Path):
    with_logo(tiny_site, "logo.png", png(480, 120))
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    out = tiny_site / "public"
    assert masthead_size(out) == ("480", "120")
    logo = publisher_logo(out, story_page(out))
    assert (logo["width"], logo["height"]) == (480, 120)


def test_svg_logo_size_comes_from_its_viewbox(tiny_site: Path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 250 50"><rect width="250" height="50"/></svg>'
    with_logo(tiny_site, "logo.svg", svg)
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    assert masthead_size(tiny_site / "public") == ("250", "50")


def test_logo_without_a_readable_size_gets_no_dimensions(tiny_site: Path):
    with_logo(
        tiny_site, "logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    )
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    out = tiny_site / "public"
    assert masthead_size(out) == (None, None)
    assert "width" not in publisher_logo(out, story_page(out))


def test_a_logo_of_another_shape_rerenders_like_a_clean_build(tiny_site: Path, tmp_path: Path):
    with (tiny_site / "site.yml").open("a", encoding="utf-8") as config:
        config.write("search: false\n")  # the search index's bytes are not reproducible
    with_logo(tiny_site, "logo.png", png(300, 32))
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    with_logo(tiny_site, "logo.png", png(200, 200))
    assert run(tiny_site, "build", "--quiet").exit_code == 0
    out = tiny_site / "public"
    assert masthead_size(out) == ("200", "200")
    assert masthead_size(out, story_page(out)) == ("200", "200")
    clean = tmp_path / "clean"
    clean.mkdir()
    for path in tiny_site.rglob("*"):
        relative = path.relative_to(tiny_site)
        if path.is_file() and relative.parts[0] not in ("public", ".ssg-cache"):
            (clean / relative).parent.mkdir(parents=True, exist_ok=True)
            (clean / relative).write_bytes(path.read_bytes())
    assert run(clean, "build", "--quiet").exit_code == 0
    assert snapshot(out) == snapshot(clean / "public")


@pytest.mark.parametrize(
    "head, size",
    [
        (b'<svg width="200" height="100px">', (200, 100)),
        (b'<?xml version="1.0"?>\n<svg\n  height="1in" width="2in">', (192, 96)),
        (b'<svg width="100%" height="100%" viewBox="0,0,30,10">', (30, 10)),
        (b'<svg width="60" viewBox="0 0 30 10">', (60, 20)),
        (b"<svg viewBox='0 0 300 32' data-x='a>b'>", (300, 32)),
        (b'<svg width="10em" height="4em">', None),
        (b'<svg viewBox="0 0 0 10">', None),
        (b"<svg>", None),
        (b"<html><body>no drawing</body></html>", None),
    ],
)
def test_svg_size_reads_the_root_element(head: bytes, size):
    assert svg_size(head) == size
