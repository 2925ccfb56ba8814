"""make bench: the app under gunicorn on loopback, at 10 000 / 100 000 / 1 000 000 events.

For each size and database it measures the scenarios below (requests per second, p50 and p95
latency, queries per request, response bytes), and beside them, in the same run:
- Datasette serving the same SQLite file on the same terms as our API: immutable (`-i`), no
  count and no facets for the JSON (`_nocount=1&_nofacet=1`), no facet suggestions for the HTML
  table (`_nosuggest=1`);
- the raw SQL floor: the very query the API list runs (taken from the app), run directly;
- Django's own minimum: a trivial view (/healthz) through the same middleware and workers;
then prints the issue's targets as ratios measured in this run, met or not.

Usage: python bench/run.py [--sizes 10000,100000,1000000] [--backends postgres,sqlite]
                           [--duration 6] [--concurrency 4]
Databases are built once (bench/data/*.sqlite3, PostgreSQL databases bench_<N>) and reused;
seeding takes long (about a minute per 100 000 events on SQLite, over 15 minutes for a
million on PostgreSQL).
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
from collections.abc import Callable
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
        # Lifted: per second, so that the throttle's history of request times stays short.
        API_ANON_RATE="100000000/s",
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
    hits = 0
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client(offset: int) -> None:
        nonlocal errors, hits
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        local_lat, local_size, local_q, local_err, local_hits = [], [], [], 0, 0
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
            if response.getheader("X-Cache") == "hit":
                local_hits += 1
            if response.getheader("X-Query-Count"):
                local_q.append(int(response.getheader("X-Query-Count")))
        with lock:
            latencies.extend(local_lat)
            sizes.extend(local_size)
            queries.extend(local_q)
            errors += local_err
            hits += local_hits

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return summarise(latencies, sizes, queries, errors, elapsed) | {
        "cache_hits": hits,
        "elapsed": elapsed,
    }


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
from django.db import connection
from timeline.selectors.paging import encode_cursor, keyset_events
from timeline.selectors.params import TimelineFilter
from timeline.models import Event
from timeline.rendering import LIST_COLUMNS
published = Event.objects.published().order_by("start", "end", "id")
total = published.count()
deep = published[int(total * 0.9)]
step = max(total // 100, 1)
slugs = list(published.values_list("slug", flat=True)[:total:step])[:100]
query = json.loads(%r)
limit = int(query.pop("limit"))
filters = TimelineFilter.model_validate(query)
rows = keyset_events(filters).values_list(*LIST_COLUMNS, "rendering__item")[: limit + 1]
sql, params = rows.query.sql_with_params()
print(json.dumps({
    "cursor": encode_cursor(deep, sort="chronological"),
    "slugs": slugs,
    "list_sql": sql,
    "list_params": [str(p) for p in params],
}))
"""


