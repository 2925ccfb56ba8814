"""The filtered events as files: CSV, iCalendar, Atom and TimelineJS JSON (timeline.exports)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from timeline import exports
from timeline.api.errors import ValidationErrorOut
from timeline.schemas import LanguageQuery
from timeline.selectors.events import event_list
from timeline.selectors.params import TimelineFilter

router = Router(tags=["exports"])


def export_doc(media_type: str, description: str, *, schema_type: str = "string") -> dict:
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {media_type: {"schema": {"type": schema_type}}},
            }
        }
    }


@router.get(
    "/export/events.csv",
    response={422: ValidationErrorOut},
    openapi_extra=export_doc("text/csv", "Events as CSV (one row per event)."),
    url_name="export_csv",
)
def export_csv(
    request: HttpRequest, language: Query[LanguageQuery], filters: Query[TimelineFilter]
):
    return exports.export_response("csv", event_list(filters), request=request, filters=filters)


@router.get(
    "/export/events.ics",
    response={422: ValidationErrorOut},
    openapi_extra=export_doc("text/calendar", "Events as iCalendar all-day events."),
    url_name="export_ics",
)
def export_ics(
    request: HttpRequest, language: Query[LanguageQuery], filters: Query[TimelineFilter]
):
    return exports.export_response("ics", event_list(filters), request=request, filters=filters)


@router.get(
    "/export/events.atom",
    response={422: ValidationErrorOut},
    openapi_extra=export_doc("application/atom+xml", "Events as an Atom feed, newest first."),
    url_name="export_atom",
)
def export_atom(
    request: HttpRequest, language: Query[LanguageQuery], filters: Query[TimelineFilter]
):
    newest = filters.model_copy(update={"sort": "newest"})
    return exports.export_response("atom", event_list(newest), request=request, filters=filters)


@router.get(
    "/export/timelinejs.json",
    response={422: ValidationErrorOut},
    openapi_extra=export_doc(
        "application/json", "Events in TimelineJS3's JSON format.", schema_type="object"
    ),
    url_name="export_timelinejs",
)
def export_timelinejs(
    request: HttpRequest, language: Query[LanguageQuery], filters: Query[TimelineFilter]
):
    return exports.export_response(
        "timelinejs", event_list(filters), request=request, filters=filters
    )
