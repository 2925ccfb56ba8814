"""Running it for real: health checks, the anonymous cache and its invalidation, outages, logs."""

import json
import logging

import pytest
from django.db import OperationalError

from config.logging import JsonFormatter
from timeline.models import Event

pytestmark = pytest.mark.django_db


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"


def test_anonymous_pages_are_cached_until_an_editor_changes_anything(client, curated):
    first = client.get("/en/?kind=summit")
    assert first["X-Cache"] == "miss"
    second = client.get("/en/?kind=summit")
    assert second["X-Cache"] == "hit" and second.content == first.content
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    event.title = "Singapore summit (retitled)"
    event.save()
    third = client.get("/en/?kind=summit")
    assert third["X-Cache"] == "miss"
    assert "Singapore summit (retitled)" in third.content.decode()


def test_api_reads_are_cached_and_invalidated_on_withdrawal(client, curated):
    url = "/api/v1/events/2019-06-30-dmz-summit"
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"
    event = Event.objects.get(slug="2019-06-30-dmz-summit")
    event.publication = Event.Publication.WITHDRAWN
    event.save()
    assert client.get(url).status_code == 404


def test_htmx_fragments_and_full_pages_are_cached_apart(client, curated):
    full = client.get("/en/?kind=visit")
    fragment = client.get("/en/?kind=visit", HTTP_HX_REQUEST="true")
    assert b"<html" in full.content and b"<html" not in fragment.content


def test_signed_in_editors_are_never_served_from_the_cache(client, curated, django_user_model):
    client.get("/en/")
    user = django_user_model.objects.create_user("ed", password="pw-ed-123456", is_staff=True)
    client.force_login(user)
    assert "X-Cache" not in client.get("/en/")


def test_database_outage_gives_503_page_and_json(client, curated, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("timeline.views.card_page", broken)
    monkeypatch.setattr("timeline.api.events.rendered_page", broken)
    page = client.get("/en/?kind=talks")
    assert page.status_code == 503 and b"Briefly unavailable" in page.content
    assert page["Retry-After"]
    api = client.get("/api/v1/events?kind=talks")
    assert api.status_code == 503 and "unavailable" in api.json()["detail"]
    assert b"Traceback" not in page.content + api.content


def test_json_log_lines():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x",), None
    )
    record.status_code = 404
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["message"] == "Not Found: /x"
    assert line["status"] == 404 and line["time"].endswith("+00:00")
