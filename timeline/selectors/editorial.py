"""Reads the editorial desk makes before a write: possible duplicates, changes made meanwhile,
the proposals that await review, the date a cited source gives to relative dates."""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from timeline.models import Event, ProposedRevision, RevisionState


@dataclass(frozen=True)
class PossibleDuplicate:
    event: Event
    reason: str


def title_similarity(first: str, second: str) -> float:
    return difflib.SequenceMatcher(None, first.casefold(), second.casefold()).ratio()


def possible_duplicates(
    *,
    title: str,
    start: date,
    end: date,
    actor_ids: list[int],
    exclude_pk: int | None = None,
    threshold: float = 0.55,
) -> list[PossibleDuplicate]:
    """Events whose span overlaps this one and whose title is similar or main actors the same.

    On PostgreSQL the title comparison is pg_trgm's similarity(), in the query; elsewhere
    difflib's ratio over the (few) overlapping events.
    """
    overlapping: QuerySet = Event.objects.filter(start__lte=end, end__gte=start)
    if exclude_pk:
        overlapping = overlapping.exclude(pk=exclude_pk)
    found: dict[int, PossibleDuplicate] = {}
    main_actors = set(actor_ids[:2])
    if main_actors:
        for event in overlapping.filter(participations__actor__in=main_actors).distinct():
            shared = set(event.participations.values_list("actor_id", flat=True))
            if main_actors <= shared:
                found[event.pk] = PossibleDuplicate(event, _("the same main actors"))
    for event in similar_titles(overlapping, title=title, threshold=threshold):
        found.setdefault(event.pk, PossibleDuplicate(event, _("a similar title")))
    return sorted(found.values(), key=lambda d: (d.event.start, d.event.pk))


def similar_titles(events: QuerySet, *, title: str, threshold: float) -> list[Event]:
    if connection.vendor == "postgresql" and trigram_available():
        return list(
            events.annotate(similarity=TrigramSimilarity("title", title)).filter(
                similarity__gte=threshold - 0.25
            )
        )
    return [
        e
        for e in events.only("pk", "title", "start", "end", "slug")
        if title_similarity(e.title, title) >= threshold
    ]


def trigram_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def stored_version(*, event_pk: int) -> int | None:
    """The version of the event as saved now (None if it is gone)."""
    return Event.objects.filter(pk=event_pk).values_list("version", flat=True).first()


def stored_publication(*, event_pk: int | None) -> str | None:
    """The publication state of the event as saved now (None for a new or deleted event)."""
    if event_pk is None:
        return None
    return Event.objects.filter(pk=event_pk).values_list("publication", flat=True).first()


def changes_since(event: Event, *, version: int) -> list[str]:
    """What changed in `event` after the editor's copy (at `version`) was loaded."""
    records = list(event.history.order_by("-history_date", "-history_id")[:20])
    changed: list[str] = []
    saves_since = max(event.version - version, 0)
    for newer, older in list(itertools.pairwise(records))[:saves_since]:
        delta = newer.diff_against(older)
        for change in delta.changes:
            label = Event._meta.get_field(change.field).verbose_name
            who = newer.history_user or _("another editor")
            changed.append(
                _("%(field)s: “%(old)s” → “%(new)s” (%(who)s, %(time)s)")
                % {
                    "field": label,
                    "old": change.old,
                    "new": change.new,
                    "who": who,
                    "time": f"{newer.history_date:%H:%M}",
                }
            )
    return changed or [_("another editor saved this event after you opened it")]


def cited_publication_date(*, event: Event) -> date | None:
    """The earliest publication date among the sources the event cites."""
    dates = [
        c.source.published_on
        for c in event.citations.select_related("source")
        if c.source.published_on
    ]
    return min(dates) if dates else None


def pending_revisions(*, obj: models.Model) -> QuerySet:
    return ProposedRevision.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        state=RevisionState.PENDING,
    ).select_related("submitted_by")
