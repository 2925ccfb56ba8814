"""The timeline's counts (total, density chart, facets) on a record too large to count while
a reader waits: one scan on PostgreSQL, sent after the page, counted again after each change."""

import threading

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear

from timeline.models import Event
from timeline.selectors import facets as facets_module
from timeline.selectors.events import filtered_events
from timeline.selectors.facets import (
    count_facets,
    count_field_by_field,
    count_in_one_scan,
    facets_cache_key,
)
from timeline.selectors.params import TimelineFilter

pytestmark = pytest.mark.django_db

FILTERS = [
    TimelineFilter(),
    TimelineFilter(kind=["summit", "talks"]),
    TimelineFilter(q="Kim", date_from="2018", date_to="2019"),
    TimelineFilter(actor=["kim-jong-un"], sort="newest"),
    TimelineFilter(q="no-such-word-anywhere"),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GROUPING SETS path")
@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_one_scan_counts_what_a_query_per_facet_counts(curated, filters):
    events = filtered_events(filters).order_by()
    assert count_in_one_scan(events) == count_field_by_field(events)


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_year_counts_agree_with_a_direct_count(curated, filters):
    counts = count_facets(filters, top_actors=10, base=None)
    direct = (
        filtered_events(filters)
        .order_by()
        .annotate(year=ExtractYear("start"))
        .values("year")
        .annotate(n=Count("pk"))
    )
    assert {r["value"]: r["count"] for r in counts["year"]} == {r["year"]: r["n"] for r in direct}
    total = filtered_events(filters).count()
    assert sum(r["count"] for r in counts["kind"]) == total
    assert sum(r["count"] for r in counts["month"]) == total
    kinds = [r["count"] for r in counts["kind"]]
    assert kinds == sorted(kinds, reverse=True)


def test_a_small_record_shows_its_counts_in_the_first_answer(client, curated):
    html = client.get("/en/?kind=summit").content.decode()
    assert 'class="counts pending"' not in html and "Events per year" in html


def test_a_large_record_sends_the_page_first_and_the_counts_after(client, curated, settings):
    settings.COUNTS_DEFER_ABOVE = 10  # the curated record is "large" for this test
    first = client.get("/en/?kind=summit")
    html = first.content.decode()
    assert 'class="counts pending"' in html and "Events per year" not in html
    assert 'hx-get="/en/counts/?kind=summit"' in html and 'href="/en/counts/?kind=summit"' in html
    assert 'id="e-2018-06-12-singapore-summit"' in html  # the events are there already
    assert "no-cache" in first["Cache-Control"]
    # The page without its counts is kept (a large record's filtered page is cacheable) ...
    kept = client.get("/en/?kind=summit")
    assert kept["X-Cache"] == "hit" and 'class="counts pending"' in kept.content.decode()
    assert "no-cache" in kept["Cache-Control"]  # ... but no browser keeps it

    fragment = client.get("/en/counts/?kind=summit", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body and 'id="counts"' in body and "Events per year" in body
    assert 'hx-swap-oob="innerHTML"' in body and 'hx-get="/en/?kind=summit' in body

    # The counts are cached now: the kept page gives way to the complete one.
    complete = client.get("/en/?kind=summit").content.decode()
    assert 'class="counts pending"' not in complete and "Events per year" in complete
    assert client.get("/en/?kind=summit")["X-Cache"] == "hit"


def test_counts_have_a_page_of_their_own_without_javascript(client, curated, settings):
    settings.COUNTS_DEFER_ABOVE = 10
    page = client.get("/en/counts/?kind=summit").content.decode()
    assert "<html" in page and "Back to the timeline" in page and "Events per year" in page
    assert 'href="/en/?kind=summit&amp;kind=' in page or 'href="/en/?kind=summit' in page
    assert "hx-get" not in page.split("<main", 1)[1]  # plain links: no #results to swap into


def test_bad_filters_on_the_counts_page_are_named_not_500(client, curated):
    response = client.get("/en/counts/?kind=picnic&from=someday")
    assert response.status_code == 200
    assert "picnic" not in response.content.decode().split("<main", 1)[1].split("Refine")[0]


@pytest.mark.django_db(transaction=True)
def test_counts_are_counted_in_the_background_after_a_change(curated, settings, monkeypatch):
    settings.WARM_COUNTS = True
    monkeypatch.setattr(facets_module, "WARM_DELAY_SECONDS", 0.2)
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    with transaction.atomic():  # an import: a burst of saves, one commit
        for n in range(3):
            event.title = f"Singapore summit, revision {n}"
            event.save()
    waiting = [t for t in threading.enumerate() if t.name == "warm-counts"]
    assert len(waiting) == 1  # one count for the burst, not one per save
    waiting[0].join(timeout=30)
    key = facets_cache_key(TimelineFilter(), top_actors=10, base_key="")
    from django.core.cache import cache

    warmed = cache.get(key)
    assert warmed is not None
    assert sum(r["count"] for r in warmed["kind"]) == Event.objects.published().count()
