"""timeline.dates: text as people write it in, an honest span out."""

import os
from datetime import date, timedelta

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


korean_single = st.one_of(
    st.builds(lambda y, m, d: f"{y}년 {m}월 {d}일", years, st.integers(1, 12), days),
    st.builds(lambda y, m: f"{y}년 {m}월", years, st.integers(1, 12)),
    st.builds(
        lambda y, m, q: f"{y}년 {m}월 {q}",
        years,
        st.integers(1, 12),
        st.sampled_from(["초순", "중순", "하순", "초", "말"]),
    ),
    st.builds(lambda y, q: f"{y}년 {q}", years, st.sampled_from(["초", "중반", "말"])),
    st.builds(lambda y, n: f"{y}년 {n}분기", years, st.integers(1, 4)),
    st.builds(lambda s, a: f"{s}{a}", st.sampled_from(["2019년 6월", "2020년"]), st.just("경")),
)
korean_phrases = st.one_of(
    korean_single,
    st.builds(lambda a, b: f"{a}~{b}", korean_single, korean_single),
    st.builds(lambda y, m, a, b: f"{y}년 {m}월 {a}~{b}일", years, st.integers(1, 12), days, days),
)


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    derandomize=not os.environ.get("HYPOTHESIS_EXAMPLES"),  # CI: same examples every run
)
@given(text=st.one_of(phrases, korean_phrases), base=bases)
def test_korean_display_reads_back_as_the_same_span(text, base):
    span = parse_span(text, base=base)
    if span is None:
        return
    korean = span.display(language="ko")
    assert parse_span(korean, base=base) == span, korean
    # Read against a base decades away too: the Korean display always writes its year.
    assert parse_span(korean, base=date(1900, 1, 1)) == span, korean


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    start=st.dates(min_value=date(1950, 1, 1), max_value=date(2040, 12, 31)),
    length=st.integers(min_value=0, max_value=800),
    precision=st.sampled_from(list(Precision)),
    approximate=st.booleans(),
)
def test_any_span_displays_in_korean_as_text_that_reads_back(start, length, precision, approximate):
    """Spans parse_span did not produce (odd lengths, odd precisions) still read back."""
    span = DateSpan(start, start + timedelta(days=length), precision, approximate)
    english = parse_span(span.display(), base=start)
    korean = parse_span(span.display(language="ko"), base=start)
    if english is not None:  # the Korean display is at least as faithful as the English
        assert korean == english


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


# Korean display: what a Korean reader sees ----------------------------------------------------

KOREAN_DISPLAY = [
    (DateSpan(date(2018, 6, 12), date(2018, 6, 12), D), "2018년 6월 12일"),
    (DateSpan(date(2019, 2, 27), date(2019, 2, 28), D), "2019년 2월 27~28일"),
    (DateSpan(date(2018, 6, 1), date(2018, 6, 30), M), "2018년 6월"),
    (DateSpan(date(2026, 3, 21), date(2026, 4, 10), M, True), "2026년 3월 하순~4월 초순"),
    (DateSpan(date(2018, 6, 11), date(2018, 6, 20), M, True), "2018년 6월 중순"),
    (DateSpan(date(2026, 11, 1), date(2026, 11, 10), M, True), "2026년 11월 초순"),
    (DateSpan(date(2025, 10, 1), date(2025, 12, 31), Q), "2025년 4분기"),
    (DateSpan(date(2026, 1, 1), date(2026, 6, 30), Q), "2026년 1~2분기"),
    (DateSpan(date(2025, 10, 1), date(2026, 3, 31), Q), "2025년 4분기~2026년 1분기"),
    (DateSpan(date(2019, 1, 1), date(2019, 12, 31), Y), "2019년"),
    (DateSpan(date(2018, 1, 1), date(2019, 12, 31), Y), "2018~2019년"),
    (DateSpan(date(2019, 1, 1), date(2019, 4, 30), Y, True), "2019년 초"),
    (DateSpan(date(2019, 5, 1), date(2019, 8, 31), Y, True), "2019년 중반"),
    (DateSpan(date(2019, 9, 1), date(2019, 12, 31), Y, True), "2019년 말"),
    (DateSpan(date(2018, 9, 1), date(2019, 4, 30), Y, True), "2018년 말~2019년 초"),
    (DateSpan(date(2018, 6, 12), date(2018, 6, 12), D, True), "2018년 6월 12일경"),
    (DateSpan(date(2018, 6, 1), date(2018, 6, 30), M, True), "2018년 6월경"),
    (DateSpan(date(2019, 1, 1), date(2019, 12, 31), Y, True), "2019년경"),
    (DateSpan(date(2018, 6, 1), date(2018, 8, 31), M, True), "2018년 6~8월 무렵"),
    (DateSpan(date(2026, 2, 23), date(2026, 3, 1), W), "2026년 2월 23일 주"),
    (DateSpan(date(2026, 2, 23), date(2026, 3, 15), W), "2026년 2월 23일 주~2026년 3월 9일 주"),
    (DateSpan(date(2026, 2, 23), date(2026, 3, 1), W, True), "2026년 2월 23일 주 무렵"),
    (DateSpan(date(2018, 6, 1), date(2019, 2, 28), M), "2018년 6월~2019년 2월"),
    (DateSpan(date(2018, 6, 1), date(2018, 9, 30), M), "2018년 6~9월"),
    (DateSpan(date(2025, 10, 31), date(2025, 11, 1), D), "2025년 10월 31일~11월 1일"),
    (DateSpan(date(2018, 12, 31), date(2019, 1, 1), D), "2018년 12월 31일~2019년 1월 1일"),
    (DateSpan(date(2018, 6, 12), date(2019, 12, 31), Y), "2018년 6월 12일~2019년"),
]


