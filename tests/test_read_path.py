"""The API's read path: each published event's JSON stored once when it changes, joined to the
keyset query as it is read, and kept right by every kind of write."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from timeline import rendering
from timeline.models import (
    Actor,
    Citation,
    Event,
    EventRelation,
    EventRendering,
    Participation,
    Source,
    Tag,
)
from timeline.schemas import EventDetail
from timeline.selectors.events import published_event

pytestmark = pytest.mark.django_db

SINGAPORE = "2018-06-12-singapore-summit"


def api(client, url: str, status: int = 200):
    cache.clear()  # the read path itself, not the page cache
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return response.json()


def built_from_the_models(slug: str) -> dict:
    """What the schemas make of the event's model rows today: the reference."""
    detail = EventDetail.from_orm(published_event(slug))
    return json.loads(detail.model_dump_json())


def item_from_list(client, slug: str) -> dict | None:
    event = Event.objects.get(slug=slug)
    body = api(client, f"/api/v1/events?from={event.start.isoformat()}&to={event.end}&limit=200")
    return next((item for item in body["items"] if item["slug"] == slug), None)


def same_moment(a: str, b: str) -> bool:
    from django.utils.dateparse import parse_datetime

    return abs((parse_datetime(a) - parse_datetime(b)).total_seconds()) < 0.001


def assert_detail_is_current(client, slug: str) -> dict:
    answered = api(client, f"/api/v1/events/{slug}")
    expected = built_from_the_models(slug)
    assert same_moment(answered.pop("updated_at"), expected.pop("updated_at"))
    assert answered == expected
    return answered


def test_every_published_event_has_its_rendering(curated):
    published = set(curated.values_list("pk", flat=True))
    assert set(EventRendering.objects.values_list("event_id", flat=True)) == published


def test_stored_answers_equal_what_the_schemas_make_of_the_models(client, curated):
    for event in curated.order_by("pk")[:40]:
        detail = assert_detail_is_current(client, event.slug)
        listed = item_from_list(client, event.slug)
        assert listed == {name: detail[name] for name in listed}
        assert set(listed) == set(rendering.ITEM_FIELDS)


def test_list_pages_join_stored_rows_in_a_constant_number_of_queries(client, curated):
    # Last-Modified reads the latest change once per process and data version: not per page.
    assert client.get("/api/v1/events?limit=1&kind=summit").status_code == 200
    counts = {}
    for limit in (1, 5, 50, 200):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/events?limit={limit}&kind=summit").status_code == 200
        counts[limit] = len(queries)
        joined = [
            q["sql"] for q in queries.captured_queries if "timeline_eventrendering" in q["sql"]
        ]
        assert joined, "the page reads the stored renderings"
        # No per-row prefetch of participations, citations or tags on the hot path.
        assert not any("timeline_participation" in q["sql"] for q in queries.captured_queries)
    assert len(set(counts.values())) == 1, counts


def test_detail_reads_one_stored_row(client, curated):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/events/{SINGAPORE}").status_code == 200
    assert not any("timeline_participation" in q["sql"] for q in queries.captured_queries)


def test_editing_the_event_renders_it_again(client, curated):
    event = Event.objects.get(slug=SINGAPORE)
    event.title = "Singapore summit, retitled"
    event.summary = "New summary"
    event.save()
    assert assert_detail_is_current(client, SINGAPORE)["title"] == "Singapore summit, retitled"
    assert item_from_list(client, SINGAPORE)["summary"] == "New summary"


def test_an_actor_renamed_shows_on_every_event_it_takes_part_in(client, curated):
    participation = Participation.objects.filter(event__slug=SINGAPORE).first()
    actor = participation.actor
    actor.name = "Renamed Actor"
    actor.save()
    for slug in Event.objects.published().filter(actors=actor).values_list("slug", flat=True)[:5]:
        detail = assert_detail_is_current(client, slug)
        assert "Renamed Actor" in [a["name"] for a in detail["actors"]]


def test_a_source_corrected_shows_on_every_event_that_cites_it(client, curated):
    source = Citation.objects.filter(event__slug=SINGAPORE).first().source
    source.publisher = "Corrected Publisher"
    source.save()
    detail = assert_detail_is_current(client, SINGAPORE)
    assert "Corrected Publisher" in [s["publisher"] for s in detail["sources"]]


