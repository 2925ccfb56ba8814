"""The review queue: proposed changes to live records, each reviewed as a diff."""

from __future__ import annotations

from functools import partial

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from timeline.admin import views
from timeline.models import ProposedRevision, RevisionState


@admin.register(ProposedRevision)
class ProposedRevisionAdmin(admin.ModelAdmin):
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
            return HttpResponseRedirect(f"{request.path}?state__exact={RevisionState.PENDING}")
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("Change to"), ordering="label")
    def review_link(self, obj: ProposedRevision) -> str:
        url = reverse("admin:timeline_proposedrevision_review", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.label)

    @admin.display(description=gettext_lazy("Record"), ordering="content_type")
    def kind_of_record(self, obj: ProposedRevision) -> str:
        return capfirst(obj.content_type.name)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(
            reverse("admin:timeline_proposedrevision_review", args=[object_id])
        )

    def get_urls(self):
        review = partial(views.review_revision, model_admin=self)
        return [
            path(
                "<int:revision_id>/review/",
                self.admin_site.admin_view(review),
                name="timeline_proposedrevision_review",
            ),
            *super().get_urls(),
        ]
