"""Fingerprinted CSS/JS: names follow content, every page links the current name."""

from __future__ import annotations

import re
from pathlib import Path

from ssg.assets import AssetSettings, fingerprinted_name, publish

from conftest import html, run, write_site

NAME = re.compile(r"^/css/style\.([0-9a-f]{8})\.css$")


def stylesheet_links(out: Path) -> set[str]:
    links = set()
    for page in out.rglob("*.html"):
        for link in html(page).cssselect('link[rel="stylesheet"]'):
            links.add(link.get("href"))
    return links


def test_fingerprint_changes_with_content_and_every_page_uses_the_current_name(tiny_site: Path):
    write_site(tiny_site, {"assets/css/style.css": "body { color: black; }\n"})
    assert run(tiny_site, "build").exit_code == 0
    out = tiny_site / "public"
    first = stylesheet_links(out)
    assert len(first) == 1
    name = first.pop()
    assert NAME.match(name)
    assert (out / name.lstrip("/")).read_text() == "body { color: black; }\n"

    write_site(tiny_site, {"assets/css/style.css": "body { color: navy; }\n"})
    assert run(tiny_site, "build").exit_code == 0
    second = stylesheet_links(out)
    assert len(second) == 1
    new_name = second.pop()
    assert NAME.match(new_name) and new_name != name
    assert (out / new_name.lstrip("/")).read_text() == "body { color: navy; }\n"
    assert not (out / name.lstrip("/")).exists()
    assert (out / "css/style.css").read_text() == "body { color: navy; }\n"


def test_other_assets_are_copied_as_is(tiny_site: Path):
    write_site(
        tiny_site,
        {"assets/files/report.pdf": b"%PDF-1.4 fixture", "assets/js/app.js": "let a = 1;\n"},
    )
    assert run(tiny_site, "build").exit_code == 0
    out = tiny_site / "public"
    assert (out / "files/report.pdf").read_bytes() == b"%PDF-1.4 fixture"
    assert not list((out / "files").glob("report.*.pdf"))
    assert [p.name for p in (out / "js").glob("app.*.js")] == [
        Path(fingerprinted_name("js/app.js", b"let a = 1;\n")).name
    ]


def test_minify_option_shrinks_css_and_js(tmp_path: Path):
    css = tmp_path / "style.css"
    css.write_text("/* comment */\nbody {\n  color : red ;\n}\n")
    js = tmp_path / "app.js"
    js.write_text("// comment\nfunction add(a, b) {\n  return a + b;\n}\n")
    published = publish({"css/style.css": css, "js/app.js": js}, AssetSettings(minify=True))
    minified = published.files[published.manifest["css/style.css"]]
    assert minified == b"body{color:red}"
    script = published.files[published.manifest["js/app.js"]]
    assert b"comment" not in script and b"return a+b" in script
    plain = publish({"css/style.css": css}, AssetSettings(fingerprint=False))
    assert plain.manifest == {} and plain.files["css/style.css"] == css


def test_minify_setting_in_site_yml(tiny_site: Path):
    config = (tiny_site / "site.yml").read_text() + "assets:\n  minify: true\n"
    write_site(tiny_site, {"site.yml": config, "assets/css/style.css": "a {\n  color: red;\n}\n"})
    assert run(tiny_site, "build").exit_code == 0
    (name,) = stylesheet_links(tiny_site / "public")
    assert (tiny_site / "public" / name.lstrip("/")).read_text() == "a{color:red}"


def test_a_broken_link_under_assets_is_skipped(tiny_site: Path):
    """A dangling symlink (a moved file) is not an asset: the build and the check go on."""
    write_site(tiny_site, {"assets/images/kept.txt": "kept"})
    (tiny_site / "assets/images/moved.jpg").symlink_to(tiny_site / "nowhere.jpg")
    for command in ("build", "check"):
        result = run(tiny_site, command)
        assert result.exit_code == 0, result.output
        assert "unexpected failure" not in result.output
    assert (tiny_site / "public/images/kept.txt").read_text() == "kept"
    assert not (tiny_site / "public/images/moved.jpg").exists()
