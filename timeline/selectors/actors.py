"""Reads of the actors a published event names."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from timeline.models import Actor, Publication

MAX_ACTORS = 500


def public_actors(*, text: str = "", kind: str | None = None, country: str = "") -> QuerySet:
    """Public actors by name, matching `text` (names and aliases), `kind` and `country`, at most
    MAX_ACTORS of them."""
    actors = Actor.objects.public().select_related("parent").order_by("name")
    if text:
        actors = actors.matching(text)
    if kind:
        actors = actors.filter(kind=kind)
    if country:
        actors = actors.filter(country=country.upper())
    return actors[:MAX_ACTORS]


def public_actor(slug: str) -> Actor | None:
    """A public actor with `event_count`, the published events that name it."""
    published = Q(participations__event__publication=Publication.PUBLISHED)
    return (
        Actor.objects.public()
        .select_related("parent")
        .annotate(event_count=Count("participations__event", filter=published, distinct=True))
        .filter(slug=slug)
        .first()
    )
