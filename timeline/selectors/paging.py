"""Pages of events and sources: keyset cursors on (start, end, id) or (relevance, id), no OFFSET."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.core.cache import cache
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL

from timeline.caching import data_version
from timeline.models import Citation, Event, Source
from timeline.selectors.events import filtered_events, ordered_events, with_related
from timeline.selectors.params import DEFAULT_LIMIT, TimelineFilter
from timeline.selectors.search import searches_text_only

# Up to this many full-text matches, a page is cut from the list of matches (see event_page).
RARE_MATCHES = 2000
# sort=relevance ranks at most this many matches (see ranked_pool): bounded work per request
# whatever the size of the record, at a cost in ranking quality measured by bench/hardening.py.
RANK_POOL = 1000
# Keyset values beyond what a database integer holds are not ones this service issued.
LARGEST_ID = 2**63 - 1


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Page:
    events: list[Event]
    next_cursor: str | None


def encode_cursor(event: Event, *, sort: str) -> str:
    if sort == "relevance" and hasattr(event, "relevance"):
        values = [event.relevance, None, event.pk, sort]
    else:
        values = [event.start.isoformat(), event.end.isoformat(), event.pk, sort]
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, sort: str) -> tuple:
    """(start, end, id) for date orders; (relevance, None, id) for relevance."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        first, second, pk, cursor_sort = json.loads(
            base64.urlsafe_b64decode(padded.encode()), parse_constant=refuse_constant
        )
        if cursor_sort != sort:
            raise InvalidCursor("this cursor belongs to another sort order")
        # Only whole numbers a database integer holds (no 1e30, no Infinity, no 3.5).
        if type(pk) is not int or not 0 < pk <= LARGEST_ID:
            raise ValueError("not an id")
        if second is None:
            if type(first) is not int or abs(first) > LARGEST_ID:
                raise ValueError("not a relevance")
            return first, None, pk
        return date.fromisoformat(first), date.fromisoformat(second), pk
    except InvalidCursor:
        raise
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError) as error:
        raise InvalidCursor("the cursor is not one this service issued") from error


def refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a cursor holds")


def after_row(*, start: date, end: date, pk: int, newest: bool) -> RawSQL:
    """(start, end, id) strictly after the cursor's row, as one row-value comparison.

    Written as a row value rather than the equivalent OR of three conditions because both
    PostgreSQL and SQLite then seek straight into the (start, end, id) index: the 1000th
    page costs what the first does.
    """
    operator = "<" if newest else ">"
    table = Event._meta.db_table
    return RawSQL(
        f'("{table}"."start", "{table}"."end", "{table}"."id") {operator} (%s, %s, %s)',
        (start.isoformat(), end.isoformat(), pk),
        output_field=BooleanField(),
    )


def event_page(
    filters: TimelineFilter,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    base: QuerySet | None = None,
) -> Page:
    """One page of events after `cursor`, seeking on (start, end, id): no OFFSET."""
    events = with_related(keyset_events(filters, cursor=cursor, base=base))
    rows = list(events[: limit + 1])
    next_cursor = encode_cursor(rows[limit - 1], sort=filters.order) if len(rows) > limit else None
    return Page(events=rows[:limit], next_cursor=next_cursor)


def keyset_events(
    filters: TimelineFilter, *, cursor: str | None = None, base: QuerySet | None = None
) -> QuerySet:
    """The matching events after `cursor`, in order, unsliced and nothing prefetched: what
    `event_page` cuts a page from, and what the API joins its stored renderings to."""
    events = ordered_events(filters, base=base)
    if filters.ranked:
        events = events.filter(pk__in=ranked_pool(filters, base=base))
    elif filters.q and searches_text_only(filters.q):
        # Walking the timeline's index until a page of matches turns up is quick for a common
        # word and reads every row for a rare one (2.8 s at a million events for a word that
        # matches nothing). The GIN index lists a rare word's matches at once: when there are
        # few, the page is cut from them instead.
        few = filtered_events(filters, base=base).order_by().values_list("pk", flat=True)
        matches = list(few[: RARE_MATCHES + 1])
        if len(matches) <= RARE_MATCHES:
            events = events.filter(pk__in=matches)
    if cursor:
        first, second, pk = decode_cursor(cursor, sort=filters.order)
        if filters.ranked:
            if second is not None:
                raise InvalidCursor("this cursor belongs to another sort order")
            events = events.filter(Q(relevance__lt=first) | Q(relevance=first, pk__lt=pk))
        elif second is None:
            raise InvalidCursor("this cursor belongs to another sort order")
        else:
            events = events.filter(
                after_row(start=first, end=second, pk=pk, newest=filters.sort == "newest")
            )
    return events


