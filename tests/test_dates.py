"""timeline.dates: text as people write it in, an honest span out."""

import os
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.dates import MONTH_NAMES, DateSpan, Precision, parse_span

BASE = date(2026, 2, 27)  # the first seed article's date, a Friday
D, W, M, Q, Y = Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.QUARTER, Precision.YEAR

# phrase, expected start, expected end, precision, approximate
PHRASES = [
    # rule 1: precision from what the text states
    ("June 2018", "2018-06-01", "2018-06-30", M, False),
    ("2019", "2019-01-01", "2019-12-31", Y, False),
    ("Q1 2026", "2026-01-01", "2026-03-31", Q, False),
    ("Q4 2025", "2025-10-01", "2025-12-31", Q, False),
    ("3rd quarter of 2024", "2024-07-01", "2024-09-30", Q, False),
    ("last week", "2026-02-16", "2026-02-22", W, False),
    ("this week", "2026-02-23", "2026-03-01", W, False),
    ("12 June 2018", "2018-06-12", "2018-06-12", D, False),
    ("June 12, 2018", "2018-06-12", "2018-06-12", D, False),
    ("2018-06-12", "2018-06-12", "2018-06-12", D, False),
    ("2018/06/12", "2018-06-12", "2018-06-12", D, False),
    ("2018-06", "2018-06-01", "2018-06-30", M, False),
    ("week of 23 February 2026", "2026-02-23", "2026-03-01", W, False),
    ("February 2024", "2024-02-01", "2024-02-29", M, False),
    # rule 2: ranges
    ("February 27-28, 2019", "2019-02-27", "2019-02-28", D, False),
    ("27–28 February 2019", "2019-02-27", "2019-02-28", D, False),
    ("27-28 February 2019", "2019-02-27", "2019-02-28", D, False),
    ("September 18-20, 2018", "2018-09-18", "2018-09-20", D, False),
    ("June 2018 to February 2019", "2018-06-01", "2019-02-28", M, False),
    ("from June 2018 to February 2019", "2018-06-01", "2019-02-28", M, False),
    ("between June 2018 and February 2019", "2018-06-01", "2019-02-28", M, False),
    ("June 2018 — February 2019", "2018-06-01", "2019-02-28", M, False),
    ("2018–2019", "2018-01-01", "2019-12-31", Y, False),
    ("12 June 2018 to 2019", "2018-06-12", "2019-12-31", Y, False),
    ("Feb 27 - Mar 2, 2019", "2019-02-27", "2019-03-02", D, False),
    ("31 December 2018 – 1 January 2019", "2018-12-31", "2019-01-01", D, False),
    ("December 2018 to January", "2018-12-01", "2019-01-31", M, False),
    ("Q1 – Q2 2026", "2026-01-01", "2026-06-30", Q, False),
    # rule 3: qualifiers
    ("late March to early April 2026", "2026-03-21", "2026-04-10", M, True),
    ("early June 2018", "2018-06-01", "2018-06-10", M, True),
    ("mid-June 2018", "2018-06-11", "2018-06-20", M, True),
    ("late February 2024", "2024-02-21", "2024-02-29", M, True),
    ("early 2019", "2019-01-01", "2019-04-30", Y, True),
    ("mid 2019", "2019-05-01", "2019-08-31", Y, True),
    ("late 2019", "2019-09-01", "2019-12-31", Y, True),
    ("the end of 2019", "2019-09-01", "2019-12-31", Y, True),
    ("late 2018 – early 2019", "2018-09-01", "2019-04-30", Y, True),
    ("around June 2018", "2018-06-01", "2018-06-30", M, True),
    ("about 12 June 2018", "2018-06-12", "2018-06-12", D, True),
    ("circa 2019", "2019-01-01", "2019-12-31", Y, True),
    ("c. June 2018", "2018-06-01", "2018-06-30", M, True),
    # rule 4: no year given, relative words
    ("November 28", "2025-11-28", "2025-11-28", D, False),
    ("January 14", "2026-01-14", "2026-01-14", D, False),
    ("April", "2026-04-01", "2026-04-30", M, False),
    ("October", "2025-10-01", "2025-10-31", M, False),
    ("August", "2026-08-01", "2026-08-31", M, False),
    ("on Thursday", "2026-02-26", "2026-02-26", D, False),
    ("Friday", "2026-02-27", "2026-02-27", D, False),
    ("yesterday", "2026-02-26", "2026-02-26", D, False),
    ("last Friday", "2026-02-20", "2026-02-20", D, False),
    ("last month", "2026-01-01", "2026-01-31", M, False),
    ("next month", "2026-03-01", "2026-03-31", M, False),
    ("last year", "2025-01-01", "2025-12-31", Y, False),
    ("next year", "2027-01-01", "2027-12-31", Y, False),
    ("late next month", "2026-03-21", "2026-03-31", M, True),
    ("late next month to early April", "2026-03-21", "2026-04-10", M, True),
    ("Q4", "2025-10-01", "2025-12-31", Q, False),
    # rule 5: languages, CJK forms read unambiguously
    ("1月6日", "2026-01-06", "2026-01-06", D, False),
    ("11月17日", "2025-11-17", "2025-11-17", D, False),
    ("2019年2月27日", "2019-02-27", "2019-02-27", D, False),
    ("2018년 6월 12일", "2018-06-12", "2018-06-12", D, False),
    ("2025년 11월", "2025-11-01", "2025-11-30", M, False),
    ("11월 17일", "2025-11-17", "2025-11-17", D, False),
    ("2019年", "2019-01-01", "2019-12-31", Y, False),
    ("3월 하순", "2026-03-21", "2026-03-31", M, True),
    ("2026年3月下旬", "2026-03-21", "2026-03-31", M, True),
    ("2026년 1분기", "2026-01-01", "2026-03-31", Q, False),
    ("2018年6月12日至14日", "2018-06-12", "2018-06-14", D, False),
    ("27 février 2019", "2019-02-27", "2019-02-27", D, False),
    ("März 2020", "2020-03-01", "2020-03-31", M, False),
    ("12 de junio de 2018", "2018-06-12", "2018-06-12", D, False),
    ("2018年6月", "2018-06-01", "2018-06-30", M, False),
]

