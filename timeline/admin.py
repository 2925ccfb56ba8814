"""The editorial desk: events, actors and sources with review, history and imports."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from timeline import bulk, editorial
from timeline.curated import parse_iso_date
from timeline.dates import DateSpan, Precision, parse_span
from timeline.ingest import propose_events
from timeline.models import (
    Actor,
    Citation,
    Event,
    EventKind,
    EventRelation,
    Participation,
    ProposedRevision,
    Publication,
    RevisionState,
    Role,
    Source,
    StagedImport,
    Tag,
)
from timeline.services import csv_import
from timeline.services import editorial as services

HTMX_JS = "django_htmx/htmx-2.min.js"


def stored_days(span: DateSpan) -> str:
    """The exact days a span stores, written out: "21 March – 10 April 2026"."""
    return DateSpan(start=span.start, end=span.end, precision=Precision.DAY).display()


def when_summary(span: DateSpan) -> str:
    """How a date was read and the exact span that will be stored."""
    approximate = ", approximate" if span.approximate else ""
    exact = f"{stored_days(span)} ({span.precision.label.lower()} precision{approximate})"
    reading = span.display()
    return exact if reading == stored_days(span) else f"{reading}: {exact}"


def iso_date_input(**attrs) -> forms.DateInput:
    """A native date picker; its value is always ISO, whatever the browser's language."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", **attrs})


class WhenWidget(forms.TextInput):
    """A text box whose reading is previewed (htmx) as the editor types; the preview also
    fills start, end, precision and approximate (static/admin-desk/when.js)."""

    template_name = "admin/timeline/when_widget.html"

    def __init__(self, **kwargs) -> None:
        attrs = {
            "size": 50,
            "placeholder": "e.g. late March to early April 2026, on Thursday, 2018년 6월 12일",
            "hx-trigger": "input changed delay:300ms, load",
            "hx-target": "#when-preview",
            "hx-include": "[name=when_base]",
            "autocomplete": "off",
        }
        super().__init__(attrs=attrs, **kwargs)


class EventAdminForm(forms.ModelForm):
    when = forms.CharField(
        required=False,
        widget=WhenWidget(),
        help_text="Type the date as the source writes it. Start, end, precision and "
        "approximate are filled from it; you can still correct start and end.",
    )
    when_base = forms.DateField(
        required=False,
        label="Read relative to",
        help_text="Relative dates (“on Thursday”, “late next month”) count from this day: "
        "the cited source's publication date, else today.",
        widget=iso_date_input(),
    )
    loaded_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Event
        fields = [
            "title",
            "title_ko",
            "slug",
            "kind",
            "status",
            "when",
            "when_base",
            "start",
            "end",
            "precision",
            "approximate",
            "summary",
            "summary_ko",
            "body",
            "location",
            "location_ko",
            "country",
            "latitude",
            "longitude",
            "tags",
            "publication",
            "loaded_version",
        ]

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["when"].widget.attrs["hx-get"] = reverse("admin:timeline_event_when_preview")
        # One date format in the form: native date inputs, ISO values.
        for name in ("start", "end"):
            self.fields[name].widget = iso_date_input()
        self.fields["when_base"].widget.attrs.update(
            {
                "hx-get": reverse("admin:timeline_event_when_preview"),
                "hx-trigger": "change",
                "hx-target": "#when-preview",
                "hx-include": "[name=when]",
            }
        )
        self.fields["start"].required = False
        self.fields["end"].required = False
        self.fields["precision"].required = False
        current = self.instance.publication if self.instance.pk else None
        if user is not None:
            allowed = editorial.allowed_states(user, current=current)
            self.fields["publication"].choices = [
                (value, label) for value, label in Publication.choices if value in allowed
            ]
        if self.instance.pk:
            self.fields["when"].initial = self.instance.date_text or self.instance.date_display
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["when_base"].initial = self.cited_publication_date() or date.today()
        else:
            self.fields["when_base"].initial = date.today()

    def cited_publication_date(self) -> date | None:
        dates = [
            c.source.published_on
            for c in self.instance.citations.select_related("source")
            if c.source.published_on
        ]
        return min(dates) if dates else None

    def clean(self):
        cleaned = super().clean()
        self.check_version()
        when = (cleaned.get("when") or "").strip()
        when_changed = "when" in self.changed_data
        dates_changed = {"start", "end"} & set(self.changed_data)
        if when and (when_changed or not self.instance.pk) and not dates_changed:
            span = parse_span(when, base=cleaned.get("when_base") or date.today())
            if span is None:
                self.add_error(
                    "when",
                    f"“{when}” could not be read as a date. Try e.g. “12 June 2018”, "
                    "“June 2018”, “27–28 February 2019” or “late March to early April 2026”.",
                )
                return cleaned
            cleaned.update(
                start=span.start,
                end=span.end,
                precision=span.precision.value,
                approximate=span.approximate,
                date_text=when,
            )
        elif when and when_changed:
            cleaned["date_text"] = when
        if not cleaned.get("start"):
            self.add_error("when", "Give the date: type it in “When”, or fill start and end.")
            return cleaned
        cleaned["end"] = cleaned.get("end") or cleaned["start"]
        cleaned["precision"] = cleaned.get("precision") or "day"
        if cleaned["end"] < cleaned["start"]:
            self.add_error("end", "The end cannot be before the start.")
        return cleaned

    def check_version(self) -> None:
        if not self.instance.pk:
            return
        loaded = self.cleaned_data.get("loaded_version")
        current = Event.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
        current_version = current.first()
        if loaded is not None and current_version is not None and loaded != current_version:
            fresh = Event.objects.get(pk=self.instance.pk)
            changes = editorial.changes_since(fresh, version=loaded)
            raise ValidationError(
                "Someone else saved this event after you opened it, so your changes were not "
                "saved (nothing was overwritten). Changes made meanwhile: "
                + "; ".join(changes)
                + ". Reload the page to see the current version, then redo your edits."
            )

    def _post_clean(self):
        # The model form copies cleaned_data onto the instance here; ours carries the
        # values read from "When".
        for name in ("start", "end", "precision", "approximate", "date_text"):
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["actor"]


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source", "speaker"]
    readonly_fields = ["source_ai_generated"]
    fields = ["source", "source_ai_generated", "quote", "speaker", "note"]

    @admin.display(description="AI-generated source")
    def source_ai_generated(self, obj: Citation) -> str:
        if obj.pk and obj.source.ai_generated:
            return format_html('<strong class="ai-flag">{}</strong>', "AI-generated")
        return "—"


