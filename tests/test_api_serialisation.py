"""The schemas are the one serialisation: every answer of the API is what the Schema classes make
of the model rows, in the language asked for.

(The stored renderings were shown byte-identical to the hand-built dictionaries the schemas
replaced, for every curated event in both languages, in the commit that let those go.)"""

import json

import pytest
from django.core.cache import cache
from django.utils import translation

from timeline import rendering
from timeline.models import Actor, Event, Source, Tag
from timeline.schemas import ActorDetail, ActorOut, EventDetail, EventItem, SourceOut, TagOut
from timeline.selectors.actors import public_actor, public_actors
from timeline.selectors.events import event_list, published_event
from timeline.selectors.paging import source_page
from timeline.selectors.params import TimelineFilter
from timeline.selectors.tags import tags_in_use

pytestmark = pytest.mark.django_db


def answer(client, url: str):
    cache.clear()
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def validated(schema, obj, *, language: str) -> dict:
    with translation.override(language):
        return json.loads(schema.from_orm(obj).model_dump_json())


@pytest.mark.parametrize("language", ["en", "ko"])
def test_list_entries_are_the_schema_of_each_event(client, curated, language):
    body = answer(client, f"/api/v1/events?kind=summit&limit=200&lang={language}")
    events = list(event_list(TimelineFilter(kind=["summit"])))
    assert len(body["items"]) == len(events) > 5
    assert body["items"] == [validated(EventItem, e, language=language) for e in events]
    assert {item["language"] for item in body["items"]} == {language}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_details_are_the_schema_of_the_event(client, curated, language):
    for slug in ("2018-06-12-singapore-summit", "2019-02-27-hanoi-summit"):
        answered = answer(client, f"/api/v1/events/{slug}?lang={language}")
        expected = validated(EventDetail, published_event(slug), language=language)
        assert answered.pop("updated_at")[:19] == expected.pop("updated_at")[:19]
        assert answered == expected
        assert answered["relations"] or answered["citations"]


def test_a_stored_rendering_is_the_schema_of_the_event(curated):
    (event,) = rendering.detail_queryset(Event.objects.filter(slug="2018-06-12-singapore-summit"))
    item, detail = rendering.render(event, language="ko")
    with translation.override("ko"):
        expected = EventDetail.from_orm(event).model_dump()
    assert detail == rendering.json_bytes(expected)
    assert item == rendering.json_bytes({name: expected[name] for name in EventItem.model_fields})


def test_relations_name_only_published_events(curated):
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    other = (
        Event.objects.published().exclude(pk=event.pk).exclude(slug__startswith="2018-06").first()
    )
    event.relations_out.create(to_event=other, kind="follows_up")
    (loaded,) = rendering.detail_queryset(Event.objects.filter(pk=event.pk))
    assert other.slug in [r.slug for r in EventDetail.from_orm(loaded).relations]
    Event.objects.filter(pk=other.pk).update(publication="draft")
    (loaded,) = rendering.detail_queryset(Event.objects.filter(pk=event.pk))
    assert other.slug not in [r.slug for r in EventDetail.from_orm(loaded).relations]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_actors_sources_and_tags_are_their_schemas(client, curated, language):
    listed = answer(client, f"/api/v1/actors?lang={language}")
    assert listed == [validated(ActorOut, a, language=language) for a in public_actors()]
    kim = Actor.objects.public().get(slug="kim-jong-un")
    detail = answer(client, f"/api/v1/actors/{kim.slug}?lang={language}")
    assert detail == validated(ActorDetail, public_actor(kim.slug), language=language)
    assert detail["name"] == ("김정은" if language == "ko" else "Kim Jong-un")
    sources = answer(client, "/api/v1/sources?limit=20")["items"]
    page = source_page(limit=20).sources
    assert sources == [validated(SourceOut, s, language=language) for s in page]
    tag = Tag.objects.create(slug="denuclearisation", name="Denuclearisation", name_ko="비핵화")
    Event.objects.published().first().tags.add(tag)
    tags = answer(client, f"/api/v1/tags?lang={language}")
    assert tags == [validated(TagOut, t, language=language) for t in tags_in_use()]
    assert tags[0]["name"] == ("비핵화" if language == "ko" else "Denuclearisation")


def test_a_source_is_its_fields(curated):
    source = Source.objects.filter(ai_generated=True).first()
    assert SourceOut.from_orm(source).model_dump() == {
        "title": source.title,
        "url": source.url,
        "publisher": source.publisher,
        "published_on": source.published_on,
        "language": source.language,
        "kind": source.kind,
        "ai_generated": True,
    }
