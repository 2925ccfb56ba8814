"""make bench: Korean search over HTTP on the synthetic records (issue 15).

The synthetic seeder writes Korean titles, summaries and places ("베이징에서 상봉 정상회담"),
so the Korean search path (a Hangul word, its particle taken off, matched as a substring of the
Korean and English title, summary and place; see timeline/search.py) can be timed at a million
events. For each record given, gunicorn (2 workers, 5 s statement budget, as bin/serve runs it)
answers the API list (`/api/v1/events?q=…&limit=50`, newest first as the Korean timeline asks)
for each query below, one client, one request at a time: p50 and p95 (nearest rank) of the
timed requests after one untimed warm-up, the number of matches is not asked for (no count=true:
the timeline defers its counts on a large record). Then each record's p50 against the smallest
record's of the same database engine, as a ratio.

`--explain DB` runs each query in-process against DB (no statement budget), captures the SQL the
API list runs and prints EXPLAIN (ANALYZE, BUFFERS) of the slowest statement: why a query is slow.

Usage: python bench/korean_search.py [--db bench_10000 --db bench_1000000 ...]
                                     [--sqlite bench/data/bench_100000.sqlite3 ...] [--samples 11]
       python bench/korean_search.py --explain bench_1000000
A SQLite file is read from a copy (in a temporary folder), never changed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path
from urllib.parse import quote

from hardening import (
    ROOT,
    Server,
    count_events,
    django_setup,
    get,
    load_average,
    percentile,
    sqlite_copy,
)

# What a Korean reader types. The synthetic vocabulary has 정상회담, 평양, 미사일, 발사 and
# 연합훈련 (합동훈련 is matched with it); it has no 북한 (so "북한의" finds nothing there, after
# its particle is taken off) and no 무지개.
QUERIES = [
    ("정상회담", "summit: a common word (in about half of the summaries)"),
    ("평양", "Pyongyang: a place, two syllables"),
    ("미사일 발사", "missile launch: two words, both must match"),
    ("북한의", "of North Korea: a particle taken off; not in the synthetic text"),
    ("합동훈련", "joint drills: matched with its synonym 연합훈련"),
    ("평양에서 정상회담을", "summit in Pyongyang: two words, particles on both"),
    ("무지개", "rainbow: matches nothing"),
]
LIST = "/api/v1/events?q={q}&limit=50&sort=newest"
SLOW_SECONDS = 2.0  # a query this slow is timed three times, not `samples` times
DEFAULT_DATABASES = ["bench_10000", "bench_1000000"]


def time_queries(database: str, *, samples: int) -> dict[str, dict]:
    figures = {}
    with Server(database) as server:
        for query, _ in QUERIES:
            path = LIST.format(q=quote(query))
            status, first, size = get(server.port, path)  # warm-up: connection, actor look-up
            wanted = 3 if first > SLOW_SECONDS else samples
            timings, statuses = [], []
            for _ in range(wanted):
                status, seconds, size = get(server.port, path)
                timings.append(seconds * 1000)
                statuses.append(status)
            figures[query] = {
                "p50_ms": statistics.median(timings),
                "p95_ms": percentile(timings, 0.95),
                "samples": len(timings),
                "statuses": sorted(set(statuses)),
                "bytes": size,
            }
            print(
                f"    {query:<10} p50 {figures[query]['p50_ms']:>7.0f} ms, p95"
                f" {figures[query]['p95_ms']:>7.0f} ms ({len(timings)} requests, HTTP"
                f" {'/'.join(map(str, figures[query]['statuses']))}, {size} B)",
                flush=True,
            )
    return figures


def engine_of(label: str) -> str:
    return "sqlite" if "SQLite" in label else "postgres"


def explain(database: str) -> None:
    django_setup(database)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for query, _ in QUERIES:
        path = LIST.format(q=quote(query))
        client.get(path)  # the actor look-up is cached per data version, as in the server
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        total = sum(float(q["time"]) for q in captured.captured_queries)
        print(
            f"\n== {query}: HTTP {status}, {len(captured)} queries, {total:.3f} s in SQL;"
            f" slowest {float(slowest['time']):.3f} s:\n{slowest['sql']}\n"
        )
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", help="PostgreSQL database name or URL")
    parser.add_argument("--sqlite", action="append", default=[], help="SQLite file (copied)")
    parser.add_argument("--samples", type=int, default=11)
    parser.add_argument("--explain", default="", help="EXPLAIN ANALYZE each query on DB")
    args = parser.parse_args()
    if args.explain:
        explain(args.explain)
        return
    databases = [(name, name) for name in args.db or DEFAULT_DATABASES]
    copies = []
    for path in args.sqlite:
        if Path(path).exists():
            url, folder = sqlite_copy(path)
            copies.append(folder)
            databases.append((f"{Path(path).name} (SQLite, a copy)", url))
        else:
            print(f"(no {path}: SQLite not measured)")
    print("Korean search, API list of 50, newest first, 1 client, 2 gunicorn workers")
    print(f"start: {load_average()}", flush=True)
    results = {}
    try:
        for label, database in databases:
            events = count_events(database)
            print(f"  {label}: {events} events", flush=True)
            results[label] = (events, time_queries(database, samples=args.samples))
            print(f"    ({load_average()})", flush=True)
    finally:
        for folder in copies:
            shutil.rmtree(folder, ignore_errors=True)

    # Ratios within one database engine: the smallest record of each is its baseline.
    for engine in ("postgres", "sqlite"):
        mine = {label: found for label, found in results.items() if engine_of(label) == engine}
        if len(mine) < 2:
            continue
        baseline_label = min(mine, key=lambda label: mine[label][0])
        baseline_events, baseline = mine[baseline_label]
        for label, (events, figures) in mine.items():
            if label == baseline_label:
                continue
            print(f"\n  p50 at {events} events ({label}) / {baseline_events} ({baseline_label}):")
            for query, note in QUERIES:
                ratio = figures[query]["p50_ms"] / baseline[query]["p50_ms"]
                over = " — over the 5 s budget" if 503 in figures[query]["statuses"] else ""
                print(f"    {query:<10} {ratio:>6.2f}×{over}   ({note})")
    print(f"\nend: {load_average()}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