NOT_DATES = [
    "",
    "   ",
    "notadate",
    "February 30, 2019",
    "2019-02-30",
    "June 2019 to June 2018",
    "31 April 2020",
    "late 12 June 2018",
    "1 2 3 4",
    "x" * 500,
    "June\x002018",
    "13月5日",
]


@pytest.mark.parametrize("text, start, end, precision, approximate", PHRASES)
def test_phrase_is_read_as_the_expected_span(text, start, end, precision, approximate):
    span = parse_span(text, base=BASE)
    assert span is not None, f"{text!r} was not read"
    assert (span.start.isoformat(), span.end.isoformat()) == (start, end)
    assert span.precision == precision
    assert span.approximate is approximate


def test_there_are_at_least_sixty_phrases():
    assert len(PHRASES) >= 60


@pytest.mark.parametrize("text", NOT_DATES)
def test_text_that_is_not_a_date_gives_none(text):
    assert parse_span(text, base=BASE) is None


def test_non_text_gives_none():
    assert parse_span(None, base=BASE) is None


def test_the_documented_interface():
    span = parse_span("late March to early April 2026", base=date(2026, 2, 27))
    assert span.start == date(2026, 3, 21)
    assert span.end == date(2026, 4, 10)
    assert span.precision == Precision.MONTH
    assert span.approximate is True
    assert span.display() == "late March – early April 2026"
    with pytest.raises(AttributeError):
        span.start = date(2020, 1, 1)


def test_base_defaults_to_today():
    span = parse_span("yesterday")
    assert span is not None
    assert (date.today() - span.start).days == 1


