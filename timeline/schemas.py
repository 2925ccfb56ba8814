"""The one serialisation of events, actors and sources: the API and every export use it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema

from timeline.markup import render_markdown
from timeline.models import Actor, Citation, Event, Participation, Publication, Source, Tag
from timeline.translation import (
    CONTENT_LANGUAGES,
    TRANSLATED_FIELDS,
    both_languages,
    content_language,
    localized_text,
)


def event_api_url(slug: str) -> str:
    return reverse("api-1:event_detail", kwargs={"slug": slug})


def actor_api_url(slug: str) -> str:
    return reverse("api-1:actor_detail", kwargs={"slug": slug})


class ActorRef(Schema):
    # An actor as an event names it, from a `Participation`.
    slug: str
    name: str
    role: str

    @staticmethod
    def resolve_slug(participation: Participation) -> str:
        return participation.actor.slug

    @staticmethod
    def resolve_name(participation: Participation) -> str:
        return localized_text(participation.actor, "name")


class SourceOut(Schema):
    title: str
    url: str
    publisher: str
    published_on: date | None
    language: str
    kind: str
    ai_generated: bool


class EventText(Schema):
    """An event's text as written in one language ("" where not yet translated)."""

    title: str
    summary: str
    location: str


class EventItem(Schema):
    # An event as a list entry, from an `Event` with `selectors.events.with_related`'s prefetches.
    # Text fields are in the active language (falling back to the other).
    slug: str
    language: str = Field(
        "en",
        description="The language of title, summary, location and names: the requested `lang`; "
        "a field not yet written in it holds the other language's text.",
    )
    translations: dict[str, EventText] = Field(
        default_factory=dict, description='The text in every language: {"en": …, "ko": …}.'
    )
    title: str
    kind: str
    summary: str
    start: date
    end: date
    precision: str
    approximate: bool
    date_display: str
    status: str
    location: str
    country: str
    actors: list[ActorRef]
    sources: list[SourceOut]
    tags: list[str]
    url: str
    api_url: str

    @staticmethod
    def resolve_language(event: Event) -> str:
        return content_language()

    @staticmethod
    def resolve_translations(event: Event) -> dict[str, dict[str, str]]:
        by_field = {field: both_languages(event, field) for field in TRANSLATED_FIELDS["event"]}
        return {
            lang: {field: texts[lang] for field, texts in by_field.items()}
            for lang in CONTENT_LANGUAGES
        }

    @staticmethod
    def resolve_title(event: Event) -> str:
        return localized_text(event, "title")

    @staticmethod
    def resolve_summary(event: Event) -> str:
        return localized_text(event, "summary")

    @staticmethod
    def resolve_location(event: Event) -> str:
        return localized_text(event, "location")

    @staticmethod
    def resolve_status(event: Event) -> str:
        return event.public_status()

    @staticmethod
    def resolve_actors(event: Event) -> list[Participation]:
        """Each actor once per role, in the order they were recorded."""
        named: dict[tuple[str, str], Participation] = {}
        for participation in event.participations.all():
            named.setdefault((participation.actor.slug, participation.role), participation)
        return list(named.values())

    @staticmethod
    def resolve_sources(event: Event) -> list[Source]:
        """Each cited source once, strongest account first."""
        cited: dict[int, Source] = {}
        for citation in event.citations.all():
            cited.setdefault(citation.source_id, citation.source)
        return list(cited.values())

    @staticmethod
    def resolve_tags(event: Event) -> list[str]:
        return [tag.slug for tag in event.tags.all()]

    @staticmethod
    def resolve_url(event: Event) -> str:
        return event.get_absolute_url()

    @staticmethod
    def resolve_api_url(event: Event) -> str:
        return event_api_url(event.slug)


class Participant(Schema):
    # From a `Participation`.
    slug: str
    name: str
    role: str
    title_at_time: str

    @staticmethod
    def resolve_slug(participation: Participation) -> str:
        return participation.actor.slug

    @staticmethod
    def resolve_name(participation: Participation) -> str:
        return localized_text(participation.actor, "name")


class CitationOut(Schema):
    # From a `Citation` (an account of the event in one source).
    source: SourceOut
    quote: str
    speaker: str | None
    note: str

    @staticmethod
    def resolve_speaker(citation: Citation) -> str | None:
        return localized_text(citation.speaker, "name") if citation.speaker else None


@dataclass(frozen=True)
class Related:
    """An event related to the one shown, seen from it."""

    kind: str
    direction: str
    event: Event


