"""Exports streamed from a per-version cache and bounded in concurrency; /api/v1/sources in
pages; nothing that only unpublished events name reaches a public surface."""

import csv
import io
from datetime import date

import pytest

from timeline.limits import acquire_slot, release_slot
from timeline.models import Actor, Event, EventRelation, Participation, Source, Tag

pytestmark = pytest.mark.django_db

EXPORTS = [
    "/api/v1/export/events.csv",
    "/api/v1/export/events.ics",
    "/api/v1/export/events.atom",
    "/api/v1/export/timelinejs.json",
]


def streamed(response) -> bytes:
    assert response.streaming, "an export is streamed, never built in memory"
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("url", EXPORTS)
def test_an_export_is_kept_per_data_version_and_normalised_query(client, curated, url):
    first = client.get(url + "?kind=summit")
    body = streamed(first)
    assert first["X-Export-Cache"] == "miss"
    again = client.get(url + "?kind=summit")
    assert again["X-Export-Cache"] == "hit" and streamed(again) == body
    # A parameter the filters do not know is not part of the key.
    padded = client.get(url + "?kind=summit&n=123&utm_source=x")
    assert padded["X-Export-Cache"] == "hit" and streamed(padded) == body
    event = Event.objects.published().filter(kind="summit").first()
    event.title = "A retitled summit"
    event.save()
    changed = client.get(url + "?kind=summit")
    assert changed["X-Export-Cache"] == "miss"
    assert b"A retitled summit" in streamed(changed)


def test_a_busy_export_slot_is_a_503_with_retry_after_and_readers_are_served(client, curated):
    cached = client.get("/api/v1/export/events.csv?kind=summit")
    streamed(cached)
    hold = acquire_slot("export", slots=1, hold_seconds=60)
    assert hold is not None
    try:
        busy = client.get("/api/v1/export/events.csv?kind=talks")
        assert busy.status_code == 503
        assert int(busy["Retry-After"]) > 0
        assert "retry" in busy.json()["detail"]
        # An export already built is still served, and so are readers.
        assert client.get("/api/v1/export/events.csv?kind=summit").status_code == 200
        assert client.get("/api/v1/events?limit=1").status_code == 200
    finally:
        release_slot(hold)
    assert client.get("/api/v1/export/events.csv?kind=talks").status_code == 200


def test_the_csv_export_still_has_every_published_event(client, curated):
    rows = list(
        csv.DictReader(io.StringIO(streamed(client.get("/api/v1/export/events.csv")).decode()))
    )
    assert [r["slug"] for r in rows] == list(
        Event.objects.published().order_by("start", "end", "id").values_list("slug", flat=True)
    )


def test_sources_come_in_pages_that_cover_each_once(client, curated):
    items, url = [], "/api/v1/sources?limit=7"
    while url:
        body = client.get(url).json()
        assert len(body["items"]) <= 7
        items += body["items"]
        url = body["next_url"]
    cited = Source.objects.filter(citations__event__publication="published").distinct()
    assert len(items) == cited.count()
    seen = [(s["title"], s["url"]) for s in items]
    assert sorted(seen) == sorted(cited.values_list("title", "url"))
    # Newest publication first, undated last.
    days = [s["published_on"] for s in items]
    dated = [d for d in days if d is not None]
    assert dated == sorted(dated, reverse=True)
    assert days == dated + [None] * (len(days) - len(dated))
    assert client.get("/api/v1/sources?limit=500").status_code == 422
    bad = client.get("/api/v1/sources?cursor=bm90LWEtY3Vyc29y")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


@pytest.fixture
def draft_only(curated):
    """An actor and a tag that only a draft names, and a draft related to a published event."""
    draft = Event.objects.create(
        title="Secret draft about Zorblax",
        slug="secret-draft",
        kind="meeting",
        start=date(2024, 1, 1),
        end=date(2024, 1, 1),
        publication=Event.Publication.DRAFT,
    )
    actor = Actor.objects.create(name="Zorblax Envoy", slug="zorblax-envoy", kind="person")
    Participation.objects.create(event=draft, actor=actor)
    tag = Tag.objects.create(name="Zorblax affair", slug="zorblax-affair")
    draft.tags.add(tag)
    published = Event.objects.get(slug="2018-06-12-singapore-summit")
    EventRelation.objects.filter(from_event=published).delete()
    EventRelation.objects.filter(to_event=published).delete()
    EventRelation.objects.create(from_event=published, to_event=draft)
    EventRelation.objects.create(from_event=draft, to_event=published, kind="follows_up")
    return published


def test_draft_only_actors_and_tags_are_not_public(client, draft_only):
    assert client.get("/en/actors/zorblax-envoy/").status_code == 404
    assert client.get("/api/v1/actors/zorblax-envoy").status_code == 404
    assert "zorblax" not in client.get("/api/v1/actors?q=zorblax").content.decode().lower()
    assert "Zorblax" not in client.get("/en/actors/?q=zorblax").content.decode()
    assert "Zorblax" not in client.get("/en/actors/suggest/?actor_search=zorb").content.decode()
    assert "zorblax" not in client.get("/api/v1/tags").content.decode()
    # Still public: an actor a published event names.
    assert client.get("/api/v1/actors/kim-jong-un").status_code == 200


def test_relations_to_drafts_are_not_listed(client, draft_only):
    page = client.get("/en/events/2018-06-12-singapore-summit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Secret draft" not in html
    assert "Related events" not in html
    detail = client.get("/api/v1/events/2018-06-12-singapore-summit").json()
    assert detail["relations"] == []
