"""The schemas are the one serialisation: validating them from the model rows gives exactly what
the hand-built dictionaries gave (the step that let those dictionaries go)."""

import pytest
from django.db.models import Count, Q
from django.utils import translation

from timeline import rendering
from timeline.models import Actor, Event, Source, Tag
from timeline.schemas import (
    ActorOut,
    EventItem,
    SourceOut,
    TagOut,
    actor_dict,
    event_detail,
    event_item,
    source_dict,
)
from timeline.translation import localized_text

pytestmark = pytest.mark.django_db


def old_render(event: Event, *, language: str) -> tuple[bytes, bytes]:
    with translation.override(language):
        detail = event_detail(event)
    item = {name: detail[name] for name in rendering.ITEM_FIELDS}
    return rendering.json_bytes(item), rendering.json_bytes(detail)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_curated_event_renders_to_the_same_bytes(curated, language):
    events = list(rendering.detail_queryset(Event.objects.published()))
    assert len(events) > 50
    for event in events:
        assert rendering.render(event, language=language) == old_render(event, language=language), (
            event.slug
        )
        with translation.override(language):
            assert EventItem.from_orm(event).model_dump() == event_item(event)


def test_a_detail_with_relations_to_drafts_names_only_published_ones(curated):
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    other = Event.objects.published().exclude(pk=event.pk).first()
    event.relations_out.create(to_event=other, kind="follows_up")
    Event.objects.filter(pk=other.pk).update(publication="draft")
    (loaded,) = rendering.detail_queryset(Event.objects.filter(pk=event.pk))
    assert rendering.render(loaded, language="en") == old_render(loaded, language="en")
    assert other.slug not in rendering.render(loaded, language="en")[1].decode()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_actors_sources_and_tags_validate_as_they_were_built(curated, language):
    with translation.override(language):
        for actor in Actor.objects.select_related("parent"):
            assert ActorOut.from_orm(actor).model_dump() == actor_dict(actor), actor.slug
        for source in Source.objects.all():
            assert SourceOut.from_orm(source).model_dump() == source_dict(source)
        tag = Tag.objects.create(slug="denuclearisation", name="Denuclearisation")
        Event.objects.published().first().tags.add(tag)
        (counted,) = Tag.objects.annotate(
            event_count=Count("events", filter=Q(events__publication="published"), distinct=True)
        )
        assert TagOut.from_orm(counted).model_dump() == {
            "slug": counted.slug,
            "name": localized_text(counted, "name"),
            "name_ko": counted.name_ko,
            "event_count": 1,
        }
