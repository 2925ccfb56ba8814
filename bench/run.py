"""make bench: the app under gunicorn on loopback, at 10 000 / 100 000 / 1 000 000 events.

For each size and database it measures five scenarios (requests per second, p50 and p95
latency, queries per request, response bytes), and beside them, in the same run: Datasette
serving the same SQLite file with the equivalent table query, and the raw SQL of the list
query run directly (the floor). Prints a table and writes JSON to bench/results/.

Usage: python bench/run.py [--sizes 10000,100000,1000000] [--duration 6] [--concurrency 4]
Databases are built once (bench/data/*.sqlite3, PostgreSQL databases bench_<N>) and reused.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Shared by the workers, as in production: counts cached by one are seen by the other.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
LIST_QUERY = {"kind": "summit", "from": "2000", "to": "2010", "limit": "50"}


def database_url(backend: str, size: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{DATA / f'bench_{size}.sqlite3'}"
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/bench_{size}"


def base_env(url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="bench-only-secret-key-not-for-production",
        DEBUG="false",
        STATIC_MANIFEST="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PAGE_CACHE_SECONDS="0",  # measure the application, not the cache
        API_ANON_RATE="100000000/m",
        BENCH_QUERY_COUNT="true",
        LOG_LEVEL="WARNING",
        LOG_JSON="false",
        HTTPS="false",  # plain HTTP on loopback
        REDIS_URL=REDIS_URL,
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def ensure_database(backend: str, size: int) -> str:
    url = database_url(backend, size)
    env = base_env(url)
    if backend == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / f"bench_{size}.sqlite3"
        if path.exists() and count_events(backend, url) >= size:
            return url
        for leftover in DATA.glob(f"bench_{size}.sqlite3*"):
            leftover.unlink()
    else:
        import psycopg

        name = f"bench_{size}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and count_events(backend, url) >= size:
                return url
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    print(f"building {backend} database with {size} events ...", flush=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_synthetic", "--events", str(size))
    return url


def count_events(backend: str, url: str) -> int:
    try:
        if backend == "sqlite":
            with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
                return conn.execute("SELECT count(*) FROM timeline_event").fetchone()[0]
        import psycopg

        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM timeline_event").fetchone()[0]
    except Exception:
        return 0


def wait_for(port: int, path: str = "/healthz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"nothing answered on port {port}{path}")


def load(port: int, paths: list[str], *, duration: float, concurrency: int) -> dict:
    """Closed-loop load: `concurrency` keep-alive clients for `duration` seconds."""
    latencies: list[float] = []
    sizes: list[int] = []
    queries: list[int] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client(offset: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        local_lat, local_size, local_q, local_err = [], [], [], 0
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                local_err += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            local_lat.append(time.perf_counter() - started)
            local_size.append(len(body))
            if response.status != 200:
                local_err += 1
            if response.getheader("X-Query-Count"):
                local_q.append(int(response.getheader("X-Query-Count")))
        with lock:
            latencies.extend(local_lat)
            sizes.extend(local_size)
            queries.extend(local_q)
            errors += local_err

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return summarise(latencies, sizes, queries, errors, elapsed)


def summarise(latencies, sizes, queries, errors, elapsed) -> dict:
    if not latencies:
        return {
            "rps": 0,
            "p50_ms": None,
            "p95_ms": None,
            "queries": None,
            "bytes": None,
            "requests": 0,
            "errors": errors,
        }
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * ordered[len(ordered) // 2], 2),
        "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
        "queries": round(statistics.mean(queries), 1) if queries else None,
        "bytes": int(statistics.mean(sizes)),
    }


PATHS_SCRIPT = """
import json
from timeline.filters import encode_cursor
from timeline.models import Event
published = Event.objects.published().order_by("start", "end", "id")
total = published.count()
deep = published[int(total * 0.9)]
step = max(total // 100, 1)
slugs = list(published.values_list("slug", flat=True)[:total:step])[:100]
print(json.dumps({"cursor": encode_cursor(deep, sort="chronological"), "slugs": slugs}))
"""


def scenario_paths(url: str) -> dict[str, list[str]]:
    """The scenarios; the deep page's cursor (from the app's own encoder) is after 90 %."""
    output = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "shell", "-c", PATHS_SCRIPT],
        cwd=ROOT,
        env=base_env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = json.loads(output.strip().splitlines()[-1])
    return {
        "api_list_kind_dates": [f"/api/v1/events?{urlencode(LIST_QUERY)}"],
        "api_search": ["/api/v1/events?q=missile+launch&limit=50"],
        "api_search_no_match": ["/api/v1/events?q=hwasongpo+zyzzyva&limit=50"],
        "api_search_ranked": ["/api/v1/events?q=missile+launch&sort=relevance&limit=50"],
        "timeline_first_page": ["/?limit=50"],
        "api_first_page": ["/api/v1/events?limit=50"],
        "api_deep_page": [f"/api/v1/events?limit=50&cursor={quote(found['cursor'])}"],
        "event_page": [f"/events/{slug}/" for slug in found["slugs"]],
    }


def raw_sql_floor(backend: str, url: str, *, iterations: int = 300) -> dict:
    """The list scenario's main query run directly, single client: what a request cannot beat."""
    sql = (
        'SELECT id, title, slug, kind, start, "end", precision FROM timeline_event '
        "WHERE publication = 'published' AND kind = 'summit' AND \"end\" >= '2000-01-01' "
        "AND start <= '2010-12-31' ORDER BY start, \"end\", id LIMIT 51"
    )
    timings = []
    if backend == "sqlite":
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        run = lambda: conn.execute(sql).fetchall()  # noqa: E731
    else:
        import psycopg

        conn = psycopg.connect(url)
        run = lambda: conn.execute(sql).fetchall()  # noqa: E731
    for _ in range(iterations):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    conn.close()
    ordered = sorted(timings)
    return {
        "rps": round(len(timings) / sum(timings), 1),
        "p50_ms": round(1000 * ordered[len(ordered) // 2], 3),
        "p95_ms": round(1000 * ordered[int(len(ordered) * 0.95)], 3),
        "queries": 1,
        "bytes": None,
        "requests": iterations,
        "errors": 0,
    }


def start_gunicorn(url: str, port: int, workers: int) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=base_env(url))
    wait_for(port)
    return process


def start_datasette(path: Path, port: int) -> subprocess.Popen | None:
    binary = shutil.which("datasette", path=str(VENV_BIN)) or shutil.which("datasette")
    if binary is None:
        return None
    command = [
        binary,
        "serve",
        str(path),
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
        "--setting",
        "sql_time_limit_ms",
        "10000",
        "--setting",
        "default_page_size",
        "50",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, "/-/versions.json")
    return process


def datasette_paths(path: Path) -> list[str]:
    db = path.stem
    query = urlencode(
        {
            "kind__exact": "summit",
            "publication__exact": "published",
            "end__gte": "2000-01-01",
            "start__lte": "2010-12-31",
            "_sort": "start",
            "_size": "50",
        }
    )
    return [f"/{db}/timeline_event.json?{query}"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite-max", type=int, default=100000)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[dict] = []
    port = 8901
    for size in sizes:
        backends = ["postgres"] + (["sqlite"] if size <= args.sqlite_max else [])
        for backend in backends:
            url = ensure_database(backend, size)
            paths = scenario_paths(url)
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
            server = start_gunicorn(url, port, args.workers)
            try:
                # The steady state: the timeline's counts are cached (after an editorial change
                # they are counted in the background; bench/counts.py measures that moment).
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                conn.request("GET", "/counts/")
                conn.getresponse().read()
                conn.request("GET", "/?limit=50")
                if b"counts pending" in conn.getresponse().read():
                    raise RuntimeError("the timeline's counts were not cached after /counts/")
                for scenario, urls in paths.items():
                    load(port, urls, duration=1, concurrency=args.concurrency)  # warm-up
                    result = load(port, urls, duration=args.duration, concurrency=args.concurrency)
                    rows.append(
                        {
                            "n": size,
                            "db": backend,
                            "scenario": scenario,
                            "server": "app (gunicorn)",
                            **result,
                        }
                    )
                    print_row(rows[-1])
            finally:
                server.terminate()
                server.wait()
            rows.append(
                {
                    "n": size,
                    "db": backend,
                    "scenario": "api_list_kind_dates",
                    "server": "raw SQL floor",
                    **raw_sql_floor(backend, url),
                }
            )
            print_row(rows[-1])
            if backend == "sqlite":
                sqlite_path = Path(url.removeprefix("sqlite:///"))
                datasette = start_datasette(sqlite_path, port + 1)
                if datasette is not None:
                    try:
                        urls = datasette_paths(sqlite_path)
                        load(port + 1, urls, duration=1, concurrency=args.concurrency)
                        result = load(
                            port + 1, urls, duration=args.duration, concurrency=args.concurrency
                        )
                        rows.append(
                            {
                                "n": size,
                                "db": backend,
                                "scenario": "api_list_kind_dates",
                                "server": "Datasette",
                                **result,
                            }
                        )
                        print_row(rows[-1])
                    finally:
                        datasette.terminate()
                        datasette.wait()
    print()
    print_table(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
    print(f"\nwrote {out.relative_to(ROOT)}")
    print_ratios(rows)


def print_row(row: dict) -> None:
    print(
        f"{row['n']:>8} {row['db']:<8} {row['scenario']:<22} {row['server']:<15} "
        f"{row['rps']:>8} rps  p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  "
        f"q {row['queries']}  {row['bytes']} B  err {row['errors']}",
        flush=True,
    )


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'N':>8} {'db':<8} {'scenario':<22} {'server':<15} {'req/s':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'queries':>7} {'bytes':>8} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['n']:>8} {row['db']:<8} {row['scenario']:<22} {row['server']:<15} "
            f"{row['rps']:>8} {row['p50_ms']!s:>8} {row['p95_ms']!s:>8} "
            f"{row['queries']!s:>7} {row['bytes']!s:>8} {row['errors']:>6}"
        )


