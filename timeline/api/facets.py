"""Counts of the filtered events by kind, country, status, actor and year."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from timeline.api.errors import ValidationErrorOut
from timeline.schemas import Facets
from timeline.selectors.facets import facets
from timeline.selectors.params import TimelineFilter

router = Router(tags=["events"])


@router.get("/facets", response={200: Facets, 422: ValidationErrorOut}, url_name="facets")
def get_facets(request: HttpRequest, filters: Query[TimelineFilter]):
    """Counts by kind, country, status, actor and year for the filtered events."""
    return facets(filters)