def test_explicit_languages_are_used():
    assert parse_span("12 juin 2018", base=BASE, languages=["fr"]).start == date(2018, 6, 12)


@pytest.mark.parametrize(
    "span, text",
    [
        (DateSpan(date(2018, 6, 12), date(2018, 6, 12), D), "12 June 2018"),
        (DateSpan(date(2018, 6, 1), date(2018, 6, 30), M), "June 2018"),
        (DateSpan(date(2019, 1, 1), date(2019, 12, 31), Y), "2019"),
        (DateSpan(date(2019, 2, 27), date(2019, 2, 28), D), "27–28 February 2019"),
        (DateSpan(date(2026, 3, 21), date(2026, 4, 10), M, True), "late March – early April 2026"),
        (DateSpan(date(2018, 6, 1), date(2018, 6, 30), M, True), "c. June 2018"),
        (DateSpan(date(2026, 1, 1), date(2026, 3, 31), Q), "Q1 2026"),
        (DateSpan(date(2026, 2, 23), date(2026, 3, 1), W), "week of 23 February 2026"),
        (DateSpan(date(2018, 6, 1), date(2019, 2, 28), M), "June 2018 – February 2019"),
        (DateSpan(date(2025, 10, 31), date(2025, 11, 1), D), "31 October – 1 November 2025"),
        (DateSpan(date(2018, 12, 31), date(2019, 1, 1), D), "31 December 2018 – 1 January 2019"),
    ],
)
def test_display(span, text):
    assert span.display() == text


def test_a_span_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        DateSpan(date(2019, 1, 2), date(2019, 1, 1), D)


# Property-based tests -------------------------------------------------------------------------

MONTHS = MONTH_NAMES[1:]
years = st.integers(min_value=1950, max_value=2040)
days = st.integers(min_value=1, max_value=31)
months = st.sampled_from(MONTHS)
qualifiers = st.sampled_from(["", "early ", "mid ", "late ", "around ", "c. "])
single = st.one_of(
    st.builds(lambda d, m, y: f"{d} {m} {y}", days, months, years),
    st.builds(lambda m, y: f"{m} {y}", months, years),
    st.builds(lambda q, m, y: f"{q}{m} {y}", qualifiers, months, years),
    st.builds(lambda q, y: f"{q}{y}", qualifiers, years),
    st.builds(lambda n, y: f"Q{n} {y}", st.integers(1, 4), years),
    st.builds(lambda d, m: f"{m} {d}", days, months),
    st.builds(lambda m, d: f"{m}月{d}日", st.integers(1, 12), days),
    st.builds(lambda y, m: f"{y}년 {m}월", years, st.integers(1, 12)),
)
phrases = st.one_of(
    single,
    st.builds(lambda a, b: f"{a} to {b}", single, single),
    st.builds(lambda a, b: f"between {a} and {b}", single, single),
    st.builds(lambda a, b, m, y: f"{a}–{b} {m} {y}", days, days, months, years),
)
bases = st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31))


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    derandomize=not os.environ.get("HYPOTHESIS_EXAMPLES"),  # CI: same examples every run
)
@given(text=phrases, base=bases)
def test_start_never_after_end_and_display_reads_back(text, base):
    span = parse_span(text, base=base)
    if span is None:
        return
    assert span.start <= span.end
    assert parse_span(span.display(), base=base) == span


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    derandomize=not os.environ.get("HYPOTHESIS_EXAMPLES"),  # CI: same examples every run
)
@given(text=st.text(max_size=60), base=bases)
def test_arbitrary_text_never_raises(text, base):
    span = parse_span(text, base=base)
    assert span is None or span.start <= span.end


def test_mixed_precision_ends_within_one_month_are_refused():
    assert parse_span("early February 1950 to 11 February 1950", base=BASE) is None
    assert parse_span("early March to mid March 2026", base=BASE) == DateSpan(
        date(2026, 3, 1), date(2026, 3, 20), Precision.MONTH, True
    )
