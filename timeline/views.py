"""HTML pages: each view renders its page template, or one of its partials for htmx."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.vary import vary_on_headers

from timeline.charts import density_chart
from timeline.filters import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    InvalidCursor,
    TimelineFilter,
    after_row,
    event_page,
    facets,
    facets_without_waiting,
    filter_from_query,
    published_event,
)
from timeline.markup import render_markdown
from timeline.models import Actor, Event, EventKind, EventStatus, Tag
from timeline.schemas import event_api_url

AUTOCOMPLETE_LIMIT = 8


def wants_fragment(request: HttpRequest) -> bool:
    # A history-restore request rebuilds the whole page from the URL: it needs the full page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def page_size(request: HttpRequest, errors: dict[str, str]) -> int:
    raw = request.GET.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT:
        return int(raw)
    errors["limit"] = f"limit must be a whole number from 1 to {MAX_LIMIT}"
    return DEFAULT_LIMIT


def timeline_context(
    request: HttpRequest, *, base=None, actor: Actor | None = None, defer_counts: bool = False
) -> dict:
    """The page of events, and the counts (total, chart, facets) for the same filters.

    With `defer_counts`, counts that would keep the reader waiting (a large record, not yet
    counted since the last change) are left for the page to fetch from `counts`.
    """
    filters, errors = filter_from_query(request.GET)
    limit = page_size(request, errors)
    cursor = request.GET.get("cursor") or None
    try:
        page = event_page(filters, cursor=cursor, limit=limit, base=base)
    except InvalidCursor as error:
        errors["cursor"] = str(error)
        cursor = None
        page = event_page(filters, limit=limit, base=base)
    next_query = None
    if page.next_cursor:
        query = filters.to_query(cursor=page.next_cursor)
        if request.GET.get("limit") and "limit" not in errors:
            query["limit"] = str(limit)
        next_query = query.urlencode()
    if defer_counts:
        counts = facets_without_waiting(filters)
    else:
        counts = facets(filters, base=base, base_key=f"actor:{actor.pk}" if actor else "")
    return {
        **counts_context(counts, filters=filters, timeline_path=request.path),
        "filters": filters,
        "errors": errors,
        "page": page,
        "cursor": cursor,
        "next_query": next_query,
        "tags": Tag.objects.filter(events__publication="published").distinct().order_by("name"),
        "kinds": EventKind.choices,
        "statuses": EventStatus.choices,
        "selected_actors": Actor.objects.filter(slug__in=filters.actor).order_by("name"),
        "query_string": filters.to_query().urlencode(),
        "actor": actor,
    }


def counts_context(counts: dict | None, *, filters: TimelineFilter, timeline_path: str) -> dict:
    """What the counts partial shows; `counts_pending` when they are still to be counted."""
    if counts is None:
        return {"counts_pending": True, "timeline_path": timeline_path}
    return {
        "counts_pending": False,
        "timeline_path": timeline_path,
        "page_total": sum(row["count"] for row in counts["kind"]),
        "facet_groups": facet_groups(counts, filters=filters),
        "facets": counts,
        "chart": density_chart(counts["year"], months=counts["month"], filters=filters),
    }


def facet_groups(counts: dict, *, filters: TimelineFilter) -> list[tuple[str, list[dict]]]:
    """Each facet value as a link that toggles it in the current filters."""
    labels = {
        "kind": dict(EventKind.choices),
        "status": dict(EventStatus.choices),
        "country": {},
        "actor": {row["value"]: row["label"] for row in counts["actor"]},
    }
    groups = []
    for name in ("kind", "status", "country", "actor"):
        selected = {str(v) for v in getattr(filters, name)}
        rows = [
            {
                "label": labels[name].get(row["value"], row["value"]),
                "count": row["count"],
                "href": filters.toggled(name, str(row["value"])),
                "selected": str(row["value"]) in selected,
            }
            for row in counts[name]
        ]
        if rows:
            groups.append((name, rows))
    return groups


@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def index(request: HttpRequest) -> TemplateResponse:
    context = timeline_context(request, defer_counts=True)
    template = "timeline/index.html"
    if wants_fragment(request):
        template += "#more" if context["cursor"] else "#results"
    response = TemplateResponse(request, template, context)
    if context["counts_pending"]:
        # Complete once the counts are cached: neither the page cache nor a browser keeps this.
        patch_cache_control(response, no_cache=True)
    return response


@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def counts(request: HttpRequest) -> TemplateResponse:
    """The timeline's counts (total, chart, facets) for its filters: the fragment a timeline
    page fetches when they were not yet counted, or a page of their own without JavaScript."""
    filters, errors = filter_from_query(request.GET)
    context = {
        **counts_context(facets(filters), filters=filters, timeline_path=reverse("timeline:index")),
        "filters": filters,
        "errors": errors,
        "query_string": filters.to_query().urlencode(),
        "standalone": not wants_fragment(request),
        "counts_oob": wants_fragment(request),
    }
    template = "timeline/counts.html"
    if wants_fragment(request):
        template += "#counts"
    return TemplateResponse(request, template, context)


@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def event_detail(request: HttpRequest, *, slug: str) -> TemplateResponse:
    event = published_event(slug)
    if event is None:
        raise Http404("No published event has this address.")
    published = Event.objects.published()
    here = {"start": event.start, "end": event.end, "pk": event.pk}
    previous = (
        published.filter(after_row(**here, newest=True)).order_by("-start", "-end", "-id").first()
    )
    following = (
        published.filter(after_row(**here, newest=False)).order_by("start", "end", "id").first()
    )
    context = {
        "event": event,
        "previous": previous,
        "next": following,
        "api_url": event_api_url(event.slug),
        "body_html": render_markdown(event.body),
    }
    return TemplateResponse(request, "timeline/event.html", context)


PUBLIC_FIELDS = {
    "title",
    "summary",
    "body",
    "kind",
    "start",
    "end",
    "precision",
    "approximate",
    "date_text",
    "status",
    "location",
    "country",
    "latitude",
    "longitude",
    "publication",
}


def event_revisions(request: HttpRequest, *, slug: str) -> TemplateResponse:
    """When the public record of an event changed, and which fields: no editor identities."""
    event = get_object_or_404(Event.objects.published(), slug=slug)
    records = list(event.history.order_by("-history_date", "-history_id")[:200])
    revisions = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if older is None:
            fields = ["created"]
        else:
            delta = newer.diff_against(older)
            fields = sorted(
                str(Event._meta.get_field(c.field).verbose_name)
                for c in delta.changes
                if c.field in PUBLIC_FIELDS
            )
        if fields:
            revisions.append({"date": newer.history_date, "fields": fields})
    context = {"event": event, "revisions": revisions}
    return TemplateResponse(request, "timeline/revisions.html", context)


@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def actor_list(request: HttpRequest) -> TemplateResponse:
    q = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    actors = Actor.objects.public().order_by("name")
    if q:
        actors = actors.matching(q)
    context = {"actors": actors, "q": q}
    template = "timeline/actors.html"
    if wants_fragment(request):
        template += "#actor-results"
    return TemplateResponse(request, template, context)


def actor_suggestions(request: HttpRequest) -> TemplateResponse:
    """htmx autocomplete: actors whose name or alias contains what was typed."""
    q = request.GET.get("actor_search", "").replace("\x00", "").strip()[:100]
    public = Actor.objects.public()
    actors = public.matching(q).order_by("name")[:AUTOCOMPLETE_LIMIT] if q else []
    return TemplateResponse(request, "timeline/index.html#suggestions", {"suggestions": actors})


@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def actor_detail(request: HttpRequest, *, slug: str) -> TemplateResponse:
    actor = get_object_or_404(Actor.objects.public().select_related("parent"), slug=slug)
    base = Event.objects.published().filter(actors=actor).distinct()
    context = timeline_context(request, base=base, actor=actor)
    template = "timeline/actor.html"
    if wants_fragment(request):
        template = "timeline/index.html" + ("#more" if context["cursor"] else "#results")
    return TemplateResponse(request, template, context)
