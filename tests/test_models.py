"""The data model holds its rules in the database, not only in forms."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from timeline.dates import Precision
from timeline.models import Actor, Event, EventRelation, Source, normalise_name

pytestmark = pytest.mark.django_db


def make_event(**overrides) -> Event:
    values = {
        "title": "Test summit",
        "slug": "test-summit",
        "kind": Event.Kind.SUMMIT,
        "start": date(2018, 6, 12),
        "end": date(2018, 6, 12),
        "precision": Precision.DAY,
    }
    values.update(overrides)
    return Event.objects.create(**values)


def assert_rejected(**overrides) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(**overrides)


def test_end_before_start_is_rejected_by_the_database():
    assert_rejected(start=date(2019, 2, 28), end=date(2019, 2, 27))


def test_latitude_and_longitude_ranges_are_enforced():
    assert_rejected(latitude=91)
    assert_rejected(longitude=-181)
    event = make_event(latitude=1.35, longitude=103.8)
    assert event.pk


@pytest.mark.parametrize(
    "field, value",
    [("kind", "picnic"), ("status", "rumour"), ("precision", "decade"), ("publication", "live")],
)
def test_choices_are_enforced_by_the_database(field, value):
    assert_rejected(**{field: value})


def test_country_must_be_an_iso_code():
    assert_rejected(country="kr")
    assert_rejected(country="K1")


def test_event_slugs_are_unique():
    make_event()
    assert_rejected(title="Another")


def test_source_urls_are_unique_when_given_but_blank_urls_may_repeat():
    Source.objects.create(title="A", url="https://example.org/a")
    Source.objects.create(title="No URL 1")
    Source.objects.create(title="No URL 2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(title="B", url="https://example.org/a")


def test_an_event_cannot_relate_to_itself():
    event = make_event()
    with pytest.raises(IntegrityError), transaction.atomic():
        EventRelation.objects.create(from_event=event, to_event=event)


def test_published_returns_only_published_events():
    make_event(slug="draft-one", publication=Event.Publication.DRAFT)
    make_event(slug="public-one", publication=Event.Publication.PUBLISHED)
    slugs = set(Event.objects.published().values_list("slug", flat=True))
    assert "public-one" in slugs
    assert "draft-one" not in slugs


def test_event_span_reads_back_the_stored_precision():
    event = make_event(
        start=date(2018, 6, 1), end=date(2018, 6, 30), precision=Precision.MONTH, slug="june"
    )
    assert event.date_display == "June 2018"


@pytest.mark.parametrize(
    "spelling", ["Kim Jong Un", "Kim Jong-un", "kim jong un", "김정은", "金正恩"]
)
def test_every_spelling_of_an_actor_finds_the_same_actor(curated, spelling):
    found = list(Actor.objects.named(spelling))
    assert [actor.slug for actor in found] == ["kim-jong-un"]


def test_partial_alias_match_finds_the_actor(curated):
    assert Actor.objects.matching("jong-u").filter(slug="kim-jong-un").exists()
    assert not Actor.objects.matching("   ").exists()


def test_name_normalisation_folds_case_hyphens_and_spaces():
    assert normalise_name("Kim Jong-un") == normalise_name("KIM JONG UN") == "kimjongun"
    assert normalise_name("김정은") == "김정은"
