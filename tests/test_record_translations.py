"""The record in both languages: the shipped tags carry Korean names and load idempotently, and
`check_record` (and the editor's home) names every published record missing a translation."""

import csv
import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from timeline.curated import DATA_DIR, CuratedDataError, load_curated
from timeline.models import Actor, Event, Participation, Publication, Tag
from timeline.selectors.record import record_findings

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[\uac00-\ud7a3]")
REVIEWED = "2026-11-23"  # as in test_record_policy: scheduled events after it are still ahead


def shipped_tags() -> list[dict[str, str]]:
    with (DATA_DIR / "tags.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def rewrite_tags(path: Path, mutate) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames, rows = reader.fieldnames, list(reader)
    mutate(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def tag_links() -> set[tuple[int, int]]:
    return set(Event.tags.through.objects.values_list("event_id", "tag_id"))


def translation_findings() -> list[str]:
    return [str(f) for f in record_findings() if f.rule == "translation"]


# --- tags ---------------------------------------------------------------------------------


def test_every_shipped_tag_has_a_korean_name_and_files_published_events(curated):
    rows = shipped_tags()
    assert len(rows) >= 10
    for row in rows:
        assert HANGUL.search(row["name_ko"]), row
        tag = Tag.objects.get(slug=row["slug"])
        assert (tag.name, tag.name_ko) == (row["name"], row["name_ko"])
        assert tag.events.filter(publication=Publication.PUBLISHED).exists(), row["slug"]
    assert Tag.objects.count() == len(rows)


def test_shipped_tags_are_where_the_data_puts_them(curated):
    summit = Event.objects.get(slug="2018-06-12-singapore-summit")
    assert {"denuclearization", "peace-regime"} <= set(summit.tags.values_list("slug", flat=True))
    test = Event.objects.get(slug="2017-09-03-sixth-nuclear-test")
    assert "nuclear-tests" in set(test.tags.values_list("slug", flat=True))


def test_a_korean_page_shows_the_korean_tag_names(client, curated):
    korean = client.get("/ko/").content.decode()
    english = client.get("/en/").content.decode()
    for row in shipped_tags():
        assert row["name_ko"] in korean, row
        assert row["name"] in english, row
    assert "비핵화" not in english
    html = client.get("/ko/?tag=sanctions").content.decode()
    assert re.search(r'value="sanctions"\s+checked>\s*대북 제재', html)


def test_reloading_leaves_tags_and_their_links_alone(curated):
    names = list(Tag.objects.order_by("pk").values())
    links = tag_links()
    report = load_curated()
    assert not report.changed, report.summary()
    assert list(Tag.objects.order_by("pk").values()) == names
    assert tag_links() == links


def test_a_changed_korean_tag_name_is_reloaded_and_a_new_tag_added(curated, tmp_path):
    data = copy_data(tmp_path)

    def mutate(rows):
        rows[0]["name_ko"] = "한반도 비핵화"
        rows.append({"slug": "test-new-theme", "name": "A new theme", "name_ko": "새 주제"})

    rewrite_tags(data / "tags.csv", mutate)
    first = shipped_tags()[0]["slug"]
    report = load_curated(data_dir=data)
    assert report.updated == {"tags": 1} and report.created == {"tags": 1}, report.summary()
    assert Tag.objects.get(slug=first).name_ko == "한반도 비핵화"
    assert Tag.objects.get(slug="test-new-theme").name_ko == "새 주제"


def test_an_unknown_tag_or_a_malformed_tag_row_is_refused_with_its_line(curated, tmp_path):
    data = copy_data(tmp_path)
    events = [json.loads(line) for line in (data / "events.jsonl").read_text("utf-8").splitlines()]
    events[3]["tags"] = [*events[3].get("tags", []), "picnics"]
    text = "".join(json.dumps(event, ensure_ascii=False) + "\n" for event in events)
    (data / "events.jsonl").write_text(text, encoding="utf-8")
    with pytest.raises(CuratedDataError, match=r"events.jsonl:4: tag 'picnics' is not in tags"):
        load_curated(data_dir=data)

    def mutate(rows):
        rows[1]["slug"] = "Not A Slug"
        rows[2]["name"] = ""

    rewrite_tags(data / "tags.csv", mutate)
    with pytest.raises(CuratedDataError) as error:
        load_curated(data_dir=data)
    assert "tags.csv:3: slug 'Not A Slug' is not a slug" in str(error.value)
    assert "tags.csv:4: name is empty" in str(error.value)


def test_an_editors_tag_stays_on_reload(curated):
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    sanctions = Tag.objects.get(slug="sanctions")
    assert sanctions not in event.tags.all()
    event.tags.add(sanctions)
    load_curated()
    assert sanctions in event.tags.all()


# --- missing translations -----------------------------------------------------------------


def test_the_shipped_record_has_every_translation(curated):
    assert translation_findings() == []


def test_a_missing_translation_is_a_finding_naming_the_record(curated):
    event = Event.objects.get(slug="2019-02-27-hanoi-summit")
    Event.objects.filter(pk=event.pk).update(title_ko="", summary_ko=" ")
    actor = Actor.objects.get(slug="kim-jong-un")
    Actor.objects.filter(pk=actor.pk).update(name_ko="")
    Tag.objects.filter(slug="sanctions").update(name_ko="")
    findings = translation_findings()
    assert "translation: event 2019-02-27-hanoi-summit: no Korean title, summary" in findings
    assert "translation: actor kim-jong-un: no Korean name" in findings
    assert "translation: tag sanctions: no Korean name" in findings
    assert len(findings) == 3, findings
    out = StringIO()
    with pytest.raises(CommandError, match="3 finding"):
        call_command("check_record", today=REVIEWED, stdout=out)
    assert "translation: actor kim-jong-un: no Korean name" in out.getvalue()


def test_records_readers_do_not_see_are_not_findings(curated):
    draft = Event.objects.get(slug="2019-02-27-hanoi-summit")
    Event.objects.filter(pk=draft.pk).update(publication=Publication.DRAFT, title_ko="")
    hidden = Actor.objects.create(name="Only On Drafts", slug="only-on-drafts", kind="person")
    Participation.objects.create(event=draft, actor=hidden, role="guest")
    draft.tags.add(Tag.objects.create(name="Theme of a draft", slug="theme-of-a-draft"))
    assert translation_findings() == []


def test_the_editors_home_links_each_missing_translation(client, curated, django_user_model):
    chief = django_user_model.objects.create_superuser("desk-words", password="pw-desk-12345")
    client.force_login(chief)
    actor = Actor.objects.get(slug="kim-jong-un")
    actor.name_ko = ""
    actor.save()  # saved as the admin saves, so the desk's findings are counted again
    tag = Tag.objects.get(slug="sanctions")
    tag.name_ko = ""
    tag.save()
    page = client.get(reverse("admin:index")).content.decode()
    assert "actor kim-jong-un</a>: no Korean name" in page
    assert reverse("admin:timeline_actor_change", args=[actor.pk]) in page
    assert "tag sanctions</a>: no Korean name" in page
    assert reverse("admin:timeline_tag_change", args=[tag.pk]) in page
