"""HTML pages: each view renders its page template, or one of its partials for htmx."""

import re
from datetime import date
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Count, Max, Min
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from timeline.cards import Card, card_page, kind_group
from timeline.charts import density_chart
from timeline.countries import country_name
from timeline.markup import render_markdown
from timeline.models import PUBLIC_STATUS_CHOICES, Actor, Event, EventKind, normalise_name
from timeline.pagecache import cache_for_anonymous
from timeline.schemas import event_api_url
from timeline.selectors.events import published_event
from timeline.selectors.facets import facets, facets_without_waiting, panel_choices
from timeline.selectors.paging import InvalidCursor, after_row, decode_cursor
from timeline.selectors.params import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    PAGE_SORT,
    TimelineFilter,
    filter_from_query,
    without_nul,
)
from timeline.translation import content_language, localized_text

AUTOCOMPLETE_LIMIT = 8
# "Load more" records how far the reader has loaded in the URL (pages=3), so that Back and a
# shared link show the same events; past this many pages it pages by cursor alone.
MAX_PAGES = 10
# Parameters that only serve the form's widgets and never belong in a shared URL.
WIDGET_PARAMETERS = {"actor_search"}


def wants_fragment(request: HttpRequest) -> bool:
    # A history-restore request rebuilds the whole page from the URL: it needs the full page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def tidy_query(query: QueryDict) -> QueryDict:
    """The query without empty values, widget-only fields or the page's default order: what a
    URL the reader sees or shares should say."""
    tidy = QueryDict(mutable=True)
    for name, values in query.lists():
        if name in WIDGET_PARAMETERS:
            continue
        kept = [v for v in values if v.strip()]
        if name == "sort":
            kept = [v for v in kept if v != PAGE_SORT]
        if kept:
            tidy.setlist(name, kept)
    return tidy


def untidy_redirect(request: HttpRequest, query: QueryDict) -> HttpResponseRedirect | None:
    """A plain form submission (no JavaScript) sends every field, empty or not: answer with
    the same page at its tidy address."""
    if request.htmx:
        return None
    tidy = tidy_query(query)
    if tidy.urlencode() == request.GET.urlencode():
        return None
    return HttpResponseRedirect(f"{request.path}?{tidy.urlencode()}" if tidy else request.path)


def with_typed_actor(query: QueryDict) -> tuple[QueryDict, str]:
    """The query with the actor whose name was typed in the actor box (and sent with Enter,
    or without JavaScript) added to the actor filter; or a message if no actor has that name."""
    typed = without_nul(query.get("actor_search", "")).strip()[:100]
    if not typed:
        return query, ""
    candidates = list(Actor.objects.matching(typed).order_by("name")[:200])
    if not candidates:
        message = _("No actor is called “%(name)s”: try another spelling.") % {"name": typed}
        return query, message
    best = min(candidates, key=lambda actor: suggestion_rank(actor, typed=typed))
    updated = query.copy()
    updated.pop("actor_search", None)
    if best.slug not in updated.getlist("actor"):
        updated.appendlist("actor", best.slug)
    return updated, ""


def page_size(query: QueryDict, errors: dict[str, str]) -> int:
    raw = query.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT:
        return int(raw)
    errors["limit"] = _("limit must be a whole number from 1 to %(max)s") % {"max": MAX_LIMIT}
    return DEFAULT_LIMIT


def pages_loaded(query: QueryDict, errors: dict[str, str]) -> int:
    raw = query.get("pages", "")
    if not raw:
        return 1
    if raw.isdigit() and 1 <= int(raw) <= MAX_PAGES:
        return int(raw)
    errors["pages"] = _("pages must be a whole number from 1 to %(max)s") % {"max": MAX_PAGES}
    return 1


def previous_start(cursor: str | None, *, filters: TimelineFilter) -> date | None:
    """The start date of the last event before this page, so that a year or month heading
    is not repeated where two pages join."""
    if not cursor or filters.ranked:
        return None
    try:
        first, _second, _pk = decode_cursor(cursor, sort=filters.order)
    except InvalidCursor:
        return None
    return first if isinstance(first, date) else None


