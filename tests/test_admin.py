"""The editorial desk: roles, workflow, the When field, history, conflicts, duplicates, imports."""

import io
import re
from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from timeline import bulk
from timeline.models import Event, Publication

pytestmark = pytest.mark.django_db

INLINE_PREFIXES = ("participations", "citations", "relations_out")


@pytest.fixture
def roles(curated):
    call_command("setup_roles", stdout=io.StringIO())
    editor = User.objects.create_user("editor", password="pw-editor-123", is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    reviewer = User.objects.create_user("reviewer", password="pw-reviewer-123", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="reviewers"))
    return {"editor": editor, "reviewer": reviewer}


def login(client, user):
    client.force_login(user)
    return client


def make_draft(**overrides) -> Event:
    values = {
        "title": "Test talks in Geneva",
        "slug": "test-talks-geneva",
        "kind": "talks",
        "start": date(2030, 5, 1),
        "end": date(2030, 5, 1),
        "precision": "day",
        "publication": Publication.DRAFT,
    }
    values.update(overrides)
    return Event.objects.create(**values)


def form_data(event: Event | None = None, **overrides) -> dict:
    data = {
        "title": event.title if event else "Envoys meet in Geneva",
        "slug": event.slug if event else "envoys-meet-geneva",
        "kind": event.kind if event else "meeting",
        "status": event.status if event else "occurred",
        "publication": event.publication if event else "draft",
        "when": event.date_text if event else "",
        "when_base": "",
        "start": event.start.isoformat() if event else "",
        "end": event.end.isoformat() if event else "",
        "precision": event.precision if event else "",
        "date_text": event.date_text if event else "",
        "summary": event.summary if event else "",
        "body": "",
        "location": "",
        "country": "",
        "latitude": "",
        "longitude": "",
        "loaded_version": event.version if event else "",
        # The event's tags as the form shows them selected (left out, a save would clear them).
        "tags": [str(pk) for pk in event.tags.values_list("pk", flat=True)] if event else [],
    }
    for prefix in INLINE_PREFIXES:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


