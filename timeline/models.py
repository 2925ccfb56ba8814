"""The record: events, the actors who took part and the sources that report them."""

import re
import unicodedata
from datetime import date

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from timeline.dates import DateSpan, Precision
from timeline.translation import content_language

ALIAS_SEPARATOR = "|"
# Only web addresses: javascript:, data: and the like are refused wherever a URL is entered.
http_url = URLValidator(schemes=["http", "https"])


def normalise_name(text: str) -> str:
    """Fold a name so that spellings of the same romanisation compare equal.

    "Kim Jong Un", "Kim Jong-un" and "kim jong un" all become "kimjongun"; Hangul and Hanja
    are kept as they are (NFKC folds full-width and compatibility forms).
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s\-‐‑‒–—'’`.·・,]+", "", folded)


def check_in(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


class ActorKind(models.TextChoices):
    PERSON = "person", _("Person")
    STATE = "state", _("State")
    ORGANIZATION = "organization", _("Organisation")
    GOVERNMENT_BODY = "government_body", _("Government body")
    MILITARY = "military", _("Military")
    PARTY = "party", _("Party")
    MEDIA = "media", _("Media")


class SourceKind(models.TextChoices):
    """What a source is, strongest first: the order in which an event's accounts are shown.

    The source policy: every published event has at least one account of a STRONG kind; the
    others may add accounts but never stand alone."""

    OFFICIAL = "official", _("Official text")
    WIRE = "wire", _("Wire service")
    NEWSPAPER = "newspaper", _("Newspaper or broadcaster")
    ANALYSIS = "analysis", _("Analysis or think tank")
    REFERENCE = "reference", _("Reference work")
    AGGREGATOR = "aggregator", _("Aggregator or copy")
    AI_GENERATED = "ai_generated", _("AI-generated")

    @classmethod
    def strong(cls) -> tuple[str, ...]:
        return (cls.OFFICIAL, cls.WIRE, cls.NEWSPAPER)

    @classmethod
    def rank(cls, kind: str) -> int:
        """0 for the strongest kind; used to order accounts."""
        return list(cls.values).index(kind) if kind in cls.values else len(cls.values)


class EventKind(models.TextChoices):
    SUMMIT = "summit", _("Summit")
    MEETING = "meeting", _("Meeting")
    TALKS = "talks", _("Talks")
    PARTY_CONGRESS = "party_congress", _("Party congress")
    PLENARY_MEETING = "plenary_meeting", _("Plenary meeting")
    MILITARY_DRILL = "military_drill", _("Military drill")
    MISSILE_TEST = "missile_test", _("Missile test")
    NUCLEAR_TEST = "nuclear_test", _("Nuclear test")
    STATEMENT = "statement", _("Statement")
    PROPOSAL = "proposal", _("Proposal")
    AGREEMENT = "agreement", _("Agreement")
    VISIT = "visit", _("Visit")
    SANCTIONS = "sanctions", _("Sanctions")
    BRIEFING = "briefing", _("Briefing")
    INTERVIEW = "interview", _("Interview")
    PROTEST = "protest", _("Protest")
    ELECTION = "election", _("Election")
    OTHER = "other", _("Other")


class EventStatus(models.TextChoices):
    OCCURRED = "occurred", _("Occurred")
    SCHEDULED = "scheduled", _("Scheduled")
    PROPOSED = "proposed", _("Proposed")
    SPECULATED = "speculated", _("Speculated")
    CANCELLED = "cancelled", _("Cancelled")


# What a reader is told about a scheduled or proposed event whose dates have passed and whose
# outcome no editor has recorded yet: saying "scheduled" would be false.
OUTCOME_NOT_RECORDED = "outcome_not_recorded"
OUTCOME_NOT_RECORDED_LABEL = _("Outcome not yet recorded")
# The statuses a reader sees and filters by (pages and API): the recorded ones and the above.
PUBLIC_STATUS_CHOICES = [*EventStatus.choices, (OUTCOME_NOT_RECORDED, OUTCOME_NOT_RECORDED_LABEL)]
WAITING_STATUSES = (EventStatus.SCHEDULED, EventStatus.PROPOSED)


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Role(models.TextChoices):
    HOST = "host", _("Host")
    GUEST = "guest", _("Guest")
    SIGNATORY = "signatory", _("Signatory")
    PARTICIPANT = "participant", _("Participant")
    SPEAKER = "speaker", _("Speaker")
    SUBJECT = "subject", _("Subject")
    TARGET = "target", _("Target")
    MEDIATOR = "mediator", _("Mediator")


class RelationKind(models.TextChoices):
    RESPONDS_TO = "responds_to", _("Responds to")
    FOLLOWS_UP = "follows_up", _("Follows up")
    PART_OF = "part_of", _("Part of")
    RELATED = "related", _("Related")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActorQuerySet(models.QuerySet):
    def matching(self, text: str) -> "ActorQuerySet":
        """Actors whose name or any alias contains `text`, ignoring case, hyphens and spaces."""
        key = normalise_name(text)
        if not key:
            return self.none()
        return self.filter(name_keys__contains=key)

    def public(self) -> "ActorQuerySet":
        """Actors a published event names (as a participant or a quoted speaker): an actor
        that appears only on drafts, in review or withdrawn events is not public."""
        published = Publication.PUBLISHED
        return self.filter(
            Q(pk__in=Participation.objects.filter(event__publication=published).values("actor"))
            | Q(pk__in=Citation.objects.filter(event__publication=published).values("speaker"))
        )

    def named(self, text: str) -> "ActorQuerySet":
        """Actors whose name or an alias is exactly `text`, ignoring case, hyphens and spaces."""
        key = normalise_name(text)
        if not key:
            return self.none()
        return self.filter(name_keys__contains=f"{ALIAS_SEPARATOR}{key}{ALIAS_SEPARATOR}")


class Actor(models.Model):
    Kind = ActorKind
    name = models.CharField(_("name"), max_length=200)
    name_ko = models.CharField(
        _("name (Korean)"),
        max_length=200,
        blank=True,
        help_text=_("In standard South Korean usage."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2; blank for international bodies."),
    )
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Other spellings: Hangul, Hanja, romanisations."),
    )
    description = models.TextField(_("description"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    # Derived from name and aliases on save: "|kimjongun|김정은|…|", so that one indexed
    # column answers alias look-ups on SQLite and PostgreSQL alike.
    name_keys = models.TextField(editable=False, default="")

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_keys"])

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=check_in("kind", ActorKind), name="actor_kind_valid"),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="actor_country_iso2",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_keys = self.compute_name_keys()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("timeline:actor", kwargs={"slug": self.slug})

    def compute_name_keys(self) -> str:
        keys = [normalise_name(n) for n in [self.name, self.name_ko, *(self.aliases or [])]]
        unique = list(dict.fromkeys(k for k in keys if k))
        return ALIAS_SEPARATOR + ALIAS_SEPARATOR.join(unique) + ALIAS_SEPARATOR


class Source(models.Model):
    Kind = SourceKind
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("URL"), max_length=1000, blank=True, validators=[http_url])
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=35, blank=True, help_text=_("BCP 47, e.g. en, ko, zh.")
    )
    kind = models.CharField(
        _("type"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.NEWSPAPER,
        help_text=_(
            "What the source is. An event needs at least one official text, wire or "
            "newspaper/broadcaster account; the other types may add accounts but never stand "
            "alone."
        ),
    )
    ai_generated = models.BooleanField(
        _("AI-generated"),
        default=False,
        help_text=_(
            "The text (or its images) were generated or reported by AI "
            "(always together with the type AI-generated)."
        ),
    )
    archived_url = models.URLField(
        _("archived URL"), max_length=1000, blank=True, validators=[http_url]
    )
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique"),
            models.CheckConstraint(
                condition=check_in("kind", SourceKind), name="source_kind_valid"
            ),
            # The label readers see and the type can never disagree.
            models.CheckConstraint(
                condition=Q(ai_generated=True, kind=SourceKind.AI_GENERATED)
                | (Q(ai_generated=False) & ~Q(kind=SourceKind.AI_GENERATED)),
                name="source_ai_label_matches_type",
            ),
        ]

    def __str__(self) -> str:
        # Shown in every admin list and autocomplete: AI-generated reporting is always marked.
        label = f"{self.title} ({self.publisher})" if self.publisher else self.title
        return f"{label} [AI-generated]" if self.ai_generated else label

    def save(self, *args, **kwargs) -> None:
        # Either way of saying "AI-generated" (the flag or the type) sets both, so an editor's
        # form can never trip the constraint above.
        if self.ai_generated:
            self.kind = SourceKind.AI_GENERATED
        self.ai_generated = self.kind == SourceKind.AI_GENERATED
        super().save(*args, **kwargs)

    @property
    def is_strong(self) -> bool:
        return self.kind in SourceKind.strong()


class EventQuerySet(models.QuerySet):
    def published(self) -> "EventQuerySet":
        return self.filter(publication=Event.Publication.PUBLISHED)


class Event(models.Model):
    Kind = EventKind
    Status = EventStatus
    Publication = Publication
    title = models.CharField(_("title"), max_length=300)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    body = models.TextField(
        _("body"), blank=True, help_text=_("Markdown; sanitised when rendered.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    precision = models.CharField(
        _("precision"), max_length=10, choices=Precision.choices, default=Precision.DAY
    )
    approximate = models.BooleanField(_("approximate"), default=False)
    date_text = models.CharField(
        _("date as written"),
        max_length=200,
        blank=True,
        help_text=_("The date as the source wrote it."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OCCURRED
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    location_ko = models.CharField(_("location (Korean)"), max_length=200, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2.")
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="events")
    actors = models.ManyToManyField(
        Actor, verbose_name=_("actors"), through="Participation", related_name="events"
    )
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), through="Citation", related_name="events"
    )
    publication = models.CharField(
        _("publication"), max_length=20, choices=Publication.choices, default=Publication.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Bumped on every save; a form that was loaded at another version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[tags])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "end", "id"]
        permissions = [("publish_event", "Can publish and withdraw events")]
        indexes = [
            models.Index(
                fields=["start", "end", "id"],
                condition=Q(publication="published"),
                name="event_published_order",
            ),
            # A list filtered by kind (the commonest filter) seeks to its kind and reads in
            # timeline order, instead of walking every kind's events (0.5 vs 17-40 ms at 100 000).
            models.Index(
                fields=["kind", "start", "end", "id"],
                condition=Q(publication="published"),
                name="event_published_kind_order",
            ),
            models.Index(fields=["updated_at"], name="event_updated_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="event_end_after_start"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="event_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="event_longitude_range",
            ),
            models.CheckConstraint(condition=check_in("kind", EventKind), name="event_kind_valid"),
            models.CheckConstraint(
                condition=check_in("status", EventStatus), name="event_status_valid"
            ),
            models.CheckConstraint(
                condition=check_in("precision", Precision), name="event_precision_valid"
            ),
            models.CheckConstraint(
                condition=check_in("publication", Publication), name="event_publication_valid"
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="event_country_iso2",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("timeline:event", kwargs={"slug": self.slug})

    @property
    def span(self) -> DateSpan:
        return DateSpan(
            start=self.start,
            end=self.end,
            precision=Precision(self.precision),
            approximate=self.approximate,
        )

    @property
    def date_display(self) -> str:
        """The span as a reader of the active language writes it ("2018년 6월 12일" in Korean)."""
        return self.span.display(language=content_language())

    def public_status(self, *, today: date | None = None) -> str:
        return public_status_at(
            status=self.status, end=self.end, today=today or timezone.localdate()
        )

    @property
    def public_status_label(self) -> str:
        status = self.public_status()
        if status == OUTCOME_NOT_RECORDED:
            return str(OUTCOME_NOT_RECORDED_LABEL)
        return str(EventStatus(status).label)


def public_status_at(*, status: str, end: date, today: date) -> str:
    """The status readers see (pages and API): a scheduled or proposed event whose end date
    has passed is "outcome_not_recorded" until an editor records what happened."""
    return OUTCOME_NOT_RECORDED if status in WAITING_STATUSES and end < today else status


class Participation(models.Model):
    Role = Role
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    title_at_time = models.CharField(
        _("title at the time"),
        max_length=200,
        blank=True,
        help_text=_('e.g. "Unification Minister".'),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "actor", "role"], name="participation_unique"),
            models.CheckConstraint(
                condition=check_in("role", Role), name="participation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()}) in {self.event}"


class CitationQuerySet(models.QuerySet):
    def strongest_first(self) -> "CitationQuerySet":
        """Accounts in the order readers see them: official texts, wires, newspapers…,
        then by the source's date."""
        rank = models.Case(
            *(
                models.When(source__kind=kind, then=models.Value(position))
                for position, kind in enumerate(SourceKind.values)
            ),
            default=models.Value(len(SourceKind.values)),
        )
        return self.order_by(rank, models.F("source__published_on").asc(nulls_last=True), "id")


