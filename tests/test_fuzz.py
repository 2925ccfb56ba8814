"""Hypothesis over every public query parameter and form field: a clear 4xx or a valid answer,
never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

NASTY = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=400),
    st.sampled_from(
        [
            "\x00",
            "2019-02-30",
            "99999999999999999999",
            "-1",
            "0",
            "1e309",
            "NaN",
            "late",
            "from 2018 to",
            "Q5 2020",
            "13月40日",
            "' OR 1=1 --",
            "%00",
            "../../etc",
            "김정은",
            "2018年6月",
            "between and",
            "∞",
            "2018–2019–2020",
            "next fortnight",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
PARAMS = [
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
]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(PARAMS), NASTY, max_size=4))
def test_api_list_never_500s(client, curated, params):
    response = client.get("/api/v1/events", params)
    assert response.status_code in (200, 422), (params, response.content[:300])
    if response.status_code == 422:
        assert response.json()["errors"][0]["field"]


@FUZZ
@given(params=st.dictionaries(st.sampled_from(PARAMS), NASTY, max_size=4))
def test_timeline_page_never_500s(client, curated, params):
    # Empty values are answered with a redirect to the same page without them.
    response = client.get("/en/", params, follow=True)
    assert response.status_code == 200, (params, response.content[:300])


@FUZZ
@given(
    path=st.sampled_from(
        [
            "/api/v1/facets",
            "/api/v1/actors",
            "/api/v1/changes",
            "/api/v1/export/events.csv",
            "/en/actors/",
            "/en/actors/suggest/",
            "/en/counts/",
        ]
    ),
    params=st.dictionaries(st.sampled_from([*PARAMS, "since", "actor_search"]), NASTY, max_size=3),
)
def test_other_endpoints_never_500(client, curated, path, params):
    response = client.get(path, params)
    assert response.status_code in (200, 422), (path, params, response.content[:300])


@FUZZ
@given(slug=NASTY)
def test_unknown_slugs_are_404(client, curated, slug):
    from urllib.parse import quote

    for base in ("/en/events/", "/api/v1/events/", "/en/actors/", "/api/v1/actors/"):
        response = client.get(base + quote(slug, safe=""))
        assert response.status_code in (200, 301, 404), (base, slug, response.status_code)


@FUZZ
@given(when=NASTY, base=NASTY)
def test_admin_when_preview_never_500s(admin_client, when, base):
    response = admin_client.get(
        "/admin/timeline/event/when-preview/", {"when": when, "when_base": base}
    )
    assert response.status_code == 200


FORM_TEXT = st.one_of(NASTY, st.just(""))


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=st.fixed_dictionaries(
        {
            "title": FORM_TEXT,
            "slug": FORM_TEXT,
            "kind": st.one_of(st.sampled_from(["summit", "talks"]), NASTY),
            "status": st.one_of(st.just("occurred"), NASTY),
            "publication": st.one_of(st.just("draft"), NASTY),
            "when": FORM_TEXT,
            "when_base": FORM_TEXT,
            "start": FORM_TEXT,
            "end": FORM_TEXT,
            "precision": FORM_TEXT,
            "summary": FORM_TEXT,
            "body": FORM_TEXT,
            "location": FORM_TEXT,
            "country": FORM_TEXT,
            "latitude": FORM_TEXT,
            "longitude": FORM_TEXT,
        }
    )
)
def test_admin_event_form_never_500s(admin_client, fields):
    data = dict(fields)
    for prefix in ("participations", "citations", "relations_out"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    response = admin_client.post("/admin/timeline/event/add/", data)
    assert response.status_code in (200, 302), (fields, response.status_code)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=st.fixed_dictionaries(
        {
            "name": FORM_TEXT,
            "slug": FORM_TEXT,
            "kind": st.one_of(st.just("person"), NASTY),
            "country": FORM_TEXT,
            "aliases_text": FORM_TEXT,
            "description": FORM_TEXT,
        }
    ),
    source=st.fixed_dictionaries(
        {
            "title": FORM_TEXT,
            "url": FORM_TEXT,
            "publisher": FORM_TEXT,
            "published_on": FORM_TEXT,
            "language": FORM_TEXT,
            "kind": st.one_of(st.just("news"), NASTY),
            "archived_url": FORM_TEXT,
            "accessed_on": FORM_TEXT,
        }
    ),
)
def test_admin_actor_and_source_forms_never_500(admin_client, fields, source):
    assert admin_client.post("/admin/timeline/actor/add/", fields).status_code in (200, 302)
    assert admin_client.post("/admin/timeline/source/add/", source).status_code in (200, 302)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    article=st.fixed_dictionaries(
        {
            "text": FORM_TEXT,
            "url": FORM_TEXT,
            "title": FORM_TEXT,
            "publisher": FORM_TEXT,
            "published_on": FORM_TEXT,
            "language": FORM_TEXT,
        }
    ),
    csv_text=FORM_TEXT,
)
def test_import_forms_never_500(admin_client, curated, article, csv_text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post("/admin/timeline/event/import-article/", article)
    assert response.status_code == 200
    upload = SimpleUploadedFile("events.csv", csv_text.encode("utf-8", "replace"))
    response = admin_client.post("/admin/timeline/event/import-csv/", {"file": upload})
    assert response.status_code == 200
