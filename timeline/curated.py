"""Load the curated dataset that ships in `timeline/data/` into the database.

The record is five files: `actors.csv`, `tags.csv` (the themes events are filed under, each
named in English and Korean), `sources.csv` (one row per source: its headline, publisher,
date, language and type), `events.jsonl` (one event per line, with its actors and their roles,
its accounts — each a source URL and the evidence for the date —, its relations and its tags)
and `seed_articles.json` (the two AI-generated articles the project started from).

Each file is checked whole before anything of it is written; a malformed row is reported with
its line number and that file writes nothing. Loading twice changes nothing: rows are matched
by slug (events, actors) or URL (sources), and a row is only saved when a field differs. What
the shipped data once said and no longer says (a dropped account, a role corrected from
"participant" to "host") is removed, unless an editor added it.
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
from timeline.dates import DateSpan, Precision, parse_span
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
    SourceKind,
    Tag,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
ACTOR_COLUMNS = ["name", "kind", "country", "aliases", "parent", "description"]
# The Korean columns may be absent (an older file) or empty in a row (not yet translated).
ACTOR_OPTIONAL_COLUMNS = ["name_ko", "description_ko"]
TAG_COLUMNS = ["slug", "name", "name_ko"]
SOURCE_COLUMNS = ["url", "headline", "publisher", "published_on", "language", "type"]
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
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
    names = {row["name"] for _, row in rows}
    for line, row in rows:
        if row["parent"] and (row["parent"] not in names or row["parent"] == row["name"]):
            errors.append(f"{file_name}:{line}: parent {row['parent']!r} is not another actor")
    return errors


def unknown_columns(rows, *, file_name: str, known: list[str]) -> list[str]:
    found = set(rows[0][1]) if rows else set()
    unknown = sorted(found - set(known))
    return [f"{file_name}:1: unknown column(s) {', '.join(unknown)}"] if unknown else []


def load_actors(path: Path, report: LoadReport) -> None:
    rows = read_csv(path, columns=ACTOR_COLUMNS)
    errors = unknown_columns(
        rows, file_name=path.name, known=ACTOR_COLUMNS + ACTOR_OPTIONAL_COLUMNS
    ) + check_actor_rows(rows, file_name=path.name)
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
                    "name_ko": row.get("name_ko", ""),
                    "description_ko": row.get("description_ko", ""),
                },
                report=report,
                label="actors",
            )
        by_name = {actor.name: actor for actor in Actor.objects.all()}
        for _, row in rows:
            upsert(
                Actor,
                lookup={"slug": slugify(row["name"])},
                values={"parent": by_name[row["parent"]] if row["parent"] else None},
                report=report,
                label="actors",
            )


# --------------------------------------------------------------------------------------------
# tags.csv


def check_tag_rows(rows, *, file_name: str) -> list[str]:
    errors, slugs, names = [], set(), set()
    for line, row in rows:
        where = f"{file_name}:{line}"
        if not SLUG.match(row["slug"]):
            errors.append(f"{where}: slug {row['slug']!r} is not a slug (a-z, 0-9, hyphens)")
        elif row["slug"] in slugs:
            errors.append(f"{where}: slug {row['slug']!r} appears twice")
        slugs.add(row["slug"])
        if not row["name"]:
            errors.append(f"{where}: name is empty")
        elif row["name"] in names:
            errors.append(f"{where}: name {row['name']!r} appears twice")
        names.add(row["name"])
    return errors


def load_tags(path: Path, report: LoadReport) -> None:
    rows = read_csv(path, columns=TAG_COLUMNS)
    errors = unknown_columns(rows, file_name=path.name, known=TAG_COLUMNS) + check_tag_rows(
        rows, file_name=path.name
    )
    if errors:
        raise CuratedDataError(errors)
    with transaction.atomic():
        for _, row in rows:
            upsert(
                Tag,
                lookup={"slug": row["slug"]},
                values={"name": row["name"], "name_ko": row["name_ko"]},
                report=report,
                label="tags",
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
# sources.csv and events.jsonl: the record


def check_source_rows(rows, *, file_name: str) -> list[str]:
    errors, seen = [], set()
    for line, row in rows:
        where = f"{file_name}:{line}"
        try:
            is_url(row["url"])
        except ValidationError:
            errors.append(f"{where}: url {row['url']!r} is not an http(s) URL")
        if row["url"] in seen:
            errors.append(f"{where}: url {row['url']!r} appears twice")
        seen.add(row["url"])
        for column in ("headline", "publisher"):
            if not row[column]:
                errors.append(f"{where}: {column} is empty")
        if row["headline"] and row["headline"] == row["publisher"]:
            errors.append(f"{where}: headline is the publisher's name, not the headline")
        if row["published_on"] and parse_iso_date(row["published_on"]) is None:
            errors.append(f"{where}: published_on {row['published_on']!r} is not a YYYY-MM-DD date")
        if not LANGUAGE.match(row["language"]):
            errors.append(f"{where}: language {row['language']!r} is not a BCP 47 tag (en, ko…)")
        if row["type"] not in SourceKind.values or row["type"] == SourceKind.AI_GENERATED:
            allowed = ", ".join(v for v in SourceKind.values if v != SourceKind.AI_GENERATED)
            errors.append(f"{where}: type {row['type']!r} is not one of {allowed}")
    return errors


def read_jsonl(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    items, errors = [], []
    for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            item = json.loads(text)
        except json.JSONDecodeError as error:
            errors.append(f"{path.name}:{line}: invalid JSON: {error.msg}")
            continue
        if not isinstance(item, dict):
            errors.append(f"{path.name}:{line}: each line must be one JSON object")
            continue
        items.append((line, item))
    return items, errors


EVENT_FIELDS = {
    "id", "title", "kind", "start", "end", "precision", "approximate", "date_text", "status",
    "location", "country", "summary", "actors", "accounts", "relations", "tags",
    "title_ko", "summary_ko", "location_ko",
}  # fmt: skip


def check_record_events(
    items: list[tuple[int, dict]],
    *,
    file_name: str,
    actor_names: set[str],
    source_urls: set[str],
    tag_slugs: set[str],
) -> list[str]:
    errors: list[str] = []
    ids = [item.get("id") for _, item in items]
    known = set(ids)
    seen: set[str] = set()
    for line, item in items:
        where = f"{file_name}:{line}"
        unknown = sorted(set(item) - EVENT_FIELDS)
        if unknown:
            errors.append(f"{where}: unknown field(s) {', '.join(unknown)}")
        slug = item.get("id")
        if not isinstance(slug, str) or not SLUG.match(slug):
            errors.append(f"{where}: id {slug!r} is not a slug (a-z, 0-9, hyphens)")
        elif slug in seen:
            errors.append(f"{where}: id {slug!r} appears twice")
        seen.add(slug)
        for name in ("title", "summary"):
            if not isinstance(item.get(name), str) or not item[name].strip():
                errors.append(f"{where}: {name} is empty")
        for name in ("title_ko", "summary_ko", "location_ko"):
            if not isinstance(item.get(name, ""), str):
                errors.append(f"{where}: {name} must be text")
        for column, choices in (
            ("kind", EventKind),
            ("precision", Precision),
            ("status", EventStatus),
        ):
            if item.get(column) not in choices.values:
                allowed = ", ".join(choices.values)
                errors.append(f"{where}: {column} {item.get(column)!r} is not one of {allowed}")
        start = parse_iso_date(str(item.get("start", "")))
        end = parse_iso_date(str(item.get("end", "")))
        if start is None or end is None:
            errors.append(f"{where}: start and end must be YYYY-MM-DD dates")
        elif end < start:
            errors.append(f"{where}: end {end} is before start {start}")
        elif item.get("precision") in Precision.values:
            span = DateSpan(start, end, Precision(item["precision"]), bool(item.get("approximate")))
            # An honest span reads back as itself: "June 2018" must be all of June.
            shown = span.display()
            if parse_span(shown, base=start) != span:
                errors.append(
                    f"{where}: {start}..{end} at {item['precision']} precision is not a span "
                    f"that can be shown honestly (it shows as {shown!r})"
                )
        if not isinstance(item.get("approximate", False), bool):
            errors.append(f"{where}: approximate must be true or false")
        if item.get("country") and not COUNTRY.match(item["country"]):
            errors.append(f"{where}: country {item['country']!r} is not an ISO 3166 alpha-2 code")
        actors = item.get("actors") or []
        if not actors:
            errors.append(f"{where}: no actors")
        for actor in actors:
            if actor.get("name") not in actor_names:
                errors.append(f"{where}: actor {actor.get('name')!r} is not in actors.csv")
            if actor.get("role") not in Role.values:
                errors.append(
                    f"{where}: role {actor.get('role')!r} of {actor.get('name')!r} is not one of "
                    f"{', '.join(Role.values)}"
                )
        accounts = item.get("accounts") or []
        if not accounts:
            errors.append(f"{where}: no accounts (every event cites at least one source)")
        for account in accounts:
            if account.get("url") not in source_urls:
                errors.append(f"{where}: account {account.get('url')!r} is not in sources.csv")
            if not (account.get("evidence") or "").strip():
                errors.append(
                    f"{where}: the account {account.get('url')!r} has no evidence for the date"
                )
        tags = item.get("tags", [])
        if not isinstance(tags, list):
            errors.append(f"{where}: tags must be a list of tag slugs")
        else:
            for tag in tags:
                if tag not in tag_slugs:
                    errors.append(f"{where}: tag {tag!r} is not in tags.csv")
        for relation in item.get("relations") or []:
            if relation.get("kind") not in RelationKind.values:
                errors.append(f"{where}: relation kind {relation.get('kind')!r} is not a kind")
            if relation.get("to") not in known or relation.get("to") == slug:
                errors.append(f"{where}: relation to {relation.get('to')!r}: no such other event")
    return errors


@rendering.batched()
def load_record(*, sources_path: Path, events_path: Path, report: LoadReport) -> None:
    source_rows = read_csv(sources_path, columns=SOURCE_COLUMNS)
    errors = check_source_rows(source_rows, file_name=sources_path.name)
    items, json_errors = read_jsonl(events_path)
    actors = {actor.name: actor for actor in Actor.objects.all()}
    tags = {tag.slug: tag for tag in Tag.objects.all()}
    errors += json_errors + check_record_events(
        items,
        file_name=events_path.name,
        actor_names=set(actors),
        source_urls={row["url"] for _, row in source_rows},
        tag_slugs=set(tags),
    )
    if errors:
        raise CuratedDataError(errors)
    tagged: dict[int, set[int]] = {}
    for event_id, tag_id in Event.tags.through.objects.values_list("event_id", "tag_id"):
        tagged.setdefault(event_id, set()).add(tag_id)
    with transaction.atomic():
        sources = {}
        for _, row in source_rows:
            sources[row["url"]] = upsert(
                Source,
                lookup={"url": row["url"]},
                values={
                    "title": row["headline"],
                    "publisher": row["publisher"],
                    "published_on": parse_iso_date(row["published_on"]),
                    "language": row["language"],
                    "kind": row["type"],
                    "ai_generated": False,
                },
                report=report,
                label="sources",
            )
        events = {}
        for _, item in items:
            events[item["id"]] = event = upsert(
                Event,
                lookup={"slug": item["id"]},
                values={
                    "title": item["title"],
                    "kind": item["kind"],
                    "start": parse_iso_date(item["start"]),
                    "end": parse_iso_date(item["end"]),
                    "precision": item["precision"],
                    "approximate": bool(item.get("approximate")),
                    "date_text": item.get("date_text", ""),
                    "status": item["status"],
                    "location": item.get("location", ""),
                    "country": item.get("country", ""),
                    "summary": item["summary"],
                    "title_ko": (item.get("title_ko") or "").strip(),
                    "summary_ko": (item.get("summary_ko") or "").strip(),
                    "location_ko": (item.get("location_ko") or "").strip(),
                    "publication": Publication.PUBLISHED,
                },
                report=report,
                label="events",
            )
            shipped_participations = set()
            for actor in item["actors"]:
                participation = upsert(
                    Participation,
                    lookup={"event": event, "actor": actors[actor["name"]], "role": actor["role"]},
                    values={"title_at_time": actor.get("title_at_time", "")},
                    report=report,
                    label="participations",
                )
                shipped_participations.add(participation.pk)
            shipped_citations = set()
            for account in item["accounts"]:
                citation = upsert(
                    Citation,
                    lookup={"event": event, "source": sources[account["url"]], "quote": ""},
                    values={"note": account["evidence"]},
                    report=report,
                    label="citations",
                )
                shipped_citations.add(citation.pk)
            add_shipped_tags(
                event,
                [tags[slug] for slug in item.get("tags", [])],
                tagged=tagged.get(event.pk, set()),
                report=report,
            )
            prune_shipped(
                event.participations.exclude(pk__in=shipped_participations),
                report=report,
                label="participations",
            )
            prune_shipped(
                event.citations.exclude(pk__in=shipped_citations).exclude(
                    source__ai_generated=True
                ),
                report=report,
                label="citations",
            )
        for _, item in items:
            for relation in item.get("relations") or []:
                upsert(
                    EventRelation,
                    lookup={
                        "from_event": events[item["id"]],
                        "to_event": events[relation["to"]],
                        "kind": relation["kind"],
                    },
                    values={},
                    report=report,
                    label="relations",
                )


def add_shipped_tags(
    event: Event, tags: list[Tag], *, tagged: set[int], report: LoadReport
) -> None:
    """Add the tags the shipped data gives the event (`tagged`: the tag ids it has now). Tags
    are never taken away here: an event's tag links keep no author, so an editor's tag could
    not be told from a shipped one."""
    missing = [tag for tag in tags if tag.pk not in tagged]
    if missing:
        event.tags.add(*missing)
        report.count("event tags", created=True)


def prune_shipped(queryset, *, report: LoadReport, label: str) -> None:
    """Delete rows the shipped data made and no longer contains; an editor's rows stay.

    Rows made by a management command have no history user; rows made in the admin have one.
    """
    for row in queryset:
        first = row.history.order_by("history_date", "history_id").first()
        if first is not None and first.history_user_id is not None:
            continue
        row.delete()
        report.count(label, created=False)


# --------------------------------------------------------------------------------------------
# seed_articles.json


def check_seed_document(document: dict, *, file_name: str, known_events: set[str]) -> list[str]:
    errors: list[str] = []
    actor_names = set(Actor.objects.values_list("name", flat=True))
    sources = {s["key"]: s for s in document.get("sources", [])}
    for i, source in enumerate(document.get("sources", [])):
        if source.get("kind") != SourceKind.AI_GENERATED:
            errors.append(f"{file_name}: sources[{i}]: a seed article's type is ai_generated")
    for name in document.get("aliases", {}):
        if name not in actor_names:
            errors.append(f"{file_name}: aliases: {name!r} is not a known actor")
    for i, citation in enumerate(document.get("citations", [])):
        where = f"{file_name}: citations[{i}]"
        if citation["event"] not in known_events:
            errors.append(f"{where}: event {citation['event']!r} does not exist")
        if citation["source"] not in sources:
            errors.append(f"{where}: source {citation['source']!r} is not among the sources")
        if citation.get("speaker") and citation["speaker"] not in actor_names:
            errors.append(f"{where}: speaker {citation['speaker']!r} is not a known actor")
        if not citation.get("quote"):
            errors.append(f"{where}: quote is empty")
        if citation.get("date_text") and article_dating(citation, sources=sources) is None:
            errors.append(f"{where}: date {citation['date_text']!r} cannot be read")
    for i, relation in enumerate(document.get("relations", [])):
        where = f"{file_name}: relations[{i}]"
        for end in ("from", "to"):
            if relation.get(end) not in known_events:
                errors.append(f"{where}: {end} event {relation.get(end)!r} does not exist")
        if relation.get("kind") not in RelationKind.values:
            errors.append(f"{where}: kind {relation.get('kind')!r} is not a relation kind")
    return errors


def article_dating(citation: dict, *, sources: dict) -> str | None:
    """How the article dates the event, read against the article's own date.

    The articles write relative dates ("this week", "on Thursday", "December 8"); the reader
    sees the words and the span they resolve to, beside the strong accounts' date.
    """
    base = parse_iso_date(
        citation.get("date_base") or sources[citation["source"]].get("published_on") or ""
    )
    span = parse_span(citation["date_text"], base=base) if base else None
    if span is None:
        return None
    return (
        f"The article dates this \u201c{citation['date_text']}\u201d; read against its date "
        f"({base.day} {base:%B %Y}) that is {span.display()}."
    )


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
    seed_sources = {item["key"]: item for item in document["sources"]}
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
                    "kind": SourceKind.AI_GENERATED,
                    "ai_generated": True,
                },
                report=report,
                label="sources",
            )
        actors = {actor.name: actor for actor in Actor.objects.all()}
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
        events = {e.slug: e for e in Event.objects.all()}
        for item in document["citations"]:
            note = item["note"]
            if item.get("date_text"):
                note = " ".join(filter(None, [note, article_dating(item, sources=seed_sources)]))
            upsert(
                Citation,
                lookup={
                    "event": events[item["event"]],
                    "source": sources[item["source"]],
                    "quote": item["quote"],
                },
                values={
                    "speaker": actors[item["speaker"]] if item["speaker"] else None,
                    "note": note,
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
    """Load actors, tags, sources, events and the seed articles; each file all or nothing."""
    report = LoadReport()
    load_actors(data_dir / "actors.csv", report)
    load_tags(data_dir / "tags.csv", report)
    load_record(
        sources_path=data_dir / "sources.csv", events_path=data_dir / "events.jsonl", report=report
    )
    seeds = data_dir / "seed_articles.json"
    if seeds.exists():
        load_seed_articles(seeds, report)
    return report
