"""Events in TimelineJS3's JSON format (slides with dates as precise as the record knows)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.translation import gettext

from timeline.dates import Precision
from timeline.exports.files import Format, exported_items
from timeline.models import EventStatus


def timelinejs_date(day: date, precision: str, *, display: str | None = None) -> dict:
    """A TimelineJS3 date object carrying only the parts the precision allows."""
    parts: dict[str, object] = {"year": day.year}
    if precision in (Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.QUARTER):
        parts["month"] = day.month
    if precision in (Precision.DAY, Precision.WEEK):
        parts["day"] = day.day
    if display:
        parts["display_date"] = display
    return parts


def timelinejs_chunks(events: QuerySet, *, language: str, **_context) -> Iterator[str]:
    title = {
        "text": {
            "headline": gettext("Korean Peninsula diplomacy"),
            "text": gettext("Events with their actors and sources."),
        }
    }
    yield '{"title": ' + json.dumps(title, ensure_ascii=False) + ', "events": ['
    separator = ""
    for _, item in exported_items(events, language=language):
        text = item.summary
        if item.status != EventStatus.OCCURRED:
            text = f"({item.status}) {text}"
        slide = {
            "unique_id": item.slug,
            "start_date": timelinejs_date(item.start, item.precision),
            "display_date": item.date_display,
            # TimelineJS renders these as HTML.
            "text": {"headline": escape(item.title), "text": escape(text)},
            "group": item.kind,
        }
        if item.end != item.start:
            slide["end_date"] = timelinejs_date(item.end, item.precision)
        yield separator + json.dumps(slide, cls=DjangoJSONEncoder, ensure_ascii=False)
        separator = ", "
    yield "]}"


FORMAT = Format("timelinejs", "application/json; charset=utf-8", None, timelinejs_chunks)
