"""The public pages: full page, htmx fragment and history restore, sharing one template."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from timeline.models import Event

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
HISTORY_RESTORE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}


def event_slugs(html: str) -> list[str]:
    return re.findall(r'<li class="event" id="e-([^"]+)"', html)


NEWEST = ("-start", "-end", "-id")


def test_timeline_full_page_lists_published_events_newest_first(client, curated):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1 and "<html" in html
    expected = list(Event.objects.published().order_by(*NEWEST)[:50].values_list("slug", flat=True))
    assert event_slugs(html) == expected
    assert "Load more events" in html
    oldest = client.get("/en/?sort=chronological").content.decode()
    expected = Event.objects.published().order_by("start", "end", "id")
    assert event_slugs(oldest) == list(expected[:50].values_list("slug", flat=True))


def test_htmx_request_gets_the_timeline_fragment_and_a_tidy_url(client, curated):
    response = client.get("/en/?q=&from=&to=&kind=summit&actor_search=&sort=newest", **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "<h1" not in html
    # The form is part of the fragment, so that it always shows the filters in force.
    assert '<form id="filters"' in html and 'value="summit" checked' in html
    assert event_slugs(html)
    assert 'hx-swap-oob="innerHTML"' in html
    assert response["HX-Push-Url"] == "/en/?kind=summit"


def test_history_restore_request_gets_the_full_page(client, curated):
    html = client.get("/en/?kind=summit", **HISTORY_RESTORE).content.decode()
    assert "<html" in html and "<form" in html


def test_responses_vary_on_htmx_headers(client, curated):
    assert "HX-Request" in client.get("/en/")["Vary"]


def test_status_badges_and_ai_labels_are_visible(client, curated):
    html = client.get("/en/?status=speculated&status=scheduled").content.decode()
    assert "status-speculated" in html and "Speculated" in html
    html = client.get("/en/?q=White House").content.decode()
    assert "includes AI-generated reporting" in html


def test_unreadable_date_is_explained_beside_the_field_and_other_filters_still_apply(
    client, curated
):
    response = client.get("/en/?kind=summit&from=notadate")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="from-error"' in html and "not a date this service understands" in html
    slugs = event_slugs(html)
    assert slugs and all(Event.objects.get(slug=s).kind == "summit" for s in slugs)


def test_readable_date_shows_how_it_was_read(client, curated):
    html = client.get("/en/?from=2018").content.decode()
    assert "from 1 January 2018" in html


def test_load_more_fragment_continues_after_the_cursor(client, curated):
    first = client.get("/en/?limit=5").content.decode()
    more = re.search(r'hx-get="/en/\?([^"]*cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    response = client.get(f"/en/?{more}", **HTMX)
    fragment = response.content.decode()
    expected = list(
        Event.objects.published().order_by(*NEWEST)[5:10].values_list("slug", flat=True)
    )
    assert event_slugs(fragment) == expected
    assert "summary-bar" not in fragment  # only the entries, appended in place
    # The address bar records how far the reader has loaded: Back and a shared link show it.
    assert response["HX-Replace-Url"] == "/en/?limit=5&pages=2"
    both = client.get("/en/?limit=5&pages=2").content.decode()
    expected = list(Event.objects.published().order_by(*NEWEST)[:10].values_list("slug", flat=True))
    assert event_slugs(both) == expected


def test_page_query_count_is_constant_whatever_the_page_size(client, curated):
    from django.core.cache import cache

    counts = {}
    for limit in (1, 10, 100, 200):
        cache.clear()  # facets and pages are cached: count the work of an uncached request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/en/?limit={limit}").status_code == 200
        counts[limit] = len(queries)
    assert len(set(counts.values())) == 1, counts


@pytest.mark.parametrize(
    "query",
    [
        "",
        "kind=summit",
        "actor=kim-jong-un&sort=newest",
        "q=김정은",
        "from=2018&to=2019&status=occurred",
        "country=KP&kind=missile_test",
    ],
)
def test_page_and_api_agree_on_the_same_query_string(client, curated, query):
    html = client.get(f"/en/?{query}&limit=200", follow=True).content.decode()
    # Pages list the newest first by default, the API the oldest: the same when said.
    order = "" if "sort=" in query else "&sort=newest"
    api = client.get(f"/api/v1/events?{query}{order}&limit=200").json()
    assert event_slugs(html) == [item["slug"] for item in api["items"]]


def test_event_page_shows_every_account_and_links_its_json_twin(client, curated):
    html = client.get("/en/events/2026-02-wh-open-without-preconditions/").content.decode()
    assert (
        '<link rel="alternate" type="application/json" '
        'href="/api/v1/events/2026-02-wh-open-without-preconditions">' in html
    )
    # One account per source, however many passages are cited from it.
    event = Event.objects.get(slug="2026-02-wh-open-without-preconditions")
    sources = {c.source_id for c in event.citations.all()}
    assert html.count('class="account"') == len(sources)
    assert "AI-generated" in html and "Responds to" in html
    congress = client.get("/en/events/2026-02-25-kim-congress-us-relations/").content.decode()
    assert "Responded to by" in congress


def test_drafts_have_no_public_page(client, curated):
    Event.objects.filter(slug="2018-06-12-singapore-summit").update(publication="draft")
    response = client.get("/en/events/2018-06-12-singapore-summit/")
    assert response.status_code == 404
    assert b"Nothing here" in response.content


def test_actor_pages_and_autocomplete(client, curated):
    assert "Kim Jong-un" in client.get("/en/actors/?q=김정은").content.decode()
    fragment = client.get("/en/actors/?q=kim jong un", **HTMX).content.decode()
    assert "<html" not in fragment and "Kim Jong-un" in fragment
    html = client.get("/en/actors/kim-jong-un/").content.decode()
    assert "김정은" in html and event_slugs(html)
    suggestions = client.get("/en/actors/suggest/?actor_search=김정").content.decode()
    assert 'data-value="kim-jong-un"' in suggestions


@pytest.mark.parametrize(
    "url",
    ["/en/", "/en/events/2018-06-12-singapore-summit/", "/en/actors/kim-jong-un/", "/en/about/"],
)
def test_pages_have_no_inline_script_or_style(client, curated, url):
    html = client.get(url).content.decode()
    # Only a data block (JSON-LD) may stand inline: it is never executed.
    assert not re.search(r'<script(?![^>]*\bsrc=)(?![^>]*type="application/ld\+json")[^>]*>', html)
    assert "<style" not in html and " style=" not in html


def test_first_page_with_css_and_htmx_is_at_most_60_kb_gzipped(client, curated):
    import gzip
    import re as regex

    from django.contrib.staticfiles import finders

    response = client.get("/en/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    total = len(response.content)
    assets = regex.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert any(a.endswith(".css") for a in assets) and any("htmx" in a for a in assets)
    for asset in assets:
        with open(finders.find(asset), "rb") as handle:
            total += len(gzip.compress(handle.read()))
    print(f"first page + CSS + htmx, gzipped: {total / 1024:.1f} KB")
    assert total <= 60 * 1024
    # Nothing is loaded from elsewhere (canonical and alternate links name pages; they load
    # nothing).
    named = r'(?![^>]*rel="(?:canonical|alternate)")'
    loads = rf'<(?:script|img|link{named})[^>]+(?:src|href)="(?:https?:)?//'
    assert not regex.search(loads, html)


def test_empty_state_suggests_loosening_filters(client, curated):
    html = client.get("/en/?q=zzzzqqqq").content.decode()
    assert "No events match these filters" in html and "clear all filters" in html


def test_landmarks_one_h1_and_labelled_controls(client, curated):
    html = client.get("/en/").content.decode()
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert html.count("<h1") == 1
    for control_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html):
        assert f'for="{control_id}"' in html, control_id
    assert 'aria-live="polite"' in html


def test_density_chart_is_monthly_for_a_short_range_and_links_narrow_it(client, curated):
    yearly = client.get("/en/").content.decode()
    assert "Events per year" in yearly and "?from=2018&amp;to=2018" in yearly
    # Every bar is labelled, not only the first and the last.
    years = {e.start.year for e in Event.objects.published()}
    for year in range(min(years), max(years) + 1):
        assert f'<span class="slot-label" aria-hidden="true">{year}</span>' in yearly
    monthly = client.get("/en/?from=2018&to=2018").content.decode()
    assert "Events per month" in monthly
    assert "from=June+2018&amp;to=June+2018" in monthly
    june = client.get("/en/?from=June 2018&to=June 2018").content.decode()
    assert "2018-06-12-singapore-summit" in june and "2018-04-27-panmunjom-summit" not in june


def test_tag_filter_is_in_the_form_when_tags_exist(client, curated):
    from timeline.models import Event, Tag

    tag = Tag.objects.create(name="Denuclearisation", slug="denuclearisation")
    Event.objects.get(slug="2018-06-12-singapore-summit").tags.add(tag)
    html = client.get("/en/").content.decode()
    assert 'name="tag" value="denuclearisation"' in html
    assert event_slugs(client.get("/en/?tag=denuclearisation").content.decode()) == [
        "2018-06-12-singapore-summit"
    ]


@pytest.mark.parametrize(
    "url", ["/en/events/2018-06-12-singapore-summit/", "/en/actors/", "/en/actors/kim-jong-un/"]
)
def test_every_page_answers_full_page_fragment_and_history_restore(client, curated, url):
    full = client.get(url).content.decode()
    assert "<html" in full
    restore = client.get(url, **HISTORY_RESTORE).content.decode()
    assert "<html" in restore
    fragment = client.get(url, **HTMX)
    assert fragment.status_code == 200


def test_a_past_scheduled_event_says_its_outcome_is_not_recorded_on_pages_and_in_the_api(
    client, curated
):
    from datetime import date, timedelta

    from django.core.cache import cache

    from timeline.rendering import render_events

    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    past = date.today() - timedelta(days=30)
    Event.objects.filter(pk=event.pk).update(status="scheduled", start=past, end=past)
    # A bare update() skips the signals: render its API answer again as a save would.
    render_events([event.pk])
    html = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "Outcome not yet recorded" in html and ">Scheduled<" not in html
    listing = client.get(f"/en/?from={past.year}").content.decode()
    assert "Outcome not yet recorded" in listing
    api = client.get(f"/api/v1/events/{event.slug}").json()
    assert api["status"] == "outcome_not_recorded"
    future = date.today() + timedelta(days=30)
    Event.objects.filter(pk=event.pk).update(start=future, end=future)
    render_events([event.pk])
    cache.clear()  # .update() bypasses the signal that bumps the cached pages' version
    assert client.get(f"/api/v1/events/{event.slug}").json()["status"] == "scheduled"


def test_every_page_has_description_canonical_share_tags_and_the_about_link(client, curated):
    for url in (
        "/en/",
        "/en/events/2018-06-12-singapore-summit/",
        "/en/actors/kim-jong-un/",
        "/en/about/",
    ):
        html = client.get(url).content.decode()
        assert re.search(r'<meta name="description" content="[^"]{20,}">', html), url
        assert f'<link rel="canonical" href="http://testserver{url}">' in html, url
        for tag in ('property="og:title"', 'property="og:description"', 'name="twitter:card"'):
            assert tag in html, (url, tag)
        assert 'href="/en/about/"' in html and "Last updated" in html, url
    filtered = client.get("/en/?kind=summit").content.decode()
    assert '<link rel="canonical" href="http://testserver/en/?kind=summit">' in filtered


def test_event_page_has_schema_org_event_data_and_a_dated_share_card(client, curated):
    import json

    html = client.get("/en/events/2018-06-12-singapore-summit/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "Event" and data["startDate"] == "2018-06-12"
    assert data["location"]["address"]["addressCountry"] == "SG"
    assert '<meta property="og:title" content="12 June 2018: Trump–Kim Singapore Summit">' in html


def test_about_page_states_the_policies(client, curated):
    html = client.get("/en/about/").content.decode()
    for words in (
        "official text, a wire service, a newspaper or a broadcaster",
        "never stand alone",
        "AI-generated",
        "Dates and precision",
        "mailto:",
        "CC BY 4.0",
    ):
        assert words in html, words


def test_country_is_a_list_of_names_and_an_unknown_country_gets_a_message(client, curated):
    html = client.get("/en/").content.decode()
    assert "where it happened" in html
    assert re.search(r'name="country" value="KP"[^>]*> North Korea <span class="n"', html)
    named = client.get("/en/?country=North Korea", follow=True).content.decode()
    assert event_slugs(named) and 'value="KP" checked' in named
    unknown = client.get("/en/?country=Atlantis").content.decode()
    assert 'id="country-error"' in unknown and "not a country this record knows" in unknown
    counts = client.get("/en/counts/?kind=summit").content.decode()
    assert "Singapore" in counts and ">SG<" not in counts


def test_plain_form_submission_redirects_to_a_url_without_empty_parameters(client, curated):
    response = client.get("/en/?q=&from=2018&to=&kind=summit&actor_search=&sort=newest")
    assert response.status_code == 302 and response["Location"] == "/en/?from=2018&kind=summit"


def test_a_typed_actor_name_is_added_to_the_filter(client, curated):
    response = client.get("/en/?actor_search=moon jae-in")
    assert response.status_code == 302 and response["Location"] == "/en/?actor=moon-jae-in"
    missing = client.get("/en/?actor_search=nobody-by-that-name").content.decode()
    assert 'id="actor-search-error"' in missing


def test_actor_suggestions_rank_exact_and_word_start_matches_first(client, curated):
    html = client.get("/en/actors/suggest/?actor_search=moon").content.decode()
    names = re.findall(r'data-value="([^"]+)"', html)
    # Names that start with "moon" come before Kim Moon-soo, whose second word does.
    assert set(names[:2]) == {"moon-jae-in", "moon-hyung-bae"}, names
    assert names.index("kim-moon-soo") > names.index("moon-jae-in"), names


def test_no_year_heading_is_repeated_where_pages_join(client, curated):
    first = client.get("/en/?limit=7").content.decode()
    years = re.findall(r'<li class="marker year" id="y(\d+)">', first)
    more = re.search(r'hx-get="/en/\?([^"]*cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    fragment = client.get(f"/en/?{more}", **HTMX).content.decode()
    years += re.findall(r'<li class="marker year" id="y(\d+)">', fragment)
    assert len(years) == len(set(years)), years