class Citation(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    quote = models.TextField(
        _("quote"), blank=True, help_text=_("The words of the source that support the event.")
    )
    speaker = models.ForeignKey(
        Actor,
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    objects = CitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "source", "quote"], name="citation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} on {self.event}"


class EventRelation(models.Model):
    Kind = RelationKind
    from_event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="relations_out"
    )
    to_event = models.ForeignKey(
        Event,
        verbose_name=_("other event"),
        on_delete=models.CASCADE,
        related_name="relations_in",
    )
    kind = models.CharField(
        _("relation"), max_length=20, choices=Kind.choices, default=Kind.RELATED
    )

    class Meta:
        verbose_name = _("relation between events")
        verbose_name_plural = _("relations between events")
        ordering = ["from_event", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_event", "to_event", "kind"], name="relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_event=F("to_event")), name="relation_not_self"
            ),
            models.CheckConstraint(
                condition=check_in("kind", RelationKind), name="relation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_event} {self.get_kind_display().lower()} {self.to_event}"


class DataVersion(models.Model):
    """One row: the public data version (see timeline.caching). Bumped in the transaction of
    every editorial change, so that every process keys its caches on the same number."""

    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="data_version_one_row")]

    def __str__(self) -> str:
        return f"public data version {self.version}"


class EventRendering(models.Model):
    """A published event's public API representation, as JSON bytes (see timeline.rendering):
    written in the transaction that changes the event or anything it shows, read by the API's
    list and detail without building a model row."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="rendering"
    )
    item = models.BinaryField()
    detail = models.BinaryField()
    # The same in Korean (the API's lang=ko); empty until the event is next rendered.
    item_ko = models.BinaryField(default=b"")
    detail_ko = models.BinaryField(default=b"")
    # The event's timeline card as HTML, per language (timeline/cards.py), with slots for what
    # depends on the request (search words, today's status); empty until next rendered.
    card = models.TextField(default="")
    card_ko = models.TextField(default="")

    def __str__(self) -> str:
        return f"rendering of event {self.event_id}"


class RateCount(models.Model):
    """Requests counted per client and time window, shared by every web process: the API's
    rate limit where the cache cannot count atomically across processes (no Redis)."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class WorkSlot(models.Model):
    """One of a few slots for expensive work (an export being built), shared by every web
    process; a slot whose holder died is free again after `held_until`."""

    name = models.CharField(max_length=50)
    number = models.PositiveSmallIntegerField()
    holder = models.CharField(max_length=64, blank=True)
    held_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "number"], name="work_slot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.number}"


