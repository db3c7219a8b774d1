"""`evolve`: `dataclasses.replace` for the content model, several times faster; and
`pickled_by_fields`, the same idea for pickling.

The site model copies every article a few times per build (URL, photos, links), so the
generic `replace`, which walks the field list in Python on every call, shows up in
profiles of large archives. This one reads all fields at C speed and calls the class.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeVar

T = TypeVar("T")

_READERS: dict[type, tuple[tuple[str, ...], Any]] = {}


def _reader(cls: type) -> tuple[tuple[str, ...], Any]:
    names = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    if len(names) == 1:
        get_one = operator.attrgetter(names[0])
        reader = (names, lambda obj: (get_one(obj),))
    else:
        reader = (names, operator.attrgetter(*names))
    _READERS[cls] = reader
    return reader


def evolve(obj: T, **changes: Any) -> T:
    """A copy of the dataclass object `obj` with `changes` applied (like `replace`)."""
    cls = type(obj)
    names, read = _READERS.get(cls) or _reader(cls)
    values = dict(zip(names, read(obj), strict=True))
    for name in changes:
        if name not in values:
            raise TypeError(f"{cls.__name__} has no field {name!r} to change")
    values.update(changes)
    return cls(**values)  # type: ignore[return-value]


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Class decorator: pickle instances as (class, field values), read at C speed and
    rebuilt by calling the class. A slots dataclass otherwise pickles through Python
    `__getstate__`/`__setstate__` that look up its field list for every object, which
    dominated writing the parse cache and the snapshot of a large archive."""
    names, read = _READERS.get(cls) or _reader(cls)
    if names != tuple(f.name for f in dataclasses.fields(cls)):  # type: ignore[arg-type]
        raise TypeError(f"{cls.__name__} has fields outside __init__")

    def __reduce__(self: Any) -> tuple[type, tuple]:
        return cls, read(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign,assignment]
    return cls
