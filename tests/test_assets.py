"""Fingerprinted CSS/JS: names follow content, every page links the current name."""

from __future__ import annotations

import re
from pathlib import Path

from ssg.assets import AssetSettings, fingerprinted_name, publish

from conftest import html, run, snapshot, write_site

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


# asset() paths that name no published file: a located error, not a broken link shipped


def footer_partial(path: str) -> str:
    return '{% extends "theme/base.html" %}{% block head %}\n\n<script src="' + (
        "{{ asset('" + path + "') }}" + '"></script>{% endblock %}\n'
    )


def test_a_misspelt_asset_fails_the_build_at_its_template_line(tiny_site: Path):
    assert run(tiny_site, "build").exit_code == 0
    before = snapshot(tiny_site / "public")
    write_site(tiny_site, {"layouts/base.html": footer_partial("js/aap.js")})
    write_site(tiny_site, {"assets/js/app.js": "let a = 1;\n"})
    result = run(tiny_site, "build")
    assert result.exit_code != 0
    assert "layouts/base.html:3: error: asset('js/aap.js') names no file" in result.output
    assert "did you mean 'js/app.js'?" in result.output
    assert "Traceback" not in result.output
    assert snapshot(tiny_site / "public") == before  # the good output is left alone

    write_site(tiny_site, {"layouts/base.html": footer_partial("/js/app.js?v=2")})
    assert run(tiny_site, "build").exit_code == 0
    page = html(tiny_site / "public/index.html")
    (src,) = [s.get("src") for s in page.cssselect("script[src]") if "app" in s.get("src")]
    assert re.fullmatch(r"/js/app\.[0-9a-f]{8}\.js\?v=2", src)  # fingerprinted, query kept


def test_deleting_an_asset_a_template_names_fails_the_next_build(tiny_site: Path):
    write_site(tiny_site, {"layouts/base.html": footer_partial("files/ticker.txt")})
    write_site(tiny_site, {"assets/files/ticker.txt": "hello"})
    assert run(tiny_site, "build").exit_code == 0
    write_site(tiny_site, {"assets/files/ticker.txt": None})  # not fingerprinted: no new name
    result = run(tiny_site, "build")
    assert result.exit_code != 0
    assert "asset('files/ticker.txt') names no file" in result.output


