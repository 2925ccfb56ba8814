"""The one place where a reader's filters become a QuerySet.

The timeline page, the actor pages, the JSON API and the exports all build a `TimelineFilter`
(from `request.GET` or django-ninja's `Query[...]`) and call `event_list` / `event_page` /
`facets`. The query-string names are the same everywhere: q, kind, actor, country, tag, status,
from, to, sort.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Literal

from django.db import connection
from django.db.models import BooleanField, Count, F, Max, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import QueryDict
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from timeline.countries import country_code
from timeline.dates import DateSpan, parse_span
from timeline.models import (
    Actor,
    Citation,
    Event,
    EventKind,
    EventRelation,
    EventStatus,
    Participation,
    Source,
)
from timeline.search import (
    MIN_TERM,
    relevance,
    search_events,
    searches_text_only,
    too_short,
)
from timeline.translation import localized_text

LIST_FIELDS = ("kind", "actor", "country", "tag", "status")
MAX_TERMS = 20
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Up to this many full-text matches, a page is cut from the list of matches (see event_page).
RARE_MATCHES = 2000
# sort=relevance ranks at most this many matches (see ranked_pool): bounded work per request
# whatever the size of the record, at a cost in ranking quality measured by bench/hardening.py.
RANK_POOL = 1000
# Keyset values beyond what a database integer holds are not ones this service issued.
LARGEST_ID = 2**63 - 1


class TimelineFilter(BaseModel):
    """What a reader asked for. Invalid values raise pydantic errors naming the field."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    q: str = Field(default="", max_length=200, description="Full text: titles, summaries, actors.")
    # An empty value (an untouched form control) is accepted and ignored, and documented so.
    kind: list[EventKind | Literal[""]] = Field(default_factory=list, max_length=MAX_TERMS)
    actor: list[str] = Field(default_factory=list, max_length=MAX_TERMS, description="Actor slugs.")
    country: list[str] = Field(
        default_factory=list,
        max_length=MAX_TERMS,
        description="Where the event happened: ISO 3166-1 alpha-2 codes (KP) or names.",
    )
    tag: list[str] = Field(default_factory=list, max_length=MAX_TERMS, description="Tag slugs.")
    status: list[EventStatus | Literal[""]] = Field(default_factory=list, max_length=MAX_TERMS)
    date_from: str = Field(
        default="",
        alias="from",
        max_length=100,
        description='Any date people write: "2018", "June 2019", "last year".',
    )
    date_to: str = Field(default="", alias="to", max_length=100, description="As `from`.")
    sort: Literal["chronological", "newest", "relevance"] = Field(
        default="chronological",
        description="chronological, newest, or relevance (best matches of `q` first).",
    )

    @field_validator("q", "date_from", "date_to", mode="before")
    @classmethod
    def strip_text(cls, value: object) -> object:
        if isinstance(value, list):  # a repeated single-valued parameter: the last one wins
            value = value[-1] if value else ""
        if isinstance(value, str):
            value = value.replace("\x00", "").strip()
        return value

    @field_validator("q", mode="after")
    @classmethod
    def check_query(cls, value: str) -> str:
        if too_short(value):
            raise ValueError(
                f"{value!r} is too short to search for: use a word of at least {MIN_TERM} "
                "letters (or one Hangul or Han character)"
            )
        return value

    @field_validator("country", mode="after")
    @classmethod
    def check_countries(cls, values: list[str]) -> list[str]:
        codes = []
        for value in (v.replace("\x00", "").strip() for v in values):
            if not value:
                continue
            code = country_code(value)
            if code is None:
                raise ValueError(
                    f"{value[:60]!r} is not a country this record knows: choose a name from the "
                    "list, or give an ISO 3166-1 alpha-2 code such as KP"
                )
            codes.append(code)
        return list(dict.fromkeys(codes))

    @field_validator("actor", "tag", mode="after")
    @classmethod
    def drop_blanks(cls, values: list[str]) -> list[str]:
        cleaned = (v.replace("\x00", "").strip() for v in values)
        return [v for v in cleaned if v]

    @field_validator("kind", "status", mode="before")
    @classmethod
    def drop_blank_choices(cls, values: object) -> object:
        if isinstance(values, str):
            values = [values]
        if isinstance(values, list):
            # The documented limit counts what was sent, blanks included.
            if len(values) > MAX_TERMS:
                raise ValueError(f"at most {MAX_TERMS} values")
            return [v for v in values if not (isinstance(v, str) and not v.strip())]
        return values

    @field_validator("date_from", "date_to", mode="after")
    @classmethod
    def check_date(cls, value: str) -> str:
        if value and parse_span(value) is None:
            raise ValueError(
                f"{value!r} is not a date this service understands; "
                'try "2018", "June 2019", "12 June 2018" or "last year"'
            )
        return value

    @property
    def from_span(self) -> DateSpan | None:
        return parse_span(self.date_from) if self.date_from else None

    @property
    def to_span(self) -> DateSpan | None:
        return parse_span(self.date_to) if self.date_to else None

    @property
    def order(self) -> str:
        """The order actually applied (and the one a cursor belongs to)."""
        if self.ranked:
            return "relevance"
        return "newest" if self.sort == "newest" else "chronological"

    @property
    def ranked(self) -> bool:
        """Relevance order needs something to be relevant to; without `q` it is chronological."""
        return self.sort == "relevance" and bool(self.q)

    def is_empty(self) -> bool:
        return self == TimelineFilter()

    def to_query(self, *, default_sort: str = "chronological", **changes: object) -> QueryDict:
        """The query string that reproduces this filter (with `changes` applied); no empty
        values, and no `sort` when it is `default_sort` (the API's default is chronological,
        the pages' newest first)."""
        data = self.model_dump(by_alias=True)
        data.update(changes)
        query = QueryDict(mutable=True)
        for name, value in data.items():
            if name == "sort" and value == default_sort:
                continue
            if isinstance(value, list):
                if value:
                    query.setlist(name, [str(v) for v in value])
            elif value:
                query[name] = str(value)
        return query

    def toggled(self, name: str, value: str, *, default_sort: str = "chronological") -> str:
        """Query string with `value` added to or removed from the list filter `name`."""
        current = [str(v) for v in getattr(self, name)]
        updated = [v for v in current if v != value] if value in current else [*current, value]
        return self.to_query(default_sort=default_sort, **{name: updated}).urlencode()


