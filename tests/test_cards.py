"""The timeline's cards: rendered once per language when an event changes, stored beside its API
renderings, read with the keyset query, and the same as a card rendered from the models."""

import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from timeline.cards import STATUS_SLOT, CardSlots, card_column, live_card
from timeline.models import Event, EventRendering, Tag
from timeline.selectors.events import with_related

pytestmark = pytest.mark.django_db

SINGAPORE = "2018-06-12-singapore-summit"
# Searches whose words occur in the record, in both scripts, with characters that escaping
# changes (the stored text is escaped: the words must be found in it all the same).
QUERIES = ["", "summit", "김정은", "missile launch", "Trump & Kim", "북한의 <b>", "US-ROK"]


def cards_of(html: str) -> dict[str, str]:
    """{slug: the card's HTML} of a page, in page order."""
    found = re.findall(r'(<li class="event" id="e-([^"]+)".*?</li>)', html, re.S)
    return {slug: card for card, slug in found}


def page(client, url: str) -> str:
    cache.clear()  # the page as built, not as cached
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def stored_filled(event: Event, *, language: str, q: str, today: date | None = None) -> str:
    row = EventRendering.objects.get(event=event)
    with translation.override(language):
        return CardSlots(q=q, today=today).fill(
            getattr(row, card_column(language)), status=event.status, end=event.end
        )


def live(event: Event, *, language: str, q: str) -> str:
    with translation.override(language):
        return live_card(event, q=q)


def title_word(event: Event, *, language: str) -> str:
    title = event.title_ko if language == "ko" and event.title_ko else event.title
    return max(title.split(), key=len)


def test_every_curated_card_read_from_storage_equals_the_card_rendered_live(curated):
    events = list(with_related(curated.order_by("pk")))
    assert len(events) > 400
    marked = 0
    for event in events:
        for language in ("en", "ko"):
            for q in ["", title_word(event, language=language)]:
                stored = stored_filled(event, language=language, q=q)
                assert stored == live(event, language=language, q=q), (event.slug, language, q)
                marked += "<mark>" in stored
    # The searches were the events' own title words: each card had words to mark.
    assert marked == len(events) * 2


@pytest.mark.parametrize("q", QUERIES)
def test_stored_and_live_cards_agree_for_every_search(curated, q):
    events = list(with_related(curated.order_by("-start")[:120]))
    for event in events:
        for language in ("en", "ko"):
            assert stored_filled(event, language=language, q=q) == live(
                event, language=language, q=q
            ), (event.slug, language, q)


def test_a_stored_card_holds_no_search_words_and_no_status_of_its_own(curated):
    row = EventRendering.objects.get(event__slug=SINGAPORE)
    for column in ("card", "card_ko"):
        card = getattr(row, column)
        assert card.count(STATUS_SLOT) == 1
        assert "<!--q-->" in card and "<mark>" not in card
    assert "/ko/events/" in row.card_ko and "/en/events/" in row.card


def test_a_past_scheduled_event_reads_outcome_not_yet_recorded_whenever_it_was_rendered(
    client, curated
):
    event = Event.objects.get(slug=SINGAPORE)
    event.status = "scheduled"
    event.save()  # rendered now: the stored card has a slot where its status goes
    event = with_related(Event.objects.filter(pk=event.pk)).get()
    assert event.end < timezone.localdate()
    for language in ("en", "ko"):
        stored = stored_filled(event, language=language, q="summit")
        assert stored == live(event, language=language, q="summit")
        with translation.override(language):
            label = translation.gettext("Outcome not yet recorded")
        assert "status-outcome_not_recorded" in stored and label in stored
    # The day before its end, the same stored card says "Scheduled".
    before = stored_filled(event, language="en", q="", today=event.end - timedelta(days=1))
    assert 'class="badge status status-scheduled">Scheduled<' in before
    # The page says it too, in both languages.
    card = cards_of(page(client, "/en/?status=outcome_not_recorded&q=Singapore"))[SINGAPORE]
    assert "Outcome not yet recorded" in card and "<mark>Singapore</mark>" in card
    assert (
        "status-outcome_not_recorded"
        in cards_of(page(client, "/ko/?status=outcome_not_recorded"))[SINGAPORE]
    )


