"""What changed in the public record since a moment: for clients keeping a copy."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from timeline.models import Event, Publication

MAX_CHANGES = 5000


def changes_since(since: datetime) -> QuerySet:
    """Events published, changed or withdrawn after `since`, oldest change first, as rows of
    slug, publication and updated_at (at most MAX_CHANGES)."""
    public = [Publication.PUBLISHED, Publication.WITHDRAWN]
    return (
        Event.objects.filter(updated_at__gt=since, publication__in=public)
        .order_by("updated_at", "id")
        .values("slug", "publication", "updated_at")[:MAX_CHANGES]
    )
