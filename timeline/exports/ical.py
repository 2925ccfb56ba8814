"""Events as iCalendar all-day events, written by the `icalendar` library (escaping, folding)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import icalendar
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from timeline.exports.files import Format, exported_items
from timeline.models import EventStatus


def ical_status(status: str) -> str:
    if status == EventStatus.CANCELLED:
        return "CANCELLED"
    if status in (EventStatus.SCHEDULED, EventStatus.PROPOSED, EventStatus.SPECULATED):
        return "TENTATIVE"
    return "CONFIRMED"


def ical_chunks(
    events: QuerySet, *, request: HttpRequest, language: str, **_context
) -> Iterator[str]:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Korean Peninsula diplomacy timeline//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", gettext("Korean Peninsula diplomacy"))
    # The calendar's own lines, then each event as the library writes it, then the end line.
    opening, closing = calendar.to_ical().decode().rsplit("END:VCALENDAR", 1)
    yield opening
    host = request.get_host().split(":")[0] or "localhost"
    stamp = timezone.now()
    for _, item in exported_items(events, language=language):
        description = item.summary
        if item.status != EventStatus.OCCURRED:
            description = f"[{item.status}] {description}"
        entry = icalendar.Event()
        entry.add("uid", f"{item.slug}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", item.start)
        # All-day events end on the day after their last day (exclusive).
        entry.add("dtend", item.end + timedelta(days=1))
        entry.add("summary", item.title)
        entry.add("description", f"{item.date_display} — {description}")
        entry.add("url", request.build_absolute_uri(item.url))
        entry.add("categories", [item.kind])
        if item.location:
            entry.add("location", item.location)
        entry.add("status", ical_status(item.status))
        yield entry.to_ical().decode()
    yield "END:VCALENDAR" + closing


FORMAT = Format("ics", "text/calendar; charset=utf-8", "events.ics", ical_chunks)