class RevisionState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")
    SUPERSEDED = "superseded", _("Replaced by a newer proposal")


class ProposedRevision(models.Model):
    """A change to a live record (a published event, or an actor or source that published
    events show), kept aside until a reviewer approves it.

    `payload` is the whole proposed state (fields and, for events, participants, citations,
    relations and tags) in the form `timeline.services.editorial.snapshot` writes; the live row
    is untouched until approval.
    """

    State = RevisionState
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("kind of record"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    label = models.CharField(
        _("label"), max_length=300, help_text=_("The record's title when proposed.")
    )
    payload = models.JSONField(_("proposed state"))
    # The live state the proposal was made against: approval is refused if it moved since.
    base_snapshot = models.JSONField(_("state when proposed"))
    state = models.CharField(
        _("state"), max_length=20, choices=RevisionState.choices, default=RevisionState.PENDING
    )
    note = models.TextField(_("note"), blank=True, help_text=_("What the editor changed and why."))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    comment = models.TextField(
        _("comment"), blank=True, help_text=_("The reviewer's reason for sending it back.")
    )

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["state", "content_type", "object_id"], name="revision_target"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=check_in("state", RevisionState), name="revision_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Proposed change to “{self.label}”"


class StagedImport(models.Model):
    """A CSV file checked in a dry run, kept so that the editor confirms without re-uploading."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.TextField(_("content"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checked import file")
        verbose_name_plural = _("checked import files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
