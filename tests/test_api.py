"""The JSON API: same filters as the pages, keyset pages, clear 422s, caching headers."""

import csv
import io
import json
from xml.etree import ElementTree as ET

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from timeline.models import Event, EventKind
from timeline.rendering import render_events

pytestmark = pytest.mark.django_db


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.json()


def body(response) -> bytes:
    """An export is streamed."""
    return b"".join(response.streaming_content)


def all_slugs(client, query: str) -> list[str]:
    slugs, url = [], f"/api/v1/events?{query}"
    while url:
        body = get_json(client, url)
        slugs += [item["slug"] for item in body["items"]]
        url = body["next_url"]
    return slugs


def test_list_items_carry_every_documented_field(client, curated):
    body = get_json(client, "/api/v1/events?kind=summit&limit=2")
    item = body["items"][0]
    assert set(item) == {
        "slug",
        "language",
        "translations",
        "title",
        "kind",
        "summary",
        "start",
        "end",
        "precision",
        "approximate",
        "date_display",
        "status",
        "location",
        "country",
        "actors",
        "sources",
        "tags",
        "url",
        "api_url",
    }
    assert item["kind"] == "summit"
    assert set(item["actors"][0]) == {"slug", "name", "role"}
    assert "count" not in body
    assert body["next_cursor"] and body["next_url"].startswith("/api/v1/events?")


def test_keyset_pages_cover_every_event_once_in_order(client, curated):
    paged = all_slugs(client, "limit=7")
    expected = list(
        Event.objects.published().order_by("start", "end", "id").values_list("slug", flat=True)
    )
    assert paged == expected


def test_newest_first_reverses_the_order(client, curated):
    assert all_slugs(client, "sort=newest&limit=9") == list(reversed(all_slugs(client, "limit=50")))


def test_count_only_when_asked(client, curated):
    body = get_json(client, "/api/v1/events?kind=summit&count=true&limit=1")
    assert body["count"] == Event.objects.published().filter(kind="summit").count()


def test_filters_combine(client, curated):
    slugs = all_slugs(client, "actor=donald-trump&actor=kim-jong-un&kind=summit")
    assert {
        "2018-06-12-singapore-summit",
        "2019-02-27-hanoi-summit",
        "2019-06-30-dmz-summit",
    } <= set(slugs)
    assert all(Event.objects.get(slug=s).actors.filter(slug="donald-trump").exists() for s in slugs)


def test_date_filters_match_overlapping_spans(client, curated):
    slugs = all_slugs(client, "from=June 2018&to=June 2018")
    assert "2018-06-12-singapore-summit" in slugs
    assert "2018-06-19-kim-third-china-visit" in slugs
    assert "2018-05-26-second-moon-kim-summit" not in slugs
    # A month-long event overlaps any day of its month.
    assert "2018-08-freedom-guardian-suspended" in all_slugs(
        client, "from=15 August 2018&to=16 August 2018"
    )


def test_search_matches_hangul_and_romanisations_alike(client, curated):
    hangul = all_slugs(client, "q=김정은")
    assert hangul
    assert hangul == all_slugs(client, "q=Kim Jong Un") == all_slugs(client, "q=kim jong-un")


def test_bad_parameters_are_422_with_the_field_named(client, curated):
    body = get_json(client, "/api/v1/events?kind=picnic", status=422)
    assert body["errors"][0]["field"] == "kind"
    assert "summit" in body["errors"][0]["message"]
    body = get_json(client, "/api/v1/events?from=notadate", status=422)
    assert body["errors"][0]["field"] == "from"
    assert "not a date this service understands" in body["errors"][0]["message"]
    assert get_json(client, "/api/v1/events?limit=0", status=422)["errors"][0]["field"] == "limit"
    assert get_json(client, "/api/v1/events?limit=201", status=422)["errors"][0]["field"] == "limit"
    assert (
        get_json(client, "/api/v1/events?cursor=garbage", status=422)["errors"][0]["field"]
        == "cursor"
    )
    assert (
        get_json(client, "/api/v1/events?country=Korea", status=422)["errors"][0]["field"]
        == "country"
    )


def test_unknown_slug_is_a_json_404(client, curated):
    body = get_json(client, "/api/v1/events/no-such-event", status=404)
    assert "no-such-event" in body["detail"]
    assert get_json(client, "/api/v1/actors/nobody", status=404)["detail"]


