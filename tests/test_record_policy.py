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


# --------------------------------------------------------------------------------------------
# Facts corrected against the original reporting (issue: a record readers can trust)


def test_trumps_china_visit_was_postponed_and_then_took_place_in_may(curated):
    visit = Event.objects.get(slug="2026-03-21-trump-china-state-visit")
    assert visit.status == EventStatus.OCCURRED
    assert (str(visit.start), str(visit.end)) == ("2026-05-13", "2026-05-15")
    delay = Event.objects.get(slug="2026-03-16-trump-delays-china-trip")
    reset = Event.objects.get(slug="2026-03-25-trump-china-visit-reset")
    assert delay.start.month == 3 and reset.start == date(2026, 3, 25)


def test_kims_remarks_on_the_us_belong_to_his_congress_report(curated):
    remarks = Event.objects.get(slug="2026-02-25-kim-congress-us-relations")
    assert (str(remarks.start), str(remarks.end)) == ("2026-02-20", "2026-02-21")
    assert remarks.relations_out.filter(to_event__slug="2026-02-19-9th-party-congress").exists()
    congress = Event.objects.get(slug="2026-02-19-9th-party-congress")
    assert congress.start == date(2026, 2, 19)


def test_the_white_house_statement_is_dated_to_the_day(curated):
    statement = Event.objects.get(slug="2026-02-wh-open-without-preconditions")
    assert (statement.start, statement.end, statement.precision) == (
        date(2026, 2, 25),
        date(2026, 2, 25),
        "day",
    )
    # The seed's own reading ("on Thursday") stays beside it as a second account.
    assert statement.citations.filter(source__ai_generated=True, note__contains="26 February")


def test_the_plenums_are_plenary_meetings_not_congresses(curated):
    plenum_2023 = Event.objects.get(slug="2023-12-plenum-two-hostile-states")
    assert plenum_2023.kind == "plenary_meeting"
    assert (plenum_2023.start, plenum_2023.end) == (date(2023, 12, 26), date(2023, 12, 30))
    assert Event.objects.get(slug="2019-12-28-plenum-ends-moratorium").kind == "plenary_meeting"


def test_kim_yo_jongs_demand_is_dated_13_january_with_the_seeds_14th_kept(curated):
    demand = Event.objects.get(slug="2026-01-14-kim-yo-jong-apology-demand")
    assert demand.start == date(2026, 1, 13)
    strong = demand.citations.filter(source__kind__in=SourceKind.strong())
    assert strong.filter(note__contains="13 Jan").exists()
    seed = demand.citations.get(source__ai_generated=True)
    assert "14 January 2026" in seed.note


def test_the_national_security_strategy_is_not_an_event(curated):
    assert not Event.objects.filter(title__icontains="National Security Strategy").exists()


def test_the_events_the_record_lacked_are_there(curated):
    expected = {
        (1994, 10, "agreement"),  # the Agreed Framework
        (2000, 6, "summit"),  # the first inter-Korean summit
        (2005, 9, "agreement"),  # the 19 September joint statement
        (2006, 10, "nuclear_test"),
        (2007, 10, "summit"),
        (2010, 3, None),  # the Cheonan
        (2010, 11, None),  # Yeonpyeong
        (2017, 9, "nuclear_test"),
        (2018, 2, None),  # PyeongChang
        (2020, 6, None),  # the liaison office
    }
    published = Event.objects.published()
    for year, month, kind in expected:
        matches = published.filter(start__year=year, start__month=month)
        if kind:
            matches = matches.filter(kind=kind)
        assert matches.exists(), (year, month, kind)


def test_accounts_are_shown_strongest_first(curated, client):
    from timeline.selectors.events import published_event

    mixed = 0
    for slug in Event.objects.published().values_list("slug", flat=True)[:200]:
        event = published_event(slug)
        ranks = [SourceKind.rank(c.source.kind) for c in event.citations.all()]
        assert ranks == sorted(ranks), slug
        mixed += len(set(ranks)) > 1
    assert mixed > 10
    # and the page lists them in that order: the strong account before the seed's
    html = client.get(
        Event.objects.get(slug="2026-01-14-kim-yo-jong-apology-demand").get_absolute_url()
    )
    text = html.content.decode()
    assert text.index("KBS World") < text.index("AI-generated</span>")


def test_the_editors_home_lists_policy_findings(client, curated, django_user_model):
    from django.urls import reverse

    reviewer = django_user_model.objects.create_superuser("desk-chief", password="pw-desk-12345")
    client.force_login(reviewer)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Every published event meets the source policy." in page
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    for citation in event.citations.all():  # saved one by one, as the admin saves them
        citation.quote, citation.note = "", ""
        citation.save()
    page = client.get(reverse("admin:index")).content.decode()
    assert "Against the source policy (" in page
    assert "event 2018-06-12-singapore-summit" in page
    assert reverse("admin:timeline_event_change", args=[event.pk]) in page