def timeline_rows(
    cards: list[Card], *, filters: TimelineFilter, previous: date | None
) -> list[dict]:
    """Each card with the year and month markers that go before it on the timeline's axis.

    Events dated only to a quarter or a year get no month marker; a relevance-ranked list,
    which mixes years, gets no markers at all.
    """
    dated = not filters.ranked
    year = previous.year if previous else None
    month = (previous.year, previous.month) if previous else None
    rows = []
    for card in cards:
        row = {"card": card.html, "year_marker": None, "month_marker": None}
        fine = card.precision in ("day", "week", "month")
        key = (card.start.year, card.start.month) if fine else (card.start.year, None)
        if dated and card.start.year != year:
            row["year_marker"] = card.start.year
            year = card.start.year
        if dated and fine and key != month:
            row["month_marker"] = card.start
        month = key
        rows.append(row)
    return rows


def control_counts(counts: dict | None) -> dict[str, dict[str, int]]:
    """{"kind": {"summit": 22, …}, …}: the numbers the filter controls show beside each value."""
    if counts is None:
        return {}
    return {
        name: {str(row["value"]): row["count"] for row in counts[name]}
        for name in ("kind", "status", "country", "actor")
    }


def choices_with_counts(
    choices, *, selected: list, counts: dict[str, int] | None, show_counts: bool
) -> list[dict]:
    chosen = {str(v) for v in selected}
    return [
        {
            "value": value,
            "label": label,
            "group": kind_group(value),
            "count": (counts or {}).get(str(value), 0) if show_counts else None,
            "checked": str(value) in chosen,
        }
        for value, label in choices
    ]


def timeline_context(
    request: HttpRequest,
    *,
    query: QueryDict,
    base=None,
    actor: Actor | None = None,
    defer_counts: bool = False,
) -> dict:
    """The page of events, and the counts (total, rail, control counts) for the same filters.

    With `defer_counts`, counts that would keep the reader waiting (a large record, not yet
    counted since the last change) are left for the page to fetch from `counts`.
    """
    filters, errors = filter_from_query(query)
    limit = page_size(query, errors)
    pages = pages_loaded(query, errors)
    cursor = query.get("cursor") or None
    shown = limit if cursor else min(limit * pages, MAX_LIMIT * MAX_PAGES)
    try:
        page = card_page(filters, cursor=cursor, limit=shown, base=base)
    except InvalidCursor as error:
        errors["cursor"] = str(error)
        cursor = None
        page = card_page(filters, limit=shown, base=base)
    page_query = filters.to_query(default_sort=PAGE_SORT)
    if query.get("limit") and "limit" not in errors:
        page_query["limit"] = str(limit)
    next_href = next_fragment = None
    pages_query = None
    if page.next_cursor:
        following = pages + 1 if "pages" not in errors else 2
        by_cursor = page_query.copy()
        by_cursor["cursor"] = page.next_cursor
        if following <= MAX_PAGES:
            pages_query = page_query.copy()
            pages_query["pages"] = str(following)
            next_href = f"{pages_query.urlencode()}#e-{page.cards[-1].slug}"
            by_cursor["pages"] = str(following)
        else:
            next_href = by_cursor.urlencode()
        next_fragment = by_cursor.urlencode()
    base_key = f"actor:{actor.pk}" if actor else ""
    if defer_counts:
        counts = facets_without_waiting(filters)
    else:
        counts = facets(filters, base=base, base_key=base_key)
    numbers = control_counts(counts)
    shown_counts = counts is not None
    choices = panel_choices(base=base, base_key=base_key)
    countries = set(choices["countries"]) | set(filters.country)
    selected_actors = list(Actor.objects.filter(slug__in=filters.actor).order_by("name"))
    selected_slugs = {a.slug for a in selected_actors}
    frequent = [
        {**row, "label": actor_label(row)}
        for row in (counts or {}).get("actor", [])
        if row["value"] not in selected_slugs
    ][:6]
    panel_filters = sum(
        len(getattr(filters, name)) for name in ("kind", "status", "actor", "country", "tag")
    )
    return {
        **counts_context(counts, filters=filters, timeline_path=request.path),
        "filters": filters,
        "errors": errors,
        "page": page,
        "rows": timeline_rows(
            page.cards, filters=filters, previous=previous_start(cursor, filters=filters)
        ),
        "cursor": cursor,
        "pages": pages,
        "next_href": next_href,
        "next_fragment": next_fragment,
        "pages_query": pages_query.urlencode() if pages_query else "",
        "tags": [
            {
                "value": tag["slug"],
                "label": localized_text(SimpleNamespace(**tag), "name"),
                "checked": tag["slug"] in filters.tag,
            }
            for tag in choices["tags"]
        ],
        "kinds": choices_with_counts(
            EventKind.choices,
            selected=filters.kind,
            counts=numbers.get("kind"),
            show_counts=shown_counts,
        ),
        "statuses": choices_with_counts(
            PUBLIC_STATUS_CHOICES,
            selected=filters.status,
            counts=numbers.get("status"),
            show_counts=shown_counts,
        ),
        "countries": sorted(
            choices_with_counts(
                [(code, country_name(code)) for code in countries],
                selected=filters.country,
                counts=numbers.get("country"),
                show_counts=shown_counts,
            ),
            key=lambda row: row["label"],
        ),
        "selected_actors": selected_actors,
        "frequent_actors": frequent,
        "panel_filters": panel_filters,
        "query_string": page_query.urlencode(),
        "api_query": filters.to_query().urlencode(),
        "order_links": order_links(filters),
        "actor": actor,
        "page_meta": timeline_meta(request, filters=filters, actor=actor),
    }


