"""The source policy and the record's health, as findings an editor can act on.

`record_findings()` is what `manage.py check_record` prints (and fails on) and what the
editors' desk lists under "needs attention". The rules:

- strong-account: every published event has at least one account from an official text, a
  wire, or a newspaper or broadcaster; analysis, reference works, aggregators and AI-generated
  articles may add accounts but never stand alone.
- source-fields: every source a published event cites has a headline (not just the
  publisher's name), a publisher, a URL, a publication date, a language and a type. The seed
  articles, AI-generated texts handed to the project without an address, need only a headline
  and a language.
- evidence: every account of a published event says what in the source supports it (a quote
  or a note), and at least one account of each event names its date.
- past-scheduled: no scheduled or proposed event lies in the past without an outcome.
- translation: what readers see is written in both languages: every published event has a
  Korean title and summary (and a Korean place where it has a place), every actor a published
  event names has a Korean name (and a Korean description where it has one), every tag on a
  published event a Korean name. A missing one falls back to English on Korean pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from timeline.models import Actor, Citation, Event, EventStatus, Source, SourceKind, Tag

# A date in the words of an account: a number, a month or weekday name, or a Korean/Chinese
# date marker. Enough to tell "dated 21 Oct 1994: signed that day" from "see the article".
DATED = re.compile(
    r"\d|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(today|yesterday|tomorrow)\b"
    r"|[年月日일월]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    rule: str
    subject: str  # "event <slug>" or "source <url or headline>"
    message: str
    # What an editor opens to fix it (the admin links to it); not part of the printed line.
    event_id: int | None = None
    source_id: int | None = None
    actor_id: int | None = None
    tag_id: int | None = None

    def __str__(self) -> str:
        return f"{self.rule}: {self.subject}: {self.message}"


def overdue_plans(*, today: date | None = None) -> QuerySet:
    """Published events still called scheduled or proposed after their dates have passed."""
    return (
        Event.objects.published()
        .filter(status__in=[EventStatus.SCHEDULED, EventStatus.PROPOSED])
        .filter(end__lt=today or date.today())
        .order_by("end")
    )


def record_findings(*, today: date | None = None) -> list[Finding]:
    today = today or date.today()
    overdue = set(overdue_plans(today=today).values_list("pk", flat=True))
    citations = Citation.objects.select_related("source").order_by("id")
    events = (
        Event.objects.published()
        .order_by("start", "end", "id")
        .prefetch_related(Prefetch("citations", queryset=citations))
    )
    findings: list[Finding] = []
    cited_sources: dict[int, Source] = {}
    for event in events:
        subject = f"event {event.slug}"
        accounts = list(event.citations.all())
        if not any(c.source.kind in SourceKind.strong() for c in accounts):
            kinds = ", ".join(sorted({c.source.get_kind_display() for c in accounts})) or "none"
            findings.append(
                Finding(
                    "strong-account",
                    subject,
                    "no account from an official text, a wire or a newspaper/broadcaster "
                    f"(accounts: {kinds})",
                    event_id=event.pk,
                )
            )
        for citation in accounts:
            cited_sources[citation.source_id] = citation.source
            if not (citation.quote.strip() or citation.note.strip()):
                findings.append(
                    Finding(
                        "evidence",
                        subject,
                        f"the account of {citation.source.title!r} does not say what in the "
                        "source supports the event (add the quote or a note)",
                        event_id=event.pk,
                    )
                )
        if accounts and not any(DATED.search(f"{c.quote} {c.note}") for c in accounts):
            findings.append(
                Finding(
                    "evidence",
                    subject,
                    "no account says what in it supports the date",
                    event_id=event.pk,
                )
            )
        missing_korean = event_missing_translations(event)
        if missing_korean:
            findings.append(
                Finding(
                    "translation",
                    subject,
                    "no Korean " + ", ".join(missing_korean),
                    event_id=event.pk,
                )
            )
        if event.pk in overdue:
            findings.append(
                Finding(
                    "past-scheduled",
                    subject,
                    f"{event.get_status_display().lower()} for {event.date_display}, which has "
                    "passed: record what happened (occurred, cancelled…)",
                    event_id=event.pk,
                )
            )
    for source in sorted(cited_sources.values(), key=lambda s: s.pk):
        missing = source_missing_fields(source)
        if missing:
            findings.append(
                Finding(
                    "source-fields",
                    f"source {source.url or source.title}",
                    "missing " + ", ".join(missing),
                    source_id=source.pk,
                )
            )
    findings += translation_findings()
    return findings


def event_missing_translations(event: Event) -> list[str]:
    missing = [
        label
        for label, field in (("title", "title_ko"), ("summary", "summary_ko"))
        if not getattr(event, field).strip()
    ]
    if event.location.strip() and not event.location_ko.strip():
        missing.append("place")
    return missing


def translation_findings() -> list[Finding]:
    """Actors and tags readers see (named by a published event) without their Korean name."""
    findings = []
    for actor in Actor.objects.public().order_by("name", "pk"):
        missing = [] if actor.name_ko.strip() else ["name"]
        if actor.description.strip() and not actor.description_ko.strip():
            missing.append("description")
        if missing:
            findings.append(
                Finding(
                    "translation",
                    f"actor {actor.slug}",
                    "no Korean " + ", ".join(missing),
                    actor_id=actor.pk,
                )
            )
    public_tags = Tag.objects.filter(events__publication=Event.Publication.PUBLISHED).distinct()
    for tag in public_tags.filter(name_ko="").order_by("name", "pk"):
        findings.append(Finding("translation", f"tag {tag.slug}", "no Korean name", tag_id=tag.pk))
    return findings


def source_missing_fields(source: Source) -> list[str]:
    missing = []
    title = source.title.strip()
    # "[…]" is how a headline that could not be read is marked while it is being looked up.
    if not title or title == source.publisher.strip() or title.lower().startswith("[headline"):
        missing.append("headline")
    if not source.language:
        missing.append("language")
    if source.kind == SourceKind.AI_GENERATED:
        return missing
    if not source.publisher:
        missing.append("publisher")
    if not source.url:
        missing.append("URL")
    if source.published_on is None:
        missing.append("publication date")
    return missing