def field_error_messages(error: ValidationError) -> dict[str, str]:
    """{"from": "'notadate' is not a date …"}: one message per query-string name."""
    messages: dict[str, str] = {}
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "query"
        name = {"date_from": "from", "date_to": "to"}.get(name, name)
        message = item["msg"].removeprefix("Value error, ")
        messages.setdefault(name, message)
    return messages


PAGE_SORT = "newest"


def filter_from_query(
    query: QueryDict, *, default_sort: str = PAGE_SORT
) -> tuple[TimelineFilter, dict[str, str]]:
    """Build a filter from a page's query string; an invalid field is dropped, not fatal.

    Returns the filter made of the valid fields, and a message per invalid field, so that the
    page can show the message beside the field while the other filters still apply. Pages list
    the newest events first unless the query asks otherwise.
    """
    data: dict[str, object] = {"sort": default_sort}
    for name in ("q", "from", "to", "sort"):
        if query.get(name, ""):
            data[name] = query.get(name, "")
    for name in LIST_FIELDS:
        values = [v for v in query.getlist(name) if v.strip()]
        if values:
            data[name] = values
    errors: dict[str, str] = {}
    for _ in range(len(data) + 1):
        try:
            return TimelineFilter.model_validate(data), errors
        except ValidationError as error:
            messages = field_error_messages(error)
            errors.update(messages)
            for name in messages:
                data.pop(name, None)
    return TimelineFilter(sort=default_sort), errors


# ----------------------------------------------------------------------------------------------
# Selectors


