"""Each published event's public API representation, rendered once when it changes.

The API's list entry and detail of an event are JSON bytes kept in `EventRendering`, written in
the transaction that changes the event or anything it shows (its actors, sources, citations,
tags, relations, or a related event's title, date or publication). The API's list and detail
read those rows with the keyset query and join them: no model row is built and no schema is
validated per request. The bytes are generated through the schemas (`EventItem`,
`EventDetail`), which stay the one declaration of the shape and of the OpenAPI document.

Nothing that depends on the clock is stored: `status` is stored as recorded and passed through
`status_at` when an answer is read (the one place where a time-dependent status, such as an
outcome not yet recorded for a scheduled event whose end has passed, belongs).

Writes that bypass model signals (bulk_create, raw loads) call `render_events` themselves; an
event whose rendering is missing is rendered in memory when read, so an answer is never wrong,
only slower (`manage.py render_events` fills what is missing).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import ContextDecorator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone, translation

from timeline import caching
from timeline.cards import CARD_COLUMNS, card_fields
from timeline.models import (
    Actor,
    Citation,
    Event,
    EventRelation,
    EventRendering,
    Participation,
    Source,
    Tag,
    public_status_at,
)
from timeline.schemas import EventDetail, EventItem
from timeline.selectors.events import with_related
from timeline.selectors.paging import encode_cursor, keyset_events
from timeline.selectors.params import TimelineFilter

BATCH = 500
_json_encoder = DjangoJSONEncoder()
ITEM_FIELDS = tuple(EventItem.model_fields)


def json_bytes(data: Any) -> bytes:
    """orjson, with Django's spelling of dates and times (the one django-ninja answers with)."""
    return orjson.dumps(data, default=_json_encoder.default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def status_at(*, status: str, end: date, today: date) -> str:
    """The status a reader is shown on `today`. Stored renderings hold the recorded status;
    a rule that depends on the date goes here and is applied to every answer as it is read."""
    return public_status_at(status=status, end=end, today=today)


def with_status(
    rendered: bytes | memoryview, *, status: str, end: date, today: date
) -> bytes | memoryview:
    shown = status_at(status=status, end=end, today=today)
    if shown == status:
        return rendered
    data = orjson.loads(rendered)
    data["status"] = shown
    return orjson.dumps(data)


# ----------------------------------------------------------------------------------------------
# Writing


def detail_queryset(events: QuerySet) -> QuerySet:
    """Everything an event's detail shows, in a fixed number of queries."""
    return with_related(events).prefetch_related(
        Prefetch("relations_out", queryset=EventRelation.objects.select_related("to_event")),
        Prefetch("relations_in", queryset=EventRelation.objects.select_related("from_event")),
    )


LANGUAGES = ("en", "ko")


def render(event: Event, *, language: str = "en") -> tuple[bytes, bytes]:
    """(list entry, detail) of one event in `language`, shaped and checked by the schemas."""
    with translation.override(language):
        detail = EventDetail.from_orm(event).model_dump()
    item = {name: detail[name] for name in ITEM_FIELDS}
    return json_bytes(item), json_bytes(detail)


def stored_columns(language: str) -> tuple[str, str]:
    """The EventRendering fields holding `language`'s list entry and detail."""
    return ("item", "detail") if language == "en" else (f"item_{language}", f"detail_{language}")


class _Deleting(threading.local):
    def __init__(self) -> None:
        self.events: set[int] = set()


_deleting = _Deleting()


class _Batch(threading.local):
    def __init__(self) -> None:
        self.pending: set[int] | None = None


_batch = _Batch()


class batched(ContextDecorator):
    """A transaction in which changed events are collected and each rendered once, at its end,
    before it commits (an import touches an event once per participant and citation)."""

    def _recreate_cm(self) -> batched:
        return type(self)()  # each call of a decorated function gets its own state

    def __enter__(self) -> None:
        self._atomic = transaction.atomic(using=router.db_for_write(EventRendering))
        self._atomic.__enter__()
        self._outer = _batch.pending is None
        if self._outer:
            _batch.pending = set()
            caching.defer_bumps()

    def __exit__(self, exc_type, exc, tb) -> bool | None:
        try:
            if self._outer:
                pending, _batch.pending = _batch.pending, None
                caching.end_deferred_bumps(bump=exc_type is None)
                if exc_type is None:
                    render_events(pending or ())
        except BaseException:
            self._atomic.__exit__(*sys.exc_info())
            raise
        return self._atomic.__exit__(exc_type, exc, tb)


def render_events(event_ids: Iterable[int]) -> int:
    """Render (or drop) the stored representation of these events, in the caller's
    transaction. Published events get a row; any other state, none. Returns rows written
    (0 when inside `batched`, which renders them at its end)."""
    ids = {pk for pk in event_ids if pk is not None} - _deleting.events
    if _batch.pending is not None:
        _batch.pending |= ids
        return 0
    return _render_now(sorted(ids))


def _render_now(ids: list[int]) -> int:
    written = 0
    using = router.db_for_write(EventRendering)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic(using=using):
            events = detail_queryset(Event.objects.using(using).published().filter(pk__in=chunk))
            rows = []
            for event in events:
                fields = {}
                for language in LANGUAGES:
                    item_field, detail_field = stored_columns(language)
                    fields[item_field], fields[detail_field] = render(event, language=language)
                fields.update(card_fields(event))  # the pages' cards (timeline/cards.py)
                rows.append(EventRendering(event_id=event.pk, **fields))
            published = {row.event_id for row in rows}
            unpublished = [pk for pk in chunk if pk not in published]
            if unpublished:
                EventRendering.objects.using(using).filter(event_id__in=unpublished).delete()
            if rows:
                EventRendering.objects.using(using).bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["event"],
                    update_fields=[
                        *(f for lang in LANGUAGES for f in stored_columns(lang)),
                        *CARD_COLUMNS,
                    ],
                )
            written += len(rows)
    return written