def find(rows, **match):
    for row in rows:
        if all(row.get(k) == v for k, v in match.items()):
            return row
    return None


def print_ratios(rows: list[dict]) -> None:
    print("\nTargets:")
    app = find(rows, n=100000, db="sqlite", scenario="api_list_kind_dates", server="app (gunicorn)")
    ds = find(rows, n=100000, db="sqlite", scenario="api_list_kind_dates", server="Datasette")
    if app and ds and ds["rps"]:
        print(
            f"  API list vs Datasette at 100 000 (SQLite): {app['rps'] / ds['rps']:.2f}x req/s "
            "(target >= 2x)"
        )
    for backend in ("postgres", "sqlite"):
        for size in sorted({r["n"] for r in rows}):
            first = find(rows, n=size, db=backend, scenario="api_first_page")
            deep = find(rows, n=size, db=backend, scenario="api_deep_page")
            if first and deep and first["p50_ms"]:
                print(
                    f"  deep/first page p50 at {size} ({backend}): "
                    f"{deep['p50_ms'] / first['p50_ms']:.2f}x (target <= 1.2x)"
                )
    small, large = min(r["n"] for r in rows), max(r["n"] for r in rows)
    for scenario in (
        "api_list_kind_dates",
        "api_first_page",
        "timeline_first_page",
        "event_page",
        "api_search",
        "api_search_no_match",
        "api_search_ranked",
    ):
        a = find(rows, n=small, db="postgres", scenario=scenario, server="app (gunicorn)")
        b = find(rows, n=large, db="postgres", scenario=scenario, server="app (gunicorn)")
        if a and b and a["p50_ms"] and large != small:
            print(
                f"  {scenario} p50 at {large} vs {small} (postgres): "
                f"{b['p50_ms'] / a['p50_ms']:.2f}x (target <= 1.5x)"
            )
    timeline = [r for r in rows if r["scenario"] == "timeline_first_page"]
    if timeline:
        print(
            "  timeline first page HTML, gzipped bytes: "
            + ", ".join(f"{r['n']}/{r['db']}: {r['bytes']}" for r in timeline)
        )


if __name__ == "__main__":
    main()
