"""The JSON API (django-ninja): the same filters, names and selectors as the pages."""

from __future__ import annotations

import re
from datetime import UTC

from django.conf import settings
from django.db import OperationalError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import NinjaAPI, Query, Status
from ninja.errors import HttpError, ValidationError
from pydantic import BaseModel, Field, field_validator

from timeline import exports
from timeline.dbguard import is_query_timeout, query_timeout_detail
from timeline.limits import ClientRateThrottle
from timeline.models import Actor, ActorKind, Event
from timeline.models import Tag as TagModel
from timeline.rendering import json_bytes, rendered_detail, rendered_page
from timeline.schemas import (
    ActorDetail,
    ActorOut,
    ChangeList,
    EventDetail,
    EventPage,
    Facets,
    LanguageQuery,
    SourceOut,
    TagOut,
    actor_dict,
    event_api_url,
    source_dict,
)
from timeline.selectors.events import event_list, filtered_events
from timeline.selectors.facets import facets
from timeline.selectors.paging import InvalidCursor, source_page
from timeline.selectors.params import DEFAULT_LIMIT, MAX_LIMIT, TimelineFilter
from timeline.translation import localized_text

# What a slug can be; anything else (a NUL byte, say) is simply not found.
SLUG = re.compile(r"[-\w]{1,200}")

api = NinjaAPI(
    title="Korean Peninsula diplomacy timeline API",
    version="1",
    description=(
        "Events of Korean Peninsula diplomacy with their actors and sources. Only published "
        "events are visible. Lists take the same filters as the timeline page."
    ),
    urls_namespace="api-1",
    throttle=[ClientRateThrottle(settings.API_ANON_RATE)],
)


class FieldError(BaseModel):
    field: str
    message: str


class ValidationErrorOut(BaseModel):
    detail: str
    errors: list[FieldError]


class NotFound(BaseModel):
    detail: str


def export_doc(media_type: str, description: str) -> dict:
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {media_type: {"schema": {"type": "string"}}},
            }
        }
    }


class Paging(BaseModel):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Events per page (1–200).")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of a page.")
    count: bool = Field(False, description="Also return the total number of matching events.")


class ActorQuery(BaseModel):
    q: str = Field("", max_length=200, description="Matches names and aliases.")
    kind: ActorKind | None = None
    country: str = Field("", max_length=2)


def error_422(field: str, message: str) -> HttpError:
    return ValidationError([{"loc": ["query", field], "msg": message, "type": "value_error"}])


@api.exception_handler(ValidationError)
def validation_failed(request: HttpRequest, error: ValidationError) -> HttpResponse:
    details = []
    for item in error.errors:
        loc = [part for part in item.get("loc", []) if part not in ("query", "filters", "paging")]
        name = {"date_from": "from", "date_to": "to"}.get(str(loc[0]) if loc else "", "")
        field = name or (str(loc[0]) if loc else "query")
        message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        details.append({"field": field, "message": message})
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return api.create_response(
        request, {"detail": summary or "Invalid request.", "errors": details}, status=422
    )


@api.exception_handler(OperationalError)
def database_failed(request: HttpRequest, error: OperationalError) -> HttpResponse:
    """A query stopped by the time budget is the request's fault: 503 naming what to narrow.
    Anything else (the database unreachable) goes on to the site-wide 503."""
    if not is_query_timeout(error):
        raise error
    response = api.create_response(request, {"detail": query_timeout_detail()}, status=503)
    response["Retry-After"] = "30"
    return response


@api.get(
    "/events",
    response={200: EventPage, 422: ValidationErrorOut},
    url_name="event_list",
    tags=["events"],
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


@api.get(
    "/events/{slug}",
    response={200: EventDetail, 404: NotFound, 422: ValidationErrorOut},
    url_name="event_detail",
    tags=["events"],
)
def get_event(request: HttpRequest, language: Query[LanguageQuery], slug: str):
    """One published event with its participants, every account and its relations."""
    detail = rendered_detail(slug, language=language.lang) if SLUG.fullmatch(slug) else None
    if detail is None:
        return Status(404, {"detail": f"No published event has the slug {slug!r}."})
    return json_response(detail)


def json_response(content: bytes | memoryview) -> HttpResponse:
    return HttpResponse(content, content_type="application/json; charset=utf-8")


@api.get(
    "/actors",
    response={200: list[ActorOut], 422: ValidationErrorOut},
    url_name="actor_list",
    tags=["actors"],
)
def list_actors(request: HttpRequest, language: Query[LanguageQuery], query: Query[ActorQuery]):
    actors = Actor.objects.public().select_related("parent").order_by("name")
    if q := query.q.replace("\x00", ""):
        actors = actors.matching(q)
    if query.kind:
        actors = actors.filter(kind=query.kind)
    if country := query.country.replace("\x00", ""):
        actors = actors.filter(country=country.upper())
    return [actor_dict(actor) for actor in actors[:500]]


@api.get(
    "/actors/{slug}",
    response={200: ActorDetail, 404: NotFound, 422: ValidationErrorOut},
    url_name="actor_detail",
    tags=["actors"],
)
def get_actor(request: HttpRequest, language: Query[LanguageQuery], slug: str):
    actor = (
        Actor.objects.public()
        .select_related("parent")
        .annotate(
            event_count=Count(
                "participations__event",
                filter=Q(participations__event__publication=Event.Publication.PUBLISHED),
                distinct=True,
            )
        )
        .filter(slug=slug)
        .first()
        if SLUG.fullmatch(slug)
        else None
    )
    if actor is None:
        return Status(404, {"detail": f"No actor has the slug {slug!r}."})
    return {**actor_dict(actor), "event_count": actor.event_count}


class SourcePageOut(BaseModel):
    items: list[SourceOut]
    next_cursor: str | None
    next_url: str | None


class SourcePaging(BaseModel):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Sources per page (1–200).")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of a page.")


