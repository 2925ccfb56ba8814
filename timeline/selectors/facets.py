"""Counts of the events matching a filter: by kind, country, status, actor, year and month.

Counting scans every matching event, so answers are cached per data version; after a change
the unfiltered counts are recounted in the background (`warm_counts_soon`, hooked to the data
version's bump in AppConfig.ready) so the first reader does not pay for them.
"""

from __future__ import annotations

import hashlib
import threading
import time
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, connections
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from timeline.caching import data_version, read_data_version
from timeline.models import Actor, Event, Tag
from timeline.selectors.events import filtered_events, public_status_expression
from timeline.selectors.params import TimelineFilter
from timeline.translation import localized_text


def facets_cache_key(filters: TimelineFilter, *, top_actors: int, base_key: str) -> str:

    described = f"{base_key}:{top_actors}:{filters.model_dump_json(by_alias=True)}"
    return f"facets:{data_version()}:{hashlib.sha256(described.encode()).hexdigest()}"


def facets_without_waiting(
    filters: TimelineFilter, *, top_actors: int = 10
) -> dict[str, list[dict]] | None:
    """The counts `facets` gives, unless they would keep a reader waiting: not yet cached for
    the current data, on a record larger than COUNTS_DEFER_ABOVE events. Then None, and the
    page fetches them separately."""

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
    if connections[events.db].vendor == "postgresql":
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
    shown = events.annotate(shown_status=public_status_expression(today=timezone.localdate()))
    inner, params = shown.values("kind", "country", "shown_status", "start").query.sql_with_params()
    sql = f"""
        SELECT GROUPING(e.kind, e.country, e.shown_status), e.kind, e.country, e.shown_status,
               EXTRACT(YEAR FROM e.start)::int, EXTRACT(MONTH FROM e.start)::int, COUNT(*)
        FROM ({inner}) AS e
        GROUP BY GROUPING SETS (
            (e.kind), (e.country), (e.shown_status),
            (EXTRACT(YEAR FROM e.start), EXTRACT(MONTH FROM e.start))
        )
    """
    # GROUPING() sets a bit for each column left out of the row's set: kind, country, status.
    sets = {0b011: ("kind", 1), 0b101: ("country", 2), 0b110: ("status", 3)}
    by_field: dict[str, dict[str, int]] = {"kind": {}, "country": {}, "status": {}}
    months: dict[tuple[int, int], int] = {}
    # On the database the QuerySet reads from (a replica when the router sends reads there).
    with connections[events.db].cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            if row[0] in sets:
                field, column = sets[row[0]]
                by_field[field][row[column]] = row[6]
            else:
                months[(row[4], row[5])] = row[6]
    return by_field, months


def count_field_by_field(events: QuerySet) -> FacetCounts:
    shown = events.annotate(shown_status=public_status_expression(today=timezone.localdate()))
    columns = {"kind": "kind", "country": "country", "status": "shown_status"}
    by_field = {
        field: {
            row[column]: row["count"] for row in shown.values(column).annotate(count=Count("pk"))
        }
        for field, column in columns.items()
    }
    month_rows = (
        events.annotate(year=ExtractYear("start"), month=ExtractMonth("start"))
        .values("year", "month")
        .annotate(count=Count("pk"))
    )
    return by_field, {(r["year"], r["month"]): r["count"] for r in month_rows}


# ----------------------------------------------------------------------------------------------
# Counting ahead of the first reader after a change


WARM_DELAY_SECONDS = 2.0


def warm_counts_after_change() -> None:
    """Registered with the data version (AppConfig.ready): called after each bump commits."""
    if settings.WARM_COUNTS:
        warm_counts_soon()


_warming_lock = threading.Lock()
_waiting: threading.Thread | None = None


def warm_counts_soon(*, delay: float | None = None) -> threading.Thread:
    """Count the unfiltered timeline's facets in the background, so the first reader after a
    change does not pay for them. A burst of saves (an import) waits for its last one: one
    thread at a time waits out the delay, then counts for the version it finds."""
    global _waiting
    with _warming_lock:
        if _waiting is not None and _waiting.is_alive():
            return _waiting
        _waiting = threading.Thread(
            target=warm_counts,
            kwargs={"delay": WARM_DELAY_SECONDS if delay is None else delay},
            name="warm-counts",
            daemon=True,
        )
        _waiting.start()
        return _waiting


def warm_counts(*, delay: float) -> bool:
    global _waiting
    time.sleep(delay)
    with _warming_lock:
        _waiting = None  # a change from now on schedules another count
    try:
        version = read_data_version()
        # Several web processes see the same change: the first to claim the version counts it.
        if not caches["shared"].add(f"warming-counts:{version}", 1, timeout=600):
            return False
        facets(TimelineFilter())
    finally:
        connection.close()
    return True


# ----------------------------------------------------------------------------------------------
# What the filter panel offers


def panel_choices(*, base: QuerySet | None = None, base_key: str = "") -> dict[str, list]:
    """The values the filter panel offers whatever the filters: the countries where the events
    of `base` (else every published event) happened, and the tags published events carry, as
    {"countries": ["KP", …], "tags": [{"slug", "name", "name_ko"}, …]}. Both read the whole
    record, so they are kept per data version (`base_key` names a narrowed `base`)."""

    if base is not None and not base_key:
        return read_panel_choices(base=base)
    key = f"panel-choices:{data_version()}:{base_key}"
    cached = cache.get(key)
    if cached is None:
        cached = read_panel_choices(base=base)
        cache.set(key, cached, 3600)
    return cached


def read_panel_choices(*, base: QuerySet | None) -> dict[str, list]:
    events = base if base is not None else Event.objects.published()
    countries = events.exclude(country="").order_by().values_list("country", flat=True).distinct()
    # One index probe per tag (stopping at its first published event), not a join of every
    # tagged event: the tags are few, the events many.
    published_links = Event.tags.through.objects.filter(
        tag=OuterRef("pk"), event__publication=Event.Publication.PUBLISHED
    )
    tags = Tag.objects.filter(Exists(published_links)).order_by("name")
    return {
        "countries": sorted(countries),
        "tags": list(tags.values("slug", "name", "name_ko")),
    }