def test_the_timeline_serves_the_stored_card(client, curated):
    event = Event.objects.get(slug=SINGAPORE)
    row = EventRendering.objects.get(event=event)
    EventRendering.objects.filter(event=event).update(
        card=row.card.replace('class="summary"', 'class="summary" data-stored'),
        card_ko=row.card_ko.replace('class="summary"', 'class="summary" data-stored-ko'),
    )
    assert "data-stored" in cards_of(page(client, "/en/?q=Singapore"))[SINGAPORE]
    assert "data-stored-ko" in cards_of(page(client, "/ko/?q=Singapore"))[SINGAPORE]
    actor_page = page(client, "/en/actors/kim-jong-un/?q=Singapore")
    assert "data-stored" in cards_of(actor_page)[SINGAPORE]


def test_a_card_not_stored_yet_is_rendered_from_the_models(client, curated):
    before = cards_of(page(client, "/en/?q=Singapore"))
    EventRendering.objects.filter(event__slug=SINGAPORE).update(card="", card_ko="")
    after = cards_of(page(client, "/en/?q=Singapore"))
    assert after == before and "<mark>Singapore</mark>" in after[SINGAPORE]
    assert SINGAPORE in cards_of(page(client, "/ko/?q=Singapore"))


def test_render_events_fills_cards_missing_after_an_upgrade(curated):
    EventRendering.objects.filter(event__slug=SINGAPORE).update(card="")
    call_command("render_events")
    assert EventRendering.objects.get(event__slug=SINGAPORE).card.startswith('<li class="event"')


def test_an_edit_shows_on_the_stored_card(client, curated):
    event = Event.objects.get(slug=SINGAPORE)
    event.title_ko = "싱가포르 회담, 새 제목"
    event.save()
    assert "싱가포르 회담, 새 제목" in cards_of(page(client, "/ko/?q=Singapore"))[SINGAPORE]
    assert "싱가포르 회담, 새 제목" in EventRendering.objects.get(event=event).card_ko


@pytest.mark.parametrize("url", ["/en/?limit={n}", "/ko/actors/kim-jong-un/?limit={n}"])
def test_the_page_reads_cards_without_model_rows_in_a_constant_number_of_queries(
    client, curated, url
):
    counts = {}
    for limit in (1, 10, 100):  # Kim Jong Un's page has 105 events
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url.format(n=limit)).content.decode()
        assert len(cards_of(html)) == limit
        counts[limit] = len(queries)
        sql = [q["sql"] for q in queries.captured_queries]
        assert any("timeline_eventrendering" in q for q in sql)
        # No per-row prefetch of participations, citations or tags on the hot path.
        prefetch = re.compile(r'"timeline_(participation|citation)"\."event_id" IN \(\d')
        assert not any(prefetch.search(q) for q in sql), sql
    assert len(set(counts.values())) == 1, counts


def test_panel_tags_are_read_once_per_data_version_and_only_from_published_events(client, curated):
    tag = Tag.objects.create(slug="panel-probe", name="Panel probe", name_ko="패널 시험")
    Event.objects.get(slug=SINGAPORE).tags.add(tag)  # a change: a new data version
    assert 'value="panel-probe"' in page(client, "/en/")
    assert "패널 시험" in page(client, "/ko/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/?kind=summit&limit=3").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("timeline_tag" in q or 'DISTINCT "timeline_event"."country"' in q for q in sql)
    # Once the only event that carries it is withdrawn, the tag is no longer offered.
    event = Event.objects.get(slug=SINGAPORE)
    event.publication = Event.Publication.WITHDRAWN
    event.save()
    assert 'value="panel-probe"' not in page(client, "/en/")
