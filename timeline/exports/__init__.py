"""Exports of a filtered view: CSV, iCalendar, Atom and TimelineJS JSON, one module each.

Each format takes the QuerySet that `selectors.events.event_list` returns and serialises every
event through the API's list entry (`schemas.EventItem`), so an export says exactly what the API
says, in the request's language. The file cache, the export slot and the streaming are shared
(timeline/exports/files.py).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase

from timeline.exports import atom, csv, ical, timelinejs
from timeline.exports.csv import FORMULA_PREFIXES, safe_cell
from timeline.exports.files import MAX_EXPORT_ROWS, Format, cached_export
from timeline.selectors.params import TimelineFilter

FORMATS: dict[str, Format] = {
    module.FORMAT.name: module.FORMAT for module in (csv, ical, atom, timelinejs)
}


def export_response(
    fmt_name: str, events: QuerySet, *, request: HttpRequest, filters: TimelineFilter
) -> HttpResponseBase:
    """The export in format `fmt_name` (a key of FORMATS) of these events."""
    return cached_export(FORMATS[fmt_name], events, request=request, filters=filters)


__all__ = ["FORMATS", "FORMULA_PREFIXES", "MAX_EXPORT_ROWS", "export_response", "safe_cell"]
