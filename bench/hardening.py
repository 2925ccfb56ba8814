"""make bench: the slow-query guard and the exports on synthetic PostgreSQL data.

Prints, for a small and a large record (databases seeded with `manage.py seed_synthetic`):
1. the worst searches we know of, each timed through gunicorn (status and milliseconds): the
   one-letter search of issue 17, words that match thousands of actors, common words counted
   and faceted. A query past the budget (DB_STATEMENT_TIMEOUT_MS) is a 503, not a dead worker;
2. ranked search (sort=relevance) at both sizes, median of several runs, and the ratio;
3. what the bounded candidate pool costs in ranking quality on the large record: overlap of
   the first 10 / 50 results with the full ranking's;
4. an export of 20 000 events in each format: time and peak Python memory (tracemalloc),
   written to the export cache now, against the previous code (built in memory, read from the
   git history) in the same run;
5. the latency of a one-event API request while two exports are requested at once (two gunicorn
   workers), against the same request on an idle server.

Usage: python bench/hardening.py [--small 10000] [--large 1000000] [--runs 5]
     or python bench/hardening.py --small-db NAME --large-db NAME (already seeded databases)
The databases are bench/run.py's PostgreSQL databases bench_<N>, built (seeded) if missing.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]
# The exports as they were before they were streamed, to measure against in the same run.
PREVIOUS_EXPORTS = "21971fb:timeline/exports.py"

WORST_SEARCHES = [
    "/api/v1/events?q=t&limit=1&count=true",
    "/api/v1/facets?q=t",
    "/?q=t&sort=relevance",
    "/api/v1/events?q=actor&limit=1&count=true",
    "/api/v1/facets?q=synthetic",
    "/?q=actor&sort=relevance",
    "/api/v1/events?q=Synthetic%20Actor%2012&limit=50",
    "/api/v1/events?q=kim&limit=50",
    "/api/v1/events?q=nomatchanywhere&limit=50&count=true",
    "/api/v1/events?q=summit&limit=1&count=true",
    "/api/v1/facets?q=summit",
    "/api/v1/events?q=summit&sort=relevance&limit=50",
    "/api/v1/events?q=%22peace%20treaty%22%20-summit&limit=50&count=true",
]
RANKED = "/api/v1/events?q={q}&sort=relevance&limit=50&to={to}"
RANKED_WORDS = ["summit", "missile launch", "peace", "Panmunjom envoy", "hotline"]


def env_for(database: str, **extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG}/{database}",
        SECRET_KEY="bench-only-secret-key-not-for-production",
        DEBUG="false",
        STATIC_MANIFEST="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PAGE_CACHE_SECONDS="0",
        API_ANON_RATE="100000000/m",
        LOG_LEVEL="ERROR",
        LOG_JSON="false",
        HTTPS="false",
        WARM_COUNTS="false",
        EXPORT_CACHE_DIR=tempfile.mkdtemp(prefix="bench-exports-"),
    )
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def get(port: int, path: str, *, timeout: float = 60) -> tuple[int, float, int]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        size = len(response.read())
        return response.status, time.perf_counter() - started, size
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started, 0
    finally:
        conn.close()


class Server:
    def __init__(self, database: str, *, workers: int = 2, **extra: str) -> None:
        self.port = 8790 + (os.getpid() % 100)
        command = [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ]
        self.env = env_for(database, **extra)
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "migrate", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 60
        while get(self.port, "/healthz", timeout=2)[0] != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.env["EXPORT_CACHE_DIR"], ignore_errors=True)


def count_events(database: str) -> int:
    import psycopg

    with psycopg.connect(f"{PG}/{database}") as conn:
        return conn.execute("SELECT count(*) FROM timeline_event").fetchone()[0]


def worst_searches(database: str) -> list[dict]:
    rows = []
    with Server(database) as server:
        for path in WORST_SEARCHES:
            get(server.port, path)  # warm the worker's connection and the actor look-up
            status, seconds, size = get(server.port, path.replace("?", "?to=2199&", 1))
            rows.append(
                {"path": path, "status": status, "ms": round(seconds * 1000), "bytes": size}
            )
    return rows


def ranked_latency(database: str, *, runs: int) -> float:
    samples = []
    with Server(database) as server:
        for run in range(runs):
            for word in RANKED_WORDS:
                # A different (equivalent) `to` each time: no cached pool or answer is reused.
                path = RANKED.format(q=quote(word), to=2100 + run)
                status, seconds, _ = get(server.port, path)
                if status == 200 and run > 0:
                    samples.append(seconds * 1000)
    return statistics.median(samples)


def django_setup(database: str) -> None:
    # In-process measurements are traced (slow): no statement budget for them, and slots
    # enough that a slot left by an interrupted run does not turn them away.
    os.environ.update(env_for(database, DB_STATEMENT_TIMEOUT_MS="0", EXPORT_SLOTS="50"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ranking_quality() -> list[dict]:
    from timeline.selectors.events import event_list
    from timeline.selectors.paging import event_page
    from timeline.selectors.params import TimelineFilter

    rows = []
    for word in RANKED_WORDS:
        filters = TimelineFilter(q=word, sort="relevance")
        full = list(event_list(filters).values_list("pk", "relevance")[:50])
        pooled = [(e.pk, e.relevance) for e in event_page(filters, limit=50).events]
        matches = event_list(filters).count()

        def overlap(k: int, full=full, pooled=pooled) -> float:
            ideal = {pk for pk, _ in full[:k]}
            return len(ideal & {pk for pk, _ in pooled[:k]}) / max(1, len(ideal))

        def score(k: int, full=full, pooled=pooled) -> float:
            # How relevant the pooled first k are, against the best k of all matches.
            return sum(r for _, r in pooled[:k]) / max(1, sum(r for _, r in full[:k]))

        rows.append(
            {
                "q": word,
                "matches": matches,
                "top10_overlap": overlap(10),
                "top50_overlap": overlap(50),
                "top10_score": score(10),
                "top50_score": score(50),
            }
        )
    return rows


def previous_exports():
    try:
        source = subprocess.run(
            ["git", "show", PREVIOUS_EXPORTS], cwd=ROOT, capture_output=True, check=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / "previous_exports.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("previous_exports", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(function) -> tuple[float, float]:
    """Seconds (without tracing), then peak MB of Python allocations (traced)."""
    started = time.perf_counter()
    function()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6


def export_costs(formats: list[str]) -> list[dict]:
    from django.core.cache import cache
    from django.test import RequestFactory

    from timeline import exports
    from timeline.selectors.events import event_list
    from timeline.selectors.params import TimelineFilter

    old = previous_exports()
    filters = TimelineFilter()
    request = RequestFactory().get("/api/v1/export/events", HTTP_HOST="127.0.0.1")
    rows = []
    for name in formats:
        events = event_list(
            filters.model_copy(update={"sort": "newest"}) if name == "atom" else filters
        )

        def now(name=name, events=events):
            cache.clear()  # a new cache generation: the export is written again
            response = exports.export_response(name, events, request=request, filters=filters)
            size = 0
            for piece in response.streaming_content:
                size += len(piece)
            response.close()
            return size

        seconds, peak = measure(now)
        row = {"format": name, "seconds": round(seconds, 2), "peak_mb": round(peak, 1)}
        if old is not None:
            build = {
                "csv": lambda events=events: old.csv_response(events),
                "ics": lambda events=events: old.ical_response(events, request=request),
                "atom": lambda events=events: old.atom_response(
                    events, request=request, filters=filters
                ),
                "timelinejs": lambda events=events: old.timelinejs_response(
                    events, request=request
                ),
            }[name]
            old_seconds, old_peak = measure(build)
            row.update(before_seconds=round(old_seconds, 2), before_peak_mb=round(old_peak, 1))
        rows.append(row)
    return rows


def probe_during_exports(database: str, *, seconds: float = 8) -> dict:
    probe = "/api/v1/events?limit=1&to=2199"
    with Server(database) as server:
        get(server.port, probe)
        idle = [get(server.port, probe)[1] * 1000 for _ in range(20)]
        results: dict[str, tuple] = {}

        def export(path: str) -> None:
            results[path] = get(server.port, path, timeout=120)

        exporters = [
            threading.Thread(target=export, args=(path,))
            for path in ("/api/v1/export/events.csv", "/api/v1/export/events.ics")
        ]
        for thread in exporters:
            thread.start()
        time.sleep(0.2)
        busy, statuses = [], []
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            status, took, _ = get(server.port, probe, timeout=60)
            busy.append(took * 1000)
            statuses.append(status)
        for thread in exporters:
            thread.join()
    return {
        "idle_p50_ms": round(statistics.median(idle), 1),
        "busy_p50_ms": round(statistics.median(busy), 1),
        "busy_max_ms": round(max(busy), 1),
        "probe_requests": len(busy),
        "probe_non_200": sum(1 for s in statuses if s != 200),
        "exports": {
            path: {"status": status, "seconds": round(took, 1), "bytes": size}
            for path, (status, took, size) in results.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--small-db", default="")
    parser.add_argument("--large-db", default="")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", default="csv,ics,atom,timelinejs")
    parser.add_argument("--sections", default="1,2,3,4,5")
    args = parser.parse_args()
    for size, option in ((args.small, "small_db"), (args.large, "large_db")):
        if not getattr(args, option):
            sys.path.insert(0, str(ROOT / "bench"))
            from run import ensure_database

            setattr(args, option, ensure_database("postgres", size).rsplit("/", 1)[1])
    args.small, args.large = args.small_db, args.large_db
    small, large = count_events(args.small), count_events(args.large)
    print(f"small record: {small} events ({args.small}); large: {large} events ({args.large})")

    sections = set(args.sections.split(","))
    if "1" in sections:
        print("\n1. Worst searches on the large record (2 gunicorn workers, 5 s statement budget)")
        for row in worst_searches(args.large):
            print(f"  {row['status']:>3} {row['ms']:>6} ms {row['bytes']:>8} B  {row['path']}")

    if "2" in sections:
        print("\n2. Ranked search (sort=relevance, median ms)")
        at_small = ranked_latency(args.small, runs=args.runs)
        at_large = ranked_latency(args.large, runs=args.runs)
        print(
            f"  {small} events: {at_small:.0f} ms; {large} events: {at_large:.0f} ms; "
            f"ratio {at_large / at_small:.2f}"
        )

    django_setup(args.large)
    print(
        "\n3. Ranking quality of the bounded pool on the large record (overlap with the full"
        " ranking)"
    )
    for row in ranking_quality():
        print(
            f"  {row['q']!r:>18}: {row['matches']:>7} matches; same events: top 10"
            f" {row['top10_overlap']:.0%}, top 50 {row['top50_overlap']:.0%}; relevance"
            f" score of the pooled vs the best: top 10 {row['top10_score']:.0%}, top 50"
            f" {row['top50_score']:.0%}"
        )

    print(
        "\n4. Export of the first 20 000 events: now (streamed through the export cache) vs"
        " before (built in memory)"
    )
    for row in export_costs(args.formats.split(",")):
        before = (
            f"; before {row['before_seconds']} s, {row['before_peak_mb']} MB"
            if "before_seconds" in row
            else ""
        )
        print(f"  {row['format']:>10}: {row['seconds']} s, peak {row['peak_mb']} MB{before}")

    if "5" not in sections:
        return
    print("\n5. One-event API request while two exports are requested at once (2 workers)")
    print("  " + json.dumps(probe_during_exports(args.large), indent=2).replace("\n", "\n  "))


if __name__ == "__main__":
    main()
