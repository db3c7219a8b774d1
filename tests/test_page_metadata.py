"""Canonical links, descriptions, OpenGraph and X/Twitter cards, image sizes, redirects for aliases."""

from __future__ import annotations

from pathlib import Path

import extruct
from PIL import Image

from ssg.plan import output_path

from conftest import html

BASE = "https://deltaledger.example/"
ARTICLE = "2026/11/20/salinity-crisis/"


def opengraph(out: Path, page: str) -> list[tuple[str, str]]:
    """OpenGraph properties in document order, as extruct reads them."""
    text = (out / output_path("/" + page)).read_text(encoding="utf-8")
    [og] = extruct.extract(text, base_url=BASE + page, syntaxes=["opengraph"])["opengraph"]
    return og["properties"]


def meta(page, name: str) -> str:
    return page.cssselect(f'meta[name="{name}"]')[0].get("content")


def test_article_has_canonical_description_and_social_cards(sample_build: Path):
    page = html(sample_build / ARTICLE / "index.html")
    assert page.cssselect('link[rel="canonical"]')[0].get("href") == BASE + ARTICLE
    assert meta(page, "description") == page.cssselect(".dek")[0].text_content()
    props = opengraph(sample_build, ARTICLE)
    values = dict(props)
    assert values["og:type"] == "article"
    assert values["og:url"] == BASE + ARTICLE
    assert values["og:title"] == page.cssselect("h1")[0].text_content()
    assert values["og:description"] == meta(page, "description")
    assert values["article:published_time"] == "2026-11-20T09:30:00+07:00"
    assert values["article:modified_time"] == "2026-11-21T14:05:00+07:00"
    authors = [v for k, v in props if k == "article:author"]
    assert authors == [BASE + "authors/linh-tran/", BASE + "authors/marcus-hale/"]
    tags = [v for k, v in props if k == "article:tag"]
    assert tags == [a.text_content() for a in page.cssselect(".story-topics a")]
    image = values["og:image"]
    assert image == BASE + "images/photos/can-tho-delta.jpg"
    with Image.open(sample_build / "images/photos/can-tho-delta.jpg") as photo:
        assert (int(values["og:image:width"]), int(values["og:image:height"])) == photo.size
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:site") == "@deltaledger"
    assert meta(page, "robots") == "max-image-preview:large"  # large previews (Discover)


def test_pages_without_a_photo_share_the_masthead_logo(sample_build: Path):
    for page_path in ["", "topics/rice/", "about/"]:
        page = html(sample_build / page_path / "index.html")
        values = dict(opengraph(sample_build, page_path))
        assert values["og:image"] == BASE + "images/logo.png"
        with Image.open(sample_build / "images/logo.png") as logo:
            assert (int(values["og:image:width"]), int(values["og:image:height"])) == logo.size
        assert meta(page, "twitter:card") == "summary"
        assert not page.cssselect('meta[name="robots"]')  # listings: nothing to say


def test_img_elements_carry_the_real_pixel_size(sample_build: Path):
    page = html(sample_build / "index.html")
    images = page.cssselect(".card img") + html(sample_build / ARTICLE / "index.html").cssselect(
        ".hero img"
    )
    assert images
    for img in images:
        # width/height reserve the layout box: the photo's shape, at the size of the
        # largest rendition in its srcset (the browser picks one of them)
        candidates = [c.strip().split(" ") for c in img.get("srcset", img.get("src")).split(",")]
        largest = max(candidates, key=lambda c: int(c[1][:-1]) if len(c) > 1 else 0)[0]
        with Image.open(sample_build / img.get("src").lstrip("/")) as shown:
            ratio = shown.size[0] / shown.size[1]
        with Image.open(sample_build / largest.lstrip("/")) as photo:
            assert int(img.get("width")) == photo.size[0]
            assert abs(int(img.get("width")) / int(img.get("height")) - ratio) < 0.01


def test_listing_pages_have_their_own_canonical_and_description(sample_build: Path):
    for page_path in ["", "page/2/", "topics/rice/", "authors/linh-tran/", "topics/"]:
        page = html(sample_build / page_path / "index.html")
        assert page.cssselect('link[rel="canonical"]')[0].get("href") == BASE + page_path
        assert meta(page, "description")
        values = dict(opengraph(sample_build, page_path))
        assert values["og:url"] == BASE + page_path
        assert values["og:type"] == ("profile" if page_path.startswith("authors/") else "website")
        assert values["og:description"] == meta(page, "description")


def test_alias_writes_a_redirect_page_and_a_redirects_line(sample_build: Path):
    old = "2026/11/20/delta-salinity-november/"
    page = html(sample_build / old / "index.html")
    refresh = page.cssselect('meta[http-equiv="refresh"]')[0].get("content")
    assert refresh == "0; url=/" + ARTICLE
    assert page.cssselect('link[rel="canonical"]')[0].get("href") == BASE + ARTICLE
    assert [a.get("href") for a in page.cssselect("a")] == ["/" + ARTICLE]
    assert meta(page, "robots") == "noindex"
    lines = [
        line.split()
        for line in (sample_build / "_redirects").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines == [["/" + old, "/" + ARTICLE, "301"]]
    assert (sample_build / ARTICLE / "index.html").is_file()


def test_404_page_is_at_the_root_and_not_indexed(sample_build: Path):
    page = html(sample_build / "404.html")
    assert meta(page, "robots") == "noindex"
    # served for any missing path, so no link may be relative to the page's own folder
    for element in page.xpath("//a[@href] | //link[@href] | //img[@src]"):
        target = element.get("href") or element.get("src")
        assert target.startswith(("/", "#", "https://")), target


def test_an_svg_hero_gives_way_to_the_logo_on_share_cards(tmp_path: Path):
    from conftest import copy_sample, run, write_site

    root = copy_sample(tmp_path / "site")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1600 900"><rect width="1600" height="900"/></svg>'
    story = (root / "content/articles/2026/dry-season-forecast.md").read_text()
    story = story.replace("/images/photos/dry-paddy.jpg", "/images/photos/chart.svg")
    write_site(
        root,
        {
            "assets/images/photos/chart.svg": svg,
            "content/articles/2026/dry-season-forecast.md": story,
        },
    )
    assert run(root, "build").exit_code == 0
    (page,) = (root / "public").rglob("dry-season-forecast/index.html")
    relative = page.parent.relative_to(root / "public").as_posix() + "/"
    values = dict(opengraph(root / "public", relative))
    assert values["og:image"] == BASE + "images/logo.png"
