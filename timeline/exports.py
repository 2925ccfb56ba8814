"""Exports of a filtered view: CSV, iCalendar, Atom and TimelineJS JSON.

Each takes the QuerySet that `filters.event_list` returns and serialises every event through
`schemas.event_item`, so an export says exactly what the API says.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from xml.etree import ElementTree as ET

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from timeline.dates import Precision
from timeline.models import Event
from timeline.schemas import event_item

MAX_EXPORT_ROWS = 20_000
CSV_COLUMNS = [
    "slug",
    "title",
    "kind",
    "start",
    "end",
    "precision",
    "approximate",
    "date_display",
    "status",
    "location",
    "country",
    "actors",
    "summary",
    "source_urls",
    "ai_generated_sources",
    "tags",
    "url",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def items(events: QuerySet) -> Iterable[tuple[Event, dict]]:
    for event in events[:MAX_EXPORT_ROWS]:
        yield event, event_item(event)


def safe_cell(value: object) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; neutralise them."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_response(events: QuerySet) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for _, item in items(events):
        row = {
            **item,
            "actors": "; ".join(a["name"] for a in item["actors"]),
            "source_urls": "; ".join(s["url"] for s in item["sources"] if s["url"]),
            "ai_generated_sources": sum(1 for s in item["sources"] if s["ai_generated"]),
            "tags": "; ".join(item["tags"]),
            "approximate": "true" if item["approximate"] else "false",
        }
        writer.writerow([safe_cell(row[column]) for column in CSV_COLUMNS])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="events.csv"'
    return response


def ical_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ical_fold(line: str) -> list[str]:
    """RFC 5545 lines are at most 75 octets; longer ones continue after CRLF and a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return [line]
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        limit = 75 if not parts else 74
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return [parts[0], *(" " + part for part in parts[1:])]


def ical_response(events: QuerySet, *, request: HttpRequest) -> HttpResponse:
    host = request.get_host().split(":")[0] or "localhost"
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Korean Peninsula diplomacy timeline//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Korean Peninsula diplomacy",
    ]
    for _, item in items(events):
        description = item["summary"]
        if item["status"] != "occurred":
            description = f"[{item['status']}] {description}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item['slug']}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{item['start']:%Y%m%d}",
            # All-day events end on the day after their last day (exclusive).
            f"DTEND;VALUE=DATE:{item['end'] + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{ical_escape(item['title'])}",
            f"DESCRIPTION:{ical_escape(item['date_display'] + ' — ' + description)}",
            f"URL:{request.build_absolute_uri(item['url'])}",
            f"CATEGORIES:{ical_escape(item['kind'])}",
        ]
        if item["location"]:
            lines.append(f"LOCATION:{ical_escape(item['location'])}")
        if item["status"] == "cancelled":
            lines.append("STATUS:CANCELLED")
        elif item["status"] in ("scheduled", "proposed", "speculated"):
            lines.append("STATUS:TENTATIVE")
        else:
            lines.append("STATUS:CONFIRMED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    folded = [part for line in lines for part in ical_fold(line)]
    response = HttpResponse(
        "\r\n".join(folded) + "\r\n", content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="events.ics"'
    return response


def atom_response(events: QuerySet, *, request: HttpRequest, filters) -> HttpResponse:
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed")
    ET.SubElement(feed, f"{{{ns}}}title").text = "Korean Peninsula diplomacy timeline"
    ET.SubElement(feed, f"{{{ns}}}id").text = request.build_absolute_uri()
    ET.SubElement(feed, f"{{{ns}}}link", rel="self", href=request.build_absolute_uri())
    page_url = request.build_absolute_uri("/") + (
        f"?{filters.to_query().urlencode()}" if not filters.is_empty() else ""
    )
    ET.SubElement(feed, f"{{{ns}}}link", rel="alternate", type="text/html", href=page_url)
    updated = ET.SubElement(feed, f"{{{ns}}}updated")
    latest = None
    for event, item in items(events):
        entry = ET.SubElement(feed, f"{{{ns}}}entry")
        url = request.build_absolute_uri(item["url"])
        ET.SubElement(entry, f"{{{ns}}}id").text = url
        ET.SubElement(entry, f"{{{ns}}}title").text = f"{item['date_display']}: {item['title']}"
        ET.SubElement(entry, f"{{{ns}}}link", rel="alternate", type="text/html", href=url)
        ET.SubElement(entry, f"{{{ns}}}updated").text = event.updated_at.isoformat()
        ET.SubElement(entry, f"{{{ns}}}published").text = datetime.combine(
            item["start"], time(), tzinfo=UTC
        ).isoformat()
        ET.SubElement(entry, f"{{{ns}}}summary").text = item["summary"]
        ET.SubElement(entry, f"{{{ns}}}category", term=item["kind"])
        for actor in item["actors"]:
            author = ET.SubElement(entry, f"{{{ns}}}contributor")
            ET.SubElement(author, f"{{{ns}}}name").text = actor["name"]
        latest = max(latest, event.updated_at) if latest else event.updated_at
    updated.text = (latest or timezone.now()).isoformat()
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return HttpResponse(
        '<?xml version="1.0" encoding="utf-8"?>\n' + body,
        content_type="application/atom+xml; charset=utf-8",
    )


def timelinejs_date(day, precision: str, *, display: str | None = None) -> dict:
    """A TimelineJS3 date object carrying only the parts the precision allows."""
    parts: dict[str, object] = {"year": day.year}
    if precision in (Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.QUARTER):
        parts["month"] = day.month
    if precision in (Precision.DAY, Precision.WEEK):
        parts["day"] = day.day
    if display:
        parts["display_date"] = display
    return parts


def timelinejs_response(events: QuerySet, *, request: HttpRequest) -> HttpResponse:
    slides = []
    for _, item in items(events):
        text = item["summary"]
        if item["status"] != "occurred":
            text = f"({item['status']}) {text}"
        slide = {
            "unique_id": item["slug"],
            "start_date": timelinejs_date(item["start"], item["precision"]),
            "display_date": item["date_display"],
            # TimelineJS renders these as HTML.
            "text": {"headline": escape(item["title"]), "text": escape(text)},
            "group": item["kind"],
        }
        if item["end"] != item["start"]:
            slide["end_date"] = timelinejs_date(item["end"], item["precision"])
        slides.append(slide)
    document = {
        "title": {
            "text": {
                # In the requested language; embed with TimelineJS's option language: "ko" for
                # its own Korean interface (month names, navigation).
                "headline": gettext("Korean Peninsula diplomacy"),
                "text": gettext("Events with their actors and sources."),
            }
        },
        "events": slides,
    }
    return HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
