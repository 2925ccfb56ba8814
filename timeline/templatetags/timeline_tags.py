"""Template filters for the public pages."""

import json
import re
from datetime import date

from babel import Locale, UnknownLocaleError
from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from timeline.cards import mark_terms, search_terms, terms_slot
from timeline.countries import country_name
from timeline.selectors.events import last_published_change
from timeline.translation import content_language, localized_text
from timeline.translation import localized as read

register = template.Library()


@register.filter
def http_url(value: str) -> str:
    """The URL if it is an http(s) address, else "" (never a javascript: link)."""
    text = str(value or "").strip()
    return text if re.match(r"^https?://", text, re.I) else ""


@register.filter
def highlight(value: str, query: str) -> SafeString:
    """Escape `value`, then mark the words of the search query in it."""
    return mark_terms(escape(value or ""), search_terms(query))


# The characters that could end a <script> element or start a comment inside one.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(value: dict) -> SafeString:
    """A schema.org data block. It is data, not script: a CSP without 'unsafe-inline' lets
    it stand, and nothing in it can close the element."""
    text = json.dumps(value, ensure_ascii=False, default=str).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.filter
def country(code: str) -> str:
    """The country's name for its ISO code, in the language of the page."""
    return country_name(code) if code else ""


# What some sources put where a place should be: not a place to print.
NOT_A_PLACE = {"unknown", "n/a", "-", "?"}


@register.filter
def place(event) -> SafeString:
    """Where the event happened, for reading: "Beijing, China"; the country alone when the
    place is the country or unknown. A place not yet translated is marked with its language."""
    value = read(event, "location")
    location = value.text
    if location.casefold() in NOT_A_PLACE:
        location = ""
    name = country_name(event.country) if event.country else ""
    shown = escape(location)
    if location and value.fallback:
        shown = f'<span lang="{value.language}">{shown}</span>'
    if location and name and not location.casefold().endswith(name.casefold()):
        return mark_safe(f"{shown}, {escape(name)}")
    return mark_safe(shown or escape(name))


@register.filter
def month_label(day: date) -> str:
    """A month marker: "June 2018", "2018년 6월"."""

    return format_date(day, "Y년 n월" if content_language() == "ko" else "F Y")


@register.simple_tag
def last_updated() -> date | None:
    """When the published record last changed: one indexed query, cached per data version."""

    return last_published_change()


@register.filter
def tr(obj, field: str) -> str:
    """The field of a record in the page's language, or in the other one when missing."""

    return localized_text(obj, field) if obj is not None else ""


@register.simple_tag
def localized(obj, field: str, q: str = "", slot: bool = False) -> SafeString:
    """The field in the page's language; a fallback to the other language is marked with its
    language (lang attribute and a small label), and the search words are highlighted (with
    `slot`, a stored card's text is marked as the place to highlight them when read)."""

    value = read(obj, field)
    if slot:
        html = terms_slot(escape(value.text))
    else:
        html = highlight(value.text, q) if q else escape(value.text)
    if not value.fallback:
        return mark_safe(html)
    label = gettext("English") if value.language == "en" else gettext("Korean")
    note = gettext("Not yet translated")
    return mark_safe(
        f'<span lang="{value.language}">{html}</span> '
        f'<small class="fallback-label" title="{escape(note)}">{escape(label)}</small>'
    )


@register.filter
def with_lang(url: str) -> str:
    """An API or export address in the page's language (the API's default is English)."""

    if content_language() == "en":
        return url
    return f"{url}{'&' if '?' in url else '?'}lang={content_language()}"


@register.filter
def long_date(value: date | None) -> str:
    """A day as a reader of the page's language writes it: "12 June 2018", "2018년 6월 12일"."""

    if not value:
        return ""
    return format_date(value, "Y년 n월 j일" if content_language() == "ko" else "j F Y")


@register.filter
def language_name(code: str) -> str:
    """A source's language (BCP 47) named in the page's language: "en" -> "English", "영어"."""

    try:
        return Locale.parse(code, sep="-").get_display_name(content_language()) or code
    except (ValueError, UnknownLocaleError, TypeError):
        return code
