"""What a cache may keep and for whom: host and scheme in the key, nothing for signed-in users,
Redis optional at run time, /readyz telling the degradation without leaking details."""

import socket

import pytest
from django.db import OperationalError

from timeline.caching import data_version
from timeline.models import Event

pytestmark = pytest.mark.django_db

ATOM = "/api/v1/export/events.atom?p=1"
DETAIL = "/api/v1/events/2018-06-12-singapore-summit"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is


def body(response) -> bytes:
    """Exports are streamed from their cached file; other answers have a content."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_a_request_for_another_host_does_not_poison_the_cache(client, curated):
    poisoned = client.get(ATOM, HTTP_HOST="localhost")
    assert poisoned.status_code == 200 and b"http://localhost/" in body(poisoned)
    honest = client.get(ATOM, HTTP_HOST="127.0.0.1")
    assert honest.status_code == 200
    honest_body = body(honest)
    assert b"http://localhost/" not in honest_body
    assert b"http://127.0.0.1/" in honest_body
    assert honest.get("X-Cache") != "hit"


def test_the_scheme_is_part_of_the_key(client, curated):
    plain = client.get(ATOM, HTTP_HOST="127.0.0.1")
    assert b"http://127.0.0.1/" in body(plain)
    secure = client.get(ATOM, HTTP_HOST="127.0.0.1", secure=True)
    assert secure.get("X-Cache") != "hit"
    secure_body = body(secure)
    assert b"https://127.0.0.1/" in secure_body and b"http://127.0.0.1/" not in secure_body


def test_the_page_cache_serves_the_same_host_and_scheme_from_the_cache(client, curated):
    assert client.get("/en/?kind=summit", HTTP_HOST="127.0.0.1")["X-Cache"] == "miss"
    assert client.get("/en/?kind=summit", HTTP_HOST="127.0.0.1")["X-Cache"] == "hit"
    assert client.get("/en/?kind=summit", HTTP_HOST="localhost")["X-Cache"] == "miss"


def test_signed_in_users_get_private_answers_without_public_cors(
    client, curated, django_user_model
):
    anonymous = client.get(DETAIL)
    assert anonymous["Access-Control-Allow-Origin"] == "*"
    assert anonymous["Cache-Control"] == "public, max-age=60"
    user = django_user_model.objects.create_user("ed", password="pw-ed-123456", is_staff=True)
    client.force_login(user)
    for path in (
        DETAIL,
        "/api/v1/events?kind=summit",
        "/en/",
        "/en/events/2018-06-12-singapore-summit/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Access-Control-Allow-Origin" not in response, path
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        assert "X-Cache" not in response, path
        assert "Cookie" in response["Vary"], path


def test_a_signed_in_answer_is_never_served_to_anyone_else(client, curated, django_user_model):
    user = django_user_model.objects.create_user("ed2", password="pw-ed-123456", is_staff=True)
    client.force_login(user)
    client.get(DETAIL)
    client.logout()
    assert client.get(DETAIL)["X-Cache"] == "miss"


def redis_down_caches(port: int) -> dict:
    return {
        alias: {
            "BACKEND": "timeline.caching.OptionalRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
        for alias in ("default", "shared")
    }


def test_redis_down_serves_pages_and_api_uncached(client, curated, settings):
    settings.CACHES = redis_down_caches(closed_port())
    for path in (
        "/en/",
        "/en/?kind=summit",
        "/api/v1/events?kind=summit",
        DETAIL,
        "/en/events/2018-06-12-singapore-summit/",
        "/api/v1/facets?kind=summit",
        "/en/actors/",
    ):
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.get("X-Cache") != "hit", path
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "degraded",
        "database": ready.json()["database"],
        "cache": "unavailable",
    }


def test_readyz_is_ok_with_a_working_cache(client):
    ready = client.get("/readyz").json()
    assert ready["status"] == "ok" and ready["cache"] == "ok"


def test_readyz_says_database_unavailable_without_details(client, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" (10.0.0.7), port 5432 failed')

    monkeypatch.setattr("config.health.connection.cursor", refused)
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "detail": "database unavailable",
    }
    assert b"5432" not in ready.content and b"db.internal" not in ready.content


def test_the_data_version_is_bumped_in_the_changing_transaction(curated):
    before = data_version()
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    event.title = "Retitled"
    event.save()
    # Visible to this transaction at once, and to any other process once it commits.
    assert data_version() > before


def test_healthz_touches_no_database(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    assert len(queries) == 0
