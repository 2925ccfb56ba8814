"""Events as CSV: the public export's columns and the editors' round-trip columns, one writer.

Column names are an interface and stay English whatever the language; the text in the cells
(titles, summaries, places, actor names, displayed dates) follows `lang`.

The public columns (EVENT_COLUMNS) are the API's list entry flattened. The editors' export in
the admin (EDITORIAL_COLUMNS) is what the CSV import reads back, so that a round trip changes
nothing: every publication state, the stored English fields and the recorded status, with the
first account's source. The two cannot be one set without renaming the public columns or
breaking that round trip; both are declared here and written by `csv_rows`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.db.models import QuerySet

from timeline.exports.files import Format, drain, exported_items
from timeline.models import Citation, Event
from timeline.schemas import EventItem

# Spreadsheets run cells that start with one of these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheet programs read the Korean text as UTF-8 only after a byte-order mark.
BYTE_ORDER_MARK = "\ufeff"


def safe_cell(value: object) -> str:
    """A cell's text, with formulas neutralised (the CSV import undoes this)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


@dataclass(frozen=True)
class Column:
    name: str
    cell: Callable[[Any], object]


def yes_no(value: bool) -> str:
    return "true" if value else "false"


def listed(values: Iterable[str]) -> str:
    return "; ".join(values)


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("slug", attrgetter("slug")),
    Column("title", attrgetter("title")),
    Column("kind", attrgetter("kind")),
    Column("start", attrgetter("start")),
    Column("end", attrgetter("end")),
    Column("precision", attrgetter("precision")),
    Column("approximate", lambda item: yes_no(item.approximate)),
    Column("date_display", attrgetter("date_display")),
    Column("status", attrgetter("status")),
    Column("location", attrgetter("location")),
    Column("country", attrgetter("country")),
    Column("actors", lambda item: listed(actor.name for actor in item.actors)),
    Column("summary", attrgetter("summary")),
    Column("source_urls", lambda item: listed(s.url for s in item.sources if s.url)),
    Column("ai_generated_sources", lambda item: sum(s.ai_generated for s in item.sources)),
    Column("tags", lambda item: listed(item.tags)),
    Column("url", attrgetter("url")),
)


def first_account(event: Event) -> Citation | None:
    """The account the import's single source columns stand for: the first with an address."""
    return next((c for c in event.citations.all() if c.source.url), None)


def account_cell(read: Callable[[Citation], object]) -> Callable[[Event], object]:
    def cell(event: Event) -> object:
        citation = first_account(event)
        return read(citation) if citation else ""

    return cell


EDITORIAL_COLUMNS: tuple[Column, ...] = (
    Column("id", attrgetter("slug")),
    Column("title", attrgetter("title")),
    Column("kind", attrgetter("kind")),
    Column("start_date", lambda event: event.start.isoformat()),
    Column("end_date", lambda event: event.end.isoformat()),
    Column("precision", attrgetter("precision")),
    Column("status", attrgetter("status")),
    Column("location", attrgetter("location")),
    Column("country", attrgetter("country")),
    Column(
        "actors",
        lambda event: listed(dict.fromkeys(p.actor.name for p in event.participations.all())),
    ),
    Column("summary", attrgetter("summary")),
    Column("source_url", account_cell(lambda c: c.source.url)),
    Column("source_publisher", account_cell(lambda c: c.source.publisher)),
    Column(
        "source_published",
        account_cell(lambda c: c.source.published_on.isoformat() if c.source.published_on else ""),
    ),
    Column("evidence", account_cell(attrgetter("note"))),
    Column("approximate", lambda event: yes_no(event.approximate)),
    Column("date_text", attrgetter("date_text")),
)


def csv_rows(records: Iterable[Any], *, columns: tuple[Column, ...]) -> Iterator[list[str]]:
    """The header, then one row per record (an EventItem for EVENT_COLUMNS, an Event for
    EDITORIAL_COLUMNS), every cell neutralised."""
    yield [column.name for column in columns]
    for record in records:
        yield [safe_cell(column.cell(record)) for column in columns]


def event_items(events: QuerySet, *, language: str) -> Iterator[EventItem]:
    for _, item in exported_items(events, language=language):
        yield item


def written(rows: Iterable[list[str]]) -> Iterator[str]:
    """Rows as CSV text, a row at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield drain(buffer)


def csv_chunks(events: QuerySet, *, language: str, **_context) -> Iterator[str]:
    """The public export: published events as the API lists them, in `language`."""
    yield from written(csv_rows(event_items(events, language=language), columns=EVENT_COLUMNS))


def editorial_csv_chunks(events: QuerySet) -> Iterator[str]:
    """The editors' export (the admin's "Export CSV"): any publication state, in the import's
    columns, read in chunks."""
    events = events.order_by("start", "end", "id").prefetch_related(
        "participations__actor", "citations__source"
    )
    yield BYTE_ORDER_MARK
    yield from written(csv_rows(events.iterator(chunk_size=500), columns=EDITORIAL_COLUMNS))


FORMAT = Format("csv", "text/csv; charset=utf-8", "events.csv", csv_chunks)
