"""Alphabetical order for names in any Latin-script language, without a locale database.

Sorting by code point puts "Đà Nẵng", "Ấn Độ" and "Ánh Viên" after "Zalo"; a reader looks
for them under D and A. Letters are compared without their accents first (đ as d, ß as ss),
then as written, so the order is stable and "Hue" and "Huế" stay side by side.
"""

from __future__ import annotations

import unicodedata

# letters that carry no combining mark to strip, and their base letters
_BASE_LETTERS = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"}
)


def sort_key(name: str) -> tuple[str, str]:
    """A key that sorts `name` alphabetically: accents set aside, then as written."""
    folded = name.casefold().translate(_BASE_LETTERS)
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
    )
    return plain, name.casefold()
