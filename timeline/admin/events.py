"""Events: the list, the form with its parts, the publication workflow and the event pages."""

from __future__ import annotations

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timeline.admin import imports, views
from timeline.admin.forms import EventAdminForm
from timeline.admin.reviewed import ReviewedChangeAdmin
from timeline.models import Citation, Event, EventRelation, Participation, Publication
from timeline.selectors.editorial import possible_duplicates, stored_publication
from timeline.services import editorial

HTMX_JS = "django_htmx/htmx-2.min.js"
AI_FLAG = '<strong class="ai-flag">{}</strong>'


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

    @admin.display(description=gettext_lazy("AI-generated source"))
    def source_ai_generated(self, obj: Citation) -> str:
        if obj.pk and obj.source.ai_generated:
            return format_html(AI_FLAG, _("AI-generated"))
        return "—"


class RelationInline(admin.TabularInline):
    model = EventRelation
    fk_name = "from_event"
    extra = 0
    autocomplete_fields = ["to_event"]
    verbose_name = gettext_lazy("relation to another event")
    verbose_name_plural = gettext_lazy("relations to other events")


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
    history_list_display = ["publication_label"]
    change_list_template = "admin/timeline/event/change_list.html"
    fieldsets = [
        (None, {"fields": ["title", "title_ko", "slug", "kind", "status", "publication"]}),
        (
            gettext_lazy("When"),
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
        (
            gettext_lazy("Where"),
            {"fields": ["location", "location_ko", "country", ("latitude", "longitude")]},
        ),
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

    @admin.display(description=gettext_lazy("Date"), ordering="start")
    def date_display(self, obj: Event) -> str:
        return obj.date_display

    @admin.display(description=gettext_lazy("Sources"), ordering="number_of_sources")
    def source_count(self, obj: Event) -> int:
        return obj.number_of_sources

    @admin.display(description=gettext_lazy("AI-generated sources"))
    def ai_sources(self, obj: Event) -> str:
        count = sum(1 for c in obj.citations.all() if c.source.ai_generated)
        return format_html(AI_FLAG, _("%(count)s AI") % {"count": count}) if count else "—"

    def save_model(self, request, obj, form, change) -> None:
        current = stored_publication(event_pk=obj.pk)
        if current and not editorial.may_transition(
            request.user, current=current, target=obj.publication
        ):
            raise PermissionDenied(_("You may not make that publication change."))
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        self.warn_of_duplicates(request, form.instance)

    def warn_of_duplicates(self, request, event: Event) -> None:
        actor_ids = list(event.participations.order_by("id").values_list("actor_id", flat=True))
        for duplicate in possible_duplicates(
            title=event.title,
            start=event.start,
            end=event.end,
            actor_ids=actor_ids,
            exclude_pk=event.pk,
        ):
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a> ({}) {}',
                    _("Possible duplicate:"),
                    reverse("admin:timeline_event_change", args=[duplicate.event.pk]),
                    duplicate.event.title,
                    duplicate.event.date_display,
                    _("overlaps this event and has %(reason)s.") % {"reason": duplicate.reason},
                ),
            )

    # -- the history page ----------------------------------------------------------------

    @admin.display(description=gettext_lazy("Publication"))
    def publication_label(self, record) -> str:
        return record.get_publication_display()

    # -- workflow actions ------------------------------------------------------------------

    def transition(self, request, queryset, *, target: str, done: str, refused: str) -> None:
        result = editorial.event_transition(events=queryset, target=target, user=request.user)
        if result.moved:
            self.message_user(request, done % {"count": len(result.moved)}, messages.SUCCESS)
        if result.refused:
            titles = "; ".join(event.title for event in result.refused)
            self.message_user(request, refused % {"titles": titles}, messages.ERROR)

    @admin.action(
        description=gettext_lazy("Submit selected events for review"), permissions=["change"]
    )
    def submit_for_review(self, request, queryset) -> None:
        self.transition(
            request,
            queryset,
            target=Publication.REVIEW,
            done=_("%(count)s event(s) submitted for review."),
            refused=_(
                "Not submitted for review (not allowed from their state or for your role): "
                "%(titles)s"
            ),
        )

    @admin.action(description=gettext_lazy("Publish selected events"), permissions=["publish"])
    def publish(self, request, queryset) -> None:
        self.transition(
            request,
            queryset,
            target=Publication.PUBLISHED,
            done=_("%(count)s event(s) published."),
            refused=_("Not published (not allowed from their state or for your role): %(titles)s"),
        )

    @admin.action(description=gettext_lazy("Withdraw selected events"), permissions=["publish"])
    def withdraw(self, request, queryset) -> None:
        self.transition(
            request,
            queryset,
            target=Publication.WITHDRAWN,
            done=_("%(count)s event(s) withdrawn."),
            refused=_("Not withdrawn (not allowed from their state or for your role): %(titles)s"),
        )

    def has_publish_permission(self, request) -> bool:
        return editorial.can_publish(request.user)

    # -- extra pages -----------------------------------------------------------------------

    def get_urls(self):
        def page(view, name: str):
            return self.admin_site.admin_view(partial(view, model_admin=self)), name

        custom = [
            ("when-preview/", *page(views.when_preview, "timeline_event_when_preview")),
            ("import-article/", *page(imports.import_article, "timeline_event_import_article")),
            ("import-csv/", *page(imports.import_csv, "timeline_event_import_csv")),
            ("export-csv/", *page(imports.export_csv, "timeline_event_export_csv")),
            ("deleted/", *page(views.deleted_events, "timeline_event_deleted")),
        ]
        return [path(route, view, name=name) for route, view, name in custom] + super().get_urls()
