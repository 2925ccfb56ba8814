"""Importing events from a spreadsheet (CSV) in the curated events.csv columns.

Every row is checked before anything is written; problems are reported by row (as the
spreadsheet numbers them), column and what to write instead. Dates are read by `parse_span`,
so "12 June 2018", "June 2018", "27–28 February 2019" and "2018년 6월 12일" all work. Live
records are protected as in the admin: a change to a published event by someone who may not
publish, and any change to a source that published events cite, becomes a proposed revision.
Writes are done in small batches, each its own transaction, so other writers (another editor
saving, a login) are never locked out for long on SQLite; re-running the same file after an
interruption finishes the job without duplicating anything.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from timeline.curated import EVENT_COLUMNS, is_url
from timeline.dates import DateSpan, Precision, parse_span
from timeline.exports import FORMULA_PREFIXES
from timeline.models import (
    ALIAS_SEPARATOR,
    Actor,
    Citation,
    Event,
    EventKind,
    EventStatus,
    Participation,
    Publication,
    Role,
    Source,
    StagedImport,
    normalise_name,
)
from timeline.services import editorial
from timeline.services.editorial import can_publish

REQUIRED_COLUMNS = ["title", "kind", "start_date"]
# Beyond the curated columns, the admin export carries these so that a round trip is exact.
COLUMNS = [*EVENT_COLUMNS, "approximate", "date_text"]
# What the editor sees for each column (the header cell is the name itself).
COLUMN_NAMES = {name: name for name in COLUMNS}
MAX_ERRORS_SHOWN = 100
# A batch is one transaction: at most this many rows, and closed early past BATCH_SECONDS,
# so the write lock is never held long whatever the rows cost.
BATCH_ROWS = 100
BATCH_SECONDS = 0.25
SQLITE_PAUSE_SECONDS = 0.12
DATE_EXAMPLES = "e.g. “12 June 2018”, “June 2018”, “27–28 February 2019” or “2018-06-12”"


def max_bytes() -> int:
    return getattr(settings, "CSV_IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def file_size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(size // 1024, 1)} KB"


def too_large(size: int) -> str:
    return (
        f"The file is {file_size(size)}; the limit is {file_size(max_bytes())}. Split it into "
        "smaller files and import each."
    )


def max_rows() -> int:
    return getattr(settings, "CSV_IMPORT_MAX_ROWS", 5000)


@dataclass
class PlannedRow:
    row: int
    slug: str
    title: str
    action: str  # "create", "update", "propose" (a live event: sent for review), "unchanged"
    values: dict
    actors: list[Actor]
    source_url: str
    source_values: dict
    evidence: str
    date_text: str = ""


@dataclass
class ImportReport:
    dry_run: bool
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    rows: list[PlannedRow] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    proposed: int = 0
    sources_proposed: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def add_error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(message)


def decode_upload(data: bytes) -> tuple[str | None, str | None]:
    """The file's text, or a message saying why it cannot be read."""
    if len(data) > max_bytes():
        return None, too_large(len(data))
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, (
            "The file is not UTF-8 text. In your spreadsheet program choose “Save as” → "
            "“CSV UTF-8 (comma delimited)” and upload that file."
        )


