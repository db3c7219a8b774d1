"""What template helpers and filters accept: a value of another kind (an empty field, most
often) is the calling template's mistake, reported at the template's line with what the
helper needs, not as an error from deep inside ssg."""

from __future__ import annotations

from typing import NoReturn

import jinja2

from ssg.errors import TemplateArgumentError

DATE_AND_TIME = "a date and time, such as article.date"


def refuse(helper: str, what: str, got: object) -> NoReturn:
    """Raise the error for a template helper given the wrong thing: `refuse("url()", "a site
    path such as '/topics/courts/'", None)`. A name the template misspelt keeps Jinja's own
    error, which says which name."""
    if isinstance(got, jinja2.Undefined):
        str(got)  # a strict undefined raises its UndefinedError here
    hint = ": a field that may be empty wants {% if … %} around it" if got is None else ""
    raise TemplateArgumentError(f"{helper} needs {what}, got {got!r}{hint}")


def require(value: object, kind: type | tuple[type, ...], helper: str, what: str) -> None:
    """Refuse `value` (see `refuse`) unless it is a `kind`."""
    if not isinstance(value, kind):
        refuse(helper, what, value)
