"""make bench: the slow-query guard and the exports on synthetic PostgreSQL data.

Prints, for a small and a large record (databases seeded with `manage.py seed_synthetic`):
1. the worst searches we know of, each timed through gunicorn (status and milliseconds): the
   one-letter search of issue 17, words that match thousands of actors, common words counted
   and faceted. A query past the budget (DB_STATEMENT_TIMEOUT_MS) is a 503, not a dead worker;
2. ranked search (sort=relevance) at both sizes, median of several runs, and the ratio;
3. what the bounded candidate pool costs in ranking quality on the large record: overlap of
   the first 10 / 50 results with the full ranking's;
4. an export of the first 20 000 events in each format: the time to write it as it is produced
   now; and the peak Python memory (tracemalloc) of exports of 500 and 2 000 events, now and
   with the previous code (built in memory, read from the git history) in the same run: a flat
   export peaks alike at both sizes;
5. the latency of a one-event API request while two exports are requested at once (two gunicorn
   workers), against the same request on the idle server just before, as a ratio.

The bench only reads the records: no migration is run (a database lacking a migration that
changes its schema is refused), the workers' shared cache and rate counts live in a Redis
database of the bench's own (the one after BENCH_REDIS_URL's, emptied before each server
starts), and the exports measured in-process are written to a temporary file without the
export slot. Section 5 serves exports the way production does, so the app takes and releases
its export slot (one row of timeline_workslot) there.

Usage: python bench/hardening.py [--small 10000] [--large 1000000] [--runs 5]
     or python bench/hardening.py --small-db NAME --large-db NAME (already seeded databases:
        a PostgreSQL database's name or URL, or a SQLite file, which is served from a copy)
The databases are bench/run.py's PostgreSQL databases bench_<N>, built (seeded) if missing.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import random
import shutil
import sqlite3
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
# Not bench/run.py's Redis database (BENCH_REDIS_URL) but the next one on the same server:
# this one is emptied before each server starts, so that nothing cached by an earlier run (a
# ranked pool, an actor look-up) is measured as fast.
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
REDIS_URL = f"{BENCH_REDIS.rsplit('/', 1)[0]}/{int(BENCH_REDIS.rsplit('/', 1)[1] or 0) + 1}"
# The exports as they were before they were streamed, to measure against in the same run.
PREVIOUS_EXPORTS = "21971fb:timeline/exports.py"
PORT = 8790 + (os.getpid() % 100)

WORST_SEARCHES = [
    "/api/v1/events?q=t&limit=1&count=true",
    "/api/v1/facets?q=t",
    "/en/?q=t&sort=relevance",
    "/api/v1/events?q=actor&limit=1&count=true",
    "/api/v1/facets?q=synthetic",
    "/en/?q=actor&sort=relevance",
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
PROBE = "/api/v1/events?limit=1&to={to}"
EXPORTS = ("/api/v1/export/events.csv", "/api/v1/export/events.ics")


STARTED = time.monotonic()


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return (
        f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores);"
        f" {time.monotonic() - STARTED:.0f} s since start"
    )


def database_url(database: str) -> str:
    """A URL as given, or the name of a PostgreSQL database on the bench's server."""
    return database if "://" in database else f"{PG}/{database}"


def env_for(database: str, **extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(database),
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
        REDIS_URL=REDIS_URL,
        EXPORT_CACHE_DIR=tempfile.mkdtemp(prefix="bench-exports-"),
    )
    env.update(extra)
    return env


def empty_bench_cache() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


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


def refuse_unmigrated(env: dict) -> None:
    """The bench reads the databases as they are and never migrates them. A record behind the
    code is named; it is refused only when a missing migration changes the schema (labels and
    choices do not)."""
    checked = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "migrate", "--check", "--plan"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if checked.returncode != 0 and not schema_unchanged(env, checked.stdout):
        raise SystemExit(
            f"{env['DATABASE_URL']} lacks migrations of this code; the bench does not migrate"
            f" it:\n{checked.stdout[-2000:]}{checked.stderr[-2000:]}"
        )


def schema_unchanged(env: dict, plan: str) -> bool:
    """Whether the planned migrations write no SQL (sqlmigrate prints only comments)."""
    for line in plan.splitlines():
        if "." not in line or line.startswith(" "):
            continue
        app, name = line.strip().split(".", 1)
        sql = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "sqlmigrate", app, name],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
        statements = [s for s in sql.splitlines() if s.strip() and not s.startswith("--")]
        if any(s.strip() not in ("BEGIN;", "COMMIT;") for s in statements):
            return False
        print(f"  ({app}.{name} is not applied there; it changes no SQL)", flush=True)
    return True


class Server:
    """gunicorn as bin/serve runs it (2 sync workers, 30 s timeout) on loopback."""

    def __init__(self, database: str, *, workers: int = 2, **extra: str) -> None:
        self.port = PORT
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
        refuse_unmigrated(self.env)
        empty_bench_cache()
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 60
        while get(self.port, "/healthz", timeout=2)[0] != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.process.kill()
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.env["EXPORT_CACHE_DIR"], ignore_errors=True)


