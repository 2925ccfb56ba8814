"""Exports read each event's stored list entry instead of building it from model rows: what
they write must be exactly what building from the rows gives, in both languages, for every
published event (including one whose status depends on today's date)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from timeline.exports.files import exported_items
from timeline.models import Event
from timeline.rendering import render_events
from timeline.schemas import EventItem
from timeline.selectors.events import event_list
from timeline.selectors.params import TimelineFilter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "ko"])
def test_exported_entries_equal_entries_built_from_rows(curated, language):
    passed = Event.objects.published().order_by("id").first()
    past = timezone.localdate() - timedelta(days=10)
    Event.objects.filter(pk=passed.pk).update(status="scheduled", start=past, end=past)
    render_events([passed.pk])
    events = event_list(TimelineFilter())
    stored = [
        (row.pk, item.model_dump()) for row, item in exported_items(events, language=language)
    ]
    with translation.override(language):
        built = [(event.pk, EventItem.from_orm(event).model_dump()) for event in events]
    assert len(stored) == Event.objects.published().count()
    for (pk, mine), (_pk, theirs) in zip(stored, built, strict=True):
        diff = {k: (mine.get(k), theirs.get(k)) for k in theirs if mine.get(k) != theirs.get(k)}
        assert not diff, (pk, diff)
    shown = dict(stored)[passed.pk]
    assert shown["status"] == "outcome_not_recorded"


def test_an_event_without_a_stored_entry_is_exported_all_the_same(curated):
    event = Event.objects.published().order_by("id").last()
    event.rendering.item = b""
    event.rendering.save(update_fields=["item"])
    events = event_list(TimelineFilter())
    stored = {row.pk: item for row, item in exported_items(events, language="en")}
    assert stored[event.pk].title == event.title
    assert stored[event.pk].start == event.start