def order_links(filters: TimelineFilter) -> list[dict]:
    """The one-click switch between newest first and oldest first (and ranked, with a search)."""
    orders = [("newest", _("Newest first")), ("chronological", _("Oldest first"))]
    if filters.q:
        orders.append(("relevance", _("Best matches first")))
    return [
        {
            "label": label,
            "href": filters.to_query(default_sort=PAGE_SORT, sort=value).urlencode(),
            "current": filters.order == value,
        }
        for value, label in orders
    ]


def timeline_meta(request: HttpRequest, *, filters: TimelineFilter, actor: Actor | None) -> dict:
    if actor is not None:
        description = _(
            "Every recorded event of Korean Peninsula diplomacy involving %(name)s, "
            "with its sources."
        ) % {"name": localized_text(actor, "name")}
        description = localized_text(actor, "description") or description
        return page_meta(request, title=localized_text(actor, "name"), description=description)
    query = filters.to_query(default_sort=PAGE_SORT)
    path = f"{request.path}?{query.urlencode()}" if query else request.path
    return page_meta(
        request,
        title=_("Timeline of Korean Peninsula diplomacy"),
        description=_(
            "Summits, congresses, drills, statements and tests on the Korean Peninsula, each "
            "with its sources, and dates only as precise as the sources are."
        ),
        path=path,
    )


def page_meta(
    request: HttpRequest,
    *,
    title: str,
    description: str,
    path: str | None = None,
    kind: str = "website",
) -> dict:
    """What the head of a page says about it: description, canonical address, share card."""
    return {
        "title": title,
        "description": " ".join(description.split())[:300],
        "canonical": request.build_absolute_uri(path or request.path),
        "type": kind,
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
        "control_counts": control_counts(counts),
        "facets": counts,
        "chart": density_chart(counts["year"], months=counts["month"], filters=filters),
    }


def actor_label(row: dict) -> str:
    """An actor's name in a counted row, in the page's language when it has one."""
    if content_language() == "ko" and row.get("label_ko"):
        return row["label_ko"]
    return row["label"]


def facet_groups(counts: dict, *, filters: TimelineFilter) -> list[tuple[str, list[dict]]]:
    """Each facet value as a link that toggles it in the current filters (the page of counts
    shown without JavaScript on a large record)."""
    labels = {
        "kind": dict(EventKind.choices),
        "status": dict(PUBLIC_STATUS_CHOICES),
        "country": {row["value"]: country_name(row["value"]) for row in counts["country"]},
        "actor": {row["value"]: actor_label(row) for row in counts["actor"]},
    }
    headings = {
        "kind": _("Kind"),
        "status": _("Status"),
        "country": _("Country (where it happened)"),
        "actor": _("Actors"),
    }
    groups = []
    for name in ("kind", "status", "country", "actor"):
        selected = {str(v) for v in getattr(filters, name)}
        rows = [
            {
                "label": labels[name].get(row["value"], row["value"]),
                "count": row["count"],
                "href": filters.toggled(name, str(row["value"]), default_sort=PAGE_SORT),
                "selected": str(row["value"]) in selected,
            }
            for row in counts[name]
        ]
        if rows:
            groups.append((headings[name], rows))
    return groups