def sqlite_copy(path: str) -> tuple[str, Path]:
    """A copy of a SQLite file (and its WAL) to serve: the original stays untouched, even by
    the app's own bookkeeping (export slots, rate counts)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
    source = Path(path).resolve()
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", folder / f"{source.name}{suffix}")
    return f"sqlite:///{folder / source.name}", folder


def count_events(database: str) -> int:
    url = database_url(database)
    if url.startswith("sqlite:///"):
        with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM timeline_event").fetchone()[0]
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM timeline_event").fetchone()[0]


def unseen_year() -> int:
    """A `to` year no earlier run of this bench used: every measured answer is computed."""
    return random.randint(2200, 9000)


def worst_searches(database: str) -> list[dict]:
    rows = []
    year = unseen_year()
    with Server(database) as server:
        for path in WORST_SEARCHES:
            get(server.port, path)  # warm the worker's connection and the actor look-up
            status, seconds, size = get(server.port, path.replace("?", f"?to={year}&", 1))
            rows.append(
                {"path": path, "status": status, "ms": round(seconds * 1000), "bytes": size}
            )
    return rows


def ranked_latency(database: str, *, runs: int) -> float:
    samples = []
    year = unseen_year()
    with Server(database) as server:
        for run in range(runs):
            for word in RANKED_WORDS:
                # A different (equivalent) `to` each time: no cached pool or answer is reused.
                path = RANKED.format(q=quote(word), to=year + run)
                status, seconds, _ = get(server.port, path)
                if status == 200 and run > 0:
                    samples.append(seconds * 1000)
    return statistics.median(samples)


def django_setup(database: str) -> None:
    # In-process measurements are traced (slow): no statement budget for them.
    os.environ.update(env_for(database, DB_STATEMENT_TIMEOUT_MS="0"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    empty_bench_cache()


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
    # The old code took its entries from `schemas.event_item`, since replaced by the EventItem
    # schema the exports use now: the same entry, as the dict the old code expects.
    source = source.replace(
        "from timeline.schemas import event_item",
        "from timeline.schemas import EventItem\n\n\n"
        "def event_item(event):\n    return EventItem.from_orm(event).model_dump()\n",
    )
    path = Path(tempfile.mkdtemp()) / "previous_exports.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("previous_exports", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seconds_of(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def peak_mb(function) -> float:
    """Peak MB of Python allocations while `function` runs (traced, so slower)."""
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


# Peak memory is traced (several times slower) on two short exports: an export written as it
# is produced peaks the same at both, one built in memory grows with the rows.
TRACED_ROWS = (500, 2000)


def export_costs(formats: list[str]) -> list[dict]:
    from django.test import RequestFactory

    from timeline import exports
    from timeline.exports.files import write_export
    from timeline.selectors.events import event_list
    from timeline.selectors.params import TimelineFilter

    old = previous_exports()
    filters = TimelineFilter()
    request = RequestFactory().get("/api/v1/export/events", HTTP_HOST="127.0.0.1")
    folder = Path(tempfile.mkdtemp(prefix="bench-export-costs-"))
    rows = []
    for name in formats:
        events = event_list(
            filters.model_copy(update={"sort": "newest"}) if name == "atom" else filters
        )
        fmt = exports.FORMATS[name]
        written = folder / f"now.{name}"

        def first(count: int, events=events):
            # The first `count` events, still a query that can be reordered (Atom asks).
            return events.filter(pk__in=list(events.values_list("pk", flat=True)[:count]))

        def now(events, fmt=fmt, written=written):
            # What a cache miss does after taking its slot: the export written as produced.
            write_export(fmt, events, request=request, filters=filters, language="en", path=written)

        def before(events, name=name):
            return {
                "csv": lambda: old.csv_response(events),
                "ics": lambda: old.ical_response(events, request=request),
                "atom": lambda: old.atom_response(events, request=request, filters=filters),
                "timelinejs": lambda: old.timelinejs_response(events, request=request),
            }[name]()

        row = {"format": name, "seconds": round(seconds_of(lambda events=events: now(events)), 1)}
        row["mb_written"] = round(written.stat().st_size / 1e6, 1)
        for count in TRACED_ROWS:
            some = first(count)
            row[f"peak_mb_{count}"] = round(peak_mb(lambda some=some: now(some)), 1)
            if old is not None:
                row[f"before_peak_mb_{count}"] = round(peak_mb(lambda some=some: before(some)), 1)
        rows.append(row)
        print_export_row(row)
    shutil.rmtree(folder, ignore_errors=True)
    return rows


def print_export_row(row: dict) -> None:
    small, large = TRACED_ROWS
    growth = f"{large / small:.0f}× the rows"
    line = (
        f"  {row['format']:>10}: {row['seconds']} s for {row['mb_written']} MB; peak"
        f" {row[f'peak_mb_{small}']} → {row[f'peak_mb_{large}']} MB"
        f" ({row[f'peak_mb_{large}'] / row[f'peak_mb_{small}']:.2f}× for {growth})"
    )
    if f"before_peak_mb_{small}" in row:
        line += (
            f"; before: {row[f'before_peak_mb_{small}']} → {row[f'before_peak_mb_{large}']} MB"
            f" ({row[f'before_peak_mb_{large}'] / row[f'before_peak_mb_{small}']:.2f}×)"
        )
    print(line, flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def workers_memory_mb(server: Server) -> list[float]:
    """Each gunicorn worker's peak resident memory so far (VmHWM), in MB."""
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    peaks = []
    for child in children:
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(round(int(line.split()[1]) / 1024, 1))
    return peaks