ADMIN_PAGES = [
    "admin:timeline_event_changelist",
    "admin:timeline_event_add",
    "admin:timeline_event_import_article",
    "admin:timeline_event_import_csv",
    "admin:timeline_event_deleted",
    "admin:timeline_actor_changelist",
    "admin:timeline_source_changelist",
    "admin:timeline_actor_add",
]


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_every_admin_page_renders_for_each_role(client, roles, role):
    login(client, roles[role])
    for name in ADMIN_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    event = Event.objects.get(slug="2026-02-wh-open-without-preconditions")
    for url in (
        reverse("admin:timeline_event_change", args=[event.pk]),
        reverse("admin:timeline_event_history", args=[event.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:timeline_event_export_csv")).status_code == 200


def test_event_list_marks_ai_sources_and_counts_sources(client, roles):
    login(client, roles["editor"])
    html = client.get(
        reverse("admin:timeline_event_changelist") + "?q=White+House"
    ).content.decode()
    assert "AI" in html and "ai-flag" in html
    sources = client.get(reverse("admin:timeline_source_changelist")).content.decode()
    assert "AI-generated" in sources


def test_admin_search_finds_events_by_actor_alias(client, roles):
    login(client, roles["editor"])
    html = client.get(reverse("admin:timeline_event_changelist") + "?q=김정은").content.decode()
    assert "Singapore" in html or "Hanoi" in html


def test_when_field_fills_the_span_from_the_text(client, roles):
    login(client, roles["editor"])
    response = client.post(
        reverse("admin:timeline_event_add"),
        form_data(when="late March to early April 2026", when_base="2026-02-27"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(slug="envoys-meet-geneva")
    assert (event.start, event.end, event.precision, event.approximate, event.date_text) == (
        date(2026, 3, 21),
        date(2026, 4, 10),
        "month",
        True,
        "late March to early April 2026",
    )
    assert event.publication == "draft" and event.created_by == roles["editor"]


def test_unreadable_when_is_a_form_error_not_a_default(client, roles):
    login(client, roles["editor"])
    response = client.post(reverse("admin:timeline_event_add"), form_data(when="sometime soonish"))
    assert response.status_code == 200
    assert "could not be read as a date" in response.content.decode()
    assert not Event.objects.filter(slug="envoys-meet-geneva").exists()


def test_when_preview_shows_how_the_text_was_read(client, roles):
    login(client, roles["editor"])
    url = reverse("admin:timeline_event_when_preview")
    html = client.get(url, {"when": "late next month to early April", "when_base": "2026-02-27"})
    text = html.content.decode()
    assert (
        "late March – early April 2026: 21 March – 10 April 2026 (month precision, approximate)"
        in text
    )
    assert 'data-start="2026-03-21"' in text and 'data-end="2026-04-10"' in text
    assert "Not readable" in client.get(url, {"when": "blah"}).content.decode()


def test_event_form_uses_iso_dates_and_shows_the_stored_date_text(client, roles):
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    login(client, roles["editor"])
    html = client.get(reverse("admin:timeline_event_change", args=[event.pk])).content.decode()
    cited = min(c.source.published_on for c in event.citations.all() if c.source.published_on)
    assert f'type="date" name="when_base" value="{cited.isoformat()}"' in html
    assert f'type="date" name="start" value="{event.start.isoformat()}"' in html
    assert f'name="when" value="{event.date_text or event.date_display}"' in html
    assert f'hx-get="{reverse("admin:timeline_event_when_preview")}"' in html
    assert "../when-preview/" not in html
    assert not re.search(r"\b\d\d/\d\d/\d{4}\b", html)  # no dd/mm/yyyy anywhere


def test_editor_cannot_publish_but_reviewer_can(client, roles):
    event = make_draft(publication=Publication.REVIEW)
    login(client, roles["editor"])
    changelist = reverse("admin:timeline_event_changelist")
    html = client.get(changelist).content.decode()
    assert 'value="publish"' not in html
    response = client.post(
        reverse("admin:timeline_event_change", args=[event.pk]),
        form_data(event, publication="published"),
    )
    assert response.status_code == 200  # refused: not a choice for an editor
    event.refresh_from_db()
    assert event.publication == "review"
    client.logout()
    login(client, roles["reviewer"])
    client.post(changelist, {"action": "publish", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.publication == "published"
    client.post(changelist, {"action": "withdraw", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.publication == "withdrawn"


def test_editor_submits_for_review(client, roles):
    event = make_draft()
    login(client, roles["editor"])
    client.post(
        reverse("admin:timeline_event_changelist"),
        {"action": "submit_for_review", "_selected_action": [event.pk]},
    )
    event.refresh_from_db()
    assert event.publication == "review"


def test_only_published_events_are_public(client, roles):
    event = make_draft(publication=Publication.REVIEW)
    assert client.get(f"/en/events/{event.slug}/").status_code == 404
    assert client.get(f"/api/v1/events/{event.slug}").status_code == 404


def test_history_records_changes_and_revert_restores(client, roles):
    event = make_draft()
    login(client, roles["editor"])
    response = client.post(
        reverse("admin:timeline_event_change", args=[event.pk]),
        form_data(event, title="Renamed talks"),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed talks"
    latest = event.history.latest()
    assert latest.history_user == roles["editor"]
    assert "title" in [c.field for c in latest.diff_against(latest.prev_record).changes]
    history_page = client.get(reverse("admin:timeline_event_history", args=[event.pk]))
    assert "Renamed talks" in history_page.content.decode()
    original = event.history.earliest()
    original.instance.save()  # what the admin's "Revert" does
    event.refresh_from_db()
    assert event.title == "Test talks in Geneva"


def test_second_conflicting_save_is_refused_with_what_changed(client, roles):
    event = make_draft()
    stale = form_data(event, summary="My summary")
    login(client, roles["reviewer"])
    client.post(
        reverse("admin:timeline_event_change", args=[event.pk]),
        form_data(event, title="Talks in Geneva (updated)"),
    )
    client.logout()
    login(client, roles["editor"])
    response = client.post(reverse("admin:timeline_event_change", args=[event.pk]), stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this event" in html
    assert "Talks in Geneva (updated)" in html
    event.refresh_from_db()
    assert event.title == "Talks in Geneva (updated)" and event.summary == ""


def test_duplicate_warning_links_to_the_other_event(client, roles):
    login(client, roles["editor"])
    response = client.post(
        reverse("admin:timeline_event_add"),
        form_data(title="Trump Kim Singapore summit", when="12 June 2018", slug="dup-singapore"),
        follow=True,
    )
    html = response.content.decode()
    singapore = Event.objects.get(slug="2018-06-12-singapore-summit")
    assert "Possible duplicate" in html
    assert reverse("admin:timeline_event_change", args=[singapore.pk]) in html


def test_deleted_event_can_be_restored(client, roles):
    event = Event.objects.get(slug="2019-06-30-dmz-summit")
    citations = event.citations.count()
    pk = event.pk
    event.delete()
    login(client, roles["reviewer"])
    html = client.get(reverse("admin:timeline_event_deleted")).content.decode()
    assert "DMZ" in html or "Panmunjom" in html or "dmz" in html.lower()
    record = bulk.deleted_event_records()[0]
    client.post(reverse("admin:timeline_event_deleted"), {"history_id": record.history_id})
    restored = Event.objects.get(pk=pk)
    assert restored.slug == "2019-06-30-dmz-summit"
    assert restored.citations.count() == citations


def test_public_revision_list_shows_dates_and_fields_without_editors(client, roles):
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    event.summary = event.summary + " Updated."
    event.save()
    html = client.get(f"/en/events/{event.slug}/revisions/").content.decode()
    assert "summary" in html
    assert "editor" not in html and "reviewer" not in html


def test_actor_aliases_are_edited_one_per_line(client, roles):
    login(client, roles["editor"])
    response = client.post(
        reverse("admin:timeline_actor_add"),
        {
            "name": "Test Envoy",
            "slug": "test-envoy",
            "kind": "person",
            "country": "KR",
            "aliases_text": "Test Envoy-ssi\n테스트\n\n테스트",
            "description": "",
            "parent": "",
        },
    )
    assert response.status_code == 302
    from timeline.models import Actor

    assert Actor.objects.get(slug="test-envoy").aliases == ["Test Envoy-ssi", "테스트"]
    assert Actor.objects.named("테스트").filter(slug="test-envoy").exists()


# -- CSV import / export ---------------------------------------------------------------------


def test_csv_round_trip_changes_nothing(curated):
    exported = bulk.export_events_csv(Event.objects.filter(slug__startswith="2018"))
    assert exported.startswith("\ufeffid,title,")  # the BOM spreadsheet programs need
    report = bulk.import_events_csv(exported, dry_run=True)
    assert report.ok, report.errors
    assert report.created == 0 and report.updated == 0
    assert len(report.rows) > 10 and {row.action for row in report.rows} == {"unchanged"}
    applied = bulk.import_events_csv(exported, dry_run=False)
    assert applied.ok and applied.updated == 0 and applied.created == 0


def test_csv_import_with_one_bad_row_writes_nothing(client, roles):
    exported = bulk.export_events_csv(Event.objects.filter(slug__startswith="2018-06"))
    lines = exported.splitlines()
    new_row = lines[1].replace("2018-06-01-kim-yong-chol-oval-office", "2031-01-01-new-one", 1)
    bad_row = lines[2].replace(",summit,", ",picnic,", 1)
    content = "\n".join([lines[0], new_row, bad_row, *lines[3:]]) + "\n"
    report = bulk.import_events_csv(content, dry_run=False)
    assert not report.ok
    assert any("Row 3, column “kind”: “picnic”" in e for e in report.errors), report.errors
    assert not Event.objects.filter(slug="2031-01-01-new-one").exists()
    login(client, roles["editor"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("events.csv", content.encode(), content_type="text/csv")
    html = client.post(
        reverse("admin:timeline_event_import_csv"), {"file": upload, "apply": "1"}
    ).content.decode()
    assert "Nothing was imported" in html and "picnic" in html


def test_csv_import_creates_new_events_as_drafts(client, roles):
    exported = bulk.export_events_csv(Event.objects.filter(slug="2018-06-12-singapore-summit"))
    content = exported.replace("2018-06-12-singapore-summit", "2032-06-12-another-summit")
    login(client, roles["editor"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("events.csv", content.encode(), content_type="text/csv")
    preview = client.post(reverse("admin:timeline_event_import_csv"), {"file": upload})
    assert "create <strong>1</strong> draft event" in preview.content.decode()
    assert not Event.objects.filter(slug="2032-06-12-another-summit").exists()
    upload = SimpleUploadedFile("events.csv", content.encode(), content_type="text/csv")
    client.post(reverse("admin:timeline_event_import_csv"), {"file": upload, "apply": "1"})
    assert Event.objects.get(slug="2032-06-12-another-summit").publication == "draft"
