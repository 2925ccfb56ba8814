"""`manage.py check_record`: the source policy and the record's health; fails on any finding."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from timeline.selectors.record import record_findings


class Command(BaseCommand):
    help = (
        "Check the published record against the source policy: a strong account for every "
        "event, complete source fields, evidence for each account, no past scheduled events."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Judge past and future against this date (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, today: date | None = None, **options) -> None:
        findings = record_findings(today=today)
        for finding in findings:
            self.stdout.write(str(finding))
        if findings:
            raise CommandError(f"{len(findings)} finding(s): the record does not meet the policy.")
        self.stdout.write(self.style.SUCCESS("The record meets the source policy."))
