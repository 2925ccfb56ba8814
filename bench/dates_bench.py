"""How long parse_span takes per phrase, cold and after warm-up, against dateparser alone;
then Korean news phrases and the Korean display (display -> parse_span round trip).

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
KOREAN_NEWS = [
    "12일",
    "지난 10일",
    "오는 15일",
    "지난해 11월",
    "올해 11월 초",
    "다음 달 말",
    "지난 화요일",
    "2019년 2월 27~28일",
    "2026년 3월 하순~4월 초순",
    "2025년 4분기",
]


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
    korean_news()


def korean_news() -> None:
    if "direction" not in parse_span.__code__.co_varnames:
        print("Korean news phrases: not supported by this version")
        return
    read = [parse_span(p, base=BASE) for p in KOREAN_NEWS]
    warm = [
        timed(lambda t: parse_span(t, base=BASE), p) for _ in range(ROUNDS) for p in KOREAN_NEWS
    ]
    print(f"Korean news phrases ({len(KOREAN_NEWS)} x {ROUNDS} rounds), all read: {all(read)}")
    print(f"  warm p50:                            {statistics.median(warm):8.3f} ms")
    print(f"  warm p95:                            {statistics.quantiles(warm, n=20)[18]:8.3f} ms")
    spans = [span for span in read if span]
    english = [timed(lambda s: s.display(), s) for _ in range(ROUNDS) for s in spans]
    korean = [timed(lambda s: s.display(language="ko"), s) for _ in range(ROUNDS) for s in spans]
    trip = [
        timed(lambda s: parse_span(s.display(language="ko"), base=BASE), s)
        for _ in range(ROUNDS)
        for s in spans
    ]
    ratio = statistics.median(korean) / statistics.median(english)
    print(f"  display(), English p50:              {statistics.median(english):8.4f} ms")
    print(f"  display(language='ko') p50:          {statistics.median(korean):8.4f} ms")
    print(f"  ratio Korean / English display:      {ratio:8.2f}x")
    print(f"  Korean display -> parse_span p50:    {statistics.median(trip):8.3f} ms")


if __name__ == "__main__":
    main()
