"""Language tags (BCP 47: `fr`, `pt-BR`, `zh-Hant-TW`): what the site's `language` says
about writing direction, Open Graph locale and traditional Chinese script, decided once."""

from __future__ import annotations

import re

# languages written right to left, by their primary subtag (ISO 639)
RTL_LANGUAGES = frozenset(
    {"ar", "arc", "azb", "ckb", "dv", "fa", "he", "ks", "ku", "pnb", "prs", "ps", "sd", "syr"}
    | {"ug", "ur", "yi"}
)
# scripts written right to left (ISO 15924), for a tag that names its script
RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa"})
# the territory Open Graph pairs a bare language with (`og:locale` is `fr_FR`, not `fr`)
USUAL_TERRITORY = {
    "ar": "AR",
    "bn": "IN",
    "cs": "CZ",
    "da": "DK",
    "de": "DE",
    "el": "GR",
    "en": "US",
    "es": "ES",
    "fa": "IR",
    "fi": "FI",
    "fr": "FR",
    "he": "IL",
    "hi": "IN",
    "hu": "HU",
    "id": "ID",
    "it": "IT",
    "ja": "JP",
    "km": "KH",
    "ko": "KR",
    "lo": "LA",
    "ms": "MY",
    "my": "MM",
    "nb": "NO",
    "nl": "NL",
    "pl": "PL",
    "pt": "BR",
    "ro": "RO",
    "ru": "RU",
    "sv": "SE",
    "sw": "KE",
    "th": "TH",
    "tl": "PH",
    "tr": "TR",
    "uk": "UA",
    "ur": "PK",
    "vi": "VN",
}
# a BCP 47 language tag, as `lang` attributes want it: `en`, `pt-BR`, `zh-Hant-TW`, `es-419`
LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*"
)


def _parts(language: str) -> list[str]:
    return language.strip().lower().replace("_", "-").split("-")


def is_language_tag(language: str) -> bool:
    """True for a well-formed language tag, as `lang` attributes want it."""
    return LANGUAGE_TAG.fullmatch(language) is not None


def is_traditional_chinese(language: str) -> bool:
    """True for Chinese in traditional script: `zh-Hant`, or Taiwan, Hong Kong or Macau
    without `Hans`."""
    parts = _parts(language)
    if parts[0] != "zh":
        return False
    return "hant" in parts or ("hans" not in parts and any(p in ("tw", "hk", "mo") for p in parts))


def direction(language: str) -> str:
    """`rtl` or `ltr` (`<html dir>`): from the tag's script when it names one (`ku-Latn`,
    `az-Arab`), else from its language."""
    parts = _parts(language)
    script = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    if script is not None:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"


def og_locale(language: str) -> str:
    """The Open Graph locale (`language_TERRITORY`, as `fr_FR`), or empty when the tag
    names no territory and its language has no usual one."""
    parts = _parts(language)
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if region:
        return f"{parts[0]}_{region.upper()}"
    if parts[0] == "zh":
        return "zh_TW" if is_traditional_chinese(language) else "zh_CN"
    territory = USUAL_TERRITORY.get(parts[0])
    return f"{parts[0]}_{territory}" if territory else ""
