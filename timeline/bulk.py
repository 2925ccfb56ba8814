"""Bulk editorial work: CSV import/export in the curated columns, and restoring deleted events.

The CSV import itself lives in timeline/services/csv_import.py; these are the admin's entry points.
"""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from timeline.exports import safe_cell
from timeline.models import Citation, Event, Participation, Publication
from timeline.services import csv_import


def import_events_csv(content: str, *, dry_run: bool, user=None) -> csv_import.ImportReport:
    """Check every row; write nothing unless all pass and this is not a dry run."""
    if dry_run:
        return csv_import.plan_import(content)
    return csv_import.apply_import(content, user=user)


EXPORT_COLUMNS = csv_import.COLUMNS


def export_events_csv(events: QuerySet) -> str:
    """Every event (any publication state) in the import's columns, formulas neutralised.

    Starts with a byte-order mark so that spreadsheet programs read the Korean text as UTF-8.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    events = events.order_by("start", "end", "id").prefetch_related(
        "participations__actor", "citations__source"
    )
    for event in events.iterator(chunk_size=500):
        citations = [c for c in event.citations.all() if c.source.url]
        first = citations[0] if citations else None
        names = list(dict.fromkeys(p.actor.name for p in event.participations.all()))
        row = {
            "id": event.slug,
            "title": event.title,
            "kind": event.kind,
            "start_date": event.start.isoformat(),
            "end_date": event.end.isoformat(),
            "precision": event.precision,
            "status": event.status,
            "location": event.location,
            "country": event.country,
            "actors": "; ".join(names),
            "summary": event.summary,
            "source_url": first.source.url if first else "",
            "source_publisher": first.source.publisher if first else "",
            "source_published": first.source.published_on.isoformat()
            if first and first.source.published_on
            else "",
            "evidence": first.note if first else "",
            "approximate": "true" if event.approximate else "false",
            "date_text": event.date_text,
        }
        writer.writerow([safe_cell(row[column]) for column in EXPORT_COLUMNS])
    return buffer.getvalue()


def unique_slug(text: str) -> str:
    base = slugify(text)[:180].strip("-") or "event"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def deleted_event_records() -> list:
    """The last historical record of each event that no longer exists."""
    live = Event.objects.values("pk")
    deleted = Event.history.filter(history_type="-").exclude(id__in=live).order_by("-history_date")
    seen, records = set(), []
    for record in deleted:
        if record.id not in seen:
            seen.add(record.id)
            records.append(record)
    return records


class RestoreError(Exception):
    """The restore cannot be done; the message is for the editor."""


def restore_deleted_event(history_id: int, *, user=None) -> Event:
    """Bring back a deleted event, as a draft, with the participants and citations it had.

    A draft, whatever it was when deleted: whoever restores it, a reviewer decides again
    whether it goes public.
    """
    record = Event.history.filter(history_id=history_id, history_type="-").first()
    if record is None:
        raise RestoreError("No deleted event has that history id.")
    if Event.objects.filter(pk=record.id).exists():
        raise RestoreError(f"“{record.title}” exists again already.")
    with transaction.atomic():
        event = record.instance
        if Event.objects.filter(slug=event.slug).exists():
            event.slug = unique_slug(event.slug)
        event.publication = Publication.DRAFT
        event.updated_by = user
        event._history_user = user
        event._change_reason = "Restored after deletion (as a draft)"
        event.save()
        for model in (Participation, Citation):
            rows = model.history.filter(event_id=record.id, history_type="-")
            for row in rows:
                try:
                    with transaction.atomic():
                        row.instance.save()
                except (IntegrityError, ObjectDoesNotExist):
                    continue  # the actor or source it named is gone too: leave that link out
    return event
