"""Fingerprints: short, stable digests of build inputs, used to decide what to re-render.

A page's fingerprint covers everything its bytes can depend on: the values in its
template context, the templates it uses (with every template they include or extend),
the site configuration and the generator's own code. Equal fingerprints mean equal
pages, so a rebuild renders only pages whose fingerprint changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib
import operator
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from ssg.clock import DateOnly
from ssg.fragments import implicit_references

DIGEST_SIZE = 16


def digest_bytes(*parts: bytes) -> bytes:
    """A 16-byte BLAKE2b digest of the concatenated, length-prefixed parts."""
    h = hashlib.blake2b(digest_size=DIGEST_SIZE)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _fields_getter(names: tuple[str, ...]) -> Any:
    """A C-speed function returning an object's field values as a tuple."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        get_one = operator.attrgetter(names[0])
        return lambda obj: (get_one(obj),)
    return operator.attrgetter(*names)


_PLAIN = frozenset({str, int, float, bool, type(None), bytes, dt.datetime, dt.date, DateOnly})


class _Unsigned(Exception):
    """A context value with no cheap signature: digest the context in full."""


_FROZEN: dict[type, bool] = {}


def _is_frozen_dataclass(kind: type) -> bool:
    known = _FROZEN.get(kind)
    if known is None:
        params = getattr(kind, "__dataclass_params__", None)
        known = _FROZEN[kind] = bool(params and params.frozen)
    return known


class Fingerprinter:
    """Digests arbitrary context values; each dataclass object is digested once.

    A value is turned into a tree of plain values (strings, numbers, dates, tuples, and
    the digests of nested dataclass objects), whose `repr` is unambiguous and computed in
    C, then hashed. Values it does not understand are digested through `repr`; a `repr`
    that changes from run to run (an object address) only costs a needless re-render,
    never a stale page.

    Dataclass objects are remembered by identity, which is sound because the content
    model is frozen all the way down. A long-lived builder keeps one Fingerprinter and
    calls `next_build()`: objects the site model reused (unchanged sources) keep their
    digests, and the ones no build uses any more are forgotten.
    """

    def __init__(
        self, skip: dict[type, frozenset[str]] | None = None, *, keep_contexts: bool = True
    ) -> None:
        # id -> (object, digest): holding the object keeps its id from being reused
        self._memo: dict[int, tuple[Any, bytes]] = {}
        self._previous: dict[int, tuple[Any, bytes]] = {}
        self._getters: dict[type, Any] = {}
        self.skip = skip or {}  # fields left out of a class's digest (covered elsewhere)
        # output name -> (signature, objects it names, digest); see context_digest
        self._contexts: dict[str, tuple[Any, list[Any], bytes]] = {}
        self._previous_contexts: dict[str, tuple[Any, list[Any], bytes]] = {}
        self._keep_contexts = keep_contexts  # False: a one-off build, nothing to reuse
        self._unsigned: set[int] = set()  # this build's objects that have no signature

    def next_build(self) -> None:
        """Keep the digests the last build used; forget older ones."""
        self._previous = self._memo
        self._memo = {}
        self._previous_contexts = self._contexts
        self._contexts = {}
        self._unsigned = set()

    def context_digest(self, name: str, context: dict[str, Any]) -> bytes:
        """The digest of an output's template context, reusing the last build's digest
        when the context holds the very same objects as then.

        A cheap signature (plain values, and the identity of frozen objects the last
        build digested) is compared with the one the output `name` had in the previous
        build; the objects it names are kept alive with it, so their ids stay theirs.
        """
        if not self._keep_contexts:
            return self.digest(context)
        keep: list[Any] = []
        try:
            signature = self._signature(context, 4, keep)
        except _Unsigned:
            return self.digest(context)
        entry = self._previous_contexts.get(name)
        if entry is not None and entry[0] == signature:
            self._contexts[name] = entry
            return entry[2]
        digest = self.digest(context)
        self._contexts[name] = (signature, keep, digest)
        return digest

    def _signature(self, value: Any, depth: int, keep: list[Any]) -> Any:
        """Plain values as they are, frozen objects the last build digested by identity,
        containers and other frozen objects by their items, down to `depth` levels
        (deep contexts, such as listings, are cheaper to digest than to sign)."""
        kind = type(value)
        if kind in _PLAIN:
            return value
        if depth == 0:
            raise _Unsigned
        if kind is tuple or kind is list:
            return (kind, *(self._signature(item, depth - 1, keep) for item in value))
        if kind is dict:
            return (dict, *((k, self._signature(v, depth - 1, keep)) for k, v in value.items()))
        if not _is_frozen_dataclass(kind):
            raise _Unsigned
        key = id(value)
        if key in self._previous:
            keep.append(value)
            return (kind, key)
        if key in self._unsigned:  # found too deep before (it is shared by many pages)
            raise _Unsigned
        getter = self._getters.get(kind) or self._getter(kind)
        try:
            return (kind, *(self._signature(item, depth - 1, keep) for item in getter(value)))
        except _Unsigned:
            self._unsigned.add(key)  # alive until the build ends: held by its outputs
            raise

    def digest(self, value: Any) -> bytes:
        """The digest of one value."""
        data = repr(self._plain(value)).encode("utf-8", "surrogatepass")
        return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()

    def text_digest(self, owner: Any, text: str) -> bytes:
        """The digest of a long text held by a frozen object (an article's body),
        remembered with the object."""
        key = -id(owner) - 1  # apart from the owner's own digest, which uses id(owner)
        known = self._remembered(key)
        if known is None:
            known = hashlib.blake2b(
                text.encode("utf-8", "surrogatepass"), digest_size=DIGEST_SIZE
            ).digest()
            self._memo[key] = (owner, known)
        return known

    def _remembered(self, key: int) -> bytes | None:
        entry = self._memo.get(key)
        if entry is None:
            entry = self._previous.get(key)
            if entry is None:
                return None
            self._memo[key] = entry
        return entry[1]

    def _object(self, value: Any) -> bytes:
        key = id(value)
        known = self._remembered(key)
        if known is not None:
            return known
        cls = type(value)
        getter = self._getters.get(cls) or self._getter(cls)
        h = hashlib.blake2b(
            f"{cls.__module__}.{cls.__qualname__}".encode(), digest_size=DIGEST_SIZE
        )
        plain = self._plain
        texts: list[str] = []
        others: list[Any] = []
        for item in getter(value):
            kind = type(item)
            if kind is str:  # hashed as UTF-8, not repr'd: repr of non-ASCII text is slow
                texts.append(item)
                others.append(("S", len(item)))  # the lengths make the joined text unambiguous
            else:
                others.append(item if kind in _PLAIN else plain(item))
        h.update(repr(others).encode("utf-8", "surrogatepass"))
        h.update("".join(texts).encode("utf-8", "surrogatepass"))
        result = h.digest()
        self._memo[key] = (value, result)
        return result

    def _getter(self, cls: type) -> Any:
        skipped = self.skip.get(cls, frozenset())
        names = tuple(n for n in _field_names(cls) if n not in skipped)
        getter = self._getters[cls] = _fields_getter(names)
        return getter

    def _plain(self, value: Any) -> Any:
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is tuple or kind is list:
            return (
                "T" if kind is tuple else "L",
                *(item if type(item) in _PLAIN else self._plain(item) for item in value),
            )
        if kind is dict:
            return ("D", *((self._plain(k), self._plain(v)) for k, v in value.items()))
        if kind in self._getters or (
            dataclasses.is_dataclass(value) and not isinstance(value, type)
        ):
            return self._object(value)
        if isinstance(value, str):  # str subclasses such as Markup
            return ("S", kind.__name__, str(value))
        if isinstance(value, set | frozenset):
            return ("Z", *sorted(repr(self._plain(item)) for item in value))
        if isinstance(value, tuple | list):
            return ("T" if isinstance(value, tuple) else "L", *map(self._plain, value))
        if isinstance(value, dict):
            return ("D", *((self._plain(k), self._plain(v)) for k, v in value.items()))
        return ("R", kind.__qualname__, repr(value))


