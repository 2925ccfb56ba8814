"""The whole record in one versioned JSON file, and back: events, actors, sources, their links,
tags and the full edit history. Restoring goes into an empty database, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from timeline import models
from timeline.caching import bump_data_version
from timeline.rendering import render_all

FORMAT = "peninsula-record-archive"
VERSION = 1
# Dependency order: every object's references are restored before it.
MODELS = [
    models.Tag,
    models.Actor,
    models.Source,
    models.Event,
    models.Event.tags.through,
    models.Participation,
    models.Citation,
    models.EventRelation,
    models.Actor.history.model,
    models.Source.history.model,
    models.Event.history.model,
    apps.get_model("timeline", "HistoricalEvent_tags"),
    models.Participation.history.model,
    models.Citation.history.model,
]


class ArchiveError(Exception):
    pass


def label(model) -> str:
    return model._meta.label_lower


def export_archive() -> dict:
    data = {}
    for model in MODELS:
        objects = model._default_manager.order_by("pk")
        rows = serializers.serialize("python", objects)
        for row in rows:
            # Editors are not part of the public record: keep who only as an id-free marker.
            for name in ("created_by", "updated_by", "history_user"):
                if name in row["fields"]:
                    row["fields"][name] = None
        data[label(model)] = rows
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "counts": {name: len(rows) for name, rows in data.items()},
        "models": data,
    }


def write_archive(path: Path) -> dict:
    archive = export_archive()
    path.write_text(
        json.dumps(archive, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    return archive["counts"]


def import_archive(path: Path) -> dict:
    try:
        archive = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ArchiveError(f"cannot read {path}: {error}") from None
    if archive.get("format") != FORMAT:
        raise ArchiveError(f"{path} is not a {FORMAT} file")
    if archive.get("version") != VERSION:
        raise ArchiveError(f"archive version {archive.get('version')} is not {VERSION}")
    if any(m._default_manager.exists() for m in (models.Event, models.Actor, models.Source)):
        raise ArchiveError(
            "the database already holds events, actors or sources: restore into an empty database"
        )
    counts = {}
    try:
        with transaction.atomic():
            for model in MODELS:
                rows = archive["models"].get(label(model), [])
                for obj in serializers.deserialize("python", rows):
                    # The archive carries the history itself: record none for the restore.
                    obj.object.skip_history_when_saving = True
                    # Links such as an event's tags are restored from their own table.
                    obj.save(save_m2m=False)
                counts[label(model)] = len(rows)
            reset_sequences()
            render_all()  # the rows went in raw, without the signals that render them
    except ArchiveError:
        raise
    except Exception as error:  # any bad row: the transaction is rolled back whole
        raise ArchiveError(f"restore failed, nothing was written: {error}") from error
    bump_data_version()
    return counts


def reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), MODELS)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
