"""export_archive / import_archive: everything out, everything back, or nothing."""

import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from timeline.archive import MODELS, export_archive, label
from timeline.models import Actor, Event, Source

pytestmark = pytest.mark.django_db(transaction=True)


def wipe() -> None:
    # Every row of the app, as a bare DELETE per table (no per-row history or signals: the
    # record is hundreds of events); foreign keys are checked when the transaction commits.
    tables = {*MODELS, *apps.get_app_config("timeline").get_models(include_auto_created=True)}
    with transaction.atomic():
        for model in tables:
            model._base_manager.all()._raw_delete(connection.alias)


def comparable(archive: dict) -> dict:
    return {name: rows for name, rows in archive["models"].items()}


def test_round_trip_restores_identically(curated, tmp_path):
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    event.summary += " (edited)"
    event.save()  # some history beyond the initial load
    before = export_archive()
    assert before["counts"][label(Event.history.model)] > Event.objects.count()
    path = tmp_path / "archive.json"
    call_command("export_archive", path)
    wipe()
    assert not Event.objects.exists()
    call_command("import_archive", path)
    after = export_archive()
    assert json.dumps(comparable(after), default=str, sort_keys=True) == json.dumps(
        comparable(before), default=str, sort_keys=True
    )
    # New rows after a restore get fresh ids (sequences were reset).
    Actor.objects.create(name="After restore", slug="after-restore", kind="person")


def test_a_half_failed_import_writes_nothing(curated, tmp_path):
    archive = export_archive()
    archive["models"][label(Event)][5]["fields"]["kind"] = "picnic"  # violates a constraint
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(archive, default=str))
    wipe()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_archive", path)
    assert not Actor.objects.exists() and not Source.objects.exists()


def test_refuses_a_non_empty_database_and_foreign_files(curated, tmp_path):
    path = tmp_path / "archive.json"
    call_command("export_archive", path)
    with pytest.raises(CommandError, match="empty database"):
        call_command("import_archive", path)
    other = tmp_path / "other.json"
    other.write_text('{"format": "something-else"}')
    wipe()
    with pytest.raises(CommandError, match="is not a"):
        call_command("import_archive", other)
