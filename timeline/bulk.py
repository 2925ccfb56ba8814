"""Bulk editorial work: CSV import/export in the curated columns, and restoring deleted events.

The CSV import checks rows with the same rules as the curated loader (`curated.check_event_rows`)
and writes them with the same code (`curated.write_event_rows`): all rows or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from timeline.curated import (
    EVENT_COLUMNS,
    CuratedDataError,
    LoadReport,
    check_event_rows,
    read_csv_text,
    write_event_rows,
)
from timeline.models import Actor, Citation, Event, Participation


@dataclass
class ImportReport:
    dry_run: bool
    errors: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # slug, title, action
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_events_csv(content: str, *, dry_run: bool, user=None) -> ImportReport:
    """Check every row; write nothing unless all pass and this is not a dry run."""
    report = ImportReport(dry_run=dry_run)
    try:
        rows = read_csv_text(content, columns=EVENT_COLUMNS, name="line")
    except CuratedDataError as error:
        report.errors = [e.replace("line:", "line ", 1) for e in error.errors]
        return report
    actors = {actor.name: actor for actor in Actor.objects.all()}
    report.errors = [
        error.replace("line:", "line ", 1)
        for error in check_event_rows(rows, file_name="line", actor_names=set(actors))
    ]
    if report.errors:
        return report
    existing = set(
        Event.objects.filter(slug__in=[row["id"] for _, row in rows]).values_list("slug", flat=True)
    )
    for _, row in rows:
        action = "update" if row["id"] in existing else "create"
        report.rows.append({"slug": row["id"], "title": row["title"], "action": action})
    report.created = sum(1 for r in report.rows if r["action"] == "create")
    report.updated = sum(1 for r in report.rows if r["action"] == "update")
    if dry_run:
        return report
    load_report = LoadReport()
    with transaction.atomic():
        write_event_rows(rows, report=load_report, actors=actors, publication=None)
        if user is not None:
            new = [r["slug"] for r in report.rows if r["action"] == "create"]
            Event.objects.filter(slug__in=new).update(created_by=user, updated_by=user)
    report.updated = load_report.updated.get("events", 0)
    return report


def export_events_csv(events: QuerySet) -> str:
    """Every event (any publication state) in the curated events.csv columns."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EVENT_COLUMNS)
    writer.writeheader()
    events = events.order_by("start", "end", "id").prefetch_related(
        "participations__actor", "citations__source"
    )
    for event in events:
        citations = [c for c in event.citations.all() if c.source.url]
        first = citations[0] if citations else None
        names = list(dict.fromkeys(p.actor.name for p in event.participations.all()))
        writer.writerow(
            {
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
            }
        )
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


def restore_deleted_event(history_id: int) -> Event:
    """Bring back a deleted event with the participants and citations it had when deleted."""
    record = Event.history.get(history_id=history_id, history_type="-")
    with transaction.atomic():
        event = record.instance
        if Event.objects.filter(slug=event.slug).exists():
            event.slug = unique_slug(event.slug)
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
