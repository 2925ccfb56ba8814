from pathlib import Path

from django.core.management.base import BaseCommand

from timeline.archive import write_archive


class Command(BaseCommand):
    help = "Write every event, actor, source, link and history record to one JSON file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        counts = write_archive(path)
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"Wrote {total} records to {path}."))