class RelationInline(admin.TabularInline):
    model = EventRelation
    fk_name = "from_event"
    extra = 0
    autocomplete_fields = ["to_event"]
    verbose_name = "relation to another event"
    verbose_name_plural = "relations to other events"


class ReviewedChangeAdmin(SimpleHistoryAdmin):
    """Saves of live records by people who may not publish become proposed revisions.

    The admin saves the form and its inlines as usual, inside a savepoint; the resulting state
    is kept as the proposal and the savepoint rolled back, so the live rows (and their history,
    the caches, the public pages) never see the change.
    """

    def save_model(self, request, obj, form, change) -> None:
        if change and services.change_needs_review(user=request.user, obj=obj):
            request.proposal_savepoint = transaction.savepoint_create()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        self.keep_as_proposal(request, form.instance)

    def keep_as_proposal(self, request, obj) -> None:
        """Turn the saved state into a proposal and roll the live rows back."""
        savepoint = getattr(request, "proposal_savepoint", None)
        if savepoint is None:
            return
        payload = services.snapshot(obj=type(obj).objects.get(pk=obj.pk))
        transaction.savepoint_rollback(savepoint)
        request.proposal_savepoint = None
        live = type(obj).objects.get(pk=obj.pk)
        if payload == services.snapshot(obj=live):
            request.proposal = None
        else:
            request.proposal = services.propose_revision(
                obj=live, payload=payload, user=request.user
            )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version is a change like any other: one transaction, so that
        # a revert of a live record becomes a proposal too.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "proposal", False):
            return [{"changed": {"fields": ["proposed a change for review"]}}]
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        self.keep_as_proposal(request, obj)  # the history form saves no inlines
        if not hasattr(request, "proposal"):
            return super().response_change(request, obj)
        opts = obj._meta
        if request.proposal is None:
            self.message_user(request, "Nothing changed.", messages.INFO)
        else:
            self.message_user(
                request,
                format_html(
                    "Your change to “{}” was sent for review. The published version stays "
                    'on the site until a reviewer approves it. <a href="{}">See the proposal</a>.',
                    obj,
                    reverse("admin:timeline_proposedrevision_review", args=[request.proposal.pk]),
                ),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                for revision in services.pending_revisions(obj=obj):
                    mine = revision.submitted_by_id == request.user.pk
                    self.message_user(
                        request,
                        format_html(
                            '{} proposed a change on {} that awaits review: <a href="{}">{}</a>.{}',
                            "You" if mine else (revision.submitted_by or "Someone"),
                            f"{revision.submitted_at:%d %b %Y %H:%M} UTC",
                            reverse("admin:timeline_proposedrevision_review", args=[revision.pk]),
                            "see the proposal",
                            " This form shows the published version; saving it again replaces "
                            "your proposal."
                            if mine
                            else "",
                        ),
                        messages.WARNING,
                    )
                if not editorial.can_publish(request.user) and services.is_live(obj=obj):
                    self.message_user(
                        request,
                        "This record is live: your changes will be sent to a reviewer and "
                        "appear on the site once approved.",
                        messages.INFO,
                    )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Event)
