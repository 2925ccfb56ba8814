"""Events: the filtered list in keyset pages, and one event with everything its page shows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from timeline.api.errors import NotFound, ValidationErrorOut, error_422
from timeline.api.params import Paging, is_slug
from timeline.rendering import json_bytes, rendered_detail, rendered_page
from timeline.schemas import EventDetail, EventPage, LanguageQuery
from timeline.selectors.events import filtered_events
from timeline.selectors.paging import InvalidCursor
from timeline.selectors.params import TimelineFilter

router = Router(tags=["events"])


def json_response(content: bytes | memoryview) -> HttpResponse:
    return HttpResponse(content, content_type="application/json; charset=utf-8")


@router.get(
    "/events",
    response={200: EventPage, 422: ValidationErrorOut},
    url_name="event_list",
    exclude_unset=True,
)
def list_events(
    request: HttpRequest,
    language: Query[LanguageQuery],
    filters: Query[TimelineFilter],
    paging: Query[Paging],
):
    """Published events, filtered, in pages of `limit` after `cursor`."""
    # The entries are stored JSON (timeline/rendering.py), joined as they are read; the
    # response model above still documents and defines their shape.
    try:
        page = rendered_page(
            filters, cursor=paging.cursor, limit=paging.limit, language=language.lang
        )
    except InvalidCursor as error:
        raise error_422("cursor", str(error)) from None
    next_url = None
    if page.next_cursor:
        query = filters.to_query(cursor=page.next_cursor, limit=str(paging.limit))
        if paging.count:
            query["count"] = "true"
        if language.lang != "en":
            query["lang"] = language.lang
        next_url = f"{request.path}?{query.urlencode()}"
    body = [
        b'{"items":[',
        b",".join(page.items),
        b'],"next_cursor":',
        json_bytes(page.next_cursor),
        b',"next_url":',
        json_bytes(next_url),
    ]
    if paging.count:
        body += [b',"count":', json_bytes(filtered_events(filters).count())]
    body.append(b"}")
    return json_response(b"".join(body))


@router.get(
    "/events/{slug}",
    response={200: EventDetail, 404: NotFound, 422: ValidationErrorOut},
    url_name="event_detail",
)
def get_event(request: HttpRequest, language: Query[LanguageQuery], slug: str):
    """One published event with its participants, every account and its relations."""
    detail = rendered_detail(slug, language=language.lang) if is_slug(slug) else None
    if detail is None:
        return Status(404, {"detail": f"No published event has the slug {slug!r}."})
    return json_response(detail)
