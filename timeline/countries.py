"""Country names for ISO 3166-1 alpha-2 codes, from Babel's CLDR territory names.

The record stores codes (KP, KR); readers see names in the language of the page, and may type
a name where a code is expected.
"""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language


@lru_cache(maxsize=16)
def territory_names(language: str) -> dict[str, str]:
    """{"KP": "North Korea", …} for the two-letter codes CLDR names in `language`."""
    try:
        locale = Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        locale = Locale("en")
    return {
        code: name
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code != "ZZ"
    }


def current_language() -> str:
    return get_language() or "en"


def country_name(code: str, *, language: str | None = None) -> str:
    """The country's name, or the code itself if CLDR does not know it."""
    return territory_names(language or current_language()).get(code, code)


@lru_cache(maxsize=1)
def names_to_codes() -> dict[str, str]:
    """Lower-cased English and Korean names (and codes) to codes, for typed input."""
    lookup: dict[str, str] = {}
    for language in ("en", "ko"):
        for code, name in territory_names(language).items():
            lookup.setdefault(name.casefold(), code)
    for code in territory_names("en"):
        lookup[code.casefold()] = code
    return lookup


def country_code(text: str) -> str | None:
    """KP for "KP", "kp", "North Korea" or "북한"; None for anything else."""
    return names_to_codes().get(text.strip().casefold())
