"""Bulk editorial work: CSV import/export in the curated columns, and restoring deleted events.

The CSV import itself lives in timeline/services/csv_import.py; these are the admin's entry points.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from timeline.exports.csv import editorial_csv_chunks
from timeline.models import Citation, Event, Participation, Publication
from timeline.services import csv_import


def import_events_csv(content: str, *, dry_run: bool, user=None) -> csv_import.ImportReport:
    """Check every row; write nothing unless all pass and this is not a dry run."""
    if dry_run:
        return csv_import.plan_import(content)
    return csv_import.apply_import(content, user=user)


def export_events_csv(events: QuerySet) -> str:
    """Every event (any publication state) in the import's columns, formulas neutralised,
    starting with a byte-order mark (timeline.exports.csv.EDITORIAL_COLUMNS)."""
    return "".join(editorial_csv_chunks(events))


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