def probe_during_exports(database: str, *, seconds: float = 8) -> dict:
    year = unseen_year()
    with Server(database) as server:
        get(server.port, PROBE.format(to=year))
        get(server.port, PROBE.format(to=year))  # both workers connected
        idle = [get(server.port, PROBE.format(to=year))[1] * 1000 for _ in range(30)]
        memory_before = workers_memory_mb(server)
        results: dict[str, tuple] = {}

        def export(path: str) -> None:
            results[path] = get(server.port, path, timeout=120)

        exporters = [threading.Thread(target=export, args=(path,)) for path in EXPORTS]
        for thread in exporters:
            thread.start()
        time.sleep(0.2)
        busy, statuses = [], []
        stop = time.monotonic() + seconds
        while time.monotonic() < stop or any(thread.is_alive() for thread in exporters):
            status, took, _ = get(server.port, PROBE.format(to=year), timeout=60)
            busy.append(took * 1000)
            statuses.append(status)
            if time.monotonic() > stop + 120:
                break
        for thread in exporters:
            thread.join()
        memory_after = workers_memory_mb(server)
    idle_p50, busy_p50 = statistics.median(idle), statistics.median(busy)
    return {
        "idle_p50_ms": round(idle_p50, 1),
        "idle_p95_ms": round(percentile(idle, 0.95), 1),
        "busy_p50_ms": round(busy_p50, 1),
        "busy_p95_ms": round(percentile(busy, 0.95), 1),
        "busy_max_ms": round(max(busy), 1),
        "p50_ratio": round(busy_p50 / idle_p50, 2),
        "probe_requests": len(busy),
        "probe_non_200": sum(1 for s in statuses if s != 200),
        "workers_peak_rss_mb_before": memory_before,
        "workers_peak_rss_mb_after": memory_after,
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
    copies = []
    for option in ("small_db", "large_db"):
        if getattr(args, option).endswith(".sqlite3"):
            url, folder = sqlite_copy(getattr(args, option))
            copies.append(folder)
            setattr(args, option, url)
    try:
        run_sections(args)
    finally:
        for folder in copies:
            shutil.rmtree(folder, ignore_errors=True)


def run_sections(args: argparse.Namespace) -> None:
    args.small, args.large = args.small_db, args.large_db
    small, large = count_events(args.small), count_events(args.large)
    print(f"small record: {small} events ({args.small}); large: {large} events ({args.large})")
    print(f"start: {load_average()}", flush=True)

    sections = set(args.sections.split(","))
    if "1" in sections:
        print("\n1. Worst searches on the large record (2 gunicorn workers, 5 s statement budget)")
        for row in worst_searches(args.large):
            print(f"  {row['status']:>3} {row['ms']:>6} ms {row['bytes']:>8} B  {row['path']}")
        print(f"  ({load_average()})", flush=True)

    if "2" in sections:
        print("\n2. Ranked search (sort=relevance, median ms)")
        at_small = ranked_latency(args.small, runs=args.runs)
        at_large = ranked_latency(args.large, runs=args.runs)
        print(
            f"  {small} events: {at_small:.0f} ms; {large} events: {at_large:.0f} ms; "
            f"ratio {at_large / at_small:.2f}"
        )
        print(f"  ({load_average()})", flush=True)

    if sections & {"3", "4"}:
        django_setup(args.large)
    if "3" in sections:
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
        print(f"  ({load_average()})", flush=True)

    if "4" in sections:
        print(
            "\n4. Exports: seconds to write the first 20 000 events as produced now; peak Python"
            f" memory (traced) for the first {TRACED_ROWS[0]} and {TRACED_ROWS[1]} events, now and"
            " before (built in memory, the code of the git history)"
        )
        export_costs(args.formats.split(","))
        print(f"  ({load_average()})", flush=True)

    if "5" in sections:
        print("\n5. One-event API request while two exports are requested at once (2 workers)")
        figures = probe_during_exports(args.large)
        print("  " + json.dumps(figures, indent=2).replace("\n", "\n  "))
        print(f"  ({load_average()})", flush=True)


if __name__ == "__main__":
    main()
