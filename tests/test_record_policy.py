"""The source policy, enforced: `check_record` passes on the shipped record and names the
event (or source) of every planted violation."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from timeline.models import Event, EventStatus, Source, SourceKind
from timeline.selectors.record import record_findings

pytestmark = pytest.mark.django_db

# The day the shipped record was last reviewed: scheduled events after it are still ahead.
REVIEWED = date(2026, 11, 23)


def run_check(*, today: date = REVIEWED) -> str:
    from io import StringIO

    out = StringIO()
    call_command("check_record", today=today, stdout=out)
    return out.getvalue()


def test_the_shipped_record_meets_the_policy(curated):
    assert [str(f) for f in record_findings(today=REVIEWED)] == []
    assert "meets the source policy" in run_check()


def test_every_event_shows_a_strong_account_first(curated):
    for event in Event.objects.published().prefetch_related("citations__source"):
        kinds = [c.source.kind for c in event.citations.all()]
        assert set(kinds) & set(SourceKind.strong()), event.slug


def fails_naming(subject: str) -> str:
    with pytest.raises(CommandError) as error:
        run_check()
    return str(error.value)


def test_an_event_with_only_weak_accounts_fails(curated, capsys):
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    Source.objects.filter(citations__event=event).exclude(kind=SourceKind.AI_GENERATED).update(
        kind=SourceKind.REFERENCE
    )
    findings = [str(f) for f in record_findings(today=REVIEWED)]
    assert any(
        f.startswith("strong-account: event 2018-06-12-singapore-summit") for f in findings
    ), findings
    with pytest.raises(CommandError, match="finding"):
        run_check()


def test_an_ai_generated_account_never_stands_alone(curated):
    event = Event.objects.get(slug="2026-01-14-kim-yo-jong-apology-demand")
    event.citations.exclude(source__kind=SourceKind.AI_GENERATED).delete()
    assert event.citations.exists()
    findings = [str(f) for f in record_findings(today=REVIEWED)]
    assert any("strong-account: event 2026-01-14-kim-yo-jong-apology-demand" in f for f in findings)


def test_a_source_without_a_date_or_headline_fails(curated):
    event = Event.objects.get(slug="2019-02-27-hanoi-summit")
    source = event.citations.exclude(source__kind=SourceKind.AI_GENERATED).first().source
    Source.objects.filter(pk=source.pk).update(published_on=None, title=source.publisher)
    findings = [str(f) for f in record_findings(today=REVIEWED)]
    assert f"source-fields: source {source.url}: missing headline, publication date" in findings


def test_an_account_without_evidence_fails(curated):
    event = Event.objects.get(slug="2000-06-13-first-inter-korean-summit")
    event.citations.update(quote="", note="")
    findings = [str(f) for f in record_findings(today=REVIEWED)]
    assert any(f.startswith(f"evidence: event {event.slug}") for f in findings), findings


def test_a_past_scheduled_event_fails_and_a_future_one_does_not(curated):
    event = Event.objects.published().filter(end__lt=REVIEWED).order_by("-end").first()
    Event.objects.filter(pk=event.pk).update(status=EventStatus.SCHEDULED)
    findings = [str(f) for f in record_findings(today=REVIEWED)]
    assert any(f.startswith(f"past-scheduled: event {event.slug}") for f in findings), findings
    assert not any("past-scheduled" in str(f) for f in record_findings(today=event.start))


def test_the_command_fails_with_the_count(curated):
    event = Event.objects.published().first()
    event.citations.update(quote="", note="")
    with pytest.raises(CommandError, match=r"\d+ finding\(s\)"):
        run_check()