def filtered_events(filters: TimelineFilter, *, base: QuerySet | None = None) -> QuerySet:
    """Published events matching every filter, unordered."""
    events = base if base is not None else Event.objects.published()
    if filters.kind:
        events = events.filter(kind__in=filters.kind)
    if filters.status:
        events = events.filter(status__in=filters.status)
    if filters.country:
        events = events.filter(country__in=filters.country)
    # Each actor and tag narrows further: "events with Trump and Kim", not "Trump or Kim".
    for slug in filters.actor:
        events = events.filter(
            pk__in=Participation.objects.filter(actor__slug=slug).values("event")
        )
    for slug in filters.tag:
        events = events.filter(tags__slug=slug)
    if (span := filters.from_span) is not None:
        events = events.filter(end__gte=span.start)
    if (span := filters.to_span) is not None:
        events = events.filter(start__lte=span.end)
    if filters.q:
        events = search_events(events, filters.q)
    return events


def with_related(events: QuerySet) -> QuerySet:
    """Everything a list entry shows, in a fixed number of queries whatever the page size."""
    return events.prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("actor").order_by("id"),
        ),
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("source", "speaker").strongest_first(),
        ),
        "tags",
    )


def ordered_events(filters: TimelineFilter, *, base: QuerySet | None = None) -> QuerySet:
    """Matching events in the order the filter asks for, nothing prefetched."""
    events = filtered_events(filters, base=base)
    if filters.ranked:
        return events.annotate(relevance=relevance(filters.q)).order_by("-relevance", "-id")
    if filters.sort == "newest":
        return events.order_by("-start", "-end", "-id")
    return events.order_by("start", "end", "id")


def event_list(filters: TimelineFilter, *, base: QuerySet | None = None) -> QuerySet:
    """The ordered, prefetched QuerySet of matching events."""
    return with_related(ordered_events(filters, base=base))


def published_event(slug: str) -> Event | None:
    """One published event with everything its page shows, relations both ways included."""
    published = Event.Publication.PUBLISHED
    # Only relations to published events: a draft on the other end is not listed (nor named).
    events = with_related(Event.objects.published().filter(slug=slug)).prefetch_related(
        Prefetch(
            "relations_out",
            queryset=EventRelation.objects.filter(to_event__publication=published).select_related(
                "to_event"
            ),
        ),
        Prefetch(
            "relations_in",
            queryset=EventRelation.objects.filter(from_event__publication=published).select_related(
                "from_event"
            ),
        ),
    )
    return events.first()


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
    from django.core.cache import cache

    from timeline.caching import data_version

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


def facets_cache_key(filters: TimelineFilter, *, top_actors: int, base_key: str) -> str:
    from timeline.caching import data_version

    described = f"{base_key}:{top_actors}:{filters.model_dump_json(by_alias=True)}"
    return f"facets:{data_version()}:{hashlib.sha256(described.encode()).hexdigest()}"


def facets_without_waiting(
    filters: TimelineFilter, *, top_actors: int = 10
) -> dict[str, list[dict]] | None:
    """The counts `facets` gives, unless they would keep a reader waiting: not yet cached for
    the current data, on a record larger than COUNTS_DEFER_ABOVE events. Then None, and the
    page fetches them separately."""
    from django.conf import settings
    from django.core.cache import cache

    cached = cache.get(facets_cache_key(filters, top_actors=top_actors, base_key=""))
    if cached is not None:
        return cached
    # The highest id bounds the number of events and costs one index probe, not a count.
    largest_id = Event.objects.aggregate(largest=Max("id"))["largest"] or 0
    if largest_id > settings.COUNTS_DEFER_ABOVE:
        return None
    return facets(filters, top_actors=top_actors)


