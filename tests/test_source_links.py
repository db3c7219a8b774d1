"""Links to other sources by file path: where they resolve, and where they are an error."""

from __future__ import annotations

from pathlib import Path

from buildtime import run_at

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


def test_a_source_that_fails_to_parse_gives_one_error_not_its_echoes(tiny_site: Path):
    home = "top:\n  - first\n  - content/articles/first.md\n"
    broken = "---\ntitle: First story\nauthors: ana-ruiz\ndate: 2024-03-01\ntopics: [Oops, [A]\n"
    write_site(
        tiny_site, {"content/home.yml": home, "content/articles/first.md": broken + "---\nB.\n"}
    )
    for command in ("build", "check"):
        result = run(tiny_site, command)
        assert result.exit_code != 0
        errors = [line for line in result.output.splitlines() if "error:" in line]
        assert len(errors) == 1, result.output  # not "link to first.md does not exist" too
        assert "content/articles/first.md:6: error: invalid YAML" in errors[0]


def test_a_link_to_an_expired_story_loses_its_link_not_the_build(tiny_site: Path):
    first = (tiny_site / "content/articles/first.md").read_text()
    expiring = first.replace("topics:", "expires: 2024-03-10T00:00:00+07:00\ntopics:")
    write_site(tiny_site, {"content/articles/first.md": expiring})
    assert run_at(tiny_site, "2024-03-05T00:00:00Z", "build").exit_code == 0
    second = tiny_site / "public/2024/03/02/second/index.html"
    assert "/2024/03/01/first/" in body_links(second)

    later = run_at(tiny_site, "2024-03-11T00:00:00Z", "build")
    assert later.exit_code == 0, later.output
    assert "second.md:7: warning: link to content/articles/first.md, which has expired" in (
        later.output
    )
    page = html(second)
    assert "the first" in page.cssselect("main")[0].text_content()
    assert not [h for h in body_links(second) if "first" in h or h == "#"]


def test_a_link_to_a_draft_says_it_is_a_draft(tiny_site: Path):
    first = (tiny_site / "content/articles/first.md").read_text()
    write_site(
        tiny_site, {"content/articles/first.md": first.replace("topics:", "draft: true\ntopics:")}
    )
    result = run(tiny_site, "build")
    assert result.exit_code != 0
    assert "second.md:7: error: link to content/articles/first.md is a draft" in result.output


def test_an_author_file_named_with_accents_is_found_by_that_name(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "content/authors/müller.md": "---\nname: Jana Müller\n---\nJana reports.\n",
            "content/articles/third.md": "---\ntitle: Third story\nauthors: [müller, Li Wei]\n"
            "date: 2024-03-03T10:00:00Z\n---\nThird.\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    page = html(tiny_site / "public/2024/03/03/third/index.html")
    bylines = [a.get("href") for a in page.cssselect(".byline a")]
    assert "/authors/muller/" in bylines and "/authors/li-wei/" in bylines


def test_a_javascript_link_in_a_body_is_announced_where_it_is(tiny_site: Path):
    story = "---\ntitle: T\nauthors: ana-ruiz\ndate: 2024-03-05\n---\nFirst.\n\n"
    story += "Click [here](javascript:alert(1)) now.\n"
    write_site(tiny_site, {"content/articles/t.md": story})
    result = run(tiny_site, "build")
    assert result.exit_code == 0
    assert "content/articles/t.md:8: warning: a link to a javascript:" in result.output
    page = html(tiny_site / "public/2024/03/05/t/index.html")
    assert not [a for a in page.cssselect("main a") if "javascript" in (a.get("href") or "")]


def test_a_live_update_linking_an_expired_story_loses_the_link_not_the_build(tiny_site: Path):
    first = (tiny_site / "content/articles/first.md").read_text()
    expiring = first.replace("topics:", "expires: 2024-03-10T00:00:00+07:00\ntopics:")
    live = "---\ntitle: Live\nauthors: li-wei\ndate: 2024-03-09T08:00:00+07:00\nlive: true\n---\n"
    live += "Intro.\n\n## 08:15 Update\n\nSee [the first story](first.md).\n"
    write_site(tiny_site, {"content/articles/first.md": expiring, "content/articles/live.md": live})
    assert run_at(tiny_site, "2024-03-09T12:00:00+07:00", "build").exit_code == 0
    later = run_at(tiny_site, "2024-03-11T00:00:00Z", "build")
    assert later.exit_code == 0, later.output
    assert (
        "live.md:9: warning: link to content/articles/first.md, which has expired" in later.output
    )
    page = html(tiny_site / "public/2024/03/09/live/index.html")
    assert "See the first story." in page.cssselect("main")[0].text_content()
    assert not [a for a in page.cssselect("main a") if "first" in (a.get("href") or "")]


def test_live_updates_find_an_accented_author_by_name(tiny_site: Path):
    live = "---\ntitle: Live\nauthors: li-wei\ndate: 2024-03-09T08:00:00+07:00\nlive: true\n"
    live += "updates:\n  - time: '09:00'\n    title: Early\n    author: müller\n    text: First.\n"
    live += "---\nIntro.\n\n## 08:15 Update {author=Müller}\n\nSecond.\n"
    write_site(
        tiny_site,
        {
            "content/authors/müller.md": "---\nname: Jana Müller\n---\nJana reports.\n",
            "content/articles/live.md": live,
        },
    )
    result = run_at(tiny_site, "2024-03-09T12:00:00+07:00", "build")
    assert result.exit_code == 0, result.output
    page = (tiny_site / "public/2024/03/09/live/index.html").read_text()
    assert page.count("Jana Müller") >= 2


def test_a_link_written_composed_finds_a_file_named_decomposed(tiny_site: Path):
    import unicodedata

    name = unicodedata.normalize("NFD", "đại-ngãi.md")  # as a Mac may have stored it
    write_site(
        tiny_site,
        {
            f"content/articles/{name}": "---\ntitle: Dai Ngai\nauthors: li-wei\n"
            "date: 2024-03-04T09:00:00+07:00\n---\nBody.\n",
            "content/articles/third.md": "---\ntitle: Third story\nauthors: li-wei\n"
            "date: 2024-03-03T10:00:00Z\n---\nSee [the town](đại-ngãi.md).\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    (town,) = [
        h for h in body_links(tiny_site / "public/2024/03/03/third/index.html") if "dai" in h
    ]
    assert (tiny_site / "public" / town.lstrip("/") / "index.html").is_file()
