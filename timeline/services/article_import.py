"""Draft events from a news article: the article becomes a Source (or the one already kept at
its address is reused) and each candidate the editor ticked becomes a draft event citing it
with the sentence it was read from.

The editor's choices arrive parsed (which candidates, with what title and kind); nothing here
reads a request, so the admin, a command or a test call it the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from timeline.ingest import Candidate
from timeline.models import Citation, Event, EventKind, Participation, Publication, Role, Source
from timeline.services.csv_import import slug_for

TITLE_MAX_CHARS = Event._meta.get_field("title").max_length


@dataclass(frozen=True)
class Article:
    """What the editor said about the article (the text itself is not kept)."""

    url: str
    title: str
    publisher: str
    published_on: date | None
    language: str
    ai_generated: bool


@dataclass(frozen=True)
class CandidateChoice:
    """The editor's edits to a ticked candidate before it becomes a draft."""

    title: str
    kind: str


def article_source(*, article: Article) -> Source:
    """The Source kept at the article's address, else a new one for it."""
    source = Source.objects.filter(url=article.url).first() if article.url else None
    if source is not None:
        return source
    return Source.objects.create(
        title=article.title or article.publisher or "Imported article",
        url=article.url,
        publisher=article.publisher,
        published_on=article.published_on,
        language=article.language,
        ai_generated=article.ai_generated,
    )


def create_drafts_from_article(
    *,
    article: Article,
    candidates: Sequence[Candidate],
    selected: Mapping[int, CandidateChoice],
    user,
) -> list[Event]:
    """One draft event per selected candidate (by its index in `candidates`), citing the
    article with the candidate's sentence; all of them or none."""
    created: list[Event] = []
    slugs_taken: set[str] = set()
    with transaction.atomic():
        source = article_source(article=article)
        for index, candidate in enumerate(candidates):
            choice = selected.get(index)
            if choice is None:
                continue
            title = choice.title.strip()[:TITLE_MAX_CHARS] or candidate.title
            kind = choice.kind if choice.kind in EventKind.values else candidate.kind
            event = Event.objects.create(
                title=title,
                slug=slug_for(candidate.span.start, title, slugs_taken),
                kind=kind,
                start=candidate.span.start,
                end=candidate.span.end,
                precision=candidate.span.precision.value,
                approximate=candidate.span.approximate,
                date_text=candidate.date_text,
                status=candidate.status,
                publication=Publication.DRAFT,
                created_by=user,
                updated_by=user,
            )
            for actor in candidate.actors:
                Participation.objects.get_or_create(event=event, actor=actor, role=Role.PARTICIPANT)
            Citation.objects.create(event=event, source=source, quote=candidate.sentence)
            created.append(event)
    return created
