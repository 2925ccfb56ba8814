"""What changed in the public record since a moment."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import Query, Router

from timeline.api.errors import ValidationErrorOut
from timeline.api.params import ChangesQuery
from timeline.schemas import ChangeList
from timeline.selectors.changes import changes_since

router = Router(tags=["events"])


@router.get("/changes", response={200: ChangeList, 422: ValidationErrorOut}, url_name="changes")
def list_changes(request: HttpRequest, query: Query[ChangesQuery]):
    """Events published, changed or withdrawn since `since` (ISO 8601), oldest change first."""
    since = parse_datetime(query.since)
    until = timezone.now()
    return {"since": since, "until": until, "items": list(changes_since(since))}