@api.get(
    "/sources",
    response={200: SourcePageOut, 422: ValidationErrorOut},
    url_name="source_list",
    tags=["sources"],
)
def list_sources(request: HttpRequest, paging: Query[SourcePaging]):
    """Sources cited by at least one published event, newest first, in pages of `limit`."""
    try:
        page = source_page(cursor=paging.cursor, limit=paging.limit)
    except InvalidCursor as error:
        raise error_422("cursor", str(error)) from None
    next_url = None
    if page.next_cursor:
        next_url = f"{request.path}?limit={paging.limit}&cursor={page.next_cursor}"
    return {
        "items": [source_dict(source) for source in page.sources],
        "next_cursor": page.next_cursor,
        "next_url": next_url,
    }


@api.get(
    "/tags",
    response={200: list[TagOut], 422: ValidationErrorOut},
    url_name="tag_list",
    tags=["tags"],
)
def list_tags(request: HttpRequest, language: Query[LanguageQuery]):
    """Tags of at least one published event."""
    tags = (
        TagModel.objects.annotate(
            event_count=Count(
                "events", filter=Q(events__publication=Event.Publication.PUBLISHED), distinct=True
            )
        )
        .filter(event_count__gt=0)
        .order_by("name")
    )
    return [
        {
            "slug": t.slug,
            "name": localized_text(t, "name"),
            "name_ko": t.name_ko,
            "event_count": t.event_count,
        }
        for t in tags
    ]


@api.get(
    "/facets", response={200: Facets, 422: ValidationErrorOut}, url_name="facets", tags=["events"]
)
def get_facets(request: HttpRequest, filters: Query[TimelineFilter]):
    """Counts by kind, country, status, actor and year for the filtered events."""
    return facets(filters)


class ChangesQuery(BaseModel):
    since: str = Field(
        ...,
        max_length=64,
        json_schema_extra={"format": "date-time"},
        description="ISO 8601 moment, e.g. 2026-02-27T00:00:00Z",
    )

    @field_validator("since")
    @classmethod
    def iso_moment(cls, value: str) -> str:
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(f"{value!r} is not an ISO 8601 moment such as 2026-02-27T00:00:00Z")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, UTC)
        try:
            # Databases disagree on odd offsets (PostgreSQL refuses +16:50): compare in UTC.
            return parsed.astimezone(UTC).isoformat()
        except (OverflowError, ValueError):
            raise ValueError(
                f"{value!r} is outside the range of dates this service keeps"
            ) from None


@api.get(
    "/changes",
    response={200: ChangeList, 422: ValidationErrorOut},
    url_name="changes",
    tags=["events"],
)
def list_changes(request: HttpRequest, query: Query[ChangesQuery]):
    """Events published, changed or withdrawn since `since` (ISO 8601), oldest change first."""
    since = parse_datetime(query.since)
    until = timezone.now()
    public = [Event.Publication.PUBLISHED, Event.Publication.WITHDRAWN]
    rows = (
        Event.objects.filter(updated_at__gt=since, publication__in=public)
        .order_by("updated_at", "id")
        .values("slug", "publication", "updated_at")[:5000]
    )
    items = [
        {
            "slug": row["slug"],
            "change": "published" if row["publication"] == "published" else "withdrawn",
            "updated_at": row["updated_at"],
            "api_url": event_api_url(row["slug"]) if row["publication"] == "published" else None,
        }
        for row in rows
    ]
    return {"since": since, "until": until, "items": items}


@api.get(
    "/export/events.csv",
    response={422: ValidationErrorOut},
    openapi_extra=export_doc("text/csv", "Events as CSV (one row per event)."),
    url_name="export_csv",
    tags=["exports"],
)
def export_csv(
    request: HttpRequest, language: Query[LanguageQuery], filters: Query[TimelineFilter]
):
    return exports.export_response("csv", event_list(filters), request=request, filters=filters)


@api.get(
    "/export/events.ics",
    response={422: ValidationErrorOut},
    openapi_extra=export_doc("text/calendar", "Events as iCalendar all-day events."),
    url_name="export_ics",
    tags=["exports"],
)
def export_ics(
    request: HttpRequest, language: Query[LanguageQuery], filters: Query[TimelineFilter]
):
    return exports.export_response("ics", event_list(filters), request=request, filters=filters)


@api.get(
    "/export/events.atom",
    response={422: ValidationErrorOut},
    openapi_extra=export_doc("application/atom+xml", "Events as an Atom feed, newest first."),
    url_name="export_atom",
    tags=["exports"],
)
def export_atom(
    request: HttpRequest, language: Query[LanguageQuery], filters: Query[TimelineFilter]
):
    newest = filters.model_copy(update={"sort": "newest"})
    return exports.export_response("atom", event_list(newest), request=request, filters=filters)


@api.get(
    "/export/timelinejs.json",
    response={422: ValidationErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "Events in TimelineJS3's JSON format.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    },
    url_name="export_timelinejs",
    tags=["exports"],
)
def export_timelinejs(
    request: HttpRequest, language: Query[LanguageQuery], filters: Query[TimelineFilter]
):
    return exports.export_response(
        "timelinejs", event_list(filters), request=request, filters=filters
    )
