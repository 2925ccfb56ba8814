from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from timeline.archive import ArchiveError, import_archive


class Command(BaseCommand):
    help = "Restore an archive written by export_archive into an empty database (all or nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            counts = import_archive(path)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {sum(counts.values())} records."))
