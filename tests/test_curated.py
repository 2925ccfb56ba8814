"""The curated dataset loads completely, idempotently, and refuses malformed files whole."""

import csv
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from timeline.curated import DATA_DIR, CuratedDataError, load_curated
from timeline.dates import Precision
from timeline.models import Actor, Citation, Event, EventRelation, Source

pytestmark = pytest.mark.django_db


def shipped_events() -> list[dict]:
    lines = (DATA_DIR / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_curated_event_is_loaded_and_published(curated):
    slugs = {event["id"] for event in shipped_events()}
    published = set(Event.objects.published().values_list("slug", flat=True))
    assert slugs == published
    assert len(slugs) >= 300


def test_the_record_covers_thirty_years(curated):
    years = [event.start.year for event in Event.objects.published()]
    assert min(years) <= 1991
    assert sum(year < 2017 for year in years) >= 80
    assert sum(year in (2020, 2021) for year in years) >= 30


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
    # The seed says "this week" (article of 27 February 2026); the strong account gives the
    # days. Both are shown: the event carries the days, the seed's account its own reading.
    visit = Event.objects.get(slug="2026-02-23-jeong-yeon-doo-washington-visit")
    assert (str(visit.start), str(visit.end), visit.precision) == (
        "2026-02-24",
        "2026-02-26",
        Precision.DAY,
    )
    seed_account = visit.citations.get(source__ai_generated=True, quote__contains="this week")
    assert "this week" in seed_account.note
    assert "week of 23 February 2026" in seed_account.note
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
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    mutate(events)
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), "utf-8")


def test_a_malformed_event_is_reported_with_its_line_and_nothing_of_the_file_is_written(
    curated, tmp_path
):
    data = copy_data(tmp_path)

    def mutate(events):
        new = dict(events[0], id="2030-01-01-brand-new-event", title="Brand new")
        events.insert(0, new)  # valid, line 1: must not be written either
        events[4]["kind"] = "picnic"  # line 5
        events[9]["end"] = "1900-01-01"  # line 10: before its start
        events[11]["accounts"] = []  # line 12: no source
        events[12]["start"] = events[12]["end"][:8] + "02"  # line 13: for precision, below
        events[12]["precision"] = "month"

    rewrite_events(data / "events.jsonl", mutate)
    with pytest.raises(CuratedDataError) as error:
        load_curated(data_dir=data)
    text = str(error.value)
    assert "events.jsonl:5: kind 'picnic' is not one of" in text
    assert "events.jsonl:10: end 1900-01-01 is before start" in text
    assert "events.jsonl:12: no accounts" in text
    assert "events.jsonl:13:" in text and "is not a span that can be shown honestly" in text
    assert not Event.objects.filter(slug="2030-01-01-brand-new-event").exists()


def test_an_unknown_actor_or_role_is_reported(curated, tmp_path):
    data = copy_data(tmp_path)

    def mutate(events):
        events[2]["actors"] = [{"name": "Nobody Known", "role": "participant"}]
        events[3]["actors"][0]["role"] = "cheerleader"

    rewrite_events(data / "events.jsonl", mutate)
    with pytest.raises(CuratedDataError) as error:
        load_curated(data_dir=data)
    assert "events.jsonl:3: actor 'Nobody Known' is not in actors.csv" in str(error.value)
    assert "events.jsonl:4: role 'cheerleader'" in str(error.value)


def test_a_source_without_a_headline_or_type_is_refused(curated, tmp_path):
    data = copy_data(tmp_path)
    path = data / "sources.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames, rows = reader.fieldnames, list(reader)
    rows[0]["headline"] = rows[0]["publisher"]
    rows[1]["type"] = "blog"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(CuratedDataError) as error:
        load_curated(data_dir=data)
    assert "sources.csv:2: headline is the publisher's name" in str(error.value)
    assert "sources.csv:3: type 'blog' is not one of" in str(error.value)


def test_a_dropped_account_is_removed_on_reload_but_an_editors_stays(curated, tmp_path):
    from django.contrib.auth import get_user_model

    data = copy_data(tmp_path)
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    editor = get_user_model().objects.create_user("editor-x")
    extra = Source.objects.create(title="An editor's find", url="https://example.org/x")
    mine = Citation(event=event, source=extra, note="Reported on 12 June 2018.")
    mine._history_user = editor
    mine.save()
    kept_url = None

    def mutate(events):
        nonlocal kept_url
        for item in events:
            if item["id"] == event.slug:
                item["accounts"] = item["accounts"][:1]
                kept_url = item["accounts"][0]["url"]

    before = event.citations.count()
    rewrite_events(data / "events.jsonl", mutate)
    load_curated(data_dir=data)
    urls = set(event.citations.values_list("source__url", flat=True))
    assert kept_url in urls and "https://example.org/x" in urls
    assert event.citations.count() < before


def test_the_command_reports_errors_without_a_traceback(curated, tmp_path):
    data = copy_data(tmp_path)
    (data / "actors.csv").write_text(
        "name,kind,country,aliases,parent,description\nSomeone,wizard,XX,,,\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"actors.csv:2: kind 'wizard'"):
        call_command("load_curated", data_dir=data)
    assert not Actor.objects.filter(name="Someone").exists()


def test_the_product_never_reads_the_shared_folder():
    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("timeline/**/*.py"), *root.glob("config/*.py")]:
        assert "shared/" not in path.read_text(encoding="utf-8"), path
