"""Fill (or redo) the stored API representation of published events (timeline/rendering.py)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from timeline.rendering import render_all


class Command(BaseCommand):
    help = (
        "Render the API representation of published events that have none (after an upgrade or "
        "a bulk load that bypassed model signals); --all renders every published event again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Render every published event.")

    def handle(self, *args, all: bool, **options) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            written = render_all(missing_only=not all)
        self.stdout.write(
            f"Rendered {written} published events in {time.perf_counter() - started:.1f} s."
        )