def timeline_response(
    request: HttpRequest, template: str, context: dict, *, query: QueryDict
) -> TemplateResponse:
    """The full page, or for htmx the timeline (filters, rail and events) or the next page;
    the address bar gets the tidy URL of what is shown."""
    if wants_fragment(request):
        if context["cursor"]:
            response = TemplateResponse(request, "timeline/index.html#more", context)
            if context["pages"] > 1 and "pages" in query:
                loaded = tidy_query(query)
                loaded.pop("cursor", None)
                response["HX-Replace-Url"] = f"{request.path}?{loaded.urlencode()}"
            return response
        response = TemplateResponse(request, "timeline/index.html#timeline", context)
        tidy = tidy_query(query).urlencode()
        response["HX-Push-Url"] = f"{request.path}?{tidy}" if tidy else request.path
        return response
    return TemplateResponse(request, template, context)


@cache_for_anonymous
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def index(request: HttpRequest) -> HttpResponse:
    query, actor_error = with_typed_actor(request.GET)
    if not actor_error and (redirect := untidy_redirect(request, query)) is not None:
        return redirect
    context = timeline_context(request, query=query, defer_counts=True)
    if actor_error:
        context["errors"]["actor_search"] = actor_error
    response = timeline_response(request, "timeline/index.html", context, query=query)
    if context["counts_pending"]:
        # Complete once the counts are cached: neither the page cache nor a browser keeps this.
        patch_cache_control(response, no_cache=True)
    return response


@cache_for_anonymous(completes="timeline:index")
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def counts(request: HttpRequest) -> HttpResponse:
    """The timeline's counts (total, rail, control counts) for its filters: the fragment a
    timeline page fetches when they were not yet counted, or a page of their own without
    JavaScript."""
    if (redirect := untidy_redirect(request, request.GET)) is not None:
        return redirect
    filters, errors = filter_from_query(request.GET)
    query = filters.to_query(default_sort=PAGE_SORT).urlencode()
    context = {
        **counts_context(facets(filters), filters=filters, timeline_path=reverse("timeline:index")),
        "filters": filters,
        "errors": errors,
        "query_string": query,
        "standalone": not wants_fragment(request),
        "counts_oob": wants_fragment(request),
        "page_meta": page_meta(
            request,
            title=_("Counts for these filters"),
            description=_("How many recorded events match these filters, by year and kind."),
        ),
    }
    template = "timeline/counts.html"
    if wants_fragment(request):
        template += "#counts"
    return TemplateResponse(request, template, context)


@cache_for_anonymous
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
        "accounts": accounts(event),
        "group": kind_group(event.kind),
        "country": country_name(event.country) if event.country else "",
        "page_meta": page_meta(
            request,
            title=f"{event.date_display}: {localized_text(event, 'title')}",
            description=localized_text(event, "summary") or localized_text(event, "title"),
            kind="article",
        ),
        "structured_data": event_structured_data(request, event=event),
    }
    return TemplateResponse(request, "timeline/event.html", context)


def accounts(event: Event) -> list[dict]:
    """One account per source, with every passage cited from it: a source cited for two
    passages is listed once."""
    by_source: dict[int, dict] = {}
    for citation in event.citations.all():
        account = by_source.setdefault(
            citation.source_id, {"source": citation.source, "citations": []}
        )
        if citation.quote or citation.note or citation.speaker_id:
            account["citations"].append(citation)
    return list(by_source.values())


SCHEMA_STATUS = {
    "cancelled": "https://schema.org/EventCancelled",
    "scheduled": "https://schema.org/EventScheduled",
}


