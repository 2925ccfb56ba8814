"""Run by test_editorial_import on SQLite: a large CSV import on a real SQLite *file* (the
test suite's in-memory database cannot show writers interleaving) while another connection
keeps saving. Prints a JSON line: rows created, the other writer's saves and its errors."""

import json
import os
import sys
import threading
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    django.setup()
    if os.environ.get("PROBE_SQLITE_FILE"):
        # The SQLite configuration the project ships (WAL, IMMEDIATE, timeout), on a file.
        from django.conf import settings

        settings.DATABASES["default"]["NAME"] = os.environ["PROBE_SQLITE_FILE"]
    from django.core.management import call_command
    from django.db import connection

    from timeline.models import Source
    from timeline.services import csv_import

    call_command("migrate", verbosity=0)
    Source.objects.create(title="Probe", url="https://example.org/probe")
    header = "title,kind,start_date,source_url\n"
    rows = "".join(
        f"Batch row {n},meeting,2031-01-01,https://example.org/batch/{n}\n"
        for n in range(int(sys.argv[1]))
    )
    saves, failures, done = [], [], threading.Event()

    def other_writer() -> None:
        from django.db import connection as own

        try:
            while not done.is_set():
                Source.objects.filter(url="https://example.org/probe").update(
                    language="en" if len(saves) % 2 else ""
                )
                saves.append(1)
                time.sleep(0.02)  # a staff member saving, not a tight loop
        except Exception as error:
            failures.append(f"{error!r} after {len(saves)} saves")
        finally:
            own.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        report = csv_import.apply_import(header + rows, user=None)
    finally:
        done.set()
        thread.join()
    connection.close()
    print(
        json.dumps(
            {
                "created": report.created,
                "errors": report.errors,
                "saves": len(saves),
                "failures": failures,
            }
        )
    )


if __name__ == "__main__":
    main()
