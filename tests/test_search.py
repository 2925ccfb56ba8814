"""Search: the same interface on both databases; PostgreSQL uses the GIN-indexed column."""

import pytest
from django.db import connection

from timeline.models import Actor, Event
from timeline.selectors.events import event_list
from timeline.selectors.params import TimelineFilter
from timeline.selectors.search import parse_websearch

pytestmark = pytest.mark.django_db


def slugs(q: str) -> list[str]:
    return [e.slug for e in event_list(TimelineFilter(q=q))]


def test_websearch_syntax_is_parsed_the_same_way_everywhere():
    assert parse_websearch('"joint drills" -Hanoi') == (["joint drills"], ["Hanoi"])
    assert parse_websearch("summit OR talks") == (["summit", "talks"], [])


def test_quoted_phrase_and_exclusion(curated):
    found = slugs('"Freedom Shield"')
    texts = Event.objects.filter(slug__in=found).values_list("title", "summary", "location")
    assert found and all("freedom shield" in " ".join(t).lower() for t in texts)
    without = slugs('"Freedom Shield" -2023')
    assert "2023-03-13-freedom-shield-2023" in found
    assert set(without) <= set(found)
    assert slugs("summit -Hanoi") and not any("hanoi" in s for s in slugs("summit -Hanoi"))


def test_two_syllable_hangul_finds_what_it_names(curated):
    north = Event.objects.get(slug="2019-06-30-dmz-summit")
    north.summary = "북한의 지도자와 만났다."
    north.save()
    assert "2019-06-30-dmz-summit" in slugs("북한")
    assert "2018-06-12-singapore-summit" in slugs("김정은")


def test_every_word_must_match(curated):
    both = set(slugs("Singapore summit"))
    assert "2018-06-12-singapore-summit" in both
    assert both <= set(slugs("Singapore")) & set(slugs("summit"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL-only column")
def test_postgres_uses_the_generated_column_and_its_gin_index(curated):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'event_search_vector_gin'"
        )
        assert "gin (search_vector)" in cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM timeline_event "
            "WHERE search_vector @@ websearch_to_tsquery('simple', 'Singapore')"
        )
        assert cursor.fetchone()[0] >= 1


def test_relevance_order_puts_title_matches_first_and_pages_cover_all(client, curated):
    body = client.get("/api/v1/events?q=summit&sort=relevance&limit=5").json()
    first = body["items"][0]
    assert "summit" in first["title"].lower()
    slugs, url = [], "/api/v1/events?q=summit&sort=relevance&limit=5"
    while url:
        page = client.get(url).json()
        slugs += [item["slug"] for item in page["items"]]
        url = page["next_url"]
    everything = [e.slug for e in event_list(TimelineFilter(q="summit"))]
    assert sorted(slugs) == sorted(everything) and len(slugs) == len(set(slugs))
    html = client.get("/en/?q=summit&sort=relevance&limit=200").content.decode()
    import re

    page_slugs = re.findall(r'<li class="event[^"]*" id="e-([^"]+)"', html)
    api = client.get("/api/v1/events?q=summit&sort=relevance&limit=200").json()
    assert page_slugs == [item["slug"] for item in api["items"]]


def test_relevance_without_a_search_is_chronological(client, curated):
    ranked = client.get("/api/v1/events?sort=relevance&limit=3").json()["items"]
    plain = client.get("/api/v1/events?limit=3").json()["items"]
    assert [i["slug"] for i in ranked] == [i["slug"] for i in plain]
    cursor = client.get("/api/v1/events?sort=relevance&limit=3").json()["next_cursor"]
    assert client.get(f"/api/v1/events?sort=relevance&limit=3&cursor={cursor}").status_code == 200


def ranked_slugs(q: str) -> list[str]:
    return [e.slug for e in event_list(TimelineFilter(q=q, sort="relevance"))]


def test_a_title_match_outranks_a_summary_match(curated):
    in_title = Event.objects.get(slug="2019-06-30-dmz-summit")
    in_summary = Event.objects.get(slug="2018-06-12-singapore-summit")
    in_title.title = "Zyzzogeton accord signed at the DMZ"
    in_title.save()
    in_summary.summary = "Observers later compared it to the zyzzogeton accord."
    in_summary.save()
    assert ranked_slugs("zyzzogeton") == [in_title.slug, in_summary.slug]
    # The newer event id does not decide it: swap the roles and the order follows the text.
    in_title.title, in_summary.title = in_summary.title, "The zyzzogeton summit"
    in_title.summary = "Observers later compared it to the zyzzogeton accord."
    in_title.save()
    in_summary.save()
    assert ranked_slugs("zyzzogeton") == [in_summary.slug, in_title.slug]


def written(event: Event) -> str:
    """The text an event writes, in both languages."""
    return f"{event.title} {event.summary} {event.title_ko} {event.summary_ko}"


def test_a_korean_name_ranks_events_that_spell_it_in_latin_letters(curated):
    ranked = ranked_slugs("김정은")
    kim = Actor.objects.get(slug="kim-jong-un")
    spellings = [s.lower() for s in [kim.name, kim.name_ko, *kim.aliases] if s]
    events = {e.slug: e for e in Event.objects.filter(slug__in=ranked)}
    says_his_name = [
        slug for slug in ranked if any(s in written(events[slug]).lower() for s in spellings)
    ]
    only_a_participant = [slug for slug in ranked if slug not in says_his_name]
    assert len(says_his_name) >= 2 and only_a_participant
    # Every event that writes one of his names, in any script, outranks those that only list
    # him among the participants.
    assert ranked[: len(says_his_name)] == says_his_name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ts_rank")
def test_postgres_ranks_by_ts_rank_over_the_weighted_vector(curated):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT slug FROM timeline_event WHERE publication = 'published' "
            "AND search_vector @@ to_tsquery('simple', 'summit') "
            "ORDER BY ts_rank(search_vector, to_tsquery('simple', 'summit')) DESC, id DESC"
        )
        by_ts_rank = [row[0] for row in cursor.fetchall()]
    ranked = ranked_slugs("summit")
    # Events found through their participants' names (rank 0) come after every text match.
    assert ranked[: len(by_ts_rank)] == by_ts_rank


@pytest.mark.parametrize("rare_matches", [0, 3, 2000])
@pytest.mark.parametrize(
    "q", ["summit", "Panmunjom", "nothing-matches-this", '"Freedom Shield" -2023']
)
@pytest.mark.parametrize("sort", ["chronological", "newest"])
def test_a_page_cut_from_a_rare_words_matches_is_the_page_the_index_walk_gives(
    curated, monkeypatch, rare_matches, q, sort
):
    from timeline.selectors import paging as filter_module
    from timeline.selectors.paging import event_page

    filters = TimelineFilter(q=q, sort=sort)
    walked = [e.slug for e in event_list(filters)]
    monkeypatch.setattr(filter_module, "RARE_MATCHES", rare_matches)
    paged, cursor = [], None
    while True:
        page = event_page(filters, cursor=cursor, limit=2)
        paged += [e.slug for e in page.events]
        if not (cursor := page.next_cursor):
            break
    assert paged == walked


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index path")
def test_only_a_text_only_search_is_listed_from_the_gin_index(curated):
    from timeline.selectors.search import searches_text_only

    assert searches_text_only("Panmunjom")
    assert searches_text_only('"joint drills" -Hanoi')
    assert not searches_text_only("김정은")  # names an actor: his events count too
    assert not searches_text_only("Kim summit")  # "Kim" is part of several actors' names
    assert not searches_text_only("")
