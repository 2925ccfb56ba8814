"""Sources: AI-generated reporting is always marked."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timeline.admin.reviewed import ReviewedChangeAdmin
from timeline.models import Source


@admin.register(Source)
class SourceAdmin(ReviewedChangeAdmin):
    list_display = ["title", "ai_marker", "publisher", "published_on", "language", "kind"]
    list_filter = ["ai_generated", "kind", "language"]
    search_fields = ["title", "publisher", "url"]

    @admin.display(description=gettext_lazy("AI-generated"), ordering="ai_generated")
    def ai_marker(self, obj: Source) -> str:
        if obj.ai_generated:
            return format_html('<strong class="ai-flag">{}</strong>', _("AI-generated"))
        return "—"