class EventAdmin(ReviewedChangeAdmin):
    form = EventAdminForm
    list_display = [
        "date_display",
        "title",
        "kind",
        "status",
        "publication",
        "source_count",
        "ai_sources",
        "updated_at",
    ]
    list_display_links = ["title"]
    list_filter = ["kind", "status", "publication", "precision", "country", "tags"]
    search_fields = [
        "title",
        "title_ko",
        "summary",
        "summary_ko",
        "slug",
        "participations__actor__name",
        "participations__actor__name_keys",
    ]
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    inlines = [ParticipationInline, CitationInline, RelationInline]
    actions = ["submit_for_review", "publish", "withdraw"]
    history_list_display = ["publication"]
    change_list_template = "admin/timeline/event/change_list.html"
    fieldsets = [
        (None, {"fields": ["title", "title_ko", "slug", "kind", "status", "publication"]}),
        (
            "When",
            {
                "fields": [
                    "when",
                    "when_base",
                    ("start", "end"),
                    ("precision", "approximate"),
                    "loaded_version",
                ]
            },
        ),
        (None, {"fields": ["summary", "summary_ko", "body", "tags"]}),
        ("Where", {"fields": ["location", "location_ko", "country", ("latitude", "longitude")]}),
    ]

    class Media:
        js = [HTMX_JS, "admin-desk/when.js"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class FormForUser(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return FormForUser

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(number_of_sources=Count("citations__source", distinct=True))
            .prefetch_related("citations__source")
        )

    @admin.display(description="Date", ordering="start")
    def date_display(self, obj: Event) -> str:
        return obj.date_display

    @admin.display(description="Sources", ordering="number_of_sources")
    def source_count(self, obj: Event) -> int:
        return obj.number_of_sources

    @admin.display(description="AI-generated sources")
    def ai_sources(self, obj: Event) -> str:
        count = sum(1 for c in obj.citations.all() if c.source.ai_generated)
        return format_html('<strong class="ai-flag">{} AI</strong>', count) if count else "—"

    def save_model(self, request, obj, form, change) -> None:
        current = Event.objects.filter(pk=obj.pk).values_list("publication", flat=True).first()
        if current and not editorial.may_transition(
            request.user, current=current, target=obj.publication
        ):
            raise PermissionDenied("You may not make that publication change.")
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        event = form.instance
        actor_ids = list(event.participations.order_by("id").values_list("actor_id", flat=True))
        for duplicate in editorial.possible_duplicates(
            title=event.title,
            start=event.start,
            end=event.end,
            actor_ids=actor_ids,
            exclude_pk=event.pk,
        ):
            url = reverse("admin:timeline_event_change", args=[duplicate.event.pk])
            messages.warning(
                request,
                format_html(
                    'Possible duplicate: <a href="{}">{}</a> ({}) overlaps this event and has {}.',
                    url,
                    duplicate.event.title,
                    duplicate.event.date_display,
                    duplicate.reason,
                ),
            )

    # -- workflow actions ------------------------------------------------------------------

    def transition(self, request, queryset, target: str, verb: str) -> None:
        result = services.event_transition(events=queryset, target=target, user=request.user)
        if result.moved:
            self.message_user(request, f"{len(result.moved)} event(s) {verb}.", messages.SUCCESS)
        if result.refused:
            self.message_user(
                request,
                f"Not {verb} (not allowed from their state or for your role): "
                + "; ".join(event.title for event in result.refused),
                messages.ERROR,
            )

    @admin.action(description="Submit selected events for review", permissions=["change"])
    def submit_for_review(self, request, queryset) -> None:
        self.transition(request, queryset, Publication.REVIEW, "submitted for review")

    @admin.action(description="Publish selected events", permissions=["publish"])
    def publish(self, request, queryset) -> None:
        self.transition(request, queryset, Publication.PUBLISHED, "published")

    @admin.action(description="Withdraw selected events", permissions=["publish"])
    def withdraw(self, request, queryset) -> None:
        self.transition(request, queryset, Publication.WITHDRAWN, "withdrawn")

    def has_publish_permission(self, request) -> bool:
        return editorial.can_publish(request.user)

    # -- extra pages -----------------------------------------------------------------------

    def get_urls(self):
        custom = [
            path(
                "when-preview/",
                self.admin_site.admin_view(self.when_preview),
                name="timeline_event_when_preview",
            ),
            path(
                "<path:object_id>/when-preview/",
                self.admin_site.admin_view(self.when_preview),
            ),
            path(
                "import-article/",
                self.admin_site.admin_view(self.import_article),
                name="timeline_event_import_article",
            ),
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_csv),
                name="timeline_event_import_csv",
            ),
            path(
                "export-csv/",
                self.admin_site.admin_view(self.export_csv),
                name="timeline_event_export_csv",
            ),
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_events),
                name="timeline_event_deleted",
            ),
        ]
        return custom + super().get_urls()

    def when_preview(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        text = request.GET.get("when", "").strip()[:200]
        base = parse_iso_date(request.GET.get("when_base", "").strip()) or date.today()
        span = parse_span(text, base=base) if text else None
        if not text:
            return HttpResponse("")
        if span is None:
            return HttpResponse(
                format_html(
                    '<span class="errornote">Not readable as a date: “{}”. Try e.g. “12 June '
                    "2018”, “June 2018”, “27–28 February 2019”.</span>",
                    text,
                )
            )
        return HttpResponse(
            format_html(
                '<span class="when-ok" data-start="{}" data-end="{}" data-precision="{}" '
                'data-approximate="{}">Will be stored as {}</span>',
                span.start.isoformat(),
                span.end.isoformat(),
                span.precision.value,
                "true" if span.approximate else "false",
                when_summary(span),
            )
        )

    def import_article(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleForm(request.POST or None)
        candidates = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            candidates = propose_events(
                data["text"],
                published_on=data["published_on"],
                language=data["language"] or None,
            )
            if "create" in request.POST:
                selected = request.POST.getlist("candidate")
                created = create_drafts_from_article(
                    request, data=data, candidates=candidates, selected=selected
                )
                self.message_user(
                    request, f"Created {len(created)} draft event(s).", messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:timeline_event_changelist") + "?publication__exact=draft"
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Import from an article",
            "form": form,
            "candidates": [
                {"index": i, "candidate": c, "summary": when_summary(c.span)}
                for i, c in enumerate(candidates)
            ],
            "kinds": EventKind.choices,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/timeline/event/import_article.html", context)

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CsvImportForm(request.POST or None, request.FILES or None)
        report, staged, upload_error = None, None, None
        if request.method == "POST":
            content, name, upload_error = self.csv_content(request, form)
            if content is not None and "apply" in request.POST:
                report = csv_import.apply_import(content, user=request.user)
                if report.ok:
                    StagedImport.objects.filter(user=request.user).delete()
                    self.message_user(request, import_message(report), messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:timeline_event_changelist"))
            elif content is not None:
                report = csv_import.plan_import(content)
                if report.ok:
                    staged = stage_import(user=request.user, name=name, content=content)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import events from a spreadsheet (CSV)",
            "form": form,
            "report": report,
            "staged": staged,
            "upload_error": upload_error,
            "columns": csv_import.COLUMNS,
            "max_rows": csv_import.max_rows(),
            "max_size": csv_import.file_size(csv_import.max_bytes()),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/timeline/event/import_csv.html", context)

    def csv_content(self, request, form) -> tuple[str | None, str, str | None]:
        """The CSV text from the upload, or from the file kept at the dry run."""
        staged_id = request.POST.get("staged", "")
        if staged_id:
            staged = (
                StagedImport.objects.filter(user=request.user, pk=staged_id).first()
                if staged_id.isascii() and staged_id.isdigit()
                else None
            )
            if staged is None:
                return None, "", "That checked file is no longer kept: choose the file again."
            return staged.content, staged.file_name, None
        if not form.is_valid():
            return None, "", None
        upload = form.cleaned_data["file"]
        if upload.size > csv_import.max_bytes():
            return None, upload.name, csv_import.too_large(upload.size)
        content, problem = csv_import.decode_upload(upload.read())
        return content, upload.name, problem

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            bulk.export_events_csv(Event.objects.all()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="events-admin.csv"'
        return response

    def deleted_events(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            if not self.has_add_permission(request):
                raise PermissionDenied
            history_id = request.POST.get("history_id", "")
            if not (history_id.isascii() and history_id.isdigit()) or len(history_id) > 18:
                return HttpResponseBadRequest("history_id must be the number of a deleted event.")
            try:
                restored = bulk.restore_deleted_event(int(history_id), user=request.user)
            except bulk.RestoreError as error:
                return HttpResponseNotFound(str(error))
            self.message_user(
                request,
                f"Restored “{restored.title}” as a draft; submit it for review to publish it "
                "again.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:timeline_event_change", args=[restored.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Deleted events",
            "records": bulk.deleted_event_records(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/timeline/event/deleted.html", context)


def import_message(report) -> str:
    parts = []
    if report.created:
        parts.append(f"created {report.created} draft event(s)")
    if report.updated:
        parts.append(f"updated {report.updated} event(s)")
    if report.proposed:
        parts.append(f"sent {report.proposed} change(s) to published events for review")
    if report.sources_proposed:
        parts.append(
            f"sent {report.sources_proposed} change(s) to sources that published events cite "
            "for review"
        )
    return ("Imported: " + "; ".join(parts) + ".") if parts else "Nothing to change."


def stage_import(*, user, name: str, content: str) -> StagedImport:
    """Keep a checked file for the confirm step (one per editor; older ones are dropped)."""
    StagedImport.objects.filter(user=user).delete()
    StagedImport.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()
    return StagedImport.objects.create(user=user, file_name=name[:255], content=content)


ARTICLE_MAX_CHARS = 20_000


class ArticleForm(forms.Form):
    text = forms.CharField(
        max_length=ARTICLE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        help_text=f"Paste the article's text (at most {ARTICLE_MAX_CHARS:,} characters: "
        "for a longer piece, paste the part that reports the events).",
        error_messages={
            "max_length": "The text is %(show_value)s characters long; the limit is "
            "%(limit_value)s. Paste only the part that reports the events."
        },
    )
    url = forms.URLField(required=False, assume_scheme="https")
    title = forms.CharField(required=False, help_text="The article's headline.")
    publisher = forms.CharField(required=False)
    published_on = forms.DateField(
        required=False,
        help_text="Relative dates in the text are read against this day (else today).",
        widget=iso_date_input(),
    )
    language = forms.CharField(required=False, max_length=35, help_text="BCP 47, e.g. en, ko.")
    ai_generated = forms.BooleanField(required=False, label="The article was generated by AI")


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet file (CSV)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def create_drafts_from_article(request, *, data: dict, candidates, selected: list[str]):
    """Create the Source (or reuse it by URL) and one draft event per ticked candidate."""
    created = []
    with transaction.atomic():
        source = Source.objects.filter(url=data["url"]).first() if data["url"] else None
        if source is None:
            source = Source.objects.create(
                title=data["title"] or data["publisher"] or "Imported article",
                url=data["url"] or "",
                publisher=data["publisher"] or "",
                published_on=data["published_on"],
                language=data["language"] or "",
                ai_generated=data["ai_generated"],
            )
        for index, candidate in enumerate(candidates):
            if str(index) not in selected:
                continue
            title = request.POST.get(f"title-{index}", candidate.title).strip()[:300]
            kind = request.POST.get(f"kind-{index}", candidate.kind)
            if kind not in EventKind.values:
                kind = candidate.kind
            event = Event.objects.create(
                title=title or candidate.title,
                slug=bulk.unique_slug(f"{candidate.span.start:%Y-%m-%d}-{title}"),
                kind=kind,
                start=candidate.span.start,
                end=candidate.span.end,
                precision=candidate.span.precision.value,
                approximate=candidate.span.approximate,
                date_text=candidate.date_text,
                status=candidate.status,
                publication=Publication.DRAFT,
                created_by=request.user,
                updated_by=request.user,
            )
            for actor in candidate.actors:
                Participation.objects.get_or_create(event=event, actor=actor, role=Role.PARTICIPANT)
            Citation.objects.create(event=event, source=source, quote=candidate.sentence)
            created.append(event)
    return created


class ActorAdminForm(forms.ModelForm):
    aliases_text = forms.CharField(
        required=False,
        label="Aliases",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: Hangul, Hanja, other romanisations.",
    )

    class Meta:
        model = Actor
        fields = [
            "name",
            "name_ko",
            "slug",
            "kind",
            "country",
            "aliases_text",
            "description",
            "description_ko",
            "parent",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aliases_text"].initial = "\n".join(self.instance.aliases or [])

    def save(self, commit=True):
        lines = self.cleaned_data.get("aliases_text", "").splitlines()
        self.instance.aliases = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
        return super().save(commit=commit)


@admin.register(Actor)
class ActorAdmin(ReviewedChangeAdmin):
    form = ActorAdminForm
    list_display = ["name", "kind", "country", "alias_list"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_keys", "description", "description_ko"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    @admin.display(description="Aliases")
    def alias_list(self, obj: Actor) -> str:
        return ", ".join(obj.aliases)

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            queryset = queryset | self.model.objects.matching(search_term)
        return queryset, duplicates


@admin.register(Source)
class SourceAdmin(ReviewedChangeAdmin):
    list_display = ["title", "ai_marker", "publisher", "published_on", "language", "kind"]
    list_filter = ["ai_generated", "kind", "language"]
    search_fields = ["title", "publisher", "url"]

    @admin.display(description="AI-generated", ordering="ai_generated")
    def ai_marker(self, obj: Source) -> str:
        if obj.ai_generated:
            return format_html('<strong class="ai-flag">{}</strong>', "AI-generated")
        return "—"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name", "name_ko"]
    prepopulated_fields = {"slug": ["name"]}


class SendBackForm(forms.Form):
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Required to send back: what the editor should change.",
    )


@admin.register(ProposedRevision)
class ProposedRevisionAdmin(admin.ModelAdmin):
    """The review queue: proposed changes to live records, each reviewed as a diff."""

    list_display = ["review_link", "kind_of_record", "submitted_by", "submitted_at", "state"]
    list_filter = ["state", "content_type"]
    list_select_related = ["submitted_by", "content_type"]
    search_fields = ["label"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if not request.GET:
            return HttpResponseRedirect(request.path + "?state__exact=pending")
        return super().changelist_view(request, extra_context)

    @admin.display(description="Change to", ordering="label")
    def review_link(self, obj: ProposedRevision) -> str:
        url = reverse("admin:timeline_proposedrevision_review", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.label)

    @admin.display(description="Record", ordering="content_type")
    def kind_of_record(self, obj: ProposedRevision) -> str:
        return str(obj.content_type.name).capitalize()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(
            reverse("admin:timeline_proposedrevision_review", args=[object_id])
        )

    def get_urls(self):
        return [
            path(
                "<int:revision_id>/review/",
                self.admin_site.admin_view(self.review),
                name="timeline_proposedrevision_review",
            ),
            *super().get_urls(),
        ]

    def review(self, request: HttpRequest, revision_id: int) -> HttpResponse:
        revision = ProposedRevision.objects.filter(pk=revision_id).first()
        if revision is None or not self.has_view_permission(request):
            raise Http404("No such proposal.")
        may_review = editorial.can_publish(request.user)
        form = SendBackForm(request.POST or None)
        if request.method == "POST":
            if not may_review:
                raise PermissionDenied
            try:
                if "approve" in request.POST:
                    obj = services.approve_revision(revision=revision, user=request.user)
                    self.message_user(
                        request, f"Approved: “{obj}” is updated on the site.", messages.SUCCESS
                    )
                    return HttpResponseRedirect(
                        reverse("admin:timeline_proposedrevision_changelist")
                    )
                if "send_back" in request.POST and form.is_valid():
                    services.send_back_revision(
                        revision=revision, user=request.user, comment=form.cleaned_data["comment"]
                    )
                    self.message_user(
                        request,
                        f"Sent back to {revision.submitted_by or 'its author'}; "
                        "the live version is unchanged.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:timeline_proposedrevision_changelist")
                    )
            except services.RevisionError as error:
                self.message_user(request, str(error), messages.ERROR)
                revision.refresh_from_db()
        try:
            changes, parts = services.revision_diff(revision=revision)
            target_url = reverse(
                f"admin:timeline_{revision.content_type.model}_change", args=[revision.object_id]
            )
        except services.RevisionError as error:
            changes, parts, target_url = [], [], None
            self.message_user(request, str(error), messages.WARNING)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {revision.label}",
            "revision": revision,
            "changes": changes,
            "parts": parts,
            "target_url": target_url,
            "form": form,
            "may_review": may_review and revision.state == RevisionState.PENDING,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/timeline/proposedrevision/review.html", context)
