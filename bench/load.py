"""Load test: 50 concurrent clients for 30 s against the timeline and the API on loopback.

The app runs under gunicorn with the curated data and its normal cache, as deployed. Prints
requests per second, latency percentiles and errors; exits non-zero on any error.
Usage: python bench/load.py [--clients 50] [--duration 30] [--database-url URL]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, VENV_BIN, base_env, load, manage, wait_for

PATHS = [
    "/",
    "/?kind=summit",
    "/?actor=kim-jong-un&sort=newest",
    "/?from=2018&to=2019",
    "/?q=Hanoi",
    "/events/2018-06-12-singapore-summit/",
    "/events/2026-02-wh-open-without-preconditions/",
    "/actors/kim-jong-un/",
    "/api/v1/events?limit=50",
    "/api/v1/events?kind=missile_test",
    "/api/v1/events?q=%EA%B9%80%EC%A0%95%EC%9D%80",
    "/api/v1/events/2019-02-27-hanoi-summit",
    "/api/v1/facets?country=KP",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'bench' / 'data' / 'load.sqlite3'}"
    )
    args = parser.parse_args()
    env = base_env(args.database_url)
    env["PAGE_CACHE_SECONDS"] = "300"  # as deployed
    env["BENCH_QUERY_COUNT"] = "false"
    (ROOT / "bench" / "data").mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_curated")
    port = 8911
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        result = load(port, PATHS, duration=args.duration, concurrency=args.clients)
    finally:
        server.terminate()
        server.wait()
    print(
        f"{args.clients} clients for {args.duration:.0f} s: {result['requests']} requests, "
        f"{result['rps']} req/s, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"{result['errors']} errors"
    )
    sys.exit(1 if result["errors"] else 0)


if __name__ == "__main__":
    main()