def test_detail_has_accounts_relations_and_participants(client, curated):
    body = get_json(client, "/api/v1/events/2026-02-wh-open-without-preconditions")
    assert len(body["citations"]) >= 3
    assert any(c["source"]["ai_generated"] for c in body["citations"])
    assert any(c["speaker"] == "White House" for c in body["citations"])
    assert {
        "kind": "responds_to",
        "direction": "outgoing",
        "slug": "2026-02-25-kim-congress-us-relations",
    }.items() <= body["relations"][0].items()
    congress = get_json(client, "/api/v1/events/2026-02-25-kim-congress-us-relations")
    assert any(
        r["direction"] == "incoming" and r["kind"] == "responds_to" for r in congress["relations"]
    )
    assert body["date_display"] == "25 February 2026"
    assert "body_html" in body and "updated_at" in body


def test_drafts_are_never_visible(client, curated):
    Event.objects.filter(slug="2018-06-12-singapore-summit").update(publication="draft")
    assert "2018-06-12-singapore-summit" not in all_slugs(client, "limit=200")
    get_json(client, "/api/v1/events/2018-06-12-singapore-summit", status=404)
    facets = get_json(client, "/api/v1/facets?kind=summit")
    total = sum(f["count"] for f in facets["kind"])
    assert total == Event.objects.published().filter(kind="summit").count()
    csv_text = body(client.get("/api/v1/export/events.csv")).decode()
    assert "2018-06-12-singapore-summit" not in csv_text


def test_actors_match_names_and_aliases(client, curated):
    for q in ("김정은", "kim jong un", "Kim Jong-un"):
        assert [a["slug"] for a in get_json(client, f"/api/v1/actors?q={q}")] == ["kim-jong-un"]
    detail = get_json(client, "/api/v1/actors/kim-jong-un")
    assert (
        detail["event_count"]
        == Event.objects.published().filter(actors__slug="kim-jong-un").distinct().count()
    )
    assert (
        get_json(client, "/api/v1/actors?kind=wizard", status=422)["errors"][0]["field"] == "kind"
    )


def test_sources_and_tags_lists(client, curated):
    sources = get_json(client, "/api/v1/sources?limit=200")["items"]
    assert any(s["ai_generated"] for s in sources)
    assert isinstance(get_json(client, "/api/v1/tags"), list)


def test_facets_count_by_every_dimension(client, curated):
    body = get_json(client, "/api/v1/facets?actor=kim-jong-un")
    assert set(body) == {"kind", "country", "status", "actor", "year"}
    assert body["actor"][0]["value"] == "kim-jong-un"
    assert sum(y["count"] for y in body["year"]) == sum(k["count"] for k in body["kind"])


def test_changes_since_a_moment(client, curated):
    body = get_json(client, "/api/v1/changes?since=2000-01-01T00:00:00Z")
    assert len(body["items"]) == Event.objects.published().count()
    Event.objects.filter(slug="2019-06-30-dmz-summit").update(publication="withdrawn")
    later = get_json(client, f"/api/v1/changes?since={body['until']}")
    # update() bypasses auto_now: only a save() marks a change.
    event = Event.objects.get(slug="2019-06-30-dmz-summit")
    event.save()
    later = get_json(client, f"/api/v1/changes?since={body['until'].replace('+', '%2B')}")
    assert [(c["slug"], c["change"]) for c in later["items"]] == [
        ("2019-06-30-dmz-summit", "withdrawn")
    ]
    assert (
        get_json(client, "/api/v1/changes?since=yesterday-ish", status=422)["errors"][0]["field"]
        == "since"
    )


