"""Every export speaks the language asked for (`lang=ko`): titles, summaries, places, actor names
and displayed dates; column names and codes stay English, they are an interface. The two CSV
exports are written by one module."""

import csv
import io
import json
from xml.etree import ElementTree as ET

import icalendar
import pytest
from django.utils import translation

from timeline import bulk
from timeline.exports.csv import EDITORIAL_COLUMNS, EVENT_COLUMNS
from timeline.models import Event
from timeline.services import csv_import
from timeline.translation import localized_text

pytestmark = pytest.mark.django_db

SINGAPORE = "2018-06-12-singapore-summit"
ATOM = "{http://www.w3.org/2005/Atom}"


def streamed(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


@pytest.fixture
def singapore(curated, settings, tmp_path):
    settings.EXPORT_CACHE_DIR = str(tmp_path)
    event = Event.objects.get(slug=SINGAPORE)
    assert event.title_ko and event.summary_ko and event.location_ko
    return event


def korean(event: Event, field: str) -> str:
    return localized_text(event, field, language="ko")


def test_csv_in_korean_keeps_english_column_names(client, singapore):
    content = streamed(client.get("/api/v1/export/events.csv?lang=ko&kind=summit")).decode()
    reader = csv.DictReader(io.StringIO(content))
    assert reader.fieldnames == [column.name for column in EVENT_COLUMNS]
    row = next(r for r in reader if r["slug"] == SINGAPORE)
    assert row["title"] == singapore.title_ko
    assert row["summary"] == singapore.summary_ko
    assert row["location"] == singapore.location_ko
    assert row["date_display"] == "2018년 6월 12일"
    assert "김정은" in row["actors"] and "Kim Jong-un" not in row["actors"]
    assert row["kind"] == "summit" and row["url"].startswith("/ko/")
    english = streamed(client.get("/api/v1/export/events.csv?kind=summit")).decode()
    row = next(r for r in csv.DictReader(io.StringIO(english)) if r["slug"] == SINGAPORE)
    assert (row["title"], row["date_display"]) == (singapore.title, "12 June 2018")
    assert "Kim Jong-un" in row["actors"]


def test_icalendar_in_korean(client, singapore):
    body = streamed(client.get("/api/v1/export/events.ics?lang=ko&kind=summit"))
    calendar = icalendar.Calendar.from_ical(body)
    entry = next(e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(SINGAPORE))
    assert str(entry["SUMMARY"]) == singapore.title_ko
    assert str(entry["LOCATION"]) == singapore.location_ko
    assert str(entry["DESCRIPTION"]) == f"2018년 6월 12일 — {singapore.summary_ko}"
    assert str(entry["URL"]).endswith(f"/ko/events/{SINGAPORE}/")
    with translation.override("ko"):
        assert str(calendar["X-WR-CALNAME"]) == translation.gettext("Korean Peninsula diplomacy")


def test_atom_in_korean(client, singapore):
    body = streamed(client.get("/api/v1/export/events.atom?lang=ko&kind=summit"))
    root = ET.fromstring(body)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"
    entry = next(
        e
        for e in root.findall(f"{ATOM}entry")
        if e.find(f"{ATOM}id").text.endswith(SINGAPORE + "/")
    )
    assert entry.find(f"{ATOM}title").text == f"2018년 6월 12일: {singapore.title_ko}"
    assert entry.find(f"{ATOM}summary").text == singapore.summary_ko
    names = [c.find(f"{ATOM}name").text for c in entry.findall(f"{ATOM}contributor")]
    assert "김정은" in names and "도널드 트럼프" in names


def test_timelinejs_in_korean(client, singapore):
    body = json.loads(streamed(client.get("/api/v1/export/timelinejs.json?lang=ko&kind=summit")))
    slide = next(s for s in body["events"] if s["unique_id"] == SINGAPORE)
    assert slide["display_date"] == "2018년 6월 12일"
    assert slide["text"]["headline"] == korean(singapore, "title")
    assert slide["group"] == "summit"


def test_a_korean_export_is_cached_apart_from_the_english_one(client, singapore):
    english = client.get("/api/v1/export/events.csv?kind=summit")
    assert english["X-Export-Cache"] == "miss"
    streamed(english)
    korean_first = client.get("/api/v1/export/events.csv?kind=summit&lang=ko")
    assert korean_first["X-Export-Cache"] == "miss"
    assert singapore.title_ko in streamed(korean_first).decode()
    again = client.get("/api/v1/export/events.csv?lang=ko&kind=summit")
    assert again["X-Export-Cache"] == "hit"
    assert singapore.title_ko in streamed(again).decode()


def test_the_editorial_csv_has_the_import_columns_and_reads_back(curated):
    assert [column.name for column in EDITORIAL_COLUMNS] == csv_import.COLUMNS
    Event.objects.filter(slug=SINGAPORE).update(location="=cmd|' /C calc'!A0")
    exported = bulk.export_events_csv(Event.objects.filter(slug__startswith="2018-06"))
    assert exported.startswith("\ufeff" + ",".join(csv_import.COLUMNS) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(exported.removeprefix("\ufeff"))))
    assert [r["id"] for r in rows] == list(
        Event.objects.filter(slug__startswith="2018-06")
        .order_by("start", "end", "id")
        .values_list("slug", flat=True)
    )
    assert next(r for r in rows if r["id"] == SINGAPORE)["location"].startswith("'=")
    report = bulk.import_events_csv(exported, dry_run=True)
    assert report.ok and {row.action for row in report.rows} == {"unchanged"}, report.errors
