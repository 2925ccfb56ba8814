from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Korean Peninsula diplomacy timeline"

    def ready(self) -> None:
        from timeline.caching import connect_signals

        connect_signals()
