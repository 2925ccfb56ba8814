"""Template filters for the public pages."""

import json
import re
from datetime import date

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from timeline.countries import country_name
from timeline.search import parse_websearch

register = template.Library()


@register.filter
def http_url(value: str) -> str:
    """The URL if it is an http(s) address, else "" (never a javascript: link)."""
    text = str(value or "").strip()
    return text if re.match(r"^https?://", text, re.I) else ""


@register.filter
def highlight(value: str, query: str) -> SafeString:
    """Escape `value`, then mark the words of the search query in it."""
    text = escape(value or "")
    terms, _ = parse_websearch(query or "")
    terms = sorted({escape(t) for t in terms if len(t) >= 2}, key=len, reverse=True)
    if not terms:
        return mark_safe(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.I)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", text))


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
def place(event) -> str:
    """Where the event happened, for reading: "Beijing, China"; the country alone when the
    place is the country or unknown."""
    location = (event.location or "").strip()
    if location.casefold() in NOT_A_PLACE:
        location = ""
    name = country_name(event.country) if event.country else ""
    if location and name and not location.casefold().endswith(name.casefold()):
        return f"{location}, {name}"
    return location or name


@register.simple_tag
def last_updated() -> date | None:
    """When the published record last changed: one indexed query, cached per data version."""
    from django.core.cache import cache
    from django.db.models import Max

    from timeline.caching import data_version
    from timeline.models import Event

    key = f"last-updated:{data_version()}"
    found = cache.get(key)
    if found is None:
        newest = Event.objects.published().aggregate(newest=Max("updated_at"))["newest"]
        found = {"date": timezone.localdate(newest) if newest else None}
        cache.set(key, found, 3600)
    return found["date"]
