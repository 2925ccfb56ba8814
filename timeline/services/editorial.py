"""Editorial writes: who may change what, proposed revisions of live records and their review.

The rule: a change to a live record (a published event, or an actor or source that a
published event shows) by someone without the publish permission is not written to the
record. It is kept as a `ProposedRevision` (the whole proposed state) until a reviewer
approves it (then it is applied, and the history names both people) or sends it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from timeline.models import (
    Actor,
    Citation,
    Event,
    EventRelation,
    Participation,
    ProposedRevision,
    Publication,
    RelationKind,
    RevisionState,
    Role,
    Source,
    Tag,
)

# The fields a revision carries, per model (the rest are bookkeeping: ids, versions, stamps).
REVIEWED_FIELDS: dict[type[models.Model], list[str]] = {
    Event: [
        "title",
        "slug",
        "kind",
        "status",
        "publication",
        "start",
        "end",
        "precision",
        "approximate",
        "date_text",
        "summary",
        "body",
        "location",
        "country",
        "latitude",
        "longitude",
        # The Korean text is reviewed like the English.
        "title_ko",
        "summary_ko",
        "location_ko",
    ],
    Actor: [
        "name",
        "slug",
        "kind",
        "country",
        "aliases",
        "description",
        "parent",
        "name_ko",
        "description_ko",
    ],
    Source: [
        "title",
        "url",
        "publisher",
        "published_on",
        "language",
        "kind",
        "ai_generated",
        "archived_url",
        "accessed_on",
    ],
}
# Rows that belong to an event, with the fields that identify and describe them.
EVENT_PARTS = {
    "participations": (Participation, ["actor", "role", "title_at_time"]),
    "citations": (Citation, ["source", "quote", "speaker", "note"]),
    "relations": (EventRelation, ["to_event", "kind"]),
}


PUBLISH_PERMISSION = "timeline.publish_event"

# Who may move an event from one publication state to another.
TRANSITIONS: dict[str, set[str]] = {
    Publication.DRAFT: {Publication.REVIEW},
    Publication.REVIEW: {Publication.DRAFT, Publication.PUBLISHED},
    Publication.PUBLISHED: {Publication.WITHDRAWN},
    Publication.WITHDRAWN: {Publication.DRAFT, Publication.PUBLISHED},
}
REVIEWER_ONLY = {Publication.PUBLISHED, Publication.WITHDRAWN}


class RevisionError(Exception):
    """A review step that cannot be taken; the message is for the editor."""


# -- who may do what ---------------------------------------------------------------------------


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def allowed_states(user, *, current: str | None) -> list[str]:
    """The publication states this user may leave an event in, the current one included."""
    if current is None:
        states = {Publication.DRAFT, Publication.REVIEW}
    else:
        states = {current, *TRANSITIONS.get(current, set())}
    if not can_publish(user):
        states -= REVIEWER_ONLY - ({current} if current else set())
    return [value for value in Publication.values if value in states]


def may_transition(user, *, current: str, target: str) -> bool:
    if current == target:
        return True
    if target not in TRANSITIONS.get(current, set()):
        return False
    if target in REVIEWER_ONLY or current in REVIEWER_ONLY:
        return can_publish(user)
    return True


def is_live(*, obj: models.Model) -> bool:
    """Whether the public site shows this record (as stored, not as in an unsaved form)."""
    if obj.pk is None:
        return False
    if isinstance(obj, Event):
        stored = Event.objects.filter(pk=obj.pk).values_list("publication", flat=True).first()
        return stored == Publication.PUBLISHED
    if isinstance(obj, Actor):
        published = Event.objects.published()
        return (
            Participation.objects.filter(actor_id=obj.pk, event__in=published).exists()
            or Citation.objects.filter(speaker_id=obj.pk, event__in=published).exists()
        )
    if isinstance(obj, Source):
        return Citation.objects.filter(
            source_id=obj.pk, event__publication=Publication.PUBLISHED
        ).exists()
    return False


def change_needs_review(*, user, obj: models.Model) -> bool:
    """A change by `user` to `obj` must be proposed rather than written."""
    return not can_publish(user) and is_live(obj=obj)


# -- snapshots -------------------------------------------------------------------------------


def plain(value):
    """A JSON-safe form of a field value."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def field_values(obj: models.Model, names: list[str]) -> dict:
    meta = obj._meta
    return {name: plain(getattr(obj, meta.get_field(name).attname)) for name in names}


def snapshot(*, obj: models.Model) -> dict:
    """The reviewed state of a record as stored now: its fields and, for events, its parts."""
    data = {"fields": field_values(obj, REVIEWED_FIELDS[type(obj)])}
    if isinstance(obj, Event):
        for key, (model, names) in EVENT_PARTS.items():
            rows = model.objects.filter(
                **{"from_event" if model is EventRelation else "event": obj}
            ).order_by("id")
            data[key] = [field_values(row, names) for row in rows]
        data["tags"] = sorted(obj.tags.values_list("pk", flat=True))
    return data