def test_caching_headers_and_conditional_get(client, curated):
    response = client.get("/api/v1/events?kind=summit")
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] and response["Last-Modified"]
    again = client.get("/api/v1/events?kind=summit", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    detail = client.get("/api/v1/events/2018-06-12-singapore-summit")
    assert detail["ETag"] and detail["Last-Modified"]


def test_cors_does_not_open_writes(client, curated):
    response = client.post("/api/v1/events", data={})
    assert response.status_code == 405
    assert "Access-Control-Allow-Origin" not in response


def test_list_query_count_is_constant_whatever_the_limit(client, curated):
    from django.core.cache import cache

    # Last-Modified reads the latest change once per process and data version: not per page.
    assert client.get("/api/v1/events?limit=1").status_code == 200
    counts = {}
    for limit in (1, 10, 100, 200):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/events?limit={limit}").status_code == 200
        counts[limit] = len(queries)
    assert len(set(counts.values())) == 1, counts


def test_csv_export_round_trips(client, curated):
    response = client.get("/api/v1/export/events.csv?kind=summit")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    expected = Event.objects.published().filter(kind="summit").order_by("start", "end", "id")
    assert [r["slug"] for r in rows] == [e.slug for e in expected]
    first = rows[0]
    event = expected[0]
    assert (first["title"], first["start"], first["end"], first["precision"]) == (
        event.title,
        str(event.start),
        str(event.end),
        event.precision,
    )


def test_csv_export_neutralises_formulas(client, curated):
    Event.objects.filter(slug="2018-06-12-singapore-summit").update(title='=HYPERLINK("x")')
    # A bare update() skips the signals: render the stored answers again, as a save would.
    render_events(
        Event.objects.filter(slug="2018-06-12-singapore-summit").values_list("pk", flat=True)
    )
    rows = list(
        csv.DictReader(
            io.StringIO(body(client.get("/api/v1/export/events.csv?kind=summit")).decode())
        )
    )
    titles = [r["title"] for r in rows if r["slug"] == "2018-06-12-singapore-summit"]
    assert titles == ['\'=HYPERLINK("x")']


def test_icalendar_export_parses_with_all_day_spans(client, curated):
    response = client.get("/api/v1/export/events.ics?kind=summit")
    calendar = icalendar.Calendar.from_ical(body(response))
    events = calendar.walk("VEVENT")
    assert len(events) == Event.objects.published().filter(kind="summit").count()
    hanoi = next(e for e in events if str(e["UID"]).startswith("2019-02-27-hanoi-summit"))
    assert str(hanoi.decoded("DTSTART")) == "2019-02-27"
    assert str(hanoi.decoded("DTEND")) == "2019-03-01"  # exclusive end: the 28th is included


def test_atom_feed_is_valid_xml_newest_first(client, curated):
    response = client.get("/api/v1/export/events.atom?kind=summit")
    root = ET.fromstring(body(response))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == Event.objects.published().filter(kind="summit").count()
    published = [e.find("a:published", ns).text for e in entries]
    assert published == sorted(published, reverse=True)


def test_timelinejs_json_has_the_documented_shape(client, curated):
    body = json.loads(b"".join(client.get("/api/v1/export/timelinejs.json").streaming_content))
    assert "headline" in body["title"]["text"]
    month = next(
        e for e in body["events"] if e["unique_id"] == "2018-08-freedom-guardian-suspended"
    )
    assert month["start_date"] == {"year": 2018, "month": 8}
    assert month["display_date"] == "August 2018"
    assert month["group"] == "military_drill"
    day = next(e for e in body["events"] if e["unique_id"] == "2019-02-27-hanoi-summit")
    assert day["start_date"] == {"year": 2019, "month": 2, "day": 27}
    assert day["end_date"] == {"year": 2019, "month": 2, "day": 28}
    assert {e["group"] for e in body["events"]} <= set(EventKind.values)


def test_openapi_document_and_docs_page(client):
    schema = get_json(client, "/api/v1/openapi.json")
    assert "/api/v1/events" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/events"]["get"]["parameters"]}
    assert {
        "q",
        "kind",
        "actor",
        "country",
        "tag",
        "status",
        "from",
        "to",
        "sort",
        "limit",
        "cursor",
        "count",
    } <= params
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_anonymous_clients_are_throttled_with_retry_after(client, curated, api_rate_limit):
    from django.core.cache import cache

    cache.clear()
    api_rate_limit(requests=3)
    statuses = [client.get("/api/v1/tags").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/tags")
    assert int(limited["Retry-After"]) >= 1
    cache.clear()


@pytest.mark.parametrize(
    "since", ["3599-10-29T09:21:38+16:50", "9999-12-31T23:59:59-23:59", "0.5", "2026-13-01"]
)
def test_changes_refuses_or_normalises_odd_moments_without_a_500(client, curated, since):
    from urllib.parse import quote

    response = client.get(f"/api/v1/changes?since={quote(since)}")
    assert response.status_code in (200, 422), response.content[:300]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_pages_link_the_api_by_its_url_names(client, curated, language):
    about = client.get(f"/{language}/about/").content.decode()
    assert about.count('href="/api/v1/docs"') >= 3  # the header, the footer and the licence
    if language == "ko":
        assert '<a href="/api/v1/docs">JSON API</a>로 읽을 수 있습니다' in about
    index = client.get(f"/{language}/?kind=summit").content.decode()
    for path in ("export/events.csv", "export/events.ics", "export/events.atom", "events"):
        assert f'href="/api/v1/{path}?kind=summit' in index