class RelationOut(Schema):
    # From a `Related`.
    kind: str
    direction: str  # "outgoing": this event <kind> the other; "incoming": the other <kind> this
    slug: str
    title: str
    date_display: str
    api_url: str

    @staticmethod
    def resolve_slug(related: Related) -> str:
        return related.event.slug

    @staticmethod
    def resolve_title(related: Related) -> str:
        return localized_text(related.event, "title")

    @staticmethod
    def resolve_date_display(related: Related) -> str:
        return related.event.date_display

    @staticmethod
    def resolve_api_url(related: Related) -> str:
        return event_api_url(related.event.slug)


class EventDetail(EventItem):
    # An event with everything its page shows, from an `Event` with the prefetches of
    # `selectors.events.published_event` (or `rendering.detail_queryset`).
    body_html: str
    date_text: str
    participants: list[Participant]
    citations: list[CitationOut]
    relations: list[RelationOut]
    updated_at: datetime

    @staticmethod
    def resolve_body_html(event: Event) -> str:
        return render_markdown(event.body) if event.body else ""

    @staticmethod
    def resolve_participants(event: Event) -> list[Participation]:
        return list(event.participations.all())

    @staticmethod
    def resolve_citations(event: Event) -> list[Citation]:
        return list(event.citations.all())

    @staticmethod
    def resolve_relations(event: Event) -> list[Related]:
        """Relations to published events only: a draft on the other end is not named."""
        published = Event.Publication.PUBLISHED
        outgoing = [
            Related(relation.kind, "outgoing", relation.to_event)
            for relation in event.relations_out.all()
            if relation.to_event.publication == published
        ]
        incoming = [
            Related(relation.kind, "incoming", relation.from_event)
            for relation in event.relations_in.all()
            if relation.from_event.publication == published
        ]
        return outgoing + incoming


class EventPage(Schema):
    items: list[EventItem]
    next_cursor: str | None
    next_url: str | None
    count: int | None = None


class ActorOut(Schema):
    # From an `Actor` with its `parent` selected.
    slug: str
    name: str = Field(description="In the requested `lang`, else the other language.")
    name_en: str = ""
    name_ko: str = ""
    kind: str
    country: str
    aliases: list[str]
    description: str
    parent: str | None
    url: str
    api_url: str

    @staticmethod
    def resolve_name(actor: Actor) -> str:
        return localized_text(actor, "name")

    @staticmethod
    def resolve_name_en(actor: Actor) -> str:
        return actor.name

    @staticmethod
    def resolve_description(actor: Actor) -> str:
        return localized_text(actor, "description")

    @staticmethod
    def resolve_parent(actor: Actor) -> str | None:
        return actor.parent.slug if actor.parent else None

    @staticmethod
    def resolve_url(actor: Actor) -> str:
        return actor.get_absolute_url()

    @staticmethod
    def resolve_api_url(actor: Actor) -> str:
        return actor_api_url(actor.slug)


class ActorDetail(ActorOut):
    # From an `Actor` annotated with `event_count`.
    event_count: int


class TagOut(Schema):
    # From a `Tag` annotated with `event_count`.
    slug: str
    name: str
    name_ko: str = ""
    event_count: int

    @staticmethod
    def resolve_name(tag: Tag) -> str:
        return localized_text(tag, "name")


class FacetValue(Schema):
    value: str | int
    count: int
    label: str | None = None


class Facets(Schema):
    kind: list[FacetValue]
    country: list[FacetValue]
    status: list[FacetValue]
    actor: list[FacetValue]
    year: list[FacetValue]


class Change(Schema):
    # From a row of `selectors.changes.changes_since` (slug, publication, updated_at).
    slug: str
    change: str  # "published" (visible, new or changed) or "withdrawn" (no longer public)
    updated_at: datetime
    api_url: str | None

    @staticmethod
    def resolve_change(row: dict) -> str:
        return "published" if row["publication"] == Publication.PUBLISHED else "withdrawn"

    @staticmethod
    def resolve_api_url(row: dict) -> str | None:
        return event_api_url(row["slug"]) if row["publication"] == Publication.PUBLISHED else None


class ChangeList(Schema):
    since: datetime
    until: datetime
    items: list[Change]


class LanguageQuery(Schema):
    lang: Literal["en", "ko"] = Field(
        "en",
        description="The language of titles, summaries, places, names and displayed dates: "
        "en (default) or ko. A text not yet translated comes in the other language; "
        "`translations` holds both.",
    )
