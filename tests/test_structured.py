"""JSON-LD as a search engine reads it (extracted with extruct), and the headline-length warning."""

from __future__ import annotations

import json
from pathlib import Path

import extruct
import pytest
from PIL import Image as PILImage

from ssg.structured import to_jsonld

from conftest import html, run, write_site

BASE = "https://deltaledger.example/"
ARTICLE = "2026/11/20/salinity-crisis/"


def jsonld(out: Path, page: str) -> dict[str, dict]:
    """The page's JSON-LD items by @type, extracted as a crawler would."""
    text = (out / page / "index.html").read_text(encoding="utf-8")
    items = extruct.extract(text, base_url=BASE + page, syntaxes=["json-ld"])["json-ld"]
    by_type = {item["@type"]: item for item in items}
    assert len(by_type) == len(items)
    return by_type


def test_news_article_carries_every_property(sample_build: Path):
    data = jsonld(sample_build, ARTICLE)["NewsArticle"]
    page = html(sample_build / ARTICLE / "index.html")
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == page.cssselect("h1.headline")[0].text_content()
    assert data["description"] == page.cssselect(".dek")[0].text_content()
    assert data["datePublished"] == "2026-11-20T09:30:00+07:00"
    assert data["dateModified"] == "2026-11-21T14:05:00+07:00"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": BASE + ARTICLE}
    assert data["articleSection"] == "Climate"
    assert data["keywords"] == [a.text_content() for a in page.cssselect(".story-topics a")]
    # every author is a separate Person with the URL of their author page
    assert data["author"] == [
        {"@type": "Person", "name": "Linh Tran", "url": BASE + "authors/linh-tran/"},
        {"@type": "Person", "name": "Marcus Hale", "url": BASE + "authors/marcus-hale/"},
    ]
    for person in data["author"]:
        assert (sample_build / person["url"][len(BASE) :] / "index.html").is_file()
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "The Delta Ledger"
    assert publisher["logo"]["url"] == BASE + "images/logo.png"
    image, *crops = data["image"]
    hero = page.cssselect(".hero img")[0]
    assert image["@type"] == "ImageObject"
    with PILImage.open(sample_build / image["url"][len(BASE) :]) as original:
        assert (image["width"], image["height"]) == original.size
    assert image["width"] / image["height"] == int(hero.get("width")) / int(hero.get("height"))
    ratios = set()
    for crop in crops:
        with PILImage.open(sample_build / crop["url"][len(BASE) :]) as picture:
            assert (crop["width"], crop["height"]) == picture.size
        assert crop["creditText"] == image["creditText"]
        ratios.add(round(crop["width"] / crop["height"], 2))
    assert ratios == {round(16 / 9, 2), round(4 / 3, 2), 1.0}
    assert image["caption"] == page.cssselect(".hero .caption")[0].text_content()
    assert image["creditText"] == "Linh Tran/The Delta Ledger"
    assert image["copyrightHolder"] == {"@type": "Organization", "name": "The Delta Ledger"}
    [correction] = data["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"].startswith("An earlier version of this article misstated")
    assert correction["datePublished"].startswith("2026-11-21T00:00:00+07:00")
    for url in (data["url"], image["url"], publisher["logo"]["url"]):
        assert url.startswith("https://")


def test_article_breadcrumbs_lead_home_then_topic(sample_build: Path):
    crumbs = jsonld(sample_build, ARTICLE)["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "The Delta Ledger", BASE),
        (2, "Mekong River", BASE + "topics/mekong-river/"),
        (
            3,
            "Salt water pushes deeper into the Mekong Delta than in any November on record",
            BASE + ARTICLE,
        ),
    ]


def test_topic_author_and_home_pages(sample_build: Path):
    crumbs = jsonld(sample_build, "topics/rice/")["BreadcrumbList"]["itemListElement"]
    assert [c["item"] for c in crumbs] == [BASE, BASE + "topics/", BASE + "topics/rice/"]
    profile = jsonld(sample_build, "authors/linh-tran/")["ProfilePage"]
    person = profile["mainEntity"]
    assert person["@type"] == "Person" and person["name"] == "Linh Tran"
    assert person["url"] == BASE + "authors/linh-tran/"
    assert person["jobTitle"]
    assert "https://x.com/linhtran_news" in person["sameAs"]
    text = (sample_build / "index.html").read_text()
    [site] = extruct.extract(text, base_url=BASE, syntaxes=["json-ld"])["json-ld"]
    assert site["@type"] == "WebSite" and site["url"] == BASE and site["name"] == "The Delta Ledger"


@pytest.mark.parametrize(
    "text",
    ["</script><script>alert(1)</script>", '"quoted" & <b>', "line\u2028separator\u2029", "<!-- x"],
)
def test_jsonld_text_cannot_leave_its_script_element(text: str):
    serialized = str(to_jsonld({"headline": text}))
    assert "<" not in serialized and ">" not in serialized and "&" not in serialized
    assert "\u2028" not in serialized and "\u2029" not in serialized
    assert json.loads(serialized) == {"headline": text}


def test_long_headline_warns_with_its_location(tiny_site: Path):
    title = "A " + "very " * 25 + "long headline"
    assert len(title) > 110
    write_site(
        tiny_site,
        {
            "content/articles/long.md": f"---\nauthors: li-wei\ntitle: {title}\ndate: 2024-03-04\n---\nBody.\n"
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0
    assert (
        f"content/articles/long.md:3: warning: field 'title': headline is {len(title)} characters long"
        in result.output
    )
    assert "first.md" not in result.output  # short headlines pass quietly


def test_a_wire_service_author_is_an_organization(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "content/authors/reuters.md": "---\nname: Reuters\nrole: News agency\n"
            "organization: true\n---\nCopy from Reuters.\n",
            "content/articles/wire.md": "---\ntitle: Wire copy\nauthors: [reuters, li-wei]\n"
            "date: 2024-03-05T09:00:00+07:00\n---\nBody.\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    out = tiny_site / "public"
    article = jsonld(out, "2024/03/05/wire/")["NewsArticle"]
    assert [(a["@type"], a["name"]) for a in article["author"]] == [
        ("Organization", "Reuters"),
        ("Person", "Li Wei"),
    ]
    profile = jsonld(out, "authors/reuters/")["ProfilePage"]["mainEntity"]
    assert profile["@type"] == "Organization" and "jobTitle" not in profile
    byline = html(out / "2024/03/05/wire/index.html").cssselect(".byline")[0].text_content()
    assert "Reuters" in " ".join(byline.split())