def read_rows(text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = [cell.strip().lower().replace(" ", "_") for cell in next(reader, [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            report.add_error(
                "Row 1 (the header) lacks the column(s) "
                + ", ".join(f"“{c}”" for c in missing)
                + ". The first row must name the columns: "
                + ", ".join(EVENT_COLUMNS)
                + " (only title, kind and start_date are required)."
            )
            return []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= max_rows():
                report.add_error(
                    f"The file has more than {max_rows()} rows; split it into files of at most "
                    f"{max_rows()} rows and import each."
                )
                return []
            if len(cells) != len(header):
                report.add_error(
                    f"Row {number} has {len(cells)} cells but the header has {len(header)}: "
                    "check for a missing or extra comma (cells containing commas must be "
                    "quoted)."
                )
                continue
            row = {
                name: unneutralised(value.strip())
                for name, value in zip(header, cells, strict=True)
            }
            rows.append((number, {c: row.get(c, "") for c in COLUMNS}))
    except csv.Error as error:
        where = f"Row {reader.line_num}"
        if "field larger than field limit" in str(error):
            report.add_error(
                f"{where}: a cell is longer than {csv.field_size_limit() // 1024} KB. This "
                'usually means a quotation mark (") opens a cell that never closes; otherwise '
                "shorten the text."
            )
        else:
            report.add_error(
                f"{where}: the file is not valid CSV ({error}). Check that every cell that "
                'starts with a quotation mark (") also ends with one.'
            )
        return []
    return rows


def unneutralised(cell: str) -> str:
    """Undo the export's formula guard ("'=x" → "=x"), so that a round trip changes nothing."""
    if cell[:1] == "'" and cell[1:2] in FORMULA_PREFIXES:
        return cell[1:]
    return cell


def choice(value: str, choices) -> str | None:
    """A choice's stored value from its value or its label, ignoring case: "Missile test"."""
    folded = value.strip().casefold().replace(" ", "_")
    for stored, label in choices.choices:
        if folded in (stored, label.casefold().replace(" ", "_")):
            return stored
    return None


def actor_index() -> dict[str, Actor]:
    index: dict[str, Actor] = {}
    for actor in Actor.objects.all():
        for key in actor.name_keys.split(ALIAS_SEPARATOR):
            if key:
                index.setdefault(key, actor)
    return index


def slug_for(start: date, title: str, taken: set[str]) -> str:
    base = f"{start:%Y-%m-%d}-{slugify(title)}"[:180].strip("-")
    slug, n = base, 2
    while slug in taken or Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def read_span(text: str, *, base: date) -> DateSpan | None:
    return parse_span(text, base=base) if text else None


def check_row(
    number: int,
    row: dict[str, str],
    *,
    report: ImportReport,
    actors: dict[str, Actor],
    taken: set[str],
    seen: set[str],
) -> PlannedRow | None:
    errors_before = report.error_count

    def problem(column: str, text: str) -> None:
        report.add_error(f"Row {number}, column “{COLUMN_NAMES[column]}”: {text}")

    title = row["title"]
    if not title:
        problem("title", "the title is empty. Write a short headline for the event.")
    elif len(title) > 300:
        problem("title", f"the title has {len(title)} characters; shorten it to 300 at most.")
    kind = choice(row["kind"], EventKind)
    if kind is None:
        problem(
            "kind",
            f"“{row['kind']}” is not a kind of event. Write one of: "
            + ", ".join(str(label) for _, label in EventKind.choices)
            + ".",
        )
    status = choice(row["status"], EventStatus) if row["status"] else EventStatus.OCCURRED
    if status is None:
        problem(
            "status",
            f"“{row['status']}” is not a status. Write one of: "
            + ", ".join(str(label) for _, label in EventStatus.choices)
            + " (or leave it empty for Occurred).",
        )
    published = None
    if row["source_published"]:
        reading = read_span(row["source_published"], base=date.today())
        if reading is None or reading.start != reading.end:
            problem(
                "source_published",
                f"“{row['source_published']}” is not one day. Write the day the source was "
                "published, e.g. “12 June 2018” or “2018-06-12”.",
            )
        else:
            published = reading.start
    base = published or date.today()
    start = read_span(row["start_date"], base=base)
    if start is None:
        problem(
            "start_date",
            f"“{row['start_date']}” is not a date. Write it as {DATE_EXAMPLES}."
            if row["start_date"]
            else f"the date is empty. Write when the event happened, {DATE_EXAMPLES}.",
        )
    end = read_span(row["end_date"], base=base) if row["end_date"] else start
    if row["end_date"] and end is None:
        problem(
            "end_date",
            f"“{row['end_date']}” is not a date. Write it as {DATE_EXAMPLES}, or leave it "
            "empty for an event of one day (or one month, if the start is a month).",
        )
    if start and end and end.end < start.start:
        problem("end_date", f"{end.end:%d %B %Y} is before the start ({start.start:%d %B %Y}).")
    precision = None
    if row["precision"]:
        precision = choice(row["precision"], Precision)
        if precision is None:
            problem(
                "precision",
                f"“{row['precision']}” is not a precision. Write one of: "
                + ", ".join(Precision.values)
                + ", or leave it empty to take it from the dates.",
            )
    elif start and end:
        precision = Precision.coarser(start.precision, end.precision).value
    approximate = None
    if row["approximate"]:
        approximate = {
            "true": True,
            "yes": True,
            "1": True,
            "false": False,
            "no": False,
            "0": False,
        }.get(row["approximate"].casefold())
        if approximate is None:
            problem("approximate", f"“{row['approximate']}” is not yes or no. Write true or false.")
    if row["country"] and not (len(row["country"]) == 2 and row["country"].isalpha()):
        problem(
            "country",
            f"“{row['country']}” is not a two-letter country code. Write e.g. KR, KP, US, CN, "
            "or leave it empty.",
        )
    found = []
    for name in [n.strip() for n in row["actors"].split(";") if n.strip()]:
        actor = actors.get(normalise_name(name))
        if actor is None:
            problem(
                "actors",
                f"“{name}” is not an actor in the record. Check the spelling (any alias works, "
                "e.g. 김정은 for Kim Jong Un), or add the actor first (Actors → Add actor). "
                "Separate several actors with “;”.",
            )
        elif actor not in found:
            found.append(actor)
    if row["source_url"]:
        try:
            is_url(row["source_url"])
        except ValidationError:
            problem(
                "source_url",
                f"“{row['source_url'][:200]}” is not a web address. Write the full address "
                "starting with https:// (or http://).",
            )
    else:
        problem("source_url", "no source. Every event cites one: give the article's web address.")
    slug = row["id"]
    if slug:
        if slugify(slug) != slug or len(slug) > 200:
            problem(
                "id",
                f"“{slug[:200]}” is not a valid id: use lower-case letters, digits and hyphens "
                "only, or leave it empty to make one from the date and title.",
            )
        elif slug in seen:
            problem("id", f"“{slug}” is used by an earlier row too. Give each row its own id.")
        seen.add(slug)
    if report.error_count != errors_before:
        return None
    if not slug:
        slug = slug_for(start.start, title, taken)
    values = {
        "title": title,
        "kind": kind,
        "start": start.start,
        "end": end.end,
        "precision": precision,
        "approximate": start.approximate or end.approximate if approximate is None else approximate,
        "status": status,
        "location": row["location"][:200],
        "country": row["country"].upper(),
        "summary": row["summary"],
    }
    if row["date_text"]:
        values["date_text"] = row["date_text"][:200]
    source_values = {"publisher": row["source_publisher"][:200], "published_on": published}
    return PlannedRow(
        row=number,
        slug=slug,
        title=title,
        action="create",
        values=values,
        actors=found,
        source_url=row["source_url"],
        source_values=source_values,
        evidence=row["evidence"],
        date_text=(
            row["start_date"] if not row["end_date"] else f"{row['start_date']} – {row['end_date']}"
        )[:200],
    )


def plan_import(text: str) -> ImportReport:
    """Check every row of `text` and say what importing would do; write nothing."""
    report = ImportReport(dry_run=True)
    rows = read_rows(text, report)
    if not report.ok:
        return report
    actors, taken, seen = actor_index(), set(), set()
    planned = [
        check_row(number, row, report=report, actors=actors, taken=taken, seen=seen)
        for number, row in rows
    ]
    if not report.ok:
        return report
    if not planned:
        report.add_error("The file has no rows under its header.")
        return report
    existing = {
        event.slug: event
        for event in Event.objects.filter(slug__in=[p.slug for p in planned]).prefetch_related(
            "participations", "citations__source"
        )
    }
    for plan in planned:
        event = existing.get(plan.slug)
        if event is None:
            plan.action = "create"
        elif not differs(event, plan):
            plan.action = "unchanged"
        else:
            plan.action = "update"
        report.rows.append(plan)
    report.created = sum(1 for p in report.rows if p.action == "create")
    report.updated = sum(1 for p in report.rows if p.action == "update")
    return report


def differs(event: Event, plan: PlannedRow) -> bool:
    if any(getattr(event, name) != value for name, value in plan.values.items()):
        return True
    actor_ids = {p.actor_id for p in event.participations.all()}
    if any(actor.pk not in actor_ids for actor in plan.actors):
        return True
    return not any(
        c.source.url == plan.source_url and c.quote == "" and c.note == plan.evidence
        for c in event.citations.all()
    )


def apply_import(text: str, *, user) -> ImportReport:
    """Check, then write in batches (each a transaction); live records get proposals."""
    report = plan_import(text)
    report.dry_run = False
    if not report.ok:
        return report
    report.created = report.updated = 0
    work = [p for p in report.rows if p.action != "unchanged"]
    position = 0
    while position < len(work):
        started = time.monotonic()
        with transaction.atomic():
            for plan in work[position : position + BATCH_ROWS]:
                write_row(plan, user=user, report=report)
                position += 1
                if time.monotonic() - started > BATCH_SECONDS:
                    break
        if connection.vendor == "sqlite" and position < len(work):
            # SQLite has one write lock: pause long enough for a waiting writer's busy
            # handler (which polls every 100 ms at most) to take it before the next batch.
            time.sleep(SQLITE_PAUSE_SECONDS)
    return report


def source_for(plan: PlannedRow, *, user, report: ImportReport) -> Source:
    source = Source.objects.filter(url=plan.source_url).first()
    if source is None:
        return Source.objects.create(
            url=plan.source_url,
            title=plan.source_values["publisher"] or plan.source_url,
            **plan.source_values,
        )
    wanted = {k: v for k, v in plan.source_values.items() if v not in ("", None)}
    if not any(getattr(source, k) != v for k, v in wanted.items()):
        return source
    if editorial.is_live(obj=source):
        # Published events cite it: never rewrite it from a spreadsheet, propose the change.
        payload = editorial.snapshot(obj=source)
        payload["fields"].update({k: editorial.plain(v) for k, v in wanted.items()})
        editorial.propose_revision(
            obj=source, payload=payload, user=user, note=f"From a CSV import (row {plan.row})."
        )
        report.sources_proposed += 1
        return source
    for name, value in wanted.items():
        setattr(source, name, value)
    source.save()
    return source


def write_row(plan: PlannedRow, *, user, report: ImportReport) -> None:
    source = source_for(plan, user=user, report=report)
    event = Event.objects.filter(slug=plan.slug).first()
    if event is None:
        values = {"date_text": plan.date_text, **plan.values}
        event = Event.objects.create(
            slug=plan.slug,
            publication=Publication.DRAFT,
            created_by=user,
            updated_by=user,
            **values,
        )
        report.created += 1
    elif event.publication == Publication.PUBLISHED and not can_publish(user):
        payload = editorial.snapshot(obj=event)
        payload["fields"].update({k: editorial.plain(v) for k, v in plan.values.items()})
        have = {(p["actor"], p["role"]) for p in payload["participations"]}
        for actor in plan.actors:
            if (actor.pk, Role.PARTICIPANT) not in have:
                payload["participations"].append(
                    {"actor": actor.pk, "role": Role.PARTICIPANT, "title_at_time": ""}
                )
        citations = [
            c for c in payload["citations"] if not (c["source"] == source.pk and c["quote"] == "")
        ]
        citations.append({"source": source.pk, "quote": "", "speaker": None, "note": plan.evidence})
        payload["citations"] = citations
        editorial.propose_revision(
            obj=event, payload=payload, user=user, note=f"From a CSV import (row {plan.row})."
        )
        report.proposed += 1
        return
    else:
        for name, value in plan.values.items():
            setattr(event, name, value)
        event.updated_by = user
        event.save()
        report.updated += 1
    for actor in plan.actors:
        Participation.objects.get_or_create(event=event, actor=actor, role=Role.PARTICIPANT)
    Citation.objects.update_or_create(
        event=event, source=source, quote="", defaults={"note": plan.evidence}
    )


# -- the checked file kept between the dry run and the confirmation ----------------------------

STAGED_FOR = timedelta(days=1)


def stage_import(*, user, name: str, content: str) -> StagedImport:
    """Keep a checked file for the confirm step (one per editor; older ones are dropped)."""
    StagedImport.objects.filter(user=user).delete()
    StagedImport.objects.filter(created_at__lt=timezone.now() - STAGED_FOR).delete()
    return StagedImport.objects.create(user=user, file_name=name[:255], content=content)


def staged_file(*, user, staged_id: str) -> StagedImport | None:
    """The editor's kept file by its id as the form sent it (None if gone or not a number)."""
    if not (staged_id.isascii() and staged_id.isdigit()):
        return None
    return StagedImport.objects.filter(user=user, pk=staged_id).first()


def discard_staged(*, user) -> None:
    StagedImport.objects.filter(user=user).delete()