RENDERERS = ("markdown_it", "mdit_py_plugins", "jinja2", "yaml", "slugify")


def code_version() -> bytes:
    """A digest of the generator's own source files and its renderers' versions.

    The versions come from the modules themselves (`__version__`), which the build has
    imported anyway; reading package metadata instead costs a start-up scan."""
    package = Path(__file__).parent
    parts = [p.read_bytes() for p in sorted(package.glob("*.py"))]
    for name in RENDERERS:
        module = importlib.import_module(name)
        parts.append(f"{name}={getattr(module, '__version__', '?')}".encode())
    return digest_bytes(*parts)


class TemplateDigests:
    """Per template name, a digest of its source and of every template it pulls in."""

    def __init__(self, env: jinja2.Environment):
        self.env = env
        self._sources: dict[str, bytes] = {}
        self._asts: dict[str, jinja2.nodes.Template | None] = {}
        self._refs: dict[str, tuple[str, ...] | None] = {}
        self._closure: dict[str, bytes] = {}

    def _source(self, name: str) -> bytes:
        known = self._sources.get(name)
        if known is None:
            loader = self.env.loader
            assert loader is not None
            try:
                text, _, _ = loader.get_source(self.env, name)
            except jinja2.TemplateNotFound:
                text = "\0missing"
            except jinja2.TemplateError:  # unreadable: rendering reports it, with the file
                text = "\0unreadable"
            known = self._sources[name] = text.encode("utf-8", "surrogatepass")
        return known

    def _text(self, name: str) -> str:
        return self._source(name).decode("utf-8", "surrogatepass")

    def syntax_tree(self, name: str) -> jinja2.nodes.Template | None:
        """The parsed template, or None when it has a syntax error (rendering reports it)."""
        if name not in self._asts:
            try:
                self._asts[name] = self.env.parse(self._text(name))
            except jinja2.TemplateSyntaxError:
                self._asts[name] = None
        return self._asts[name]

    def _references(self, name: str) -> tuple[str, ...] | None:
        """Templates named by extends/include/import; None when a name is computed."""
        if name not in self._refs:
            ast = self.syntax_tree(name)
            found = [] if ast is None else list(jinja2.meta.find_referenced_templates(ast))
            found += implicit_references(self._text(name))
            if any(ref is None for ref in found):
                self._refs[name] = None
            else:
                self._refs[name] = tuple(sorted(set(found)))  # type: ignore[arg-type]
        return self._refs[name]

    def closure(self, name: str) -> set[str]:
        """`name` and every template it extends or includes, directly or not (every
        template there is when one of them computes a template's name)."""
        seen: set[str] = set()
        todo = [name]
        dynamic = False
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            refs = self._references(current)
            if refs is None:
                dynamic = True
                continue
            todo.extend(refs)
        if dynamic:  # a computed template name may load anything: depend on all of them
            seen.update(self.env.list_templates())
        return seen

    def digest(self, name: str) -> bytes:
        """The digest of `name` and everything it extends or includes."""
        known = self._closure.get(name)
        if known is not None:
            return known
        parts: list[bytes] = []
        for item in sorted(self.closure(name)):
            parts += [item.encode(), self._source(item)]
        result = self._closure[name] = digest_bytes(*parts)
        return result


