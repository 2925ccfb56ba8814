"""Reads of the tags."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from timeline.models import Publication, Tag


def tags_in_use() -> QuerySet:
    """Tags of at least one published event, by name, each with `event_count`."""
    published = Q(events__publication=Publication.PUBLISHED)
    return (
        Tag.objects.annotate(event_count=Count("events", filter=published, distinct=True))
        .filter(event_count__gt=0)
        .order_by("name")
    )
