"""Editorial rules the admin enforces: the publication workflow, conflicts and duplicates."""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from timeline.models import Event, Publication

PUBLISH_PERMISSION = "timeline.publish_event"

# Who may move an event from one publication state to another.
TRANSITIONS: dict[str, set[str]] = {
    Publication.DRAFT: {Publication.REVIEW},
    Publication.REVIEW: {Publication.DRAFT, Publication.PUBLISHED},
    Publication.PUBLISHED: {Publication.WITHDRAWN},
    Publication.WITHDRAWN: {Publication.DRAFT, Publication.PUBLISHED},
}
REVIEWER_ONLY = {Publication.PUBLISHED, Publication.WITHDRAWN}


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def allowed_states(user, *, current: str | None) -> list[str]:
    """The publication states this user may leave an event in, the current one included."""
    if current is None:
        states = {Publication.DRAFT, Publication.REVIEW}
    else:
        states = {current, *TRANSITIONS.get(current, set())}
    if not can_publish(user):
        states -= REVIEWER_ONLY - ({current} if current else set())
    return [value for value in Publication.values if value in states]


def may_transition(user, *, current: str, target: str) -> bool:
    if current == target:
        return True
    if target not in TRANSITIONS.get(current, set()):
        return False
    if target in REVIEWER_ONLY or current in REVIEWER_ONLY:
        return can_publish(user)
    return True


@dataclass(frozen=True)
class PossibleDuplicate:
    event: Event
    reason: str


def title_similarity(first: str, second: str) -> float:
    return difflib.SequenceMatcher(None, first.casefold(), second.casefold()).ratio()


def possible_duplicates(
    *,
    title: str,
    start,
    end,
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
                found[event.pk] = PossibleDuplicate(event, "the same main actors")
    for event in similar_titles(overlapping, title=title, threshold=threshold):
        found.setdefault(event.pk, PossibleDuplicate(event, "a similar title"))
    return sorted(found.values(), key=lambda d: (d.event.start, d.event.pk))


def similar_titles(events: QuerySet, *, title: str, threshold: float) -> list[Event]:
    if connection.vendor == "postgresql" and trigram_available():
        from django.contrib.postgres.search import TrigramSimilarity

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


def changes_since(event: Event, *, version: int) -> list[str]:
    """What changed in `event` after the editor's copy (at `version`) was loaded."""
    records = list(event.history.order_by("-history_date", "-history_id")[:20])
    changed: list[str] = []
    saves_since = max(event.version - version, 0)
    for newer, older in list(itertools.pairwise(records))[:saves_since]:
        delta = newer.diff_against(older)
        for change in delta.changes:
            label = Event._meta.get_field(change.field).verbose_name
            who = newer.history_user or "another editor"
            changed.append(
                f"{label}: “{change.old}” → “{change.new}” ({who}, {newer.history_date:%H:%M})"
            )
    return changed or ["another editor saved this event after you opened it"]