def render_all(*, missing_only: bool = False) -> int:
    """Every published event (or those without a rendering), in batches."""
    events = Event.objects.published().order_by("pk")
    if missing_only:
        events = events.filter(Q(rendering__isnull=True) | Q(rendering__card=""))
    return render_events(events.values_list("pk", flat=True).iterator(chunk_size=10_000))


def related_ids(event_ids: Iterable[int]) -> set[int]:
    """Events whose detail names one of these (their relations show its title and date)."""
    ids = list(event_ids)
    relations = EventRelation.objects.order_by()
    outgoing = relations.filter(to_event_id__in=ids).values_list("from_event_id")
    incoming = relations.filter(from_event_id__in=ids).values_list("to_event_id")
    return {*(pk for (pk,) in outgoing), *(pk for (pk,) in incoming)}


def on_event_saved(sender, instance: Event, raw: bool = False, **kwargs) -> None:
    if raw:
        return  # a raw load (an archive restore) renders everything once at its end
    render_events({instance.pk} | related_ids([instance.pk]))


def on_event_deleting(sender, instance: Event, **kwargs) -> None:
    _deleting.events.add(instance.pk)
    instance._rerender_after_delete = related_ids([instance.pk])


def on_event_deleted(sender, instance: Event, **kwargs) -> None:
    _deleting.events.discard(instance.pk)
    render_events(getattr(instance, "_rerender_after_delete", ()))


def on_link_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    """A participation or citation: its event's list entry and detail show it."""
    if not raw:
        render_events([instance.event_id])


def on_relation_changed(sender, instance: EventRelation, raw: bool = False, **kwargs) -> None:
    if not raw:
        render_events([instance.from_event_id, instance.to_event_id])


def events_showing(instance) -> set[int]:
    if isinstance(instance, Actor):
        named = Participation.objects.filter(actor=instance).order_by().values_list("event_id")
        quoted = Citation.objects.filter(speaker=instance).order_by().values_list("event_id")
        return {*(pk for (pk,) in named), *(pk for (pk,) in quoted)}
    if isinstance(instance, Source):
        return set(Citation.objects.filter(source=instance).values_list("event_id", flat=True))
    if isinstance(instance, Tag):
        return set(instance.events.values_list("pk", flat=True))
    return set()


def on_shown_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """An actor, source or tag: every event that shows it."""
    if not raw and instance.pk is not None:
        render_events(events_showing(instance))


def on_shown_deleting(sender, instance, **kwargs) -> None:
    # Deleting an actor empties citations' speaker by an UPDATE, a tag's links by a raw
    # delete: neither sends a signal, so the events are found before they lose the link.
    instance._rerender_after_delete = events_showing(instance)


def on_shown_deleted(sender, instance, **kwargs) -> None:
    render_events(getattr(instance, "_rerender_after_delete", ()))


def on_tags_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            render_events([instance.pk])
        return
    if action == "pre_clear":
        instance._rerender_after_clear = events_showing(instance)
    elif action in ("post_add", "post_remove"):
        render_events(pk_set or ())
    elif action == "post_clear":
        render_events(getattr(instance, "_rerender_after_clear", ()))


def connect_signals() -> None:
    post_save.connect(on_event_saved, sender=Event, dispatch_uid="render-event")
    pre_delete.connect(on_event_deleting, sender=Event, dispatch_uid="render-event-deleting")
    post_delete.connect(on_event_deleted, sender=Event, dispatch_uid="render-event-deleted")
    for model in (Participation, Citation):
        post_save.connect(on_link_changed, sender=model, dispatch_uid=f"render-{model.__name__}")
        post_delete.connect(
            on_link_changed, sender=model, dispatch_uid=f"render-del-{model.__name__}"
        )
    post_save.connect(on_relation_changed, sender=EventRelation, dispatch_uid="render-relation")
    post_delete.connect(
        on_relation_changed, sender=EventRelation, dispatch_uid="render-del-relation"
    )
    for model in (Actor, Source, Tag):
        post_save.connect(on_shown_saved, sender=model, dispatch_uid=f"render-{model.__name__}")
        pre_delete.connect(
            on_shown_deleting, sender=model, dispatch_uid=f"render-deleting-{model.__name__}"
        )
        post_delete.connect(
            on_shown_deleted, sender=model, dispatch_uid=f"render-deleted-{model.__name__}"
        )
    m2m_changed.connect(on_tags_changed, sender=Event.tags.through, dispatch_uid="render-tags")