@pytest.mark.parametrize("span, text", KOREAN_DISPLAY)
def test_korean_display(span, text):
    assert span.display(language="ko") == text
    assert parse_span(text, base=BASE) == span
    assert parse_span(text, base=date(1970, 1, 1)) == span


def test_display_defaults_to_english_and_takes_a_language_tag():
    span = DateSpan(date(2018, 6, 12), date(2018, 6, 12), D)
    assert span.display() == span.display(language="en") == "12 June 2018"
    assert span.display(language="ko-KR") == "2018년 6월 12일"


# Korean news dates, read against the article's date ------------------------------------------

NEWS_BASE = date(2026, 3, 12)  # a Thursday
KOREAN_NEWS = [
    ("12일", "2026-03-12", "2026-03-12", D, False),
    ("3일", "2026-03-03", "2026-03-03", D, False),
    ("15일", "2026-02-15", "2026-02-15", D, False),  # still ahead: the month before
    ("오는 15일", "2026-03-15", "2026-03-15", D, False),
    ("오는 5일", "2026-04-05", "2026-04-05", D, False),
    ("지난 10일", "2026-03-10", "2026-03-10", D, False),
    ("지난 20일", "2026-02-20", "2026-02-20", D, False),
    ("이번 20일", "2026-03-20", "2026-03-20", D, False),
    ("지난해", "2025-01-01", "2025-12-31", Y, False),
    ("작년", "2025-01-01", "2025-12-31", Y, False),
    ("올해", "2026-01-01", "2026-12-31", Y, False),
    ("내년", "2027-01-01", "2027-12-31", Y, False),
    ("지난달", "2026-02-01", "2026-02-28", M, False),
    ("이달", "2026-03-01", "2026-03-31", M, False),
    ("다음 달", "2026-04-01", "2026-04-30", M, False),
    ("다음 달 말", "2026-04-21", "2026-04-30", M, True),
    ("내달 초", "2026-04-01", "2026-04-10", M, True),
    ("올해 11월 초", "2026-11-01", "2026-11-10", M, True),
    ("지난해 11월", "2025-11-01", "2025-11-30", M, False),
    ("내년 1월 20일", "2027-01-20", "2027-01-20", D, False),
    ("지난달 28일", "2026-02-28", "2026-02-28", D, False),
    ("올해 말", "2026-09-01", "2026-12-31", Y, True),
    ("올해 상반기", "2026-01-01", "2026-06-30", Q, False),
    ("지난 화요일", "2026-03-10", "2026-03-10", D, False),
    ("지난 목요일", "2026-03-05", "2026-03-05", D, False),
    ("오는 금요일", "2026-03-13", "2026-03-13", D, False),
    ("오는 목요일", "2026-03-19", "2026-03-19", D, False),
    ("지난주", "2026-03-02", "2026-03-08", W, False),
    ("다음 주", "2026-03-16", "2026-03-22", W, False),
    ("지난주 화요일", "2026-03-03", "2026-03-03", D, False),
    ("어제", "2026-03-11", "2026-03-11", D, False),
    ("이날", "2026-03-12", "2026-03-12", D, False),
    ("10~11일", "2026-03-10", "2026-03-11", D, False),
    ("지난달 하순~이달 초순", "2026-02-21", "2026-03-10", M, True),
]


@pytest.mark.parametrize("text, start, end, precision, approximate", KOREAN_NEWS)
def test_korean_news_date_is_read_against_the_article_date(
    text, start, end, precision, approximate
):
    span = parse_span(text, base=NEWS_BASE)
    assert span is not None, f"{text!r} was not read"
    assert (span.start.isoformat(), span.end.isoformat()) == (start, end)
    assert span.precision == precision
    assert span.approximate is approximate


def test_a_bare_day_in_a_sentence_about_plans_is_still_ahead():
    assert parse_span("15일", base=NEWS_BASE, direction="future").start == date(2026, 3, 15)
    assert parse_span("5일", base=NEWS_BASE, direction="future").start == date(2026, 4, 5)


# The direction the text gives ----------------------------------------------------------------

DIRECTED = [
    # text, base, direction, expected start, expected end
    ("early November", date(2026, 3, 4), "future", "2026-11-01", "2026-11-10"),
    ("early November", date(2026, 3, 4), "nearest", "2025-11-01", "2025-11-10"),
    ("early November", date(2026, 3, 4), "past", "2025-11-01", "2025-11-10"),
    ("December", date(2026, 1, 10), "future", "2026-12-01", "2026-12-31"),
    ("March", date(2026, 3, 4), "future", "2026-03-01", "2026-03-31"),
    ("late April", date(2026, 3, 4), "future", "2026-04-21", "2026-04-30"),
    ("Thursday", date(2026, 3, 4), "past", "2026-02-26", "2026-02-26"),
    ("Thursday", date(2026, 3, 4), "future", "2026-03-05", "2026-03-05"),
    ("on Tuesday", date(2026, 3, 4), "future", "2026-03-10", "2026-03-10"),
    ("on Tuesday", date(2026, 3, 4), "past", "2026-03-03", "2026-03-03"),
    ("11월 초", date(2026, 3, 4), "future", "2026-11-01", "2026-11-10"),
]


@pytest.mark.parametrize("text, base, direction, start, end", DIRECTED)
def test_direction_decides_where_a_yearless_date_lies(text, base, direction, start, end):
    span = parse_span(text, base=base, direction=direction)
    assert (span.start.isoformat(), span.end.isoformat()) == (start, end)


def test_an_unknown_direction_is_a_programming_error():
    with pytest.raises(ValueError, match="direction"):
        parse_span("June 2018", direction="sideways")
