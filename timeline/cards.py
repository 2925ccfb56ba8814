"""Each published event's timeline card, rendered once per language when the event changes.

The card (`templates/timeline/card.html`) is the `<li>` the timeline and actor pages list. It
is written beside the event's API renderings (`EventRendering.card`, `card_ko`, by
`timeline.rendering` in the transaction that changes the event or anything it shows) and read
by the pages with the keyset query: no model row is built and no template rendered per card.

What belongs to the request rather than to the event is left in the stored card as a slot,
filled as the card is read (`CardSlots`):
- the search words, marked in the title and summary: their escaped text stands between
  `<!--q-->` and `<!--/q-->` (escaped text holds no `<`, so the markers cannot occur in it);
- the status badge (`<!--status-->`): a scheduled event whose end has passed reads "Outcome not
  yet recorded" from that day on (`models.public_status_at`), whenever it was rendered.
A card not stored yet (after an upgrade, or a bulk load that bypassed the signals) is rendered
from the model rows on the spot (`live_card`): never wrong, only slower.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from timeline.models import PUBLIC_STATUS_CHOICES, Event, EventStatus, public_status_at
from timeline.selectors.events import with_related
from timeline.selectors.paging import value_page
from timeline.selectors.params import DEFAULT_LIMIT, TimelineFilter
from timeline.selectors.search import HANGUL, korean_stem, parse_websearch
from timeline.translation import CONTENT_LANGUAGES, content_language

CARD_TEMPLATE = "timeline/card.html"
STATUS_BADGE_TEMPLATE = f"{CARD_TEMPLATE}#status-badge"
TERMS_SLOT = re.compile(r"<!--q-->(.*?)<!--/q-->", re.S)
STATUS_SLOT = "<!--status-->"

# Kinds drawn alike on the timeline (colour and marker shape).
KIND_GROUPS = {
    "summit": "diplomacy",
    "meeting": "diplomacy",
    "talks": "diplomacy",
    "visit": "diplomacy",
    "agreement": "diplomacy",
    "military_drill": "military",
    "missile_test": "military",
    "nuclear_test": "military",
    "statement": "words",
    "briefing": "words",
    "interview": "words",
    "proposal": "words",
    "party_congress": "politics",
    "election": "politics",
    "protest": "politics",
    "sanctions": "pressure",
}


def kind_group(kind: str) -> str:
    return KIND_GROUPS.get(kind, "other")


# ----------------------------------------------------------------------------------------------
# Search words


def search_terms(query: str) -> re.Pattern | None:
    """The words of a search as one pattern over escaped text, longest first; None when there
    is nothing to mark."""
    terms, _ = parse_websearch(query or "")
    # A Korean word is found without its particle ("북한의" finds "북한"): mark what was found.
    terms = [korean_stem(t) if HANGUL.search(t) else t for t in terms]
    escaped = sorted({escape(t) for t in terms if len(t) >= 2}, key=len, reverse=True)
    if not escaped:
        return None
    return re.compile("|".join(re.escape(t) for t in escaped), re.I)


def mark_terms(escaped: str, pattern: re.Pattern | None) -> SafeString:
    """Escaped text with the search words in it marked."""
    if pattern is None:
        return mark_safe(escaped)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))


def terms_slot(escaped: str) -> SafeString:
    """Escaped text in a stored card, marked as the place where search words are shown."""
    return mark_safe(f"<!--q-->{escaped}<!--/q-->")


# ----------------------------------------------------------------------------------------------
# Writing


def card_column(language: str) -> str:
    """The EventRendering field holding `language`'s card."""
    return "card" if language == "en" else f"card_{language}"


CARD_COLUMNS = tuple(card_column(language) for language in CONTENT_LANGUAGES)


def card_context(event: Event) -> dict:
    return {
        "event": event,
        "group": kind_group(event.kind),
        "days": (event.end - event.start).days + 1,
    }


def stored_card(event: Event, *, language: str) -> str:
    """The card as stored: the event prefetched as `with_related` does, rendered in `language`
    with slots for the search words and the status."""
    with translation.override(language):
        return render_to_string(CARD_TEMPLATE, {**card_context(event), "stored": True}).strip()


def card_fields(event: Event) -> dict[str, str]:
    """{"card": …, "card_ko": …}: what `timeline.rendering` stores beside the JSON."""
    return {
        card_column(language): stored_card(event, language=language)
        for language in CONTENT_LANGUAGES
    }


def live_card(event: Event, *, q: str = "") -> SafeString:
    """The card for this request rendered from the model rows, in the active language (today's
    status, the search words marked): what a stored card becomes when its slots are filled."""
    html = render_to_string(CARD_TEMPLATE, {**card_context(event), "stored": False, "q": q})
    return mark_safe(html.strip())


# ----------------------------------------------------------------------------------------------
# Reading


STATUS_LABELS = dict(PUBLIC_STATUS_CHOICES)


class CardSlots:
    """Fills stored cards' slots for one request: its search words, today's status (in the
    active language)."""

    def __init__(self, *, q: str = "", today: date | None = None) -> None:
        self.pattern = search_terms(q) if q else None
        self.today = today or timezone.localdate()
        self.badges: dict[str, str] = {}

    def badge(self, status: str) -> str:
        if status not in self.badges:
            self.badges[status] = (
                ""
                if status == EventStatus.OCCURRED
                else render_to_string(
                    STATUS_BADGE_TEMPLATE, {"status": status, "label": STATUS_LABELS[status]}
                )
            )
        return self.badges[status]

    def fill(self, card: str, *, status: str, end: date) -> SafeString:
        shown = public_status_at(status=status, end=end, today=self.today)
        card = card.replace(STATUS_SLOT, self.badge(shown), 1)
        card = TERMS_SLOT.sub(lambda m: mark_terms(m.group(1), self.pattern), card)
        return mark_safe(card)


@dataclass(frozen=True)
class Card:
    slug: str
    start: date
    precision: str
    html: SafeString


@dataclass(frozen=True)
class CardPage:
    cards: list[Card]
    next_cursor: str | None


def card_page(
    filters: TimelineFilter,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    base: QuerySet | None = None,
) -> CardPage:
    """One page of cards in the active language: one query for the page and its stored cards
    (plus a fixed few for any card not stored yet)."""
    column = card_column(content_language())
    stored = f"rendering__{column}"
    page = value_page(
        filters,
        fields=["slug", "precision", "status", stored],
        cursor=cursor,
        limit=limit,
        base=base,
    )
    missing = [row["pk"] for row in page.rows if not row[stored]]
    live = {}
    if missing:
        events = with_related(Event.objects.published().filter(pk__in=missing))
        live = {event.pk: live_card(event, q=filters.q) for event in events}
    slots = CardSlots(q=filters.q)
    cards = [
        Card(
            slug=row["slug"],
            start=row["start"],
            precision=row["precision"],
            html=(
                slots.fill(row[stored], status=row["status"], end=row["end"])
                if row[stored]
                else live[row["pk"]]
            ),
        )
        for row in page.rows
    ]
    return CardPage(cards=cards, next_cursor=page.next_cursor)
