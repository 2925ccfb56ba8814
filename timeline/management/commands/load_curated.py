from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from timeline.curated import DATA_DIR, CuratedDataError, load_curated


class Command(BaseCommand):
    help = "Load the curated actors, events and seed-article citations shipped in timeline/data."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help="Folder holding actors.csv, sources.csv, events.jsonl and seed_articles.json.",
        )

    def handle(self, *args, data_dir: Path, **options) -> None:
        try:
            report = load_curated(data_dir=data_dir)
        except CuratedDataError as error:
            raise CommandError(
                "The curated data has errors; nothing of the failing file was written:\n"
                + "\n".join(f"  {line}" for line in error.errors)
            ) from None
        except FileNotFoundError as error:
            raise CommandError(f"Curated data file not found: {error.filename}") from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
