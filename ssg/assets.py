"""Static assets: CSS and JS published under fingerprinted names, everything else as is.

`css/style.css` is published as `css/style.3f2a9c1b.css` (the first 8 hex digits of
the SHA-256 of the published bytes), so a host can cache it forever: a changed file
gets a new name. The plain name is published too, for anything outside the site
that links to it. Templates ask for `asset('css/style.css')` and get the current name.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ssg.fields import FieldReader
from ssg.helperargs import require
from ssg.strays import is_stray

FINGERPRINTED = (".css", ".js", ".mjs")

# Names starting with a dot are not published (.DS_Store, .gitkeep, an editor's swap
# file), except these, which hosts read: RFC 8615's folder of well-known files
# (security.txt, app links), the file that turns Jekyll off on GitHub Pages, and
# Apache's settings for a folder.
PUBLISHED_DOT_NAMES = frozenset({".well-known", ".nojekyll", ".htaccess"})


def is_stray_asset(name: str, folder: bool = False) -> bool:
    """True for a file or folder name under assets/ that is not published: a stray file
    (`ssg.strays`: a dot name, an editor's backup) other than the dot names hosts read
    (`PUBLISHED_DOT_NAMES`)."""
    return is_stray(name, folder) and name not in PUBLISHED_DOT_NAMES


@dataclass(frozen=True, slots=True)
class AssetSettings:
    """The `assets:` settings of site.yml."""

    fingerprint: bool = True
    minify: bool = False


@dataclass(frozen=True, slots=True)
class Published:
    """Files to write (output path -> source file or bytes) and the name manifest."""

    files: dict[str, Path | bytes] = field(default_factory=dict)
    manifest: dict[str, str] = field(default_factory=dict)  # 'css/style.css' -> fingerprinted


def parse_asset_settings(reader: FieldReader) -> AssetSettings:
    """Read the optional `assets:` mapping of site.yml."""
    data = reader.mapping("assets")
    if data is None:
        return AssetSettings()
    sub = reader.child("assets", data)
    sub.unknown_keys(("fingerprint", "minify"), "assets setting")
    return AssetSettings(sub.boolean("fingerprint", True), sub.boolean("minify", False))


def fingerprinted_name(path: str, data: bytes) -> str:
    """'css/style.css' -> 'css/style.<8 hex digits of SHA-256>.css'."""
    pure = PurePosixPath(path)
    digest = hashlib.sha256(data).hexdigest()[:8]
    return str(pure.with_name(f"{pure.stem}.{digest}{pure.suffix}"))


def minify(path: str, text: str) -> str:
    """Minified CSS (rcssmin) or JavaScript (rjsmin)."""
    if path.endswith(".css"):
        import rcssmin

        return rcssmin.cssmin(text)
    import rjsmin

    return rjsmin.jsmin(text)


def publish(assets: Mapping[str, Path], settings: AssetSettings) -> Published:
    """Decide what to write for each asset; CSS/JS get fingerprinted (and minified) copies."""
    files: dict[str, Path | bytes] = {}
    manifest: dict[str, str] = {}
    for path, source in assets.items():
        if not path.endswith(FINGERPRINTED) or not (settings.fingerprint or settings.minify):
            files[path] = source
            continue
        data = source.read_bytes()
        if settings.minify:
            with contextlib.suppress(UnicodeDecodeError):  # not text: publish unchanged
                data = minify(path, data.decode("utf-8")).encode("utf-8")
        files[path] = data
        if settings.fingerprint:
            name = fingerprinted_name(path, data)
            files[name] = data
            manifest[path] = name
    return Published(files, manifest)


def split_asset_path(path: str) -> tuple[str, str]:
    """An `asset()` path as the published file's name (no leading slash) and what follows
    it: `/css/a.css?v=2` -> (`css/a.css`, `?v=2`)."""
    relative = path.lstrip("/")
    cut = min((i for i in (relative.find("?"), relative.find("#")) if i >= 0), default=-1)
    return (relative, "") if cut < 0 else (relative[:cut], relative[cut:])


def asset_helper(manifest: Mapping[str, str], url: Callable[[str], str]) -> Callable[[str], str]:
    """The `asset()` template function: a link to the current published name of a file."""

    def asset(path: str) -> str:
        require(path, str, "asset()", "a file's path under assets/, such as 'css/site.css'")
        name, suffix = split_asset_path(path)
        return url("/" + manifest.get(name, name) + suffix)

    return asset