def ranked_pool(filters: TimelineFilter, *, base: QuerySet | None = None) -> list[int]:
    """The matches sort=relevance ranks: all of them up to RANK_POOL, else the first RANK_POOL
    the database finds (from the GIN index on PostgreSQL), so that ranking costs the same at a
    million events as at ten thousand (what this costs in ranking quality: README, measured by
    bench/hardening.py). Kept per data version, so that every page of one search ranks the
    same pool."""

    described = f"{base.query if base is not None else ''}|{filters.model_dump_json()}"
    key = f"rank-pool:{data_version()}:{hashlib.sha256(described.encode()).hexdigest()}"
    pool = cache.get(key)
    if pool is None:
        matches = filtered_events(filters, base=base).order_by().values_list("pk", flat=True)
        pool = list(matches[:RANK_POOL])
        cache.set(key, pool, 3600)
    return pool


@dataclass(frozen=True)
class SourcePage:
    sources: list[Source]
    next_cursor: str | None


def source_page(*, cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> SourcePage:
    """Sources cited by at least one published event, newest publication first (undated
    last), in pages of `limit` after `cursor`: a keyset on (published_on, id), no OFFSET."""
    cited = Citation.objects.filter(event__publication=Event.Publication.PUBLISHED)
    sources = Source.objects.filter(pk__in=cited.values("source")).order_by(
        F("published_on").desc(nulls_last=True), "-id"
    )
    if cursor:
        day, pk = decode_source_cursor(cursor)
        if day is None:
            sources = sources.filter(published_on__isnull=True, pk__lt=pk)
        else:
            sources = sources.filter(
                Q(published_on__lt=day)
                | Q(published_on=day, pk__lt=pk)
                | Q(published_on__isnull=True)
            )
    rows = list(sources[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        values = [last.published_on.isoformat() if last.published_on else None, last.pk, "sources"]
        next_cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    return SourcePage(sources=rows[:limit], next_cursor=next_cursor)


def decode_source_cursor(cursor: str) -> tuple[date | None, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        day, pk, kind = json.loads(
            base64.urlsafe_b64decode(padded.encode()), parse_constant=refuse_constant
        )
        if kind != "sources" or type(pk) is not int or not 0 < pk <= LARGEST_ID:
            raise ValueError("not a source cursor")
        return (date.fromisoformat(day) if day is not None else None), pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError) as error:
        raise InvalidCursor("the cursor is not one this service issued") from error


@dataclass(frozen=True)
class ValuePage:
    rows: list[dict]
    next_cursor: str | None


def value_page(
    filters: TimelineFilter,
    *,
    fields: list[str],
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    base: QuerySet | None = None,
) -> ValuePage:
    """One page of the matching events as dicts of `fields` (with pk, start and end), cut as
    `event_page` cuts it but without building model rows: for lists that join what is stored
    beside each event (its rendered card)."""
    names = list(dict.fromkeys(["pk", "start", "end", *fields]))
    if filters.ranked:
        names.append("relevance")
    rows = list(keyset_events(filters, cursor=cursor, base=base).values(*names)[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor(SimpleNamespace(**rows[limit - 1]), sort=filters.order)
    return ValuePage(rows=rows[:limit], next_cursor=next_cursor)
