from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = gettext_lazy("Korean Peninsula diplomacy timeline")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from timeline import caching, rendering
        from timeline.dbguard import on_connection_created

        caching.connect_signals()
        rendering.connect_signals()
        connection_created.connect(on_connection_created, dispatch_uid="timeline-dbguard")
