"""Load the curated dataset that ships in `timeline/data/` into the database.

Each file is checked whole before anything of it is written; a malformed row is reported with
its line number and that file writes nothing. Loading twice changes nothing: rows are matched
by slug (events, actors) or URL (sources), and a row is only saved when a field differs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from timeline import rendering
from timeline.dates import Precision, parse_span
from timeline.models import (
    Actor,
    ActorKind,
    Citation,
    Event,
    EventKind,
    EventRelation,
    EventStatus,
    Participation,
    Publication,
    RelationKind,
    Role,
    Source,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
ACTOR_COLUMNS = ["name", "kind", "country", "aliases", "description"]
EVENT_COLUMNS = [
    "id",
    "title",
    "kind",
    "start_date",
    "end_date",
    "precision",
    "status",
    "location",
    "country",
    "actors",
    "summary",
    "source_url",
    "source_publisher",
    "source_published",
    "evidence",
]
COUNTRY = re.compile(r"^[A-Z]{2}$")
SLUG = re.compile(r"^[-a-z0-9]+$")
is_url = URLValidator(schemes=["http", "https"])


class CuratedDataError(Exception):
    """A curated file is malformed; `errors` lists "file:line: problem" strings."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, *, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        if not self.changed:
            return "Curated data already up to date: nothing changed."
        parts = [f"created {n} {kind}" for kind, n in sorted(self.created.items())]
        parts += [f"updated {n} {kind}" for kind, n in sorted(self.updated.items())]
        return "Curated data loaded: " + ", ".join(parts) + "."


def upsert(model, *, lookup: dict, values: dict, report: LoadReport, label: str):
    """Create or update one row; saves only when a value differs, so reloading is a no-op."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**{**lookup, **values})
        obj.save()
        report.count(label, created=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        report.count(label, created=False)
    return obj


def read_csv(path: Path, *, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers in the file (the header is line 1)."""
    return read_csv_text(path.read_text(encoding="utf-8"), columns=columns, name=path.name)


