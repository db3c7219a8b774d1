"""The Jinja2 environment: template lookup (site layouts over the built-in theme), filters, helpers.

Autoescaping is on for every template, and undefined variables are errors, so a typo
in a template fails the build with its file and line instead of printing nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any
from urllib.parse import quote

import jinja2
import jinja2.bccache
from jinja2.runtime import Context, new_context
from markupsafe import Markup, escape

try:  # markupsafe 3 escapes in C but builds the Markup result in Python
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover - markupsafe 2 does all of `escape` in C
    _escape_inner = None

from ssg import feeds, structured
from ssg.assets import asset_helper
from ssg.cache import read_blob, write_blob
from ssg.clock import format_date, format_datetime, iso_local, time_attribute
from ssg.config import SiteConfig, social_name, social_url
from ssg.fragments import CardRenderer
from ssg.helperargs import DATE_AND_TIME, refuse, require
from ssg.model import Image
from ssg.picture import picture_html
from ssg.strays import is_stray

SITE_PATH = "a site path such as '/topics/courts/'"

THEME_DIR_CANDIDATES = (
    Path(__file__).parent / "theme",  # installed wheel: layouts and css copied in
    Path(__file__).parent.parent,  # source checkout / editable install
)


def theme_dir() -> Path:
    """The folder holding the built-in theme's `layouts/` and `assets/css/`."""
    for candidate in THEME_DIR_CANDIDATES:
        if (candidate / "layouts" / "base.html").is_file():
            return candidate
    raise FileNotFoundError("built-in theme not found (the package is incomplete)")


class Urls:
    """Turns site-relative paths ('/topics/x/') into links that carry the base path."""

    def __init__(self, config: SiteConfig):
        self.base_path = config.base_path
        self.origin = config.origin

    def url(self, path: str) -> str:
        """A root-relative link with the base path: '/topics/x/' -> '/news/topics/x/'."""
        try:
            if path.startswith(("http://", "https://", "mailto:", "#", "//")):
                return path
            return self.base_path + path.lstrip("/")
        except (AttributeError, TypeError):  # not text: the calling template's mistake
            refuse("url()", SITE_PATH, path)

    def abs_url(self, path: str) -> str:
        """An absolute URL with scheme and host, for canonical links, feeds and metadata:
        '/topics/x/' -> 'https://example.org/news/topics/x/'. `path` is a site path, never
        one that already carries the base path (a section named after the base folder has
        the site path '/news/', which is '/news/news/' under a '/news/' base)."""
        require(path, str, "abs_url()", SITE_PATH)
        if path.startswith(("http://", "https://")):
            return path
        return self.origin + self.url(path)


