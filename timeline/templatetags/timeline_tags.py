"""Template filters for the public pages."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
