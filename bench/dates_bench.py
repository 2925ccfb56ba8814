"""How long parse_span takes per phrase, cold and after warm-up, against dateparser alone.

Run: make bench-dates (prints figures; no assertions).
"""

import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

import dateparser  # noqa: E402

from timeline.dates import parse_span  # noqa: E402

BASE = date(2026, 2, 27)
PHRASES = [
    "June 2018",
    "late March to early April 2026",
    "February 27-28, 2019",
    "on Thursday",
    "2018년 6월 12일",
    "1月6日",
    "Q1 2026",
    "last week",
    "between June 2018 and February 2019",
    "27 février 2019",
]
ROUNDS = 200


def timed(function, text):
    start = time.perf_counter()
    function(text)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    cold = [timed(lambda t: parse_span(t, base=BASE), p) for p in PHRASES]
    warm = [timed(lambda t: parse_span(t, base=BASE), p) for _ in range(ROUNDS) for p in PHRASES]
    settings = {"RELATIVE_BASE": datetime(2026, 2, 27)}
    dateparser.parse("June 2018", settings=settings)
    baseline = [
        timed(lambda t: dateparser.parse(t, settings=settings), p)
        for _ in range(ROUNDS // 10)
        for p in PHRASES
    ]
    print(f"parse_span over {len(PHRASES)} phrases x {ROUNDS} rounds")
    print(f"  first call (cold, per phrase, mean): {statistics.mean(cold):8.2f} ms")
    print(f"  warm p50:                            {statistics.median(warm):8.3f} ms")
    print(f"  warm p95:                            {statistics.quantiles(warm, n=20)[18]:8.3f} ms")
    print(f"  warm max:                            {max(warm):8.3f} ms")
    base_p50 = statistics.median(baseline)
    print(f"  dateparser.parse alone, warm p50:    {base_p50:8.3f} ms")
    print(f"  ratio parse_span / dateparser.parse: {statistics.median(warm) / base_p50:8.2f}x")


if __name__ == "__main__":
    main()