def test_only_templates_the_site_renders_are_held_to_their_assets(tiny_site: Path):
    # a leftover template no page uses, and one included by the base layout
    write_site(
        tiny_site,
        {
            "layouts/old/unused.html": "{{ asset('css/gone.css') }}",
            "layouts/partials/extra.html": "\n{{ asset('img/gone.png') }}",
            "layouts/base.html": '{% extends "theme/base.html" %}'
            '{% block head %}{% include "partials/extra.html" %}{% endblock %}',
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code != 0
    assert "layouts/partials/extra.html:2: error: asset('img/gone.png')" in result.output
    assert "gone.css" not in result.output


def test_check_reports_a_missing_asset_once_at_its_template(tiny_site: Path):
    write_site(tiny_site, {"layouts/base.html": footer_partial("js/gone.js")})
    result = run(tiny_site, "check")
    assert result.exit_code != 0
    assert "layouts/base.html:3: error: asset('js/gone.js') names no file" in result.output
    assert "[template]" in result.output
    assert "broken link" not in result.output  # not again on every page


# symlinks under assets/: one leading out of the folder would publish any file on the machine


def test_a_symlink_leading_out_of_assets_is_not_published(tiny_site: Path, tmp_path: Path):
    secret = tmp_path / "elsewhere/secret.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:SECRET\n")
    write_site(tiny_site, {"assets/css/site.css": "body { color: black; }\n"})
    assets = tiny_site / "assets"
    (assets / "passwd.css").symlink_to(secret)
    (assets / "css/env.txt").symlink_to("../../../elsewhere/secret.txt")  # relative, still out
    (assets / "css/inside.css").symlink_to("site.css")  # stays inside assets/: published
    (assets / "outside").symlink_to(secret.parent, target_is_directory=True)
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert (
        f"assets/passwd.css: warning: a symlink leading outside the assets folder is not "
        f"published (it leads to {secret})" in result.output
    )
    assert "assets/css/env.txt: warning: a symlink leading outside" in result.output
    assert "hint: copy the file into assets/" in result.output
    assert "assets/outside: warning: a symlinked folder is not published" in result.output
    out = snapshot(tiny_site / "public")
    assert not any(b"SECRET" in data for data in out.values())
    assert not [name for name in out if "passwd" in name or "env.txt" in name]
    assert out["css/inside.css"] == b"body { color: black; }\n"

    result = run(tiny_site, "check")
    assert "assets/passwd.css: warning: a symlink leading outside" in result.output

    # a template asking for it: the asset is missing, at the template's line
    write_site(tiny_site, {"layouts/base.html": footer_partial("passwd.css")})
    result = run(tiny_site, "build")
    assert result.exit_code != 0
    assert "layouts/base.html:3: error: asset('passwd.css') names no file" in result.output
    assert "hint: assets/passwd.css is a symlink leading outside the assets folder" in result.output
    assert "assets/passwd.css: warning: a symlink leading outside" in result.output
    assert "Traceback" not in result.output


def test_editors_backups_and_downloads_in_progress_are_not_published(tiny_site: Path):
    """What `ssg serve` ignores is what the build leaves out (ssg.strays): a backup the
    preview did not rebuild for must not reach the site either."""
    strays = ["css/style.css~", "css/style.css.bak", "css/style.css.orig", "#notes.txt#"]
    strays += ["files/report.pdf.part", "files/data.csv.tmp", "files/clip.mp4.crdownload"]
    write_site(tiny_site, {f"assets/{name}": "x" for name in strays})
    kept = ["files/report.pdf", "files/a~b.txt", "files/#1-ranked.pdf", "images/4913/a.txt"]
    write_site(tiny_site, {f"assets/{name}": "k" for name in kept})
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    out = snapshot(tiny_site / "public")
    assert [name for name in strays if name in out] == []
    assert [name for name in kept if name not in out] == []


def test_dot_files_hosts_read_are_published_and_other_dot_names_are_not(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "assets/.well-known/security.txt": "Contact: mailto:security@tiny.example\n",
            "assets/.well-known/apple-app-site-association": '{"applinks": {}}\n',
            "assets/.well-known/pki-validation/token.txt": "token\n",
            "assets/.nojekyll": "",
            "assets/.htaccess": "Options -Indexes\n",
            "assets/files/.htaccess": "Require all denied\n",
            # not for publishing: a Finder file, a placeholder, a swap file, a repository
            "assets/.DS_Store": b"\x00\x00\x00\x01Bud1",
            "assets/.well-known/.DS_Store": b"\x00\x00\x00\x01Bud1",
            "assets/css/.gitkeep": "",
            "assets/css/.site.css.swp": "swap",
            "assets/.git/config": "[core]\n",
            "assets/files/report.txt": "report\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    out = snapshot(tiny_site / "public")
    assert {name for name in out if "/." in "/" + name} == {
        ".well-known/security.txt",
        ".well-known/apple-app-site-association",
        ".well-known/pki-validation/token.txt",
        ".nojekyll",
        ".htaccess",
        "files/.htaccess",
    }
    assert out[".well-known/security.txt"] == b"Contact: mailto:security@tiny.example\n"
    assert out[".nojekyll"] == b""
    # kept by the next build (the output folder is ssg's: what it did not write goes)
    result = run(tiny_site, "build")
    assert result.exit_code == 0, result.output
    assert snapshot(tiny_site / "public") == out


def test_asset_naming_a_backup_file_says_it_is_not_published(tiny_site: Path):
    write_site(
        tiny_site,
        {
            "assets/files/notes.bak": "x",
            "layouts/page.html": '{% extends "base.html" %}\n{% block content %}'
            "{{ asset('files/notes.bak') }}{% endblock %}\n",
            "content/pages/about.md": "---\ntitle: About\n---\nUs.\n",
        },
    )
    result = run(tiny_site, "build")
    assert result.exit_code == 1
    assert "asset('files/notes.bak') names no file" in result.output
    assert "not published (x~, x.bak, x.tmp, .x…): rename assets/files/notes.bak" in result.output