def join_names(names: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if isinstance(names, str) or not isinstance(names, Iterable):
        refuse("join_names", "a list of names", names)
    names = list(names)
    for name in names:  # item.authors|join_names wants |map(attribute='name') first
        require(name, str, "join_names", "names as text, such as authors|map(attribute='name')")
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_new_str = str.__new__


def fast_escape(value: Any, /) -> Markup:
    """markupsafe's `escape` (same result for every value), building the `Markup` with
    `str.__new__` instead of calling `Markup.__new__`, a Python function that checks
    again for `__html__`. Every `{{ ... }}` of an autoescaped template calls it, about
    200 times a page: templates render 6-10% faster."""
    if type(value) is str:
        return _new_str(Markup, _escape_inner(value))
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return _new_str(Markup, _escape_inner(str(value)))


class FlatGlobalsTemplate(jinja2.Template):
    """A template whose contexts start from the environment's globals dict when it has no
    globals of its own, instead of from a ChainMap: copying a ChainMap key by key cost
    about a tenth of the render time (every page, card and include makes a context).

    Its compiled code escapes output with `fast_escape` (Jinja binds the name `escape`
    in each compiled template's namespace, which `_from_namespace` receives)."""

    @classmethod
    def _from_namespace(
        cls,
        environment: jinja2.Environment,
        namespace: Any,
        globals: Any,
    ) -> jinja2.Template:
        if _escape_inner is not None and namespace.get("escape") is escape:
            namespace["escape"] = fast_escape
        return super()._from_namespace(environment, namespace, globals)

    def new_context(
        self,
        vars: dict[str, Any] | None = None,
        shared: bool = False,
        locals: Mapping[str, Any] | None = None,
    ) -> Context:
        globals = self.globals
        if isinstance(globals, ChainMap) and len(globals.maps) == 2 and not globals.maps[0]:
            globals = globals.maps[1]  # the environment's globals, still read live
        return new_context(self.environment, self.name, self.blocks, vars, shared, globals, locals)


# Callables that cannot ask for the context themselves: functions and methods (unless
# marked with @pass_context and friends, checked below) and the card helper.
_PLAIN_CALLABLES = (FunctionType, MethodType, BuiltinFunctionType, CardRenderer)


def _dated(name: str, convert: Callable[[Any], str]) -> Callable[[Any], str]:
    """A date filter that names the mistake when given no date (`article.updated` of a
    story never updated is None): not an AttributeError from deep inside ssg."""

    def checked(value: Any) -> str:
        require(value, dt.datetime, name, DATE_AND_TIME)
        return convert(value)

    return checked


def picture_helper(url: Callable[[str], str]) -> Callable[..., Markup]:
    """The `picture()` template helper: a photo's `<picture>` markup."""

    def picture(image: Any, sizes: str = "body", **kw: Any) -> Markup:
        require(image, Image, "picture()", "a photo, such as article.image")
        return picture_html(image, url, sizes, **kw)

    return picture


def checked_social_url(network: str, handle: str) -> str:
    """The `social_url()` template helper (see `ssg.config.social_url`)."""
    require(network, str, "social_url()", "a network's name, such as 'github'")
    require(handle, str, "social_url()", "a handle, such as a site.social entry's value")
    return social_url(network, handle)


def checked_social_name(network: str) -> str:
    """The `social_name()` template helper (see `ssg.config.social_name`)."""
    require(network, str, "social_name()", "a network's name, such as 'github'")
    return social_name(network)


class DirectCallContext(Context):
    """A context that calls plain functions directly: Jinja's generic `call` probes every
    callable (`__call__`, `jinja_pass_arg`) on each `url()`, `asset()` or `card()`."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if type(__obj) not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja does: a StopIteration must not end the render
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in the build cache, so a new process does not compile every
    template again (about 60 ms a build).

    Jinja keys an entry by template name and file and checks it against the source. The
    compiled code also depends on ssg's environment settings, which Jinja does not see,
    so entries live in a folder named by ssg's code version and other versions' folders
    are deleted. Entries are checksummed cache files (`ssg.cache.write_blob`): Jinja's
    own format would load a damaged file as wrong code. A damaged entry is compiled
    again; a folder that cannot be written only costs the compile."""

    def __init__(self, folder: Path, version: str):
        with contextlib.suppress(OSError):
            for old in folder.iterdir() if folder.is_dir() else ():
                if old.name != version:
                    shutil.rmtree(old, ignore_errors=True)
        self.folder = folder / version
        self.version = version.encode()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = read_blob(self.folder / f"{bucket.key}.code", self.version)
        if isinstance(code, bytes):
            try:
                bucket.bytecode_from_string(code)  # checks it against the source
            except Exception:  # written by another Python or Jinja: compile again
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            write_blob(
                self.folder / f"{bucket.key}.code", bucket.bytecode_to_string(), self.version
            )


THEME_PREFIX = "theme/"  # `{% extends "theme/article.html" %}`: the built-in template


class LayoutLoader(jinja2.FileSystemLoader):
    """Templates from the site's `layouts/`, then the theme's; `theme/<name>` is always
    the theme's own, so a site's override can extend the template it replaces. Hidden
    files and editor backups there (`.DS_Store`, `x.html~`, `.x.html.swp`) are not
    templates, and a template that cannot be read as UTF-8 text is a template error
    naming its file."""

    def __init__(self, searchpath: list[str], site_layouts: str | None = None):
        super().__init__(searchpath)
        self.site_layouts = site_layouts
        self.theme = jinja2.FileSystemLoader(searchpath[-1])  # the built-in layouts

    def list_templates(self) -> list[str]:
        return [name for name in super().list_templates() if not _is_stray(name)]

    def shown(self, filename: str) -> str:
        """A template file as messages name it: `layouts/x.html` for one of the site's
        own, like every other site file; the full path for one of the built-in theme's."""
        if self.site_layouts is None:
            return filename
        relative = os.path.relpath(filename, self.site_layouts)
        if relative.startswith(os.pardir) or os.path.isabs(relative):
            return filename
        return "layouts/" + relative.replace(os.sep, "/")

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if _is_stray(template):  # not tracked as a template: its edits would go unseen
            raise UnreadableTemplate(
                "a hidden file or an editor's backup is not loaded as a template "
                "(rename it: names such as x.html~, x.bak, x.tmp or .x are skipped)",
                1,
                template,
                template,
            )
        try:
            if template.startswith(THEME_PREFIX):
                try:
                    return self.theme.get_source(environment, template[len(THEME_PREFIX) :])
                except jinja2.TemplateNotFound:  # named as written: 'theme/artcle.html'
                    raise jinja2.TemplateNotFound(template) from None
            return super().get_source(environment, template)
        except jinja2.TemplateNotFound:  # an OSError too, but not an unreadable file
            raise
        except UnicodeDecodeError as exc:
            reason = f"the file is not UTF-8 text ({exc.reason})"
        except OSError as exc:
            reason = f"cannot read the file: {exc.strerror or exc}"
        filename = next(
            (path for folder in self.searchpath if os.path.isfile(path := f"{folder}/{template}")),
            template,
        )
        raise UnreadableTemplate(reason, 1, template, filename)


def template_file(env: jinja2.Environment, name: str) -> str:
    """The file of template `name` as messages name it (`layouts/x.html` for one of the
    site's own, the full path for one of the theme's); the name itself when not found."""
    loader = env.loader
    try:
        filename = loader.get_source(env, name)[1] if loader else None
    except jinja2.TemplateError:
        return name
    if not filename:
        return name
    return loader.shown(filename) if isinstance(loader, LayoutLoader) else filename


class UnreadableTemplate(jinja2.TemplateSyntaxError):
    """A template file that cannot be read as UTF-8 text."""


def _is_stray(name: str) -> bool:
    """A hidden file or an editor's backup or swap file (`ssg.strays`), by its relative
    path."""
    *folders, last = name.split("/")
    return is_stray(last) or any(is_stray(part, folder=True) for part in folders)


def make_environment(
    config: SiteConfig,
    site_layouts: Path | None,
    asset_manifest: Mapping[str, str] | None = None,
    compiled: jinja2.BytecodeCache | None = None,
) -> jinja2.Environment:
    """An environment that looks in the site's `layouts/` first, then the built-in theme.

    `asset_manifest` maps asset paths to their fingerprinted names (see ssg.assets);
    `compiled` keeps compiled templates between processes (`CompiledTemplates`).
    """
    search = [str(site_layouts)] if site_layouts and site_layouts.is_dir() else []
    builtin = str(theme_dir() / "layouts")
    if builtin not in search:
        search.append(builtin)
    env = jinja2.Environment(
        loader=LayoutLoader(search, search[0] if site_layouts and site_layouts.is_dir() else None),
        autoescape=jinja2.select_autoescape(("html", "xml", "htm"), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=compiled,
    )
    env.template_class = FlatGlobalsTemplate
    env.context_class = DirectCallContext
    urls = Urls(config)
    tz = config.tz
    env.globals.update(
        url=urls.url,
        abs_url=urls.abs_url,
        asset=asset_helper(asset_manifest or {}, urls.url),
        picture=picture_helper(urls.url),
        site=config,
        card=CardRenderer(env),  # the card partial, rendered once per story and reused
        social_url=checked_social_url,
        social_name=checked_social_name,
    )
    env.filters.update(
        format_date=_dated("format_date", lambda value: format_date(value, tz)),
        format_datetime=_dated("format_datetime", lambda value: format_datetime(value, tz)),
        iso=_dated("iso", lambda value: iso_local(value, tz)),
        time_attr=_dated("time_attr", lambda value: time_attribute(value, tz)),
        join_names=join_names,
        html=Markup,  # trusted HTML rendered from Markdown by us
        # a site path with spaces and other characters percent-encoded (escapes kept),
        # for plain-text files such as _redirects where a space separates fields
        uri_path=lambda value: quote(str(value), safe="/%"),
    )
    structured.install(env, config, urls.abs_url)
    feeds.install(env, config)
    return env
