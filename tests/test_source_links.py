"""Links to other sources by file path: where they resolve, and where they are an error."""

from __future__ import annotations

from pathlib import Path

from conftest import html, run, write_site
from photofix import make_photo


def body_links(page: Path) -> list[str]:
    return [a.get("href") for a in html(page).cssselect("main a[href]")]


def test_links_to_author_topic_and_accented_sources_resolve(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "content/topics/courts.md": "---\nname: Courts\n---\nThe courts desk.\n",
            "content/articles/sub/đại ngãi.md": "---\ntitle: Dai Ngai\nauthors: li-wei\n"
            "date: 2024-03-04T09:00:00+07:00\n---\nBody.\n",
            "content/articles/third.md": "---\ntitle: Third story\nauthors: li-wei\n"
            "date: 2024-03-03T10:00:00Z\n---\nSee [Ana](../authors/ana-ruiz.md), "
            "[courts](/topics/courts.md) and [the town](<sub/đại ngãi.md>).\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    out = tiny_site / "public"
    links = body_links(out / "2024/03/03/third/index.html")
    assert "/authors/ana-ruiz/" in links and "/topics/courts/" in links
    (town,) = [h for h in links if "dai" in h]
    assert (out / town.lstrip("/") / "index.html").is_file()
    assert not [p for p in out.rglob("*.html") if "ssg-link:" in p.read_text()]


def test_source_links_where_nothing_resolves_them_are_located_errors(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "content/authors/li-wei.md": "---\nname: Li Wei\n---\nLi edits data.\n\n"
            "Her best: [a story](../articles/first.md).\n",
            "content/topics/courts.md": "---\nname: Courts\n"
            "description: Follows [the first](../articles/first.md).\n---\n",
            "content/articles/third.md": "---\ntitle: Third story\nauthors: li-wei\n"
            "date: 2024-03-03T10:00:00Z\ntopics: [Courts]\ncorrections:\n"
            "  - date: 2024-03-04\n    text: An [earlier story](first.md) was misnamed.\n---\nT.\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code != 0
    out = result.output
    assert "content/authors/li-wei.md:6: error: the body links another source" in out
    assert "content/topics/courts.md:3: error: field 'description': links another source" in out
    assert "content/articles/third.md:8: error: field 'corrections.0.text': links" in out
    assert "hint: write the page's site path instead" in out
    assert "Traceback" not in out and not (tiny_site / "public").exists()


def test_photos_in_live_updates_go_through_the_photo_pipeline(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "assets/images/gauge.jpg": make_photo(1200, 800),
            "content/articles/third.md": "---\ntitle: Live\nauthors: li-wei\n"
            "date: 2024-03-03T10:00:00+07:00\nlive: true\n---\nIntro.\n\n"
            "## 11:15 Gauge rises\n\n"
            '![The gauge](/images/gauge.jpg "At noon.  Photo: Li Wei")\n\n'
            "## 12:00 Still rising\n\n![Gone](/images/missing.jpg)\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code != 0
    assert "third.md:15: error: field 'body': image file not found" in result.output
    write_site(
        tiny_site,
        {
            "content/articles/third.md": (
                (tiny_site / "content/articles/third.md")
                .read_text()
                .replace("![Gone](/images/missing.jpg)", "Text.")
            )
        },
    )
    assert run(tiny_site, "build").exit_code == 0
    page = html(tiny_site / "public/2024/03/03/third/index.html")
    (picture,) = page.cssselect("picture")
    assert picture.cssselect("source[type='image/webp']")
    assert picture.cssselect("img")[0].get("width")