# Where templates may print an article's body: its own page and the feeds (full content).
BODY_TEMPLATES = frozenset({"article.html", "feeds/atom.xml", "feeds/rss.xml"})
_BODY_USE = re.compile(r"(\w+)\.body_html")


def bodies_printed_only_where_expected(env: jinja2.Environment) -> bool:
    """True when no template prints an article body except `article.body_html` in the
    article page and the feeds (`page.body_html` in a page is a Page's own body).

    Then a listing that shows a story as a card does not depend on its body, and an
    article's body can be left out of the digest of every output but those.
    """
    digests = TemplateDigests(env)
    for name in env.list_templates():
        source = digests._source(name).decode("utf-8", "surrogatepass")
        owners = _BODY_USE.findall(source)
        for owner in owners:
            allowed = owner == "page" or (owner == "article" and name in BODY_TEMPLATES)
            if not allowed:
                return False
        if "body_html" in _BODY_USE.sub("", source):
            return False  # used some other way (item['body_html'], a filter): be safe
        if owners and _rebinds(env, source, {"article", "page"}):
            return False  # `article` may then be another story than the page's own
    return True


def _rebinds(env: jinja2.Environment, source: str, names: set[str]) -> bool:
    """True when the template binds one of `names` itself ({% set %}, {% for %},
    {% with %}, a macro's parameter, an import), so that the name may hold something else
    than what the page was given; also when the template cannot be parsed. A loop over
    `feed.articles` is not counted: `printed_articles` has a feed's entries."""
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return True
    entries = set()  # a feed's loop over its entries: their bodies are printed (see below)
    for loop in tree.find_all(jinja2.nodes.For):
        source_of = loop.iter
        if (
            isinstance(source_of, jinja2.nodes.Getattr)
            and isinstance(source_of.node, jinja2.nodes.Name)
            and (source_of.node.name, source_of.attr) == ("feed", "articles")
            and isinstance(loop.target, jinja2.nodes.Name)
        ):
            entries.add(id(loop.target))
    for node in tree.find_all(jinja2.nodes.Name):
        if node.ctx in ("store", "param") and node.name in names and id(node) not in entries:
            return True
    for node in tree.find_all(jinja2.nodes.Import):
        if node.target in names:
            return True
    for node in tree.find_all(jinja2.nodes.FromImport):
        for item in node.names:
            if (item[1] if isinstance(item, tuple) else item) in names:
                return True
    return False


def printed_articles(output: Any) -> tuple[Any, ...]:
    """The stories whose body a planned output prints: an article page's own story,
    a feed's entries (see `BODY_TEMPLATES`)."""
    context = output.context
    article = context.get("article")
    own = (article,) if output.template == "article.html" and article is not None else ()
    feed = context.get("feed")
    return own + tuple(feed.articles) if feed is not None else own


def all_templates_digest(env: jinja2.Environment) -> bytes:
    """One digest over every template the environment can load."""
    digests = TemplateDigests(env)
    names: Iterable[str] = sorted(env.list_templates())
    return digest_bytes(*(part for n in names for part in (n.encode(), digests._source(n))))
