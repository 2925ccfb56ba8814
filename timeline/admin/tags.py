"""Tags, named in both languages."""

from __future__ import annotations

from django.contrib import admin

from timeline.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ko", "slug"]
    search_fields = ["name", "name_ko"]
    prepopulated_fields = {"slug": ["name"]}
