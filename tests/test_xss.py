"""Every editor-written text is safe wherever it appears: a corpus of XSS payloads in every
field, checked in the pages, the API and every export."""

import csv
import io
import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import icalendar
import pytest
from django.core.exceptions import ValidationError

from timeline.markup import render_markdown
from timeline.models import Actor, Citation, Event, Participation, Source

pytestmark = pytest.mark.django_db
PAYLOADS = json.loads((Path(__file__).parent / "data" / "xss_payloads.json").read_text())
FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "base",
    "meta",
    "link",
    "style",
    "img",  # (svg is allowed: the density chart is one; its on* attributes are checked)
    "math",
    "video",
    "audio",
    "source",
    "template",
    "textarea",
    "noscript",
    "body",
}
OUR_HX_ATTRIBUTES = {
    "hx-get",
    "hx-target",
    "hx-push-url",
    "hx-trigger",
    "hx-indicator",
    "hx-swap",
    "hx-sync",
    "hx-include",
    "hx-swap-oob",
}


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
            return
        if not self.in_body:
            return
        if tag in FORBIDDEN_TAGS and not (
            tag == "script" and dict(attrs).get("src", "").startswith("/static/")
        ):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name.startswith(("hx-", "data-hx")) and name not in OUR_HX_ATTRIBUTES:
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "hx-get") and value.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"{tag} {name}={value[:30]}")


def live_markup(html: str) -> list[str]:
    collector = TagCollector()
    collector.feed(html)
    return collector.problems


@pytest.fixture
def hostile(curated):
    """One published event per payload, the payload in every text field around it."""
    events = []
    for i, payload in enumerate(PAYLOADS):
        actor = Actor.objects.create(
            name=f"Actor {i} {payload}",
            slug=f"hostile-actor-{i}",
            kind="person",
            aliases=[payload],
            description=payload,
        )
        source = Source.objects.create(
            title=f"Source {i} {payload}",
            url=f"https://example.org/{i}",
            publisher=payload,
        )
        event = Event.objects.create(
            title=f"Event {i} {payload}",
            slug=f"hostile-{i}",
            kind="statement",
            summary=payload,
            body=payload,
            location=payload,
            start=date(2031, 1, 1 + i % 28),
            end=date(2031, 1, 1 + i % 28),
            publication="published",
        )
        Participation.objects.create(event=event, actor=actor, title_at_time=payload)
        Citation.objects.create(
            event=event, source=source, quote=payload, speaker=actor, note=payload
        )
        events.append(event)
    return events


def assert_inert_html(html: str, where: str) -> None:
    # The only scripts are our own (src=/static/…); nothing an editor wrote became markup.
    problems = live_markup(html)
    assert problems == [], f"{where}: {problems[:5]}"


def test_corpus_has_at_least_fifty_payloads():
    assert len(PAYLOADS) >= 50


def test_pages_render_every_payload_as_text(client, hostile):
    assert_inert_html(client.get("/en/?from=2031&limit=200").content.decode(), "timeline")
    assert_inert_html(client.get("/en/?q=Event&from=2031&limit=200").content.decode(), "search")
    for event in hostile[:: max(len(hostile) // 15, 1)]:
        assert_inert_html(client.get(f"/en/events/{event.slug}/").content.decode(), event.slug)
    assert_inert_html(client.get("/en/actors/").content.decode(), "actors")
    assert_inert_html(client.get("/en/actors/hostile-actor-0/").content.decode(), "actor page")


def test_markdown_bodies_are_sanitised(hostile):
    for payload in PAYLOADS:
        html = render_markdown(payload)
        assert live_markup(f"<body>{html}") == [], (payload, html)


def test_api_json_carries_text_not_markup(client, hostile):
    body = client.get("/api/v1/events?from=2031&limit=200").json()
    titles = {item["title"] for item in body["items"]}
    assert {f"Event {i} {p}" for i, p in enumerate(PAYLOADS)} <= titles
    detail = client.get("/api/v1/events/hostile-0").json()
    assert live_markup(f"<body>{detail['body_html']}") == []


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_csv_neutralises_formulas(client, hostile):
    content = streamed(client.get("/api/v1/export/events.csv?from=2031")).decode()
    for row in csv.DictReader(io.StringIO(content)):
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_icalendar_atom_and_timelinejs_stay_well_formed(client, hostile):
    calendar = icalendar.Calendar.from_ical(
        streamed(client.get("/api/v1/export/events.ics?from=2031"))
    )
    events = calendar.walk("VEVENT")
    assert len(events) == len(PAYLOADS)  # an injected "BEGIN:VEVENT" made no extra event
    root = ET.fromstring(streamed(client.get("/api/v1/export/events.atom?from=2031")))
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == len(PAYLOADS)
    timeline = json.loads(streamed(client.get("/api/v1/export/timelinejs.json?from=2031")))
    for slide in timeline["events"]:  # TimelineJS renders these as HTML
        assert live_markup("<body>" + slide["text"]["headline"] + slide["text"]["text"]) == []


def test_admin_lists_escape_payloads(admin_client, hostile):
    for url in (
        "/admin/timeline/event/?q=Event",
        "/admin/timeline/actor/",
        "/admin/timeline/source/",
    ):
        html = admin_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x onerror=alert(1)>" not in html


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "ftp://example.org/x"]
)
def test_non_web_urls_are_refused_at_validation(url):
    source = Source(title="x", url=url)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "url" in error.value.message_dict