def test_participations_citations_and_tags_added_and_removed(client, curated):
    event = Event.objects.get(slug=SINGAPORE)
    newcomer = Actor.objects.exclude(participations__event=event).first()
    added = Participation.objects.create(event=event, actor=newcomer, role="mediator")
    assert newcomer.slug in [
        a["slug"] for a in assert_detail_is_current(client, SINGAPORE)["actors"]
    ]
    added.delete()
    assert newcomer.slug not in [
        a["slug"] for a in assert_detail_is_current(client, SINGAPORE)["actors"]
    ]
    source = Source.objects.create(title="A new account", url="https://example.org/new-account")
    citation = Citation.objects.create(event=event, source=source, quote="It happened.")
    assert "A new account" in [
        s["title"] for s in assert_detail_is_current(client, SINGAPORE)["sources"]
    ]
    citation.delete()
    assert_detail_is_current(client, SINGAPORE)
    tag = Tag.objects.create(name="Denuclearisation talks", slug="denuclearisation-talks")
    event.tags.add(tag)
    assert "denuclearisation-talks" in item_from_list(client, SINGAPORE)["tags"]
    tag.slug = "denuclearisation"
    tag.save()
    assert "denuclearisation" in assert_detail_is_current(client, SINGAPORE)["tags"]
    tag.delete()
    assert assert_detail_is_current(client, SINGAPORE)["tags"] == [t.slug for t in event.tags.all()]


def test_relations_follow_the_related_event(client, curated):
    singapore = Event.objects.get(slug=SINGAPORE)
    other = Event.objects.published().exclude(pk=singapore.pk).order_by("pk").first()
    EventRelation.objects.create(from_event=other, to_event=singapore, kind="follows_up")
    relations = assert_detail_is_current(client, SINGAPORE)["relations"]
    assert other.slug in [r["slug"] for r in relations]
    other.title = "The other event, retitled"
    other.save()
    relations = assert_detail_is_current(client, SINGAPORE)["relations"]
    assert "The other event, retitled" in [r["title"] for r in relations]
    other.publication = Event.Publication.WITHDRAWN
    other.save()
    assert other.slug not in [
        r["slug"] for r in assert_detail_is_current(client, SINGAPORE)["relations"]
    ]
    assert not EventRendering.objects.filter(event=other).exists()
    api(client, f"/api/v1/events/{other.slug}", status=404)
    other.publication = Event.Publication.PUBLISHED
    other.save()
    other.delete()
    assert other.slug not in [
        r["slug"] for r in assert_detail_is_current(client, SINGAPORE)["relations"]
    ]


def test_a_missing_rendering_is_answered_from_the_models(client, curated):
    EventRendering.objects.filter(event__slug=SINGAPORE).delete()
    assert_detail_is_current(client, SINGAPORE)
    assert item_from_list(client, SINGAPORE)["slug"] == SINGAPORE
    call_command("render_events", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert EventRendering.objects.filter(event__slug=SINGAPORE).exists()


def test_drafts_have_no_rendering_and_are_not_answered(client, curated):
    event = Event.objects.get(slug=SINGAPORE)
    event.publication = Event.Publication.DRAFT
    event.save()
    assert not EventRendering.objects.filter(event=event).exists()
    api(client, f"/api/v1/events/{SINGAPORE}", status=404)
    assert item_from_list(client, SINGAPORE) is None


def test_the_status_is_decided_as_the_answer_is_read(client, curated, monkeypatch):
    """Nothing time-dependent is stored: `status_at` adjusts each answer when it is read."""

    def outcome_pending(*, status, end, today):
        return "outcome_pending" if status == "occurred" else status

    monkeypatch.setattr(rendering, "status_at", outcome_pending)
    assert api(client, f"/api/v1/events/{SINGAPORE}")["status"] == "outcome_pending"
    assert item_from_list(client, SINGAPORE)["status"] == "outcome_pending"
    stored = json.loads(bytes(EventRendering.objects.get(event__slug=SINGAPORE).item))
    assert stored["status"] == "occurred"


def test_a_bulk_load_in_a_batch_renders_each_event_once(curated, monkeypatch):
    rendered = []
    real = rendering._render_now
    monkeypatch.setattr(rendering, "_render_now", lambda ids: rendered.append(ids) or real(ids))
    event = Event.objects.get(slug=SINGAPORE)
    with rendering.batched():
        for n in range(3):
            event.title = f"Title {n}"
            event.save()
            Participation.objects.create(
                event=event, actor=Actor.objects.exclude(participations__event=event).first()
            )
    assert len(rendered) == 1 and event.pk in rendered[0]
    stored = json.loads(bytes(EventRendering.objects.get(event=event).item))
    assert stored["title"] == "Title 2"


def test_the_openapi_document_still_describes_the_list_and_detail(client):
    schema = client.get("/api/v1/openapi.json").json()
    list_200 = schema["paths"]["/api/v1/events"]["get"]["responses"]["200"]
    detail_200 = schema["paths"]["/api/v1/events/{slug}"]["get"]["responses"]["200"]
    assert list_200["content"]["application/json"]["schema"]["$ref"].endswith("/EventPage")
    assert detail_200["content"]["application/json"]["schema"]["$ref"].endswith("/EventDetail")
