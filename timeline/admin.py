from django.contrib import admin

from timeline.models import Actor, Citation, Event, EventRelation, Participation, Source, Tag


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["actor"]


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source", "speaker"]


class RelationInline(admin.TabularInline):
    model = EventRelation
    fk_name = "from_event"
    extra = 0
    autocomplete_fields = ["to_event"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "date_display", "kind", "status", "publication", "updated_at"]
    list_filter = ["kind", "status", "publication", "precision", "country", "tags"]
    search_fields = ["title", "summary", "slug"]
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    inlines = [ParticipationInline, CitationInline, RelationInline]

    @admin.display(description="Date", ordering="start")
    def date_display(self, obj: Event) -> str:
        return obj.date_display


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_keys", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "language", "kind", "ai_generated"]
    list_filter = ["kind", "ai_generated", "language"]
    search_fields = ["title", "publisher", "url"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
