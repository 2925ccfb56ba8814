"""Imports editors can use and staff side doors closed (issues 13.5, 17.7, 17.8)."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from tests import test_admin
from tests.test_admin import login
from timeline import bulk
from timeline.models import Event, ProposedRevision, Source, StagedImport
from timeline.services import csv_import

pytestmark = pytest.mark.django_db
roles = test_admin.roles  # the editors and reviewers fixture

HEADER = "id,title,kind,start_date,end_date,actors,source_url,source_publisher,source_published\n"
IMPORT_URL = "admin:timeline_event_import_csv"


def upload(content: str, name="events.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def test_natural_dates_empty_end_and_missing_ids(curated):
    content = HEADER + (
        ",Envoys meet in Geneva,Meeting,12 June 2031,,Kim Jong Un,https://example.org/a,Ex,\n"
        ",Talks resume,talks,June 2031,,,https://example.org/b,Ex,2031-05-30\n"
        ",남북 회담,Talks,2031년 7월 3일,2031년 7월 4일,김정은,https://example.org/c,,\n"
        "my-own-id,Summit in late March,summit,late March 2031,early April 2031,,"
        "https://example.org/d,,\n"
    )
    report = csv_import.apply_import(content, user=None)
    assert report.ok, report.errors
    assert report.created == 4
    geneva = Event.objects.get(slug="2031-06-12-envoys-meet-in-geneva")
    assert (geneva.start, geneva.end, geneva.precision) == (date(2031, 6, 12),) * 2 + ("day",)
    assert geneva.publication == "draft" and geneva.date_text == "12 June 2031"
    assert geneva.participations.get().actor.name == "Kim Jong-un"
    talks = Event.objects.get(title="Talks resume")
    assert (talks.start, talks.end, talks.precision) == (
        date(2031, 6, 1),
        date(2031, 6, 30),
        "month",
    )
    korean = Event.objects.get(title="남북 회담")
    assert (korean.start, korean.end) == (date(2031, 7, 3), date(2031, 7, 4))
    assert korean.slug.startswith("2031-07-03")
    late = Event.objects.get(slug="my-own-id")
    assert (late.start, late.end, late.approximate) == (date(2031, 3, 21), date(2031, 4, 10), True)


def test_errors_name_the_row_the_column_and_what_to_write(curated):
    content = HEADER + (
        ",Bad date,meeting,31 Febuary 2031,,,https://example.org/a,,\n"
        ",Bad actor,meeting,2031-01-01,,Kim Jong Unn,https://example.org/b,,\n"
        ",Bad kind,picnic,2031-01-01,,,javascript:alert(1),,\n"
    )
    report = csv_import.plan_import(content)
    text = "\n".join(report.errors)
    assert "Row 2, column “start_date”: “31 Febuary 2031” is not a date. Write it as" in text
    assert "Row 3, column “actors”: “Kim Jong Unn” is not an actor in the record" in text
    assert "actors.csv" not in text
    assert "Row 4, column “kind”: “picnic” is not a kind of event. Write one of: Summit" in text
    assert "Row 4, column “source_url”" in text
    assert not Event.objects.filter(title__startswith="Bad").exists()


def test_confirm_without_uploading_again(client, roles):
    login(client, roles["editor"])
    content = HEADER + ",Envoys meet in Geneva,meeting,12 June 2031,,,https://example.org/a,,\n"
    checked = client.post(reverse(IMPORT_URL), {"file": upload(content), "preview": "1"})
    html = checked.content.decode()
    staged = StagedImport.objects.get(user=roles["editor"])
    assert f'name="staged" value="{staged.pk}"' in html and "Import 1 row" in html
    assert not Event.objects.filter(title="Envoys meet in Geneva").exists()
    # Another editor cannot use someone else's checked file.
    client.logout()
    login(client, roles["reviewer"])
    other = client.post(reverse(IMPORT_URL), {"staged": staged.pk, "apply": "1"})
    assert "no longer kept" in other.content.decode()
    client.logout()
    login(client, roles["editor"])
    response = client.post(reverse(IMPORT_URL), {"staged": staged.pk, "apply": "1"})
    assert response.status_code == 302
    assert Event.objects.get(title="Envoys meet in Geneva").created_by == roles["editor"]
    assert not StagedImport.objects.exists()


def test_import_never_rewrites_a_source_published_events_cite(client, roles):
    # A source with an address (PostgreSQL sorts an undated seed article, which has none, first).
    source = (
        Source.objects.filter(citations__event__publication="published")
        .exclude(url="")
        .order_by("pk")
        .first()
    )
    publisher, published_on = source.publisher, source.published_on
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        [
            "",
            "A draft citing it",
            "meeting",
            "1 May 2031",
            "",
            "",
            source.url,
            "Someone else",
            "2001-01-01",
        ]
    )
    content = HEADER + buffer.getvalue()
    for role in ("editor", "reviewer"):
        report = csv_import.apply_import(
            content.replace("A draft", f"A {role} draft"), user=roles[role]
        )
        assert report.ok and report.sources_proposed == 1, report.errors
    source.refresh_from_db()
    assert (source.publisher, source.published_on) == (publisher, published_on)
    proposal = ProposedRevision.objects.filter(object_id=source.pk, state="pending").first()
    assert proposal.payload["fields"]["publisher"] == "Someone else"
    assert Event.objects.get(title="A editor draft citing it").sources.get() == source


def test_import_of_a_published_event_by_an_editor_is_a_proposal(roles):
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    exported = bulk.export_events_csv(Event.objects.filter(pk=event.pk))
    changed = exported.replace(event.title, "Retitled by a spreadsheet")
    report = csv_import.apply_import(changed, user=roles["editor"])
    assert report.ok and report.proposed == 1 and report.updated == 0, report.errors
    event.refresh_from_db()
    assert event.title != "Retitled by a spreadsheet"
    report = csv_import.apply_import(changed, user=roles["reviewer"])
    event.refresh_from_db()
    assert report.updated == 1 and event.title == "Retitled by a spreadsheet"


def test_restore_brings_back_a_draft_and_bad_ids_are_4xx(client, roles):
    event = Event.objects.get(slug="2019-06-30-dmz-summit")
    pk = event.pk
    event.delete()
    login(client, roles["editor"])
    url = reverse("admin:timeline_event_deleted")
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"history_id": "abc"}).status_code == 400
    assert client.post(url, {"history_id": "1e30"}).status_code == 400
    assert client.post(url, {"history_id": "999999999"}).status_code == 404
    record = bulk.deleted_event_records()[0]
    assert client.post(url, {"history_id": record.history_id}).status_code == 302
    restored = Event.objects.get(pk=pk)
    assert restored.publication == "draft"
    assert client.get(f"/en/events/{restored.slug}/").status_code == 404
    assert client.post(url, {"history_id": record.history_id}).status_code == 404


def test_admin_export_neutralises_formulas(client, roles):
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    Event.objects.filter(pk=event.pk).update(
        title='=HYPERLINK("http://evil.example","x")', summary="+cmd|' /C calc'!A0"
    )
    Event.objects.filter(slug="2019-06-30-dmz-summit").update(
        title="@SUM(1+1)", summary="\tTabbed", location="-2+3"
    )
    login(client, roles["editor"])
    body = client.get(reverse("admin:timeline_event_export_csv")).content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    cells = [cell for row in csv.reader(text.removeprefix("\ufeff").splitlines()) for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "'@SUM(1+1)" in cells and "'+cmd|' /C calc'!A0" in cells and "'-2+3" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)


def test_size_and_row_caps_give_a_clear_message(client, roles, settings):
    settings.CSV_IMPORT_MAX_ROWS = 3
    settings.CSV_IMPORT_MAX_BYTES = 2048
    login(client, roles["editor"])
    rows = "".join(
        f",Row {n},meeting,2031-01-0{n},,,https://example.org/{n},,\n" for n in range(1, 6)
    )
    html = client.post(reverse(IMPORT_URL), {"file": upload(HEADER + rows)}).content.decode()
    assert "more than 3 rows" in html and "Nothing was imported" in html
    big = HEADER + ",Big,meeting,2031-01-01,,,https://example.org/x,," + "x" * 3000 + "\n"
    html = client.post(reverse(IMPORT_URL), {"file": upload(big)}).content.decode()
    assert "the limit is 2 KB" in html and "Split it" in html
    assert not Event.objects.filter(title__startswith="Row ").exists()


def test_many_bad_rows_give_a_bounded_page(client, roles):
    login(client, roles["editor"])
    rows = "".join(f",,picnic,someday {n},,,,,\n" for n in range(2000))
    response = client.post(reverse(IMPORT_URL), {"file": upload(HEADER + rows)})
    html = response.content.decode()
    assert response.status_code == 200 and "the first 100 are listed" in html
    assert len(html) < 200_000


def test_a_huge_field_or_an_unclosed_quote_is_a_clear_error(client, roles):
    login(client, roles["editor"])
    huge = HEADER + ',"' + "y" * (200 * 1024) + '",meeting,2031-01-01,,,https://example.org/x,,\n'
    response = client.post(reverse(IMPORT_URL), {"file": upload(huge)})
    assert response.status_code == 200
    assert "a cell is longer than 128 KB" in response.content.decode()
    unclosed = HEADER + ',"Unclosed,meeting,2031-01-01,,,https://example.org/x,,\n'
    response = client.post(reverse(IMPORT_URL), {"file": upload(unclosed)})
    assert response.status_code == 200
    assert (
        "never closes" in response.content.decode() or "ends with one" in response.content.decode()
    )
    bad_bytes = SimpleUploadedFile("e.csv", HEADER.encode() + b"\xff\xfe,x\n")
    html = client.post(reverse(IMPORT_URL), {"file": bad_bytes}).content.decode()
    assert "not UTF-8" in html


def test_an_article_over_the_size_cap_is_refused(client, roles):
    login(client, roles["editor"])
    response = client.post(
        reverse("admin:timeline_event_import_article"),
        {"text": "On 12 June 2018 Kim met Trump. " * 2000, "preview": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "the limit is 20000" in html
    assert "candidates" not in html


def test_import_batches_leave_room_for_other_writers(tmp_path):
    """While a large import runs, another connection's saves go through (no "database is
    locked"): the import commits in batches, never in one long transaction. Run on a real
    SQLite file, or on the PostgreSQL database the suite uses."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ)
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["PROBE_SQLITE_FILE"] = str(tmp_path / "probe.sqlite3")
    else:
        settings_dict = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}_probe"
        )
        import psycopg

        with psycopg.connect(
            dbname="postgres",
            user=settings_dict["USER"],
            host=settings_dict["HOST"] or "127.0.0.1",
            port=settings_dict["PORT"] or 5432,
            autocommit=True,
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}_probe"')
            admin.execute(f'CREATE DATABASE "{settings_dict["NAME"]}_probe"')
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "tests.import_batches_probe", "600"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == [] and outcome["created"] == 600, outcome
    assert outcome["failures"] == [], outcome["failures"]
    assert outcome["saves"] > 0, "the other writer never got a turn"