def apply_fields(obj: models.Model, values: dict) -> None:
    for name, value in values.items():
        field = obj._meta.get_field(name)
        setattr(obj, field.attname, None if value is None else field.to_python(value))


def part_key(row: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in row.items()))


def apply_parts(event: Event, payload: dict) -> None:
    """Make the event's participants, citations and relations what the payload says, touching
    only the rows that differ (so the history shows what changed, not a delete-and-redo)."""
    for key, (model, names) in EVENT_PARTS.items():
        owner = "from_event" if model is EventRelation else "event"
        wanted = {part_key(row): row for row in payload.get(key, [])}
        for row in model.objects.filter(**{owner: event}):
            current = part_key(field_values(row, names))
            if current in wanted:
                wanted.pop(current)
            else:
                row.delete()
        for row in wanted.values():
            part = model(**{owner: event})
            apply_fields(part, row)
            part.save()
    event.tags.set(payload.get("tags", []))


def target_of(revision: ProposedRevision) -> models.Model:
    model = revision.content_type.model_class()
    try:
        return model.objects.get(pk=revision.object_id)
    except model.DoesNotExist as error:
        raise RevisionError(
            _("“%(label)s” no longer exists.") % {"label": revision.label}
        ) from error


# -- proposing and reviewing -------------------------------------------------------------------


def propose_revision(*, obj: models.Model, payload: dict, user, note: str = "") -> ProposedRevision:
    """Keep `payload` as a proposed state of the live record `obj` (unchanged in the database).

    The same person's earlier pending proposal for the record is replaced by this one.
    """
    live = type(obj).objects.get(pk=obj.pk)
    content_type = ContentType.objects.get_for_model(type(obj))
    with transaction.atomic():
        ProposedRevision.objects.filter(
            content_type=content_type,
            object_id=obj.pk,
            submitted_by=user,
            state=RevisionState.PENDING,
        ).update(state=RevisionState.SUPERSEDED)
        return ProposedRevision.objects.create(
            content_type=content_type,
            object_id=obj.pk,
            label=str(live)[:300],
            payload=payload,
            base_snapshot=snapshot(obj=live),
            note=note,
            submitted_by=user,
        )


def approve_revision(*, revision: ProposedRevision, user) -> models.Model:
    """Apply a pending revision to the live record; its history names the proposer and `user`."""
    if not can_publish(user):
        raise PermissionDenied(_("Only reviewers approve changes to live records."))
    with transaction.atomic():
        revision = ProposedRevision.objects.select_for_update().get(pk=revision.pk)
        if revision.state != RevisionState.PENDING:
            raise RevisionError(
                _("This proposal is %(state)s.") % {"state": revision.get_state_display().lower()}
            )
        obj = target_of(revision)
        obj = type(obj).objects.select_for_update().get(pk=obj.pk)
        if snapshot(obj=obj) != revision.base_snapshot:
            raise RevisionError(
                _(
                    "“%(label)s” changed after this proposal was made, so approving it would "
                    "undo those changes. Send it back so that it can be redone on the current "
                    "version."
                )
                % {"label": revision.label}
            )
        payload = revision.payload
        apply_fields(obj, payload["fields"])
        if isinstance(obj, Event):
            target = obj.publication
            stored = revision.base_snapshot["fields"]["publication"]
            if not may_transition(user, current=stored, target=target):
                raise RevisionError(
                    _("The proposal makes a publication change that is not allowed.")
                )
            obj.updated_by = user
        submitter = revision.submitted_by or "a former editor"
        obj._history_user = user
        obj._change_reason = f"Proposed by {submitter}, approved by {user}"
        try:
            with transaction.atomic():
                obj.full_clean(validate_unique=True, validate_constraints=True)
                obj.save()
                if isinstance(obj, Event):
                    apply_parts(obj, payload)
        except (IntegrityError, ObjectDoesNotExist) as error:
            raise RevisionError(
                _(
                    "The proposal refers to an actor, source or event that no longer exists, "
                    "or clashes with another record; send it back."
                )
            ) from error
        except ValidationError as error:
            raise RevisionError("; ".join(error.messages)) from error
        revision.state = RevisionState.APPROVED
        revision.reviewed_by = user
        revision.reviewed_at = timezone.now()
        revision.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    return obj


