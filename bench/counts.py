"""make bench-counts: what the timeline's counts (total, chart, facets) cost on a large record.

1. In process: the facet counts as one query per facet, against one GROUPING SETS scan.
2. Under gunicorn, with nothing cached (as after an editorial change): the first timeline
   request when counts are counted inline (COUNTS_DEFER_ABOVE above N, the old behaviour),
   against the default, where the page comes first and htmx fetches /counts/ after it.
3. After a real change with background counting on: how long until the counts are cached,
   and what the next reader's request then costs.

Usage: python bench/counts.py [--size 1000000]  (PostgreSQL database bench_<size>, built by
bench/run.py's ensure_database if missing). Writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
PORT = 8911
PATHS = ["/", "/?kind=summit&from=2000&to=2010"]


def timed_get(path: str, headers: dict | None = None) -> tuple[float, int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read().decode()
    return (time.perf_counter() - started) * 1000, response.status, body


def flush_cache() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def in_process(url: str, repeats: int) -> dict:
    os.environ.update(bench.base_env(url), DJANGO_SETTINGS_MODULE="config.settings")
    import django

    django.setup()
    from django.db.models import Count

    from timeline.models import Actor
    from timeline.selectors.events import filtered_events
    from timeline.selectors.facets import count_field_by_field, count_in_one_scan
    from timeline.selectors.params import TimelineFilter

    results = {}
    for label, filters in (
        ("all", TimelineFilter()),
        ("summit 2000-2010", TimelineFilter(kind=["summit"], date_from="2000", date_to="2010")),
    ):
        events = filtered_events(filters).order_by()

        def actors(events=events):
            return list(
                Actor.objects.filter(participations__event__in=events.values("pk"))
                .annotate(count=Count("participations__event", distinct=True))
                .order_by("-count", "name")
                .values("slug", "count")[:10]
            )

        timings: dict[str, list[float]] = {"query per facet": [], "one scan": [], "actors": []}
        for _ in range(repeats):
            for name, work in (
                ("query per facet", lambda events=events: count_field_by_field(events)),
                ("one scan", lambda events=events: count_in_one_scan(events)),
                ("actors", actors),
            ):
                started = time.perf_counter()
                work()
                timings[name].append((time.perf_counter() - started) * 1000)
        results[label] = {name: statistics.median(values) for name, values in timings.items()}
    return results


def start(url: str, **extra: str) -> subprocess.Popen:
    env = bench.base_env(url)
    env.update(REDIS_URL=REDIS_URL, **extra)
    command = [
        str(bench.VENV_BIN / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        "2",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=bench.ROOT, env=env)
    bench.wait_for(PORT)
    return process


def first_requests(url: str, *, defer_above: str) -> dict:
    server = start(url, COUNTS_DEFER_ABOVE=defer_above, WARM_COUNTS="false")
    try:
        rows = {}
        for path in PATHS:
            timed_get("/healthz")
            flush_cache()
            first_ms, _, body = timed_get(path)
            pending = 'class="counts pending"' in body
            counts_ms = None
            if pending:
                query = path.partition("?")[2]
                counts_ms, _, _ = timed_get(f"/counts/?{query}", {"HX-Request": "true"})
            again_ms, _, body = timed_get(path)
            rows[path] = {
                "first page ms": first_ms,
                "counts deferred": pending,
                "counts fragment ms": counts_ms,
                "next page ms": again_ms,
            }
        return rows
    finally:
        server.terminate()
        server.wait()


def after_a_change(url: str) -> dict:
    """An editor's save in a process like a gunicorn worker, which stays up while it counts."""
    flush_cache()
    env = bench.base_env(url)
    env.update(REDIS_URL=REDIS_URL, WARM_COUNTS="true")
    script = (
        "import threading, time\n"
        "from timeline.models import Event\n"
        "event = Event.objects.order_by('id').first()\n"
        "started = time.perf_counter(); event.save()\n"
        "[t.join() for t in threading.enumerate() if t.name == 'warm-counts']\n"
        "print(round((time.perf_counter() - started) * 1000))\n"
    )
    output = subprocess.run(
        [str(bench.VENV_BIN / "python"), "manage.py", "shell", "-c", script],
        cwd=bench.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    warmed_ms = float(output.strip().splitlines()[-1])
    server = start(url, WARM_COUNTS="false")
    try:
        timed_get("/healthz")
        page_ms, _, body = timed_get("/")
        return {
            "save to counts cached ms (includes 2 s debounce)": warmed_ms,
            "next reader's first page ms": page_ms,
            "counts in that page": 'class="counts pending"' not in body,
        }
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    url = bench.ensure_database("postgres", args.size)
    report = {
        "n": args.size,
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "facet queries (median ms)": in_process(url, args.repeats),
        "inline counts (old behaviour)": first_requests(url, defer_above=str(10**12)),
        "deferred counts (default)": first_requests(url, defer_above="20000"),
        "after a change, counted in the background": after_a_change(url),
    }
    print(json.dumps(report, indent=2))
    for label, timings in report["facet queries (median ms)"].items():
        ratio = timings["query per facet"] / timings["one scan"]
        print(f"{label}: one scan is {ratio:.1f}x faster than a query per facet")
    for path in PATHS:
        old = report["inline counts (old behaviour)"][path]["first page ms"]
        new = report["deferred counts (default)"][path]["first page ms"]
        print(f"{path}: first page {old:.0f} ms inline -> {new:.0f} ms deferred ({old / new:.1f}x)")
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    out = bench.RESULTS / f"counts-{args.size}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
