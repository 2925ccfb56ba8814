"""The record: events, the actors who took part and the sources that report them."""

import re
import unicodedata

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from timeline.dates import DateSpan, Precision

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
    PERSON = "person", "Person"
    STATE = "state", "State"
    ORGANIZATION = "organization", "Organisation"
    GOVERNMENT_BODY = "government_body", "Government body"
    MILITARY = "military", "Military"
    PARTY = "party", "Party"
    MEDIA = "media", "Media"


class SourceKind(models.TextChoices):
    NEWS = "news", "News"
    OFFICIAL = "official", "Official"
    STATE_MEDIA = "state_media", "State media"
    SOCIAL = "social", "Social media"
    INTERVIEW = "interview", "Interview"
    DOCUMENT = "document", "Document"


class EventKind(models.TextChoices):
    SUMMIT = "summit", "Summit"
    MEETING = "meeting", "Meeting"
    TALKS = "talks", "Talks"
    PARTY_CONGRESS = "party_congress", "Party congress"
    MILITARY_DRILL = "military_drill", "Military drill"
    MISSILE_TEST = "missile_test", "Missile test"
    NUCLEAR_TEST = "nuclear_test", "Nuclear test"
    STATEMENT = "statement", "Statement"
    PROPOSAL = "proposal", "Proposal"
    AGREEMENT = "agreement", "Agreement"
    VISIT = "visit", "Visit"
    SANCTIONS = "sanctions", "Sanctions"
    BRIEFING = "briefing", "Briefing"
    INTERVIEW = "interview", "Interview"
    PROTEST = "protest", "Protest"
    ELECTION = "election", "Election"
    OTHER = "other", "Other"


class EventStatus(models.TextChoices):
    OCCURRED = "occurred", "Occurred"
    SCHEDULED = "scheduled", "Scheduled"
    PROPOSED = "proposed", "Proposed"
    SPECULATED = "speculated", "Speculated"
    CANCELLED = "cancelled", "Cancelled"


class Publication(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Role(models.TextChoices):
    HOST = "host", "Host"
    PARTICIPANT = "participant", "Participant"
    SPEAKER = "speaker", "Speaker"
    SUBJECT = "subject", "Subject"
    TARGET = "target", "Target"
    MEDIATOR = "mediator", "Mediator"


class RelationKind(models.TextChoices):
    RESPONDS_TO = "responds_to", "Responds to"
    FOLLOWS_UP = "follows_up", "Follows up"
    PART_OF = "part_of", "Part of"
    RELATED = "related", "Related"


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)

    class Meta:
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

    def named(self, text: str) -> "ActorQuerySet":
        """Actors whose name or an alias is exactly `text`, ignoring case, hyphens and spaces."""
        key = normalise_name(text)
        if not key:
            return self.none()
        return self.filter(name_keys__contains=f"{ALIAS_SEPARATOR}{key}{ALIAS_SEPARATOR}")


class Actor(models.Model):
    Kind = ActorKind
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2; blank for international bodies."
    )
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other spellings: Hangul, Hanja, romanisations."
    )
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # Derived from name and aliases on save: "|kimjongun|김정은|…|", so that one indexed
    # column answers alias look-ups on SQLite and PostgreSQL alike.
    name_keys = models.TextField(editable=False, default="")

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_keys"])

    class Meta:
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
        keys = [normalise_name(n) for n in [self.name, *(self.aliases or [])]]
        unique = list(dict.fromkeys(k for k in keys if k))
        return ALIAS_SEPARATOR + ALIAS_SEPARATOR.join(unique) + ALIAS_SEPARATOR


class Source(models.Model):
    Kind = SourceKind
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, blank=True, validators=[http_url])
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=35, blank=True, help_text="BCP 47, e.g. en, ko, zh.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    ai_generated = models.BooleanField(
        default=False, help_text="The text (or its images) were generated or reported by AI."
    )
    archived_url = models.URLField(max_length=1000, blank=True, validators=[http_url])
    accessed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique"),
            models.CheckConstraint(
                condition=check_in("kind", SourceKind), name="source_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        # Shown in every admin list and autocomplete: AI-generated reporting is always marked.
        label = f"{self.title} ({self.publisher})" if self.publisher else self.title
        return f"{label} [AI-generated]" if self.ai_generated else label


class EventQuerySet(models.QuerySet):
    def published(self) -> "EventQuerySet":
        return self.filter(publication=Event.Publication.PUBLISHED)

    def chronological(self) -> "EventQuerySet":
        return self.order_by("start", "end", "id")


class Event(models.Model):
    Kind = EventKind
    Status = EventStatus
    Publication = Publication
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Markdown; sanitised when rendered.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start = models.DateField()
    end = models.DateField()
    precision = models.CharField(max_length=10, choices=Precision.choices, default=Precision.DAY)
    approximate = models.BooleanField(default=False)
    date_text = models.CharField(
        max_length=200, blank=True, help_text="The date as the source wrote it."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OCCURRED)
    location = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="events")
    actors = models.ManyToManyField(Actor, through="Participation", related_name="events")
    sources = models.ManyToManyField(Source, through="Citation", related_name="events")
    publication = models.CharField(
        max_length=20, choices=Publication.choices, default=Publication.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Bumped on every save; a form that was loaded at another version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[tags])

    class Meta:
        ordering = ["start", "end", "id"]
        permissions = [("publish_event", "Can publish and withdraw events")]
        indexes = [
            models.Index(
                fields=["start", "end", "id"],
                condition=Q(publication="published"),
                name="event_published_order",
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
        return self.span.display()


class Participation(models.Model):
    Role = Role
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    title_at_time = models.CharField(
        max_length=200, blank=True, help_text='e.g. "Unification Minister".'
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "actor", "role"], name="participation_unique"),
            models.CheckConstraint(
                condition=check_in("role", Role), name="participation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()}) in {self.event}"


class Citation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(
        blank=True, help_text="The words of the source that support the event."
    )
    speaker = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "source", "quote"], name="citation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} on {self.event}"


class EventRelation(models.Model):
    Kind = RelationKind
    from_event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="relations_out")
    to_event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RELATED)

    class Meta:
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


class RevisionState(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    APPROVED = "approved", "Approved"
    SENT_BACK = "sent_back", "Sent back"
    SUPERSEDED = "superseded", "Replaced by a newer proposal"


class ProposedRevision(models.Model):
    """A change to a live record (a published event, or an actor or source that published
    events show), kept aside until a reviewer approves it.

    `payload` is the whole proposed state (fields and, for events, participants, citations,
    relations and tags) in the form `timeline.services.editorial.snapshot` writes; the live row
    is untouched until approval.
    """

    State = RevisionState
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300, help_text="The record's title when proposed.")
    payload = models.JSONField()
    # The live state the proposal was made against: approval is refused if it moved since.
    base_snapshot = models.JSONField()
    state = models.CharField(
        max_length=20, choices=RevisionState.choices, default=RevisionState.PENDING
    )
    note = models.TextField(blank=True, help_text="What the editor changed and why.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="The reviewer's reason for sending it back.")

    class Meta:
        verbose_name = "proposed change"
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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