# ----------------------------------------------------------------------------------------------
# Reading


# What the list reads per event: the keyset columns, what `status_at` needs, the stored entry.
LIST_COLUMNS = ["pk", "start", "end", "status"]


@dataclass(frozen=True)
class RenderedPage:
    items: list[bytes | memoryview]
    next_cursor: str | None


@dataclass(frozen=True)
class _CursorRow:
    pk: int
    start: date
    end: date
    relevance: float | None = None


def rendered_page(
    filters: TimelineFilter, *, cursor: str | None, limit: int, language: str = "en"
) -> RenderedPage:
    """One page of list entries as stored JSON, cut by the keyset query: one query for the
    page (plus a fixed few for any entry not rendered yet)."""
    stored = f"rendering__{stored_columns(language)[0]}"
    fields = [*LIST_COLUMNS, stored, *(["relevance"] if filters.ranked else [])]
    events = keyset_events(filters, cursor=cursor)
    rows = list(events.values_list(*fields)[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        row = _CursorRow(
            pk=last[0], start=last[1], end=last[2], relevance=last[5] if filters.ranked else None
        )
        next_cursor = encode_cursor(row, sort=filters.order)
    items = stored_or_fresh(
        [(pk, end, status, stored) for pk, _start, end, status, stored, *_ in rows[:limit]],
        language=language,
        today=timezone.localdate(),
    )
    return RenderedPage(items=items, next_cursor=next_cursor)


@dataclass(frozen=True)
class StoredItem:
    pk: int
    updated_at: datetime
    item: bytes | memoryview


def rendered_items(
    events: QuerySet, *, language: str = "en", chunk: int = 500
) -> Iterator[StoredItem]:
    """Every event of `events`, in its order, with its stored list entry (the time-dependent
    status applied): what the exports write, read `chunk` rows at a time. Reading stored JSON
    costs a thirteenth of building each entry from model rows (bench/hardening.py), which
    keeps a 20 000-event export well inside a worker's timeout."""
    stored = f"rendering__{stored_columns(language)[0]}"
    rows = events.prefetch_related(None).values_list("pk", "end", "status", "updated_at", stored)
    today = timezone.localdate()
    batch: list[tuple] = []
    for row in rows.iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from _stored_batch(batch, language=language, today=today)
            batch = []
    if batch:
        yield from _stored_batch(batch, language=language, today=today)


def _stored_batch(rows: list[tuple], *, language: str, today: date) -> Iterator[StoredItem]:
    items = stored_or_fresh(
        [(pk, end, status, item) for pk, end, status, _updated, item in rows],
        language=language,
        today=today,
    )
    for (pk, _end, _status, updated_at, _item), shown in zip(rows, items, strict=True):
        yield StoredItem(pk=pk, updated_at=updated_at, item=shown)


def stored_or_fresh(
    rows: list[tuple[int, date, str, bytes | memoryview]], *, language: str, today: date
) -> list[bytes | memoryview]:
    """The list entries of (pk, end, status, stored entry) rows: the stored one, or rendered in
    memory when missing (one query for all of them), with the status readers see `today`."""
    missing = [pk for pk, _end, _status, stored in rows if not stored]
    fresh = render_in_memory(missing, detail=False, language=language) if missing else {}
    return [
        with_status(stored or fresh[pk], status=status, end=end, today=today)
        for pk, end, status, stored in rows
    ]


def rendered_detail(slug: str, *, language: str = "en") -> bytes | memoryview | None:
    """A published event's detail as stored JSON, or None when no published event has `slug`."""
    row = (
        Event.objects.published()
        .filter(slug=slug)
        .values_list("pk", "status", "end", f"rendering__{stored_columns(language)[1]}")
        .first()
    )
    if row is None:
        return None
    pk, status, end, detail = row
    if not detail:
        detail = render_in_memory([pk], detail=True, language=language)[pk]
    return with_status(detail, status=status, end=end, today=timezone.localdate())


def render_in_memory(
    event_ids: list[int], *, detail: bool, language: str = "en"
) -> dict[int, bytes]:
    """Render events that have no stored rendering yet (not stored here: a read must not
    write, and may be looking at data a concurrent change is replacing)."""
    events = detail_queryset(Event.objects.published().filter(pk__in=event_ids))
    return {event.pk: render(event, language=language)[1 if detail else 0] for event in events}