def read_csv_text(text: str, *, columns: list[str], name: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise CuratedDataError([f"{name}:1: missing column(s): {', '.join(missing)}"])
    rows = []
    for row in reader:
        if None in row or any(value is None for value in row.values()):
            raise CuratedDataError([f"{name}:{reader.line_num}: wrong number of fields"])
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    return rows


def parse_iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


# --------------------------------------------------------------------------------------------
# actors.csv


def check_actor_rows(rows, *, file_name: str) -> list[str]:
    errors, seen = [], set()
    for line, row in rows:
        where = f"{file_name}:{line}"
        if not row["name"]:
            errors.append(f"{where}: name is empty")
        if row["kind"] not in ActorKind.values:
            errors.append(
                f"{where}: kind {row['kind']!r} is not one of {', '.join(ActorKind.values)}"
            )
        if row["country"] and not COUNTRY.match(row["country"]):
            errors.append(f"{where}: country {row['country']!r} is not an ISO 3166 alpha-2 code")
        slug = slugify(row["name"])
        if row["name"] and not slug:
            errors.append(f"{where}: name {row['name']!r} gives no usable slug")
        if slug in seen:
            errors.append(f"{where}: actor {row['name']!r} appears twice")
        seen.add(slug)
    return errors


def load_actors(path: Path, report: LoadReport) -> None:
    rows = read_csv(path, columns=ACTOR_COLUMNS)
    errors = check_actor_rows(rows, file_name=path.name)
    if errors:
        raise CuratedDataError(errors)
    # Aliases added since (by an editor, or by the seed articles) are kept, not overwritten.
    existing_aliases = dict(Actor.objects.values_list("slug", "aliases"))
    with transaction.atomic():
        for _, row in rows:
            slug = slugify(row["name"])
            aliases = [*split_list(row["aliases"]), *existing_aliases.get(slug, [])]
            upsert(
                Actor,
                lookup={"slug": slug},
                values={
                    "name": row["name"],
                    "kind": row["kind"],
                    "country": row["country"],
                    "aliases": list(dict.fromkeys(aliases)),
                    "description": row["description"],
                },
                report=report,
                label="actors",
            )


# --------------------------------------------------------------------------------------------
# events.csv


def check_event_rows(rows, *, file_name: str, actor_names: set[str]) -> list[str]:
    errors, seen = [], set()
    for line, row in rows:
        where = f"{file_name}:{line}"
        if not SLUG.match(row["id"]):
            errors.append(f"{where}: id {row['id']!r} is not a slug (a-z, 0-9, hyphens)")
        elif row["id"] in seen:
            errors.append(f"{where}: id {row['id']!r} appears twice")
        seen.add(row["id"])
        if not row["title"]:
            errors.append(f"{where}: title is empty")
        for column, choices in (
            ("kind", EventKind),
            ("precision", Precision),
            ("status", EventStatus),
        ):
            if row[column] not in choices.values:
                allowed = ", ".join(choices.values)
                errors.append(f"{where}: {column} {row[column]!r} is not one of {allowed}")
        start, end = parse_iso_date(row["start_date"]), parse_iso_date(row["end_date"])
        if start is None:
            errors.append(f"{where}: start_date {row['start_date']!r} is not a YYYY-MM-DD date")
        if end is None:
            errors.append(f"{where}: end_date {row['end_date']!r} is not a YYYY-MM-DD date")
        if start and end and end < start:
            errors.append(f"{where}: end_date {end} is before start_date {start}")
        if row["country"] and not COUNTRY.match(row["country"]):
            errors.append(f"{where}: country {row['country']!r} is not an ISO 3166 alpha-2 code")
        for name in split_list(row["actors"]):
            if name not in actor_names:
                errors.append(f"{where}: actor {name!r} is not in actors.csv")
        if row["source_url"]:
            try:
                is_url(row["source_url"])
            except ValidationError:
                errors.append(f"{where}: source_url {row['source_url']!r} is not an http(s) URL")
        else:
            errors.append(f"{where}: source_url is empty")
        if row["source_published"] and parse_iso_date(row["source_published"]) is None:
            errors.append(
                f"{where}: source_published {row['source_published']!r} is not a YYYY-MM-DD date"
            )
    return errors


def load_events(path: Path, report: LoadReport) -> None:
    rows = read_csv(path, columns=EVENT_COLUMNS)
    actors = {actor.name: actor for actor in Actor.objects.all()}
    errors = check_event_rows(rows, file_name=path.name, actor_names=set(actors))
    if errors:
        raise CuratedDataError(errors)
    with transaction.atomic():
        write_event_rows(rows, report=report, actors=actors, publication=Publication.PUBLISHED)


@rendering.batched()
def write_event_rows(
    rows: list[tuple[int, dict[str, str]]],
    *,
    report: LoadReport,
    actors: dict[str, Actor],
    publication: str | None,
) -> None:
    """Upsert checked events.csv rows; `publication` None leaves existing events' state alone
    (new ones start as drafts)."""
    for _, row in rows:
        source = upsert(
            Source,
            lookup={"url": row["source_url"]},
            values={
                # The dataset names the publisher but not the headline.
                "title": row["source_publisher"] or row["source_url"],
                "publisher": row["source_publisher"],
                "published_on": parse_iso_date(row["source_published"]),
            },
            report=report,
            label="sources",
        )
        values = {
            "title": row["title"],
            "kind": row["kind"],
            "start": parse_iso_date(row["start_date"]),
            "end": parse_iso_date(row["end_date"]),
            "precision": row["precision"],
            "status": row["status"],
            "location": row["location"],
            "country": row["country"],
            "summary": row["summary"],
        }
        if publication is not None:
            values["publication"] = publication
        event = upsert(
            Event, lookup={"slug": row["id"]}, values=values, report=report, label="events"
        )
        for name in split_list(row["actors"]):
            upsert(
                Participation,
                lookup={"event": event, "actor": actors[name], "role": Role.PARTICIPANT},
                values={},
                report=report,
                label="participations",
            )
        upsert(
            Citation,
            lookup={"event": event, "source": source, "quote": ""},
            values={"note": row["evidence"]},
            report=report,
            label="citations",
        )


# --------------------------------------------------------------------------------------------
# seed_articles.json


def check_seed_document(document: dict, *, file_name: str, known_events: set[str]) -> list[str]:
    errors: list[str] = []
    actor_names = set(Actor.objects.values_list("name", flat=True))
    actor_names |= {a["name"] for a in document.get("actors", [])}
    sources = {s["key"]: s for s in document.get("sources", [])}
    event_slugs = known_events | {e["slug"] for e in document.get("events", [])}
    for i, actor in enumerate(document.get("actors", [])):
        where = f"{file_name}: actors[{i}]"
        if actor.get("kind") not in ActorKind.values:
            errors.append(f"{where}: kind {actor.get('kind')!r} is not an actor kind")
        if actor.get("parent") and actor["parent"] not in actor_names:
            errors.append(f"{where}: parent {actor['parent']!r} is not a known actor")
    for name in document.get("aliases", {}):
        if name not in actor_names:
            errors.append(f"{file_name}: aliases: {name!r} is not a known actor")
    for i, event in enumerate(document.get("events", [])):
        where = f"{file_name}: events[{i}]"
        if event.get("source") not in sources:
            errors.append(f"{where}: source {event.get('source')!r} is not among the sources")
        if event.get("kind") not in EventKind.values:
            errors.append(f"{where}: kind {event.get('kind')!r} is not an event kind")
        base = parse_iso_date(event.get("date_base") or "")
        if parse_span(event.get("date_text", ""), base=base) is None or base is None:
            errors.append(f"{where}: date {event.get('date_text')!r} cannot be read")
        for p in event.get("participants", []):
            if p["actor"] not in actor_names:
                errors.append(f"{where}: actor {p['actor']!r} is not a known actor")
            if p.get("role") not in Role.values:
                errors.append(f"{where}: role {p.get('role')!r} is not a role")
    for i, citation in enumerate(document.get("citations", [])):
        where = f"{file_name}: citations[{i}]"
        if citation["event"] not in event_slugs:
            errors.append(f"{where}: event {citation['event']!r} does not exist")
        if citation["source"] not in sources:
            errors.append(f"{where}: source {citation['source']!r} is not among the sources")
        if citation.get("speaker") and citation["speaker"] not in actor_names:
            errors.append(f"{where}: speaker {citation['speaker']!r} is not a known actor")
        if not citation.get("quote"):
            errors.append(f"{where}: quote is empty")
    for i, relation in enumerate(document.get("relations", [])):
        where = f"{file_name}: relations[{i}]"
        for end in ("from", "to"):
            if relation.get(end) not in event_slugs:
                errors.append(f"{where}: {end} event {relation.get(end)!r} does not exist")
        if relation.get("kind") not in RelationKind.values:
            errors.append(f"{where}: kind {relation.get('kind')!r} is not a relation kind")
    return errors


@rendering.batched()
def load_seed_articles(path: Path, report: LoadReport) -> None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise CuratedDataError([f"{path.name}:{error.lineno}: invalid JSON: {error.msg}"]) from None
    known_events = set(Event.objects.values_list("slug", flat=True))
    errors = check_seed_document(document, file_name=path.name, known_events=known_events)
    if errors:
        raise CuratedDataError(errors)
    with transaction.atomic():
        sources = {}
        for item in document["sources"]:
            lookup = {"url": item["url"]} if item["url"] else {"url": "", "title": item["title"]}
            sources[item["key"]] = upsert(
                Source,
                lookup=lookup,
                values={
                    "title": item["title"],
                    "publisher": item["publisher"],
                    "published_on": parse_iso_date(item["published_on"] or ""),
                    "language": item["language"],
                    "kind": item["kind"],
                    "ai_generated": item["ai_generated"],
                },
                report=report,
                label="sources",
            )
        for item in document["actors"]:
            upsert(
                Actor,
                lookup={"slug": slugify(item["name"])},
                values={
                    "name": item["name"],
                    "kind": item["kind"],
                    "country": item["country"],
                    "aliases": item["aliases"],
                    "description": item["description"],
                },
                report=report,
                label="actors",
            )
        actors = {actor.name: actor for actor in Actor.objects.all()}
        for item in document["actors"]:
            parent = actors[item["parent"]] if item["parent"] else None
            upsert(
                Actor,
                lookup={"slug": slugify(item["name"])},
                values={"parent": parent},
                report=report,
                label="actors",
            )
        for name, extra in document.get("aliases", {}).items():
            actor = actors[name]
            merged = list(dict.fromkeys([*actor.aliases, *extra]))
            upsert(
                Actor,
                lookup={"pk": actor.pk},
                values={"aliases": merged},
                report=report,
                label="actors",
            )
        for item in document["events"]:
            span = parse_span(item["date_text"], base=parse_iso_date(item["date_base"]))
            event = upsert(
                Event,
                lookup={"slug": item["slug"]},
                values={
                    "title": item["title"],
                    "kind": item["kind"],
                    "start": span.start,
                    "end": span.end,
                    "precision": span.precision.value,
                    "approximate": span.approximate,
                    "date_text": item["date_text"],
                    "status": item["status"],
                    "location": item["location"],
                    "country": item["country"],
                    "summary": item["summary"],
                    "publication": Publication.PUBLISHED,
                },
                report=report,
                label="events",
            )
            for p in item["participants"]:
                upsert(
                    Participation,
                    lookup={"event": event, "actor": actors[p["actor"]], "role": p["role"]},
                    values={"title_at_time": p["title_at_time"]},
                    report=report,
                    label="participations",
                )
        events = {e.slug: e for e in Event.objects.all()}
        for item in document["citations"]:
            upsert(
                Citation,
                lookup={
                    "event": events[item["event"]],
                    "source": sources[item["source"]],
                    "quote": item["quote"],
                },
                values={
                    "speaker": actors[item["speaker"]] if item["speaker"] else None,
                    "note": item["note"],
                },
                report=report,
                label="citations",
            )
        for item in document["relations"]:
            upsert(
                EventRelation,
                lookup={
                    "from_event": events[item["from"]],
                    "to_event": events[item["to"]],
                    "kind": item["kind"],
                },
                values={},
                report=report,
                label="relations",
            )


def load_curated(*, data_dir: Path = DATA_DIR) -> LoadReport:
    """Load actors, events and the seed articles; each file all or nothing."""
    report = LoadReport()
    load_actors(data_dir / "actors.csv", report)
    load_events(data_dir / "events.csv", report)
    seeds = data_dir / "seed_articles.json"
    if seeds.exists():
        load_seed_articles(seeds, report)
    return report