def scenario_paths(url: str) -> tuple[dict[str, list[str]], dict]:
    """The scenarios; the deep page's cursor (from the app's own encoder) is after 90 %; and
    the SQL the API list runs, for the floor."""
    output = subprocess.run(
        [
            str(VENV_BIN / "python"),
            "manage.py",
            "shell",
            "-c",
            PATHS_SCRIPT % json.dumps(LIST_QUERY),
        ],
        cwd=ROOT,
        env=base_env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = json.loads(output.strip().splitlines()[-1])
    return {
        "django_trivial_view": ["/healthz"],
        "api_list_kind_dates": [f"/api/v1/events?{urlencode(LIST_QUERY)}"],
        "timeline_kind_dates": [f"/en/?{urlencode(LIST_QUERY)}"],
        "api_search": ["/api/v1/events?q=missile+launch&limit=50"],
        "api_search_no_match": ["/api/v1/events?q=hwasongpo+zyzzyva&limit=50"],
        "api_search_ranked": ["/api/v1/events?q=missile+launch&sort=relevance&limit=50"],
        "timeline_first_page": ["/en/?limit=50"],
        "api_first_page": ["/api/v1/events?limit=50"],
        "api_deep_page": [f"/api/v1/events?limit=50&cursor={quote(found['cursor'])}"],
        "event_page": [f"/en/events/{slug}/" for slug in found["slugs"]],
        "api_event_detail": [f"/api/v1/events/{slug}" for slug in found["slugs"]],
    }, found


class SqlFloor:
    """The API list's own query (with the join of stored renderings) run directly, one client,
    rows fetched and the page's JSON joined: what a request cannot beat."""

    def __init__(self, backend: str, url: str, *, sql: str, params: list) -> None:
        if backend == "sqlite":
            self.conn = sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
            self.sql = sql.replace("%s", "?")
        else:
            import psycopg

            self.conn = psycopg.connect(url)
            self.sql = sql
        self.params = params

    def once(self) -> bytes:
        rows = self.conn.execute(self.sql, self.params).fetchall()
        return b'{"items":[' + b",".join(bytes(row[4] or b"") for row in rows) + b"]}"

    def run(self, duration: float) -> dict:
        timings = []
        stop = time.monotonic() + duration
        while time.monotonic() < stop:
            started = time.perf_counter()
            self.once()
            timings.append(time.perf_counter() - started)
        ordered = sorted(timings)
        return {
            "rps": round(len(timings) / sum(timings), 1),
            "p50_ms": round(1000 * ordered[len(ordered) // 2], 3),
            "p95_ms": round(1000 * ordered[int(len(ordered) * 0.95)], 3),
            "queries": 1,
            "bytes": None,
            "requests": len(timings),
            "errors": 0,
            "elapsed": sum(timings),
        }

    def close(self) -> None:
        self.conn.close()


def paired(measures: dict[str, Callable[[float], dict]], *, rounds: int, slice_s: float):
    """Measure several servers in alternating slices, so that each sees the same machine (the
    load of other work on it changes by the minute). Returns one merged result per name."""
    merged: dict[str, dict] = {
        name: {"requests": 0, "elapsed": 0.0, "p50s": []} for name in measures
    }
    for _ in range(rounds):
        for name, measure in measures.items():
            result = measure(slice_s)
            merged[name]["requests"] += result["requests"]
            merged[name]["elapsed"] += result["elapsed"]
            if result["p50_ms"] is not None:
                merged[name]["p50s"].append(result["p50_ms"])
    return {
        name: {
            "rps": round(m["requests"] / m["elapsed"], 1) if m["elapsed"] else 0,
            "p50_ms": round(statistics.median(m["p50s"]), 3) if m["p50s"] else None,
            "p95_ms": None,
            "queries": None,
            "bytes": None,
            "requests": m["requests"],
            "errors": 0,
            "elapsed": m["elapsed"],
        }
        for name, m in merged.items()
    }


def start_gunicorn(
    url: str, port: int, workers: int, *, env: dict | None = None
) -> subprocess.Popen:
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
    process = subprocess.Popen(command, cwd=ROOT, env=base_env(url) | (env or {}))
    wait_for(port)
    return process


def start_datasette(path: Path, port: int) -> subprocess.Popen | None:
    binary = shutil.which("datasette", path=str(VENV_BIN)) or shutil.which("datasette")
    if binary is None:
        return None
    command = [
        binary,
        "serve",
        "-i",  # immutable, as the bench's file is: counts may be cached, no change polling
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


def datasette_paths(path: Path) -> dict[str, list[str]]:
    """The API list's filter as Datasette table queries: JSON without count or facets, and the
    HTML table without facet suggestions (the terms our answers are built on)."""
    db = path.stem
    query = {
        "kind__exact": "summit",
        "publication__exact": "published",
        "end__gte": "2000-01-01",
        "start__lte": "2010-12-31",
        "_sort": "start",
        "_size": "50",
    }
    json_query = urlencode({**query, "_nocount": "1", "_nofacet": "1"})
    html_query = urlencode({**query, "_nosuggest": "1"})
    return {
        "api_list_kind_dates": [f"/{db}/timeline_event.json?{json_query}"],
        "timeline_kind_dates": [f"/{db}/timeline_event?{html_query}"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite-max", type=int, default=100000)
    parser.add_argument("--port", type=int, default=8901, help="the app's; Datasette's is +1")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    wanted = [b.strip() for b in args.backends.split(",") if b.strip()]
    rows: list[dict] = []
    port = args.port
    for size in sizes:
        backends = [b for b in wanted if b == "postgres" or size <= args.sqlite_max]
        for backend in backends:
            rows += bench_one(backend, size, args=args, port=port)
    print()
    print_table(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
    print(f"\nwrote {out.relative_to(ROOT)}")
    print_ratios(rows, workers=args.workers)


def bench_one(backend: str, size: int, *, args, port: int) -> list[dict]:
    rows: list[dict] = []
    url = ensure_database(backend, size)
    paths, found = scenario_paths(url)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    server = start_gunicorn(url, port, args.workers)
    try:
        # The steady state: the timeline's counts are cached (after an editorial change
        # they are counted in the background; bench/counts.py measures that moment).
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        for path in ("/en/counts/", f"/en/counts/?{urlencode(LIST_QUERY)}"):
            conn.request("GET", path)
            conn.getresponse().read()
        conn.request("GET", "/en/?limit=50")
        if b"counts pending" in conn.getresponse().read():
            raise RuntimeError("the timeline's counts were not cached after /counts/")
        for scenario, urls in paths.items():
            load(port, urls, duration=1, concurrency=args.concurrency)  # warm-up
            result = load(port, urls, duration=args.duration, concurrency=args.concurrency)
            rows.append(
                {"n": size, "db": backend, "scenario": scenario, "server": "app (gunicorn)"}
                | result
            )
            print_row(rows[-1])
        rows += paired_comparisons(
            backend, size, url=url, paths=paths, found=found, args=args, port=port
        )
    finally:
        server.terminate()
        server.wait()
    rows += cached_run(backend, size, url=url, args=args, port=port)
    return rows


def paired_comparisons(backend, size, *, url, paths, found, args, port) -> list[dict]:
    """The targets' comparisons, each side measured in alternating 1 s slices."""

    def app(path_list):
        return lambda d: load(port, path_list, duration=d, concurrency=args.concurrency)

    floor = SqlFloor(backend, url, sql=found["list_sql"], params=found["list_params"])
    measures = {
        ("api_list_kind_dates", "app (gunicorn)"): app(paths["api_list_kind_dates"]),
        ("api_list_kind_dates", "raw SQL floor"): floor.run,
        ("django_trivial_view", "app (gunicorn)"): app(paths["django_trivial_view"]),
        ("timeline_kind_dates", "app (gunicorn)"): app(paths["timeline_kind_dates"]),
    }
    datasette = None
    if backend == "sqlite":
        sqlite_path = Path(url.removeprefix("sqlite:///"))
        datasette = start_datasette(sqlite_path, port + 1)
        if datasette is None:
            print("Datasette is not installed (pip install -e '.[bench]'): no comparison")
        else:
            for scenario, urls in datasette_paths(sqlite_path).items():
                measures[(scenario, "Datasette")] = lambda d, urls=urls: load(
                    port + 1, urls, duration=d, concurrency=args.concurrency
                )
    try:
        for measure in measures.values():
            measure(1)  # warm-up
        results = paired(measures, rounds=max(int(args.duration), 3), slice_s=1.0)
    finally:
        floor.close()
        if datasette is not None:
            datasette.terminate()
            datasette.wait()
    rows = []
    for (scenario, server), result in results.items():
        rows.append(
            {"n": size, "db": backend, "scenario": scenario, "server": f"{server}, paired"} | result
        )
        print_row(rows[-1])
    return rows


def cached_run(backend: str, size: int, *, url: str, args, port: int) -> list[dict]:
    """The answer cache on, counts not cached yet: a large record's filtered timeline page is
    sent with its counts deferred, and is still served from the page cache."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    server = start_gunicorn(
        url, port, args.workers, env={"PAGE_CACHE_SECONDS": "300", "WARM_COUNTS": "false"}
    )
    rows = []
    try:
        for scenario, path in (
            ("timeline_kind_dates", f"/en/?{urlencode(LIST_QUERY)}"),
            ("api_list_kind_dates", f"/api/v1/events?{urlencode(LIST_QUERY)}"),
        ):
            load(port, [path], duration=1, concurrency=args.concurrency)
            result = load(port, [path], duration=args.duration, concurrency=args.concurrency)
            rows.append(
                {"n": size, "db": backend, "scenario": scenario, "server": "app, cached"} | result
            )
            print_row(rows[-1])
    finally:
        server.terminate()
        server.wait()
    return rows


def print_row(row: dict) -> None:
    print(
        f"{row['n']:>8} {row['db']:<8} {row['scenario']:<22} {row['server']:<15} "
        f"{row['rps']:>8} rps  p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  "
        f"q {row['queries']}  {row['bytes']} B  err {row['errors']}  "
        f"hits {row.get('cache_hits', '-')}",
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


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_ratios(rows: list[dict], *, workers: int) -> None:
    """The issue's targets, as ratios of figures measured in this run: each comparison's sides
    measured in alternating slices ("paired"), so that both see the same machine."""
    print("\nTargets (ratios within this run, sides measured in alternating 1 s slices):")
    app = "app (gunicorn)"
    for size in sorted({r["n"] for r in rows}):
        for backend in ("sqlite", "postgres"):

            def pair(scenario: str, server: str, size=size, backend=backend):
                return find(rows, n=size, db=backend, scenario=scenario, server=f"{server}, paired")

            api = pair("api_list_kind_dates", app)
            if not api or not api["rps"]:
                continue
            where = f"{size} events, {backend}"
            ds_json = pair("api_list_kind_dates", "Datasette")
            if ds_json and ds_json["rps"]:
                ratio = api["rps"] / ds_json["rps"]
                print(
                    f"  [{where}] uncached API list {api['rps']} req/s vs Datasette JSON (-i, "
                    f"_nocount, _nofacet) {ds_json['rps']} req/s: {ratio:.2f}x "
                    f"(target >= 5x: {verdict(ratio >= 5)})"
                )
            page = pair("timeline_kind_dates", app)
            ds_html = pair("timeline_kind_dates", "Datasette")
            if page and ds_html and ds_html["rps"] and page["rps"]:
                ratio = page["rps"] / ds_html["rps"]
                print(
                    f"  [{where}] uncached timeline page {page['rps']} req/s vs Datasette HTML "
                    f"table (_nosuggest) {ds_html['rps']} req/s: {ratio:.2f}x "
                    f"(target >= 3x: {verdict(ratio >= 3)})"
                )
            floor = pair("api_list_kind_dates", "raw SQL floor")
            trivial = pair("django_trivial_view", app)
            if floor and trivial and trivial["rps"]:
                # Worker time per request at saturation: workers / throughput; the floor is
                # one client's time per query.
                api_ms = 1000 * workers / api["rps"]
                trivial_ms = 1000 * workers / trivial["rps"]
                floor_ms = 1000 / floor["rps"]
                bound = 3 * floor_ms + trivial_ms
                print(
                    f"  [{where}] API list costs {api_ms:.2f} ms of a worker; raw SQL floor "
                    f"{floor_ms:.2f} ms, Django's trivial view {trivial_ms:.2f} ms; "
                    f"above the trivial view: {api_ms - trivial_ms:.2f} ms = "
                    f"{(api_ms - trivial_ms) / floor_ms:.1f}x the floor; target <= 3 x floor + "
                    f"trivial view = {bound:.2f} ms: {verdict(api_ms <= bound)}"
                )
            page_plain = find(rows, n=size, db=backend, scenario="timeline_kind_dates", server=app)
            cached = find(
                rows, n=size, db=backend, scenario="timeline_kind_dates", server="app, cached"
            )
            if cached and page_plain and page_plain["rps"] and cached["requests"]:
                share = cached["cache_hits"] / cached["requests"]
                print(
                    f"  [{where}] filtered timeline page, counts deferred, cache on: "
                    f"{cached['rps']} req/s, {share:.0%} from the page cache, "
                    f"{cached['rps'] / page_plain['rps']:.1f}x uncached "
                    f"(target: cacheable: {verdict(share > 0.9)})"
                )
            first = find(rows, n=size, db=backend, scenario="api_first_page", server=app)
            deep = find(rows, n=size, db=backend, scenario="api_deep_page", server=app)
            if first and deep and first["p50_ms"]:
                ratio = deep["p50_ms"] / first["p50_ms"]
                print(
                    f"  [{where}] deep/first page p50: {ratio:.2f}x "
                    f"(target <= 1.2x: {verdict(ratio <= 1.2)})"
                )
            counted = [
                r
                for r in rows
                if r["n"] == size and r["db"] == backend and r["server"] == app and r["queries"]
            ]
            if counted:
                print(
                    f"  [{where}] queries per request: "
                    + ", ".join(f"{r['scenario']} {r['queries']}" for r in counted)
                )
    sizes = sorted({r["n"] for r in rows if r["db"] == "postgres"})
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for scenario in (
            "api_list_kind_dates",
            "api_first_page",
            "timeline_first_page",
            "event_page",
            "api_search",
            "api_search_no_match",
            "api_search_ranked",
        ):
            a = find(rows, n=small, db="postgres", scenario=scenario, server=app)
            b = find(rows, n=large, db="postgres", scenario=scenario, server=app)
            if a and b and a["p50_ms"]:
                ratio = b["p50_ms"] / a["p50_ms"]
                print(
                    f"  {scenario} p50 at {large} vs {small} (postgres): "
                    f"{ratio:.2f}x (target <= 1.5x: {verdict(ratio <= 1.5)})"
                )
    timeline = [r for r in rows if r["scenario"] == "timeline_first_page"]
    if timeline:
        print(
            "  timeline first page HTML, gzipped bytes: "
            + ", ".join(f"{r['n']}/{r['db']}: {r['bytes']}" for r in timeline)
            + " (target <= 60 KB first load)"
        )


if __name__ == "__main__":
    main()
