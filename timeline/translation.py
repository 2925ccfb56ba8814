"""Content in two languages: which text of a record a reader of a language sees.

The record keeps each translatable field twice, in the same row: `title` (English) and
`title_ko` (Korean), likewise summary, location, an actor's name and description and a tag's
name. Reading goes through `localized()` only, so the pages, the API and the exports fall back
the same way: a field missing in the requested language shows the other language's text,
marked as such (the pages add a small language label and a `lang` attribute).
"""

import re
from dataclasses import dataclass

from django.utils.translation import get_language

from timeline.countries import country_name

CONTENT_LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"
# The fields each model holds in both languages; `<field>_ko` is the Korean column.
TRANSLATED_FIELDS = {
    "event": ("title", "summary", "location"),
    "actor": ("name", "description"),
    "tag": ("name",),
}
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}
# A name written in Hangul only (spaces and middle dots allowed): "김정은", "조선중앙통신".
HANGUL_NAME = re.compile(r"[\uac00-\ud7a3][\uac00-\ud7a3 ·]*")


def content_language(language: str | None = None) -> str:
    """ "ko" for any Korean language tag, else "en"; the active language when none is given."""
    tag = (language or get_language() or DEFAULT_LANGUAGE).lower()
    return "ko" if tag.startswith("ko") else "en"


def column(field: str, *, language: str) -> str:
    return f"{field}_ko" if language == "ko" else field


@dataclass(frozen=True)
class Localized:
    text: str
    language: str  # the language the text is written in
    fallback: bool  # True when the requested language had no text and this is the other one

    def __str__(self) -> str:
        return self.text


def localized(obj: object, field: str, *, language: str | None = None) -> Localized:
    wanted = content_language(language)
    other = "en" if wanted == "ko" else "ko"
    text = (getattr(obj, column(field, language=wanted), "") or "").strip()
    if text:
        return Localized(text, wanted, False)
    if wanted == "ko" and field == "name" and (alias := korean_name(obj)):
        # Most actors were recorded with their Hangul spelling as an alias before name_ko
        # existed: it is their Korean name.
        return Localized(alias, "ko", False)
    text = (getattr(obj, column(field, language=other), "") or "").strip()
    return Localized(text, other if text else wanted, bool(text))


def korean_name(obj: object) -> str:
    """An actor's Korean name when name_ko is empty: a state's name in CLDR (Babel), else a
    Hangul alias."""
    if getattr(obj, "kind", "") == "state" and getattr(obj, "country", ""):
        name = country_name(obj.country, language="ko")
        if name != obj.country:
            return name
    for alias in getattr(obj, "aliases", None) or []:
        if HANGUL_NAME.fullmatch(alias.strip()):
            return alias.strip()
    return ""


def localized_text(obj: object, field: str, *, language: str | None = None) -> str:
    return localized(obj, field, language=language).text


def both_languages(obj: object, field: str) -> dict[str, str]:
    """{"en": …, "ko": …} as stored (empty where not written), for the API and exports."""
    return {
        lang: getattr(obj, column(field, language=lang), "") or "" for lang in CONTENT_LANGUAGES
    }
