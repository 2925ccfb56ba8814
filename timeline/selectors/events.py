"""The one place where a reader's filters become a QuerySet of published events."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.db.models import Case, CharField, F, Max, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from timeline.caching import data_version
from timeline.models import (
    OUTCOME_NOT_RECORDED,
    WAITING_STATUSES,
    Citation,
    Event,
    EventRelation,
    Participation,
)
from timeline.selectors.params import TimelineFilter
from timeline.selectors.search import relevance, search_events


def filtered_events(filters: TimelineFilter, *, base: QuerySet | None = None) -> QuerySet:
    """Published events matching every filter, unordered."""
    events = base if base is not None else Event.objects.published()
    if filters.kind:
        events = events.filter(kind__in=filters.kind)
    if filters.status:
        events = events.filter(public_status_in(filters.status, today=timezone.localdate()))
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


def public_status_in(statuses: list[str], *, today: date) -> Q:
    """Events whose status as readers see it today (models.public_status_at) is one of
    `statuses`: "scheduled" is no longer true of a scheduled event whose end has passed."""
    matches = Q(pk__in=[])
    recorded = [s for s in statuses if s not in (*WAITING_STATUSES, OUTCOME_NOT_RECORDED)]
    if recorded:
        matches |= Q(status__in=recorded)
    if waiting := [s for s in statuses if s in WAITING_STATUSES]:
        matches |= Q(status__in=waiting, end__gte=today)
    if OUTCOME_NOT_RECORDED in statuses:
        matches |= Q(status__in=WAITING_STATUSES, end__lt=today)
    return matches


def public_status_expression(*, today: date) -> Case:
    """The status readers see today, as a column (for counting by status)."""
    return Case(
        When(status__in=WAITING_STATUSES, end__lt=today, then=Value(OUTCOME_NOT_RECORDED)),
        default=F("status"),
        output_field=CharField(),
    )


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


def last_published_change() -> date | None:
    """When the published record last changed: one indexed query, cached per data version."""
    key = f"last-updated:{data_version()}"
    found = cache.get(key)
    if found is None:
        newest = Event.objects.published().aggregate(newest=Max("updated_at"))["newest"]
        found = {"date": timezone.localdate(newest) if newest else None}
        cache.set(key, found, 3600)
    return found["date"]
