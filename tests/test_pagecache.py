"""The anonymous page cache on Django's cache framework: what is cached comes from the URL
configuration, the key from the answer's Vary, and what may not be kept is not."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, path
from django.utils.cache import patch_cache_control
from django.views.decorators.vary import vary_on_headers

from timeline.pagecache import MARK, cache_for_anonymous

pytestmark = pytest.mark.django_db

# Every address of the public pages and the API, by URL name, that anonymous readers get from
# the cache; anything else (the admin, about, the health checks, the API's docs) is not.
CACHED_PAGES = {
    "timeline:index",
    "timeline:counts",
    "timeline:event",
    "timeline:event_revisions",
    "timeline:actors",
    "timeline:actor_suggestions",
    "timeline:actor",
    "timeline:actor_alias",
}


def marked_names(resolver=None, namespace: str = "") -> dict[str, bool]:
    resolver = resolver or get_resolver()
    names = {}
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.update(marked_names(pattern, inner))
        elif pattern.name:
            names[f"{namespace}{pattern.name}"] = hasattr(pattern.callback, MARK)
    return names


def test_what_is_cached_is_declared_by_the_url_configuration():
    names = marked_names()
    pages = {name for name, marked in names.items() if marked and name.startswith("timeline:")}
    assert pages == CACHED_PAGES
    api = {name: marked for name, marked in names.items() if name.startswith("api-1:")}
    assert api["api-1:openapi-json"] is False and api["api-1:openapi-view"] is False
    others = [n for n, m in api.items() if n not in ("api-1:openapi-json", "api-1:openapi-view")]
    assert others and all(api[name] for name in others)
    assert not any(marked for name, marked in names.items() if name.startswith("admin:"))
    assert names["healthz"] is False and names["timeline:about"] is False


def test_an_unmarked_page_is_not_cached(client, curated):
    for _ in range(2):
        assert "X-Cache" not in client.get("/en/about/")
    assert "X-Cache" not in client.get("/api/v1/openapi.json")


@pytest.mark.parametrize(
    "url",
    [
        "/en/?kind=summit",
        "/en/counts/?kind=summit",
        "/en/events/2018-06-12-singapore-summit/",
        "/en/events/2018-06-12-singapore-summit/revisions/",
        "/en/actors/?q=kim",
        "/en/actors/suggest/?actor_search=kim",
        "/api/v1/events?kind=summit",
    ],
)
def test_an_answer_that_differs_for_htmx_says_so_in_vary(client, curated, url):
    plain = client.get(url)
    htmx = client.get(url, headers={"HX-Request": "true"})
    restore = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert plain.status_code == htmx.status_code == restore.status_code == 200, url
    vary = plain.get("Vary", "")
    if htmx.content != plain.content:
        assert "HX-Request" in vary, url
    if restore.content != htmx.content:
        assert "HX-History-Restore-Request" in vary, url
    # And every variant is served from the cache as itself.
    assert client.get(url, headers={"HX-Request": "true"}).content == htmx.content
    assert client.get(url).content == plain.content


def test_headers_the_answer_does_not_vary_on_share_one_copy(client, curated):
    assert client.get("/api/v1/events?kind=talks")["X-Cache"] == "miss"
    other = client.get("/api/v1/events?kind=talks", headers={"HX-Request": "true"})
    assert other["X-Cache"] == "hit"


def test_a_hit_reads_the_data_version_once_and_nothing_else(client, curated):
    client.get("/en/?kind=summit")
    with CaptureQueriesContext(connection) as queries:
        hit = client.get("/en/?kind=summit")
    assert hit["X-Cache"] == "hit"
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "timeline_dataversion" in queries[0]["sql"]


def test_the_language_is_part_of_the_key(client, curated):
    english = client.get("/api/v1/events/2018-06-12-singapore-summit")
    korean = client.get("/api/v1/events/2018-06-12-singapore-summit?lang=ko")
    assert english["X-Cache"] == korean["X-Cache"] == "miss"
    assert client.get("/en/actors/")["X-Cache"] == "miss"
    assert client.get("/ko/actors/")["X-Cache"] == "miss"
    assert client.get("/ko/actors/")["X-Cache"] == "hit"


# Views of this module's own URL configuration, each answering with one Cache-Control.
@cache_for_anonymous
def plain(request):
    return HttpResponse("plain")


@cache_for_anonymous
def no_store(request):
    response = HttpResponse("no-store")
    patch_cache_control(response, no_store=True)
    return response


@cache_for_anonymous
def private(request):
    response = HttpResponse("private")
    patch_cache_control(response, private=True)
    return response


@cache_for_anonymous
def sets_a_cookie(request):
    response = HttpResponse("cookie")
    response.set_cookie("mine", "1")
    return response


@cache_for_anonymous
def not_found(request):
    return HttpResponse("missing", status=404)


@cache_for_anonymous
@vary_on_headers("X-Flavour")
def flavoured(request):
    return HttpResponse(request.headers.get("X-Flavour", "none"))


def unmarked(request):
    return HttpResponse("unmarked")


urlpatterns = [
    path("plain", plain),
    path("no-store", no_store),
    path("private", private),
    path("cookie", sets_a_cookie),
    path("missing", not_found),
    path("flavoured", flavoured),
    path("unmarked", unmarked),
]


@pytest.mark.urls(__name__)
def test_only_what_may_be_kept_is_kept(client):
    assert [client.get("/plain").get("X-Cache") for _ in range(2)] == ["miss", "hit"]
    for url in ("/no-store", "/private", "/cookie", "/missing", "/unmarked"):
        for _ in range(2):
            assert client.get(url).get("X-Cache") is None, url


@pytest.mark.urls(__name__)
def test_the_key_holds_the_headers_the_answer_varies_on(client):
    assert client.get("/flavoured", headers={"X-Flavour": "mint"}).content == b"mint"
    lemon = client.get("/flavoured", headers={"X-Flavour": "lemon"})
    assert lemon.content == b"lemon" and lemon["X-Cache"] == "miss"
    again = client.get("/flavoured", headers={"X-Flavour": "mint"})
    assert again.content == b"mint" and again["X-Cache"] == "hit"


@pytest.mark.urls(__name__)
def test_post_is_never_served_from_the_cache(client):
    client.get("/plain")
    assert client.post("/plain").get("X-Cache") is None


@pytest.mark.urls(__name__)
def test_a_signed_in_user_gets_private_answers_never_stored(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-reader-123456")
    client.force_login(user)
    response = client.get("/plain")
    assert response.get("X-Cache") is None
    assert "private" in response["Cache-Control"] and "Cookie" in response["Vary"]
    client.logout()
    assert client.get("/plain")["X-Cache"] == "miss"


@pytest.mark.urls(__name__)
def test_the_page_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert [client.get("/plain").get("X-Cache") for _ in range(2)] == [None, None]
