"""Filtering and counting by status use the status readers see: a scheduled or proposed event
whose end has passed is "outcome_not_recorded", not "scheduled", in filters and counts alike."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from timeline.models import Event
from timeline.rendering import render_events
from timeline.selectors.events import filtered_events
from timeline.selectors.facets import count_facets, count_field_by_field, count_in_one_scan
from timeline.selectors.params import TimelineFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_events(curated):
    """One scheduled event whose end has passed, one still ahead."""
    today = timezone.localdate()
    past, future = today - timedelta(days=30), today + timedelta(days=30)
    passed, ahead = Event.objects.published().order_by("id")[:2]
    Event.objects.filter(pk=passed.pk).update(status="scheduled", start=past, end=past)
    Event.objects.filter(pk=ahead.pk).update(status="scheduled", start=future, end=future)
    render_events([passed.pk, ahead.pk])
    return passed.slug, ahead.slug


def slugs(client, query: str) -> set[str]:
    answer = client.get(f"/api/v1/events?limit=200&{query}")
    assert answer.status_code == 200, answer.content
    return {item["slug"] for item in answer.json()["items"]}


def test_scheduled_means_still_ahead_and_the_passed_one_is_outcome_not_recorded(
    client, waiting_events
):
    passed, ahead = waiting_events
    scheduled = slugs(client, "status=scheduled")
    assert ahead in scheduled and passed not in scheduled
    not_recorded = slugs(client, "status=outcome_not_recorded")
    assert passed in not_recorded and ahead not in not_recorded
    # Every answer says of itself what the filter asked for.
    for item in client.get("/api/v1/events?limit=200&status=scheduled").json()["items"]:
        assert item["status"] == "scheduled"
    both = slugs(client, "status=scheduled&status=outcome_not_recorded")
    assert {passed, ahead} <= both


def test_counts_by_status_are_the_statuses_shown(waiting_events):
    events = filtered_events(TimelineFilter()).order_by()
    by_field, _months = count_field_by_field(events)
    assert by_field["status"].get("outcome_not_recorded", 0) >= 1
    shown = Event.objects.published().filter(status="scheduled", end__gte=timezone.localdate())
    assert by_field["status"].get("scheduled", 0) == shown.count()
    if connection.vendor == "postgresql":
        assert count_in_one_scan(events)[0]["status"] == by_field["status"]
    counts = count_facets(TimelineFilter(status=["outcome_not_recorded"]), top_actors=5, base=None)
    assert [row["value"] for row in counts["status"]] == ["outcome_not_recorded"]


def test_the_timeline_offers_the_status_with_its_count(client, waiting_events):
    page = client.get("/en/?status=outcome_not_recorded").content.decode()
    assert 'value="outcome_not_recorded"' in page
    assert "Outcome not yet recorded" in page