def facets(
    filters: TimelineFilter,
    *,
    top_actors: int = 10,
    base: QuerySet | None = None,
    base_key: str = "",
) -> dict[str, list[dict]]:
    """Counts by kind, country, status, actor and year for the events matching `filters`.

    Counting scans every matching event, so the answer is cached until the next editorial
    change (the public data version); `base_key` names a narrowed `base` (an actor's page).
    """
    from django.core.cache import cache

    if base is not None and not base_key:
        return count_facets(filters, top_actors=top_actors, base=base)
    key = facets_cache_key(filters, top_actors=top_actors, base_key=base_key)
    cached = cache.get(key)
    if cached is None:
        cached = count_facets(filters, top_actors=top_actors, base=base)
        cache.set(key, cached, 3600)
    return cached


def count_facets(
    filters: TimelineFilter, *, top_actors: int, base: QuerySet | None
) -> dict[str, list[dict]]:
    events = filtered_events(filters, base=base).order_by()
    if connection.vendor == "postgresql":
        by_field, months = count_in_one_scan(events)
    else:
        by_field, months = count_field_by_field(events)
    actor_rows = (
        Actor.objects.filter(participations__event__in=events.values("pk"))
        .annotate(count=Count("participations__event", distinct=True))
        .order_by("-count", "name")
        .values("slug", "name", "name_ko", "aliases", "kind", "country", "count")[:top_actors]
    )
    years: dict[int, int] = {}
    for (year, _month), count in sorted(months.items()):
        years[year] = years.get(year, 0) + count
    return {
        **{
            field: [
                {"value": value, "count": count}
                for value, count in sorted(
                    counts.items(), key=lambda item: (-item[1], item[0] or "")
                )
                if value
            ]
            for field, counts in by_field.items()
        },
        "actor": [
            {
                "value": r["slug"],
                "label": r["name"],
                "label_ko": localized_text(
                    SimpleNamespace(
                        **{k: r[k] for k in ("name", "name_ko", "aliases", "kind", "country")}
                    ),
                    "name",
                    language="ko",
                ),
                "count": r["count"],
            }
            for r in actor_rows
        ],
        "year": [{"value": year, "count": count} for year, count in years.items()],
        "month": [
            {"value": f"{year:04d}-{month:02d}", "count": count}
            for (year, month), count in sorted(months.items())
        ],
    }


FacetCounts = tuple[dict[str, dict[str, int]], dict[tuple[int, int], int]]


def count_in_one_scan(events: QuerySet) -> FacetCounts:
    """PostgreSQL: kind, country, status and month counted in one pass over the matching rows
    (GROUPING SETS), where a query per facet would read a million rows four times."""
    inner, params = events.values("kind", "country", "status", "start").query.sql_with_params()
    sql = f"""
        SELECT GROUPING(e.kind, e.country, e.status), e.kind, e.country, e.status,
               EXTRACT(YEAR FROM e.start)::int, EXTRACT(MONTH FROM e.start)::int, COUNT(*)
        FROM ({inner}) AS e
        GROUP BY GROUPING SETS (
            (e.kind), (e.country), (e.status),
            (EXTRACT(YEAR FROM e.start), EXTRACT(MONTH FROM e.start))
        )
    """
    # GROUPING() sets a bit for each column left out of the row's set: kind, country, status.
    sets = {0b011: ("kind", 1), 0b101: ("country", 2), 0b110: ("status", 3)}
    by_field: dict[str, dict[str, int]] = {"kind": {}, "country": {}, "status": {}}
    months: dict[tuple[int, int], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            if row[0] in sets:
                field, column = sets[row[0]]
                by_field[field][row[column]] = row[6]
            else:
                months[(row[4], row[5])] = row[6]
    return by_field, months


def count_field_by_field(events: QuerySet) -> FacetCounts:
    by_field = {
        field: {
            row[field]: row["count"] for row in events.values(field).annotate(count=Count("pk"))
        }
        for field in ("kind", "country", "status")
    }
    month_rows = (
        events.annotate(year=ExtractYear("start"), month=ExtractMonth("start"))
        .values("year", "month")
        .annotate(count=Count("pk"))
    )
    return by_field, {(r["year"], r["month"]): r["count"] for r in month_rows}
