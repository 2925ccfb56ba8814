"""Changes to live records are reviewed: an editor's edit of a published event, actor or source
is a proposal that reaches no public surface until a reviewer approves it."""

import pytest
from django.urls import reverse

from tests import test_admin
from tests.test_admin import form_data, login, make_draft
from timeline.models import Actor, Citation, Event, ProposedRevision, Source

pytestmark = pytest.mark.django_db
roles = test_admin.roles  # the editors and reviewers fixture

SLUG = "2018-06-12-singapore-summit"


def public_title(client, slug=SLUG) -> tuple[str, str]:
    page = client.get(f"/en/events/{slug}/").content.decode()
    api = client.get(f"/api/v1/events/{slug}").json()
    return page, api


def edit(client, event, **overrides):
    return client.post(
        reverse("admin:timeline_event_change", args=[event.pk]), form_data(event, **overrides)
    )


def review_url(revision) -> str:
    return reverse("admin:timeline_proposedrevision_review", args=[revision.pk])


def test_editor_title_change_waits_for_approval_on_page_api_and_cache(client, roles):
    event = Event.objects.get(slug=SLUG)
    old = event.title
    anonymous = client.__class__()
    page, api = public_title(anonymous)  # now in the page cache
    assert old in page and api["title"] == old
    login(client, roles["editor"])
    response = edit(client, event, title="Renamed by an editor")
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert event.title == old
    revision = ProposedRevision.objects.get(object_id=event.pk, state="pending")
    assert revision.payload["fields"]["title"] == "Renamed by an editor"
    assert revision.submitted_by == roles["editor"]
    page, api = public_title(anonymous)
    assert "Renamed by an editor" not in page and api["title"] == old
    # The editor may not approve their own change.
    assert client.post(review_url(revision), {"approve": "1"}).status_code == 403
    client.logout()
    login(client, roles["reviewer"])
    html = client.get(review_url(revision)).content.decode()
    assert old in html and "Renamed by an editor" in html
    response = client.post(review_url(revision), {"approve": "1"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed by an editor"
    page, api = public_title(anonymous)
    assert "Renamed by an editor" in page and api["title"] == "Renamed by an editor"
    latest = event.history.latest()
    assert latest.history_user == roles["reviewer"]
    assert "editor" in latest.history_change_reason and "reviewer" in latest.history_change_reason
    revision.refresh_from_db()
    assert revision.state == "approved" and revision.reviewed_by == roles["reviewer"]


def test_participant_and_citation_changes_are_proposed_not_written(client, roles):
    event = Event.objects.get(slug=SLUG)
    actor = Actor.objects.exclude(participations__event=event).first()
    source = Source.objects.exclude(citations__event=event).first()
    participants = set(event.participations.values_list("actor_id", flat=True))
    citations = event.citations.count()
    anonymous = client.__class__()
    assert actor.name not in anonymous.get(f"/api/v1/events/{SLUG}").content.decode()
    login(client, roles["editor"])
    data = form_data(event)
    data.update(
        {
            "participations-TOTAL_FORMS": "1",
            "participations-0-actor": str(actor.pk),
            "participations-0-role": "mediator",
            "participations-0-title_at_time": "",
            "citations-TOTAL_FORMS": "1",
            "citations-0-source": str(source.pk),
            "citations-0-quote": "A new account of the summit.",
            "citations-0-speaker": "",
            "citations-0-note": "",
        }
    )
    response = client.post(reverse("admin:timeline_event_change", args=[event.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(event.participations.values_list("actor_id", flat=True)) == participants
    assert event.citations.count() == citations
    detail = anonymous.get(f"/api/v1/events/{SLUG}").content.decode()
    assert actor.name not in detail and "A new account of the summit." not in detail
    revision = ProposedRevision.objects.get(object_id=event.pk, state="pending")
    client.logout()
    login(client, roles["reviewer"])
    html = client.get(review_url(revision)).content.decode()
    assert f"+ {actor.name} (Mediator)" in html and "A new account of the summit." in html
    client.post(review_url(revision), {"approve": "1"})
    assert event.participations.filter(actor=actor, role="mediator").exists()
    assert Citation.objects.filter(event=event, quote="A new account of the summit.").exists()
    assert event.participations.count() == len(participants) + 1
    detail = anonymous.get(f"/api/v1/events/{SLUG}").content.decode()
    assert actor.name in detail and "A new account of the summit." in detail


def test_sent_back_keeps_the_live_version_and_tells_the_editor(client, roles):
    event = Event.objects.get(slug=SLUG)
    login(client, roles["editor"])
    edit(client, event, summary="A summary nobody checked.")
    revision = ProposedRevision.objects.get(object_id=event.pk, state="pending")
    client.logout()
    login(client, roles["reviewer"])
    queue = client.get(
        reverse("admin:timeline_proposedrevision_changelist"), follow=True
    ).content.decode()
    assert event.title in queue
    home = client.get(reverse("admin:index")).content.decode()
    assert "Awaiting review" in home and event.title in home
    # A comment is required.
    client.post(review_url(revision), {"send_back": "1", "comment": " "})
    revision.refresh_from_db()
    assert revision.state == "pending"
    client.post(review_url(revision), {"send_back": "1", "comment": "Cite a source for this."})
    revision.refresh_from_db()
    assert revision.state == "sent_back" and revision.comment == "Cite a source for this."
    event.refresh_from_db()
    assert event.summary != "A summary nobody checked."
    assert "A summary nobody checked." not in client.get(f"/en/events/{SLUG}/").content.decode()
    client.logout()
    login(client, roles["editor"])
    home = client.get(reverse("admin:index")).content.decode()
    assert "Sent back to me" in home and "Cite a source for this." in home


def test_reviewer_edits_go_live_directly(client, roles):
    event = Event.objects.get(slug=SLUG)
    login(client, roles["reviewer"])
    assert edit(client, event, title="Reviewer's own title").status_code == 302
    event.refresh_from_db()
    assert event.title == "Reviewer's own title"
    assert not ProposedRevision.objects.filter(object_id=event.pk).exists()


def test_editor_edits_drafts_directly(client, roles):
    event = make_draft()
    login(client, roles["editor"])
    assert edit(client, event, title="Draft renamed").status_code == 302
    event.refresh_from_db()
    assert event.title == "Draft renamed"
    assert not ProposedRevision.objects.exists()


def test_approval_is_refused_when_the_live_event_moved_on(client, roles):
    event = Event.objects.get(slug=SLUG)
    login(client, roles["editor"])
    edit(client, event, title="Stale proposal")
    revision = ProposedRevision.objects.get(object_id=event.pk, state="pending")
    client.logout()
    login(client, roles["reviewer"])
    event.refresh_from_db()
    edit(client, event, summary="A reviewer's correction.")
    response = client.post(review_url(revision), {"approve": "1"}, follow=True)
    assert "changed after this proposal was made" in response.content.decode()
    event.refresh_from_db()
    assert event.title != "Stale proposal" and event.summary == "A reviewer's correction."


def test_actor_and_source_shown_by_published_events_are_reviewed(client, roles):
    actor = Actor.objects.filter(participations__event__publication="published").first()
    # A dated source with an address (PostgreSQL sorts an undated seed article first).
    source = (
        Source.objects.filter(citations__event__publication="published")
        .exclude(url="")
        .order_by("pk")
        .first()
    )
    login(client, roles["editor"])
    response = client.post(
        reverse("admin:timeline_actor_change", args=[actor.pk]),
        {
            "name": "Renamed actor",
            "slug": actor.slug,
            "kind": actor.kind,
            "country": actor.country,
            "aliases_text": "\n".join(actor.aliases),
            "description": actor.description,
            "parent": actor.parent_id or "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    actor.refresh_from_db()
    assert actor.name != "Renamed actor"
    response = client.post(
        reverse("admin:timeline_source_change", args=[source.pk]),
        {
            "title": source.title,
            "url": source.url,
            "publisher": "A different publisher",
            "published_on": source.published_on.isoformat() if source.published_on else "",
            "language": source.language,
            "kind": source.kind,
            "archived_url": source.archived_url,
            "accessed_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    source.refresh_from_db()
    assert source.publisher != "A different publisher"
    assert ProposedRevision.objects.filter(state="pending").count() == 2
    client.logout()
    login(client, roles["reviewer"])
    for revision in ProposedRevision.objects.filter(state="pending"):
        client.post(review_url(revision), {"approve": "1"})
    actor.refresh_from_db()
    source.refresh_from_db()
    assert actor.name == "Renamed actor" and source.publisher == "A different publisher"


def test_roles_on_the_review_pages(client, roles):
    event = Event.objects.get(slug=SLUG)
    login(client, roles["editor"])
    edit(client, event, title="Proposed")
    revision = ProposedRevision.objects.get(state="pending")
    html = client.get(review_url(revision)).content.decode()
    assert "Proposed" in html and 'name="approve"' not in html
    assert client.post(review_url(revision), {"send_back": "1", "comment": "x"}).status_code == 403
    client.logout()
    login(client, roles["reviewer"])
    assert 'name="approve"' in client.get(review_url(revision)).content.decode()
    client.logout()
    assert client.get(review_url(revision)).status_code == 302  # to the login page


def test_an_editors_revert_from_history_is_a_proposal_too(client, roles):
    event = Event.objects.get(slug=SLUG)
    old_title = event.title
    event.title = "A later title"
    event.save()
    event.refresh_from_db()
    first = event.history.order_by("history_date", "history_id").first()
    login(client, roles["editor"])
    url = reverse("admin:timeline_event_simple_history", args=[event.pk, first.history_id])
    data = form_data(event, title=old_title)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.title == "A later title"
    assert client.get(f"/api/v1/events/{SLUG}").json()["title"] == "A later title"
    revision = ProposedRevision.objects.get(object_id=event.pk, state="pending")
    assert revision.payload["fields"]["title"] == old_title
