"""The curated dataset loads completely, idempotently, and refuses malformed files whole."""

import csv
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from timeline.curated import DATA_DIR, CuratedDataError, load_curated
from timeline.dates import Precision
from timeline.models import Actor, Citation, Event, EventRelation, Source

pytestmark = pytest.mark.django_db

CSV_EVENT_COUNT = 119


def test_every_curated_event_is_loaded_and_published(curated):
    with (DATA_DIR / "events.csv").open(encoding="utf-8") as handle:
        slugs = {row["id"] for row in csv.DictReader(handle)}
    assert len(slugs) == CSV_EVENT_COUNT
    published = set(Event.objects.published().values_list("slug", flat=True))
    assert slugs <= published
    assert Event.objects.published().count() == CSV_EVENT_COUNT + 5


def test_loading_twice_changes_nothing(curated):
    before = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Actor, Event, Source, Citation, EventRelation)
    }
    report = load_curated()
    assert not report.changed, report.summary()
    after = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Actor, Event, Source, Citation, EventRelation)
    }
    assert after == before


def test_seed_articles_are_ai_generated_sources(curated):
    seeds = Source.objects.filter(ai_generated=True)
    assert set(seeds.values_list("title", flat=True)) == {
        "White House says Trump remains open to dialogue with Kim without preconditions",
        "South Korea open to discussing U.S. joint drills adjustment",
    }
    assert all(source.language == "en" for source in seeds)


def test_a_seed_account_is_a_second_citation_not_a_duplicate_event(curated):
    event = Event.objects.get(slug="2026-02-wh-open-without-preconditions")
    sources = {citation.source.ai_generated for citation in event.citations.all()}
    assert sources == {True, False}
    assert not Event.objects.filter(title__icontains="remains open to dialogue").exists()
    thursday = event.citations.get(quote__startswith="The White House stated on Thursday")
    assert "26 February 2026" in thursday.note


def test_relative_seed_dates_are_resolved_against_the_article_date(curated):
    visit = Event.objects.get(slug="2026-02-23-jeong-yeon-doo-washington-visit")
    assert (str(visit.start), str(visit.end), visit.precision) == (
        "2026-02-23",
        "2026-03-01",
        Precision.WEEK,
    )
    assert visit.date_text == "this week"
    kevin_kim = Event.objects.get(slug="2025-11-28-kevin-kim-options-open")
    assert str(kevin_kim.start) == "2025-11-28"


def test_seed_relations_link_the_white_house_answer_to_the_congress(curated):
    answer = Event.objects.get(slug="2026-02-wh-open-without-preconditions")
    assert answer.relations_out.filter(
        kind="responds_to", to_event__slug="2026-02-25-kim-congress-us-relations"
    ).exists()


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def rewrite_events(path: Path, mutate) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames, rows = reader.fieldnames, list(reader)
    mutate(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def test_a_malformed_row_is_reported_with_its_line_and_nothing_of_the_file_is_written(
    curated, tmp_path
):
    data = copy_data(tmp_path)

    def mutate(rows):
        new_row = dict(rows[0], id="2030-01-01-brand-new-event", title="Brand new")
        rows.insert(0, new_row)  # valid, line 2: must not be written either
        rows[4]["kind"] = "picnic"  # line 6
        rows[9]["end_date"] = "2000-01-01"  # line 11: before its start

    rewrite_events(data / "events.csv", mutate)
    with pytest.raises(CuratedDataError) as error:
        load_curated(data_dir=data)
    text = str(error.value)
    assert "events.csv:6: kind 'picnic' is not one of" in text
    assert "events.csv:11: end_date 2000-01-01 is before start_date" in text
    assert not Event.objects.filter(slug="2030-01-01-brand-new-event").exists()


def test_an_unknown_actor_is_reported(curated, tmp_path):
    data = copy_data(tmp_path)
    rewrite_events(data / "events.csv", lambda rows: rows[2].update(actors="Nobody Known"))
    with pytest.raises(CuratedDataError, match=r"events.csv:4: actor 'Nobody Known'"):
        load_curated(data_dir=data)


def test_the_command_reports_errors_without_a_traceback(curated, tmp_path):
    data = copy_data(tmp_path)
    (data / "actors.csv").write_text(
        "name,kind,country,aliases,description\nSomeone,wizard,XX,,\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"actors.csv:2: kind 'wizard'"):
        call_command("load_curated", data_dir=data)
    assert not Actor.objects.filter(name="Someone").exists()


def test_the_product_never_reads_the_shared_folder():
    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("timeline/**/*.py"), *root.glob("config/*.py")]:
        assert "shared/" not in path.read_text(encoding="utf-8"), path
