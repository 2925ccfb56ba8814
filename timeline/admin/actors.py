"""Actors: found by any alias, in either language."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from timeline.admin.forms import ActorAdminForm
from timeline.admin.reviewed import ReviewedChangeAdmin
from timeline.models import Actor


@admin.register(Actor)
class ActorAdmin(ReviewedChangeAdmin):
    form = ActorAdminForm
    list_display = ["name", "name_ko", "kind", "country", "alias_list"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_keys", "description", "description_ko"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    @admin.display(description=gettext_lazy("Aliases"))
    def alias_list(self, obj: Actor) -> str:
        return ", ".join(obj.aliases)

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            queryset = queryset | self.model.objects.matching(search_term)
        return queryset, duplicates
