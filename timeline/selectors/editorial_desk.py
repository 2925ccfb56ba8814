"""What an editor's home shows: the review queue, work sent back, records needing attention."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from timeline.caching import data_version
from timeline.models import Event, ProposedRevision, Publication, RevisionState
from timeline.selectors.record import Finding, overdue_plans, record_findings

HOME_ROWS = 10


@dataclass(frozen=True)
class DeskCounts:
    awaiting_review: int
    sent_back: int
    drafts: int


def awaiting_review() -> QuerySet:
    return ProposedRevision.objects.filter(state=RevisionState.PENDING).select_related(
        "submitted_by", "content_type"
    )


def events_in_review() -> QuerySet:
    return Event.objects.filter(publication=Publication.REVIEW).select_related("updated_by")


def sent_back_to(user) -> QuerySet:
    return ProposedRevision.objects.filter(
        state=RevisionState.SENT_BACK, submitted_by=user
    ).select_related("reviewed_by", "content_type")


def drafts_of(user) -> QuerySet:
    return Event.objects.filter(publication=Publication.DRAFT).filter(
        Q(created_by=user) | Q(updated_by=user)
    )


def desk_counts(*, user) -> DeskCounts:
    return DeskCounts(
        awaiting_review=awaiting_review().count() + events_in_review().count(),
        sent_back=sent_back_to(user).count(),
        drafts=drafts_of(user).count(),
    )


def single_source_events() -> QuerySet:
    """Published events that rest on one source (or none): the record's weakest claims."""
    return (
        Event.objects.published()
        .annotate(number_of_sources=Count("citations__source", distinct=True))
        .filter(number_of_sources__lte=1)
        .order_by("-start")
    )


def policy_findings() -> list[Finding]:
    """The source-policy findings (`manage.py check_record`), counted once per data version:
    the check reads every published event and its accounts."""
    key = f"desk-policy-findings:{data_version()}"
    findings = cache.get(key)
    if findings is None:
        findings = [f for f in record_findings() if f.rule != "past-scheduled"]
        cache.set(key, findings, 3600)
    return findings


def recently_published() -> QuerySet:
    return Event.objects.published().select_related("updated_by").order_by("-updated_at")


def editor_home(*, user) -> dict:
    weak = single_source_events()
    overdue = overdue_plans()
    policy = policy_findings()
    return {
        "awaiting_review": list(awaiting_review()[:HOME_ROWS]),
        "events_in_review": list(events_in_review().order_by("-updated_at")[:HOME_ROWS]),
        "sent_back": list(sent_back_to(user).order_by("-reviewed_at")[:HOME_ROWS]),
        "single_source": list(weak[:HOME_ROWS]),
        "single_source_count": weak.count(),
        "overdue": list(overdue[:HOME_ROWS]),
        "overdue_count": overdue.count(),
        "policy_findings": policy[:HOME_ROWS],
        "policy_findings_count": len(policy),
        "recently_published": list(recently_published()[:HOME_ROWS]),
        "drafts": list(drafts_of(user).order_by("-updated_at")[:HOME_ROWS]),
        "counts": desk_counts(user=user),
    }