def send_back_revision(*, revision: ProposedRevision, user, comment: str) -> ProposedRevision:
    """Refuse a pending revision with a comment for its author; the live record is unchanged."""
    if not can_publish(user):
        raise PermissionDenied(_("Only reviewers send changes back."))
    comment = comment.strip()
    if not comment:
        raise RevisionError(_("Say what should change: the comment is what the editor will read."))
    with transaction.atomic():
        revision = ProposedRevision.objects.select_for_update().get(pk=revision.pk)
        if revision.state != RevisionState.PENDING:
            raise RevisionError(
                _("This proposal is %(state)s.") % {"state": revision.get_state_display().lower()}
            )
        revision.state = RevisionState.SENT_BACK
        revision.reviewed_by = user
        revision.reviewed_at = timezone.now()
        revision.comment = comment
        revision.save(update_fields=["state", "reviewed_by", "reviewed_at", "comment"])
    return revision


# -- the diff a reviewer reads -----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    live: str
    proposed: str


@dataclass(frozen=True)
class PartsChange:
    label: str
    removed: list[str]
    added: list[str]


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of a stored choice in the active language; the value itself if unknown."""
    return str(choices(value).label) if value in choices.values else value


def describe_part(key: str, row: dict, names: dict) -> str:
    if key == "participations":
        actor = names["actor"].get(row["actor"], f"#{row['actor']}")
        text = f"{actor} ({choice_label(Role, row['role'])})"
        return f"{text}, {row['title_at_time']}" if row["title_at_time"] else text
    if key == "citations":
        source = names["source"].get(row["source"], f"#{row['source']}")
        parts = [source]
        if row["quote"]:
            parts.append(f"“{row['quote']}”")
        if row["speaker"]:
            speaker = names["actor"].get(row["speaker"], row["speaker"])
            parts.append(_("speaker: %(name)s") % {"name": speaker})
        if row["note"]:
            parts.append(_("note: %(note)s") % {"note": row["note"]})
        return " — ".join(parts)
    event = names["event"].get(row["to_event"], f"#{row['to_event']}")
    return f"{choice_label(RelationKind, row['kind'])}: {event}"


def revision_diff(*, revision: ProposedRevision) -> tuple[list[Change], list[PartsChange]]:
    """What approving would change: the live record now against the proposal."""
    obj = target_of(revision)
    live, proposed = snapshot(obj=obj), revision.payload
    meta = obj._meta
    changes = [
        Change(
            label=capfirst(meta.get_field(name).verbose_name),
            live=shown(live["fields"].get(name), field=meta.get_field(name)),
            proposed=shown(value, field=meta.get_field(name)),
        )
        for name, value in proposed["fields"].items()
        if live["fields"].get(name) != value
    ]
    parts: list[PartsChange] = []
    if isinstance(obj, Event):
        rows = [row for key in EVENT_PARTS for row in live[key] + proposed.get(key, [])]
        names = {
            "actor": dict(
                Actor.objects.filter(
                    pk__in={r.get("actor") or r.get("speaker") for r in rows} - {None}
                ).values_list("pk", "name")
            ),
            "source": {
                s.pk: str(s)
                for s in Source.objects.filter(pk__in={r.get("source") for r in rows} - {None})
            },
            "event": dict(
                Event.objects.filter(pk__in={r.get("to_event") for r in rows} - {None}).values_list(
                    "pk", "title"
                )
            ),
        }
        for key, label in (
            ("participations", _("Participants")),
            ("citations", _("Citations")),
            ("relations", _("Relations")),
        ):
            before = {part_key(r): r for r in live[key]}
            after = {part_key(r): r for r in proposed.get(key, [])}
            removed = [describe_part(key, before[k], names) for k in before if k not in after]
            added = [describe_part(key, after[k], names) for k in after if k not in before]
            if removed or added:
                parts.append(PartsChange(label=label, removed=removed, added=added))
        if sorted(live["tags"]) != sorted(proposed.get("tags", [])):
            tag_names = dict(Tag.objects.values_list("pk", "name"))
            changes.append(
                Change(
                    label=_("Tags"),
                    live=", ".join(tag_names.get(t, "?") for t in live["tags"]) or "—",
                    proposed=", ".join(tag_names.get(t, "?") for t in proposed.get("tags", []))
                    or "—",
                )
            )
    return changes, parts


def shown(value, *, field: models.Field | None = None) -> str:
    """A stored value as the reviewer reads it: choices by their label, yes/no, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# -- publication workflow ----------------------------------------------------------------------


@dataclass
class TransitionResult:
    moved: list[Event]
    refused: list[Event]


def event_transition(*, events, target: str, user) -> TransitionResult:
    """Move events to the publication state `target` where `user` may; the others are refused."""
    result = TransitionResult(moved=[], refused=[])
    with transaction.atomic():
        ids = list(events.values_list("pk", flat=True))
        for event in Event.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
            if not may_transition(user, current=event.publication, target=target):
                result.refused.append(event)
            elif event.publication != target:
                event.publication = target
                event.updated_by = user
                event._history_user = user
                event.save()
                result.moved.append(event)
    return result
