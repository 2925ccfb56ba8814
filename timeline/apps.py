from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = gettext_lazy("Korean Peninsula diplomacy timeline")

    def ready(self) -> None:
        # Imported here, as Django requires: models are not ready when this module loads.
        from django.db.backends.signals import connection_created

        from timeline import caching, rendering
        from timeline.dbguard import on_connection_created
        from timeline.selectors.facets import warm_counts_after_change

        caching.connect_signals()
        caching.call_after_each_bump(warm_counts_after_change)
        rendering.connect_signals()
        connection_created.connect(on_connection_created, dispatch_uid="timeline-dbguard")
