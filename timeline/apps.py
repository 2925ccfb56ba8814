from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Korean Peninsula diplomacy timeline"

    def ready(self) -> None:
        from timeline import caching, rendering

        caching.connect_signals()
        rendering.connect_signals()
