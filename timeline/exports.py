"""Exports of a filtered view: CSV, iCalendar, Atom and TimelineJS JSON.

Each takes the QuerySet that `filters.event_list` returns and serialises every event through
`schemas.event_item`, so an export says exactly what the API says.

An export can be 20 000 events, so it is never held in memory: events are read in chunks and
the document is written as it is produced (iCalendar by the `icalendar` library, Atom by
Django's Atom1Feed) into a file of the export cache (EXPORT_CACHE_DIR, shared by the web
processes of a host), named by the public data version and the normalised filters: parameters
the filters do not know play no part. The file is then streamed, and the next reader of the same
export is served from it. Building one holds an export slot shared by every web process
(EXPORT_SLOTS); when all are taken the answer is 503 with Retry-After, so exports never occupy
every worker while readers wait.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as day_start
from pathlib import Path

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseBase, JsonResponse
from django.utils import feedgenerator, timezone
from django.utils.html import escape
from django.utils.translation import get_language, gettext
from django.utils.xmlutils import SimplerXMLGenerator

from timeline.caching import data_version
from timeline.dates import Precision
from timeline.limits import acquire_slot, release_slot
from timeline.models import Event
from timeline.schemas import event_item

MAX_EXPORT_ROWS = 20_000
# Events read (and prefetched) at a time: memory stays flat whatever the export's size.
READ_CHUNK = 500
CACHE_SECONDS = 3600
RETRY_AFTER_SECONDS = 10
GENERATION_KEY = "export-cache-generation"
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


def items(events: QuerySet) -> Iterator[tuple[Event, dict]]:
    for event in events[:MAX_EXPORT_ROWS].iterator(chunk_size=READ_CHUNK):
        yield event, event_item(event)


def safe_cell(value: object) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; neutralise them."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


# -- The formats: each writes its document as a stream of strings -------------------------------


def csv_chunks(events: QuerySet, **_context) -> Iterator[str]:
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
        yield drain(buffer)
    yield drain(buffer)


def drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def ical_status(status: str) -> str:
    if status == "cancelled":
        return "CANCELLED"
    if status in ("scheduled", "proposed", "speculated"):
        return "TENTATIVE"
    return "CONFIRMED"


def ical_chunks(events: QuerySet, *, request: HttpRequest, **_context) -> Iterator[str]:
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
    for _, item in items(events):
        description = item["summary"]
        if item["status"] != "occurred":
            description = f"[{item['status']}] {description}"
        entry = icalendar.Event()
        entry.add("uid", f"{item['slug']}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", item["start"])
        # All-day events end on the day after their last day (exclusive).
        entry.add("dtend", item["end"] + timedelta(days=1))
        entry.add("summary", item["title"])
        entry.add("description", f"{item['date_display']} — {description}")
        entry.add("url", request.build_absolute_uri(item["url"]))
        entry.add("categories", [item["kind"]])
        if item["location"]:
            entry.add("location", item["location"])
        entry.add("status", ical_status(item["status"]))
        yield entry.to_ical().decode()
    yield "END:VCALENDAR" + closing


class StreamedAtomFeed(feedgenerator.Atom1Feed):
    """Django's Atom feed, written one entry at a time; each entry also names its actors."""

    def __init__(self, *args, updated: datetime, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.updated = updated

    def latest_post_date(self) -> datetime:
        return self.updated

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        for name in item.get("contributors", ()):
            handler.startElement("contributor", {})
            handler.addQuickElement("name", name)
            handler.endElement("contributor")


def atom_chunks(events: QuerySet, *, request: HttpRequest, filters, **_context) -> Iterator[str]:
    page_url = request.build_absolute_uri("/") + (
        f"?{filters.to_query().urlencode()}" if not filters.is_empty() else ""
    )
    latest = events.order_by().aggregate(latest=Max("updated_at"))["latest"]
    feed = StreamedAtomFeed(
        title="Korean Peninsula diplomacy timeline",
        link=page_url,
        description="",
        feed_url=request.build_absolute_uri(),
        feed_guid=request.build_absolute_uri(),
        updated=latest or timezone.now(),
    )
    buffer = io.StringIO()
    handler = SimplerXMLGenerator(buffer, "utf-8", short_empty_elements=True)
    handler.startDocument()
    handler.startElement("feed", feed.root_attributes())
    feed.add_root_elements(handler)
    yield drain(buffer)
    for event, item in items(events):
        url = request.build_absolute_uri(item["url"])
        feed.add_item(
            title=f"{item['date_display']}: {item['title']}",
            link=url,
            unique_id=url,
            # Atom1Feed marks the summary as HTML: escaped, it reads as the plain text it is.
            description=escape(item["summary"]),
            pubdate=datetime.combine(item["start"], day_start(), tzinfo=UTC),
            updateddate=event.updated_at,
            categories=[item["kind"]],
            contributors=[actor["name"] for actor in item["actors"]],
        )
        feed.write_items(handler)
        feed.items.clear()
        yield drain(buffer)
    handler.endElement("feed")
    yield drain(buffer)


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


def timelinejs_chunks(events: QuerySet, **_context) -> Iterator[str]:
    title = {
        "text": {
            "headline": gettext("Korean Peninsula diplomacy"),
            "text": gettext("Events with their actors and sources."),
        }
    }
    yield '{"title": ' + json.dumps(title, ensure_ascii=False) + ', "events": ['
    separator = ""
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
        yield separator + json.dumps(slide, cls=DjangoJSONEncoder, ensure_ascii=False)
        separator = ", "
    yield "]}"


@dataclass(frozen=True)
class Format:
    name: str
    content_type: str
    filename: str | None
    write: Callable[..., Iterator[str]]


FORMATS = {
    "csv": Format("csv", "text/csv; charset=utf-8", "events.csv", csv_chunks),
    "ics": Format("ics", "text/calendar; charset=utf-8", "events.ics", ical_chunks),
    "atom": Format("atom", "application/atom+xml; charset=utf-8", None, atom_chunks),
    "timelinejs": Format("timelinejs", "application/json; charset=utf-8", None, timelinejs_chunks),
}


# -- Serving: from the export cache, or built under a slot and kept -----------------------------


def cache_generation() -> str:
    """A token that lives as long as the cache holding the data version: if that cache is
    emptied (a restart of an in-memory cache), the version starts again at 1, and files
    written under the old token must not be read for the new version 1."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def export_path(fmt: Format, *, request: HttpRequest, filters) -> Path:
    # Absolute links depend on scheme and host; nothing else of the request matters.
    language = get_language() or ""
    described = (
        f"{fmt.name}|{language}|{request.build_absolute_uri('/')}|{filters.model_dump_json()}"
    )
    digest = hashlib.sha256(described.encode()).hexdigest()
    name = f"{cache_generation()}-{data_version()}-{digest}.{fmt.name}"
    return Path(settings.EXPORT_CACHE_DIR) / name


def write_export(fmt: Format, events: QuerySet, *, request: HttpRequest, filters, path: Path):
    """Write the export to `path` as it is produced (flat memory), atomically: a reader sees
    the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    forget_old_exports(path.parent)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            for chunk in fmt.write(events, request=request, filters=filters):
                out.write(chunk)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def forget_old_exports(folder: Path) -> None:
    """Exports of an older data version are never read again; files older than the cache
    time are removed when a new one is written."""
    limit = time.time() - CACHE_SECONDS
    for old in folder.iterdir():
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < limit:
                old.unlink()


def busy() -> JsonResponse:
    response = JsonResponse(
        {
            "detail": "Every export slot is busy building another export. "
            f"Please retry in {RETRY_AFTER_SECONDS} seconds."
        },
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def export_response(
    fmt_name: str, events: QuerySet, *, request: HttpRequest, filters
) -> HttpResponseBase:
    """The export from the export cache; else built (holding a slot) into it, then served.
    Either way it is streamed from the file: memory stays flat."""
    fmt = FORMATS[fmt_name]
    path = export_path(fmt, request=request, filters=filters)
    source = "hit"
    try:
        body = path.open("rb")
    except FileNotFoundError:
        source = "miss"
        hold = acquire_slot(
            "export", slots=settings.EXPORT_SLOTS, hold_seconds=settings.EXPORT_HOLD_SECONDS
        )
        if hold is None:
            return busy()
        try:
            if not path.exists():  # another process may have written it meanwhile
                write_export(fmt, events, request=request, filters=filters, path=path)
        finally:
            release_slot(hold)
        body = path.open("rb")
    response = FileResponse(body, content_type=fmt.content_type)
    if fmt.filename:
        response["Content-Disposition"] = f'attachment; filename="{fmt.filename}"'
    response["X-Export-Cache"] = source
    return response