def event_structured_data(request: HttpRequest, *, event: Event) -> dict:
    """schema.org Event for search engines and link previews."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": localized_text(event, "title"),
        "inLanguage": content_language(),
        "startDate": event.start.isoformat(),
        "endDate": event.end.isoformat(),
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "description": localized_text(event, "summary"),
    }
    if event.public_status() in SCHEMA_STATUS:
        data["eventStatus"] = SCHEMA_STATUS[event.public_status()]
    if event.location or event.country:
        place = {
            "@type": "Place",
            "name": localized_text(event, "location") or country_name(event.country),
        }
        if event.country:
            place["address"] = {"@type": "PostalAddress", "addressCountry": event.country}
        data["location"] = place
    performers = [
        {
            "@type": "Person" if p.actor.kind == "person" else "Organization",
            "name": localized_text(p.actor, "name"),
        }
        for p in event.participations.all()
    ]
    if performers:
        data["performer"] = list({p["name"]: p for p in performers}.values())
    return data


def about(request: HttpRequest) -> TemplateResponse:
    """What the record is, how it is made, and how to correct it."""
    published = Event.objects.published()
    span = published.aggregate(first=Min("start"), last=Max("end"), events=Count("id"))
    context = {
        "span": span,
        "actor_count": Actor.objects.filter(participations__event__in=published).distinct().count(),
        "corrections": getattr(settings, "CORRECTIONS_EMAIL", DEFAULT_CORRECTIONS_EMAIL),
        "page_meta": page_meta(
            request,
            title=_("About the record"),
            description=_(
                "What the Peninsula Record covers, how events are chosen and dated, the source "
                "policy, the AI-generated label, corrections and the data licence."
            ),
        ),
    }
    return TemplateResponse(request, "timeline/about.html", context)


DEFAULT_CORRECTIONS_EMAIL = "corrections@peninsula-record.org"


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


@cache_for_anonymous
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
    context = {
        "event": event,
        "revisions": revisions,
        "page_meta": page_meta(
            request,
            title=_("Revisions: %(title)s") % {"title": localized_text(event, "title")},
            description=_("When the public record of this event changed, and which fields."),
        ),
    }
    return TemplateResponse(request, "timeline/revisions.html", context)


@cache_for_anonymous
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def actor_list(request: HttpRequest) -> TemplateResponse:
    q = without_nul(request.GET.get("q", "")).strip()[:200]
    actors = Actor.objects.public().order_by("name")
    if q:
        actors = actors.matching(q)
    context = {
        "actors": actors,
        "q": q,
        "page_meta": page_meta(
            request,
            title=_("Actors"),
            description=_(
                "The people, states, governments and organisations in the record of Korean "
                "Peninsula diplomacy, with every spelling of their names."
            ),
        ),
    }
    template = "timeline/actors.html"
    if wants_fragment(request):
        template += "#actor-results"
    return TemplateResponse(request, template, context)


def suggestion_rank(actor: Actor, *, typed: str) -> tuple[int, str]:
    """Exact names first, then names that start with what was typed, then names with a word
    that starts with it, then the rest: "moon" puts Moon Jae-in before Kim Moon-soo."""
    key = normalise_name(typed)
    names = [actor.name, *(actor.aliases or [])]
    keys = [normalise_name(n) for n in names]
    words = [normalise_name(w) for n in names for w in re.split(r"[\s\-‐‑–—,.·()]+", n) if w]
    if key in keys:
        rank = 0
    elif any(k.startswith(key) for k in keys):
        rank = 1
    elif any(w.startswith(key) for w in words):
        rank = 2
    else:
        rank = 3
    return rank, actor.name.casefold()


@cache_for_anonymous
def actor_suggestions(request: HttpRequest) -> TemplateResponse:
    """The actor combobox's options: actors whose name or alias contains what was typed, the
    closest matches first."""
    q = without_nul(request.GET.get("actor_search", "")).strip()[:100]
    public = Actor.objects.public()
    actors = list(public.matching(q).order_by("name")[:200]) if q else []
    actors.sort(key=lambda actor: suggestion_rank(actor, typed=q))
    context = {"suggestions": actors[:AUTOCOMPLETE_LIMIT], "typed": q}
    return TemplateResponse(request, "timeline/index.html#suggestions", context)


def actor_alias_redirect(request: HttpRequest, *, name: str) -> HttpResponse:
    """A name or alias of exactly one actor ("김정은", "Kim Jong Un") moves permanently to that
    actor's page, keeping the query string; anything else is not found."""
    named = list(Actor.objects.public().named(name).order_by("pk")[:2])
    if len(named) != 1 or named[0].slug == name:
        raise Http404("No actor has this name.")
    target = named[0].get_absolute_url()
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(target)


@cache_for_anonymous
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def actor_detail(request: HttpRequest, *, slug: str) -> HttpResponse:
    actor = Actor.objects.public().select_related("parent").filter(slug=slug).first()
    if actor is None:
        return actor_alias_redirect(request, name=slug)
    query, actor_error = with_typed_actor(request.GET)
    if not actor_error and (redirect := untidy_redirect(request, query)) is not None:
        return redirect
    base = Event.objects.published().filter(actors=actor).distinct()
    context = timeline_context(request, query=query, base=base, actor=actor)
    if actor_error:
        context["errors"]["actor_search"] = actor_error
    return timeline_response(request, "timeline/actor.html", context, query=query)
