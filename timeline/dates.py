"""Dates as people write them: text in, a span with an honest precision out.

"June 2018" is 2018-06-01..2018-06-30 at month precision, never a fake 1 June. Every part of the
product that reads or shows a date goes through this module: the public filters, the API, the
admin's "When" field, the article import and every date a reader sees (`DateSpan.display`).

dateparser does the language work (month names in dozens of languages, relative words); this
module adds what it lacks: ranges, early/mid/late qualifiers, quarters, the occurrence nearest to
the article's date when no year is written, and CJK month/day forms read unambiguously.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser
from django.db import models
from django.utils.translation import gettext_lazy

MAX_INPUT_LENGTH = 200
DIRECTIONS = ("nearest", "future", "past")
# The direction of the parse_span call in progress (read deep in the year-less resolution).
_DIRECTION: ContextVar[str] = ContextVar("date_direction", default="nearest")
# English names, whatever the process locale.
MONTH_NAMES = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


class Precision(models.TextChoices):
    DAY = "day", gettext_lazy("Day")
    WEEK = "week", gettext_lazy("Week")
    MONTH = "month", gettext_lazy("Month")
    QUARTER = "quarter", gettext_lazy("Quarter")
    YEAR = "year", gettext_lazy("Year")

    @property
    def rank(self) -> int:
        return _PRECISION_ORDER.index(self)

    @classmethod
    def coarser(cls, first: Precision, second: Precision) -> Precision:
        return first if first.rank >= second.rank else second


_PRECISION_ORDER = [
    Precision.DAY,
    Precision.WEEK,
    Precision.MONTH,
    Precision.QUARTER,
    Precision.YEAR,
]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True, slots=True)
class DateSpan:
    start: date
    end: date
    precision: Precision
    approximate: bool = False

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a span cannot end ({self.end}) before it starts ({self.start})")
        object.__setattr__(self, "precision", Precision(self.precision))

    def display(self, *, language: str = "en") -> str:
        """The span as a reader of `language` writes it ("en" or "ko"); parse_span reads it back."""
        if language.lower().startswith("ko"):
            return _display_ko(self)
        return _display(self)

    def overlaps(self, other: DateSpan) -> bool:
        return self.start <= other.end and other.start <= self.end

    def __str__(self) -> str:
        return self.display()


def parse_span(
    text: str | None,
    *,
    base: date | None = None,
    languages: list[str] | tuple[str, ...] | None = None,
    direction: str = "nearest",
) -> DateSpan | None:
    """Read `text` as a span of dates, relative to `base` (default: today).

    `direction` says where a date without a year lies from `base`: "nearest" (a date field),
    "future" (text about plans: "in early November" in a March article is this November) or
    "past" (a report of what happened: "on Thursday" in a Wednesday article is last week's).

    Returns None for anything that is not a date, an impossible date, an inverted range or empty
    text. It never raises on user input.
    """
    if direction not in DIRECTIONS:  # a programming error, not user input
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    if not isinstance(text, str):
        return None
    base = base or date.today()
    if isinstance(base, datetime):
        base = base.date()
    token = _DIRECTION.set(direction)
    try:
        return _parse(text, base=base, languages=tuple(languages) if languages else None)
    except (ValueError, OverflowError, TypeError, KeyError, IndexError, AttributeError):
        return None
    finally:
        _DIRECTION.reset(token)


# --------------------------------------------------------------------------------------------
# Parsing

APPROXIMATE_PREFIX = re.compile(
    r"^(?:around|about|approximately|approx\.?|roughly|circa|ca\.|c\.|c\b|some\s?time\s+in"
    r"|in\s+or\s+around)\s*",
    re.I,
)
APPROXIMATE_SUFFIX = re.compile(r"\s*(?:경|쯤|무렵|께|左右|前后|前後|頃|ごろ)$")
QUALIFIER_PREFIX = re.compile(
    r"^(?:(early|mid|middle of|the middle of|late|the end of|end of|the beginning of"
    r"|beginning of|the start of|start of)(?:\s*-\s*|\s+)|(mid)(?=[a-z]))",
    re.I,
)
QUALIFIER_SUFFIX = re.compile(
    r"\s*(초순|상순|초반|초|중순|중반|하순|후반|말|上旬|初|中旬|下旬|底|末)$"
)
QUALIFIER_WORDS = {
    "early": "early",
    "beginning of": "early",
    "the beginning of": "early",
    "start of": "early",
    "the start of": "early",
    "mid": "mid",
    "middle of": "mid",
    "the middle of": "mid",
    "late": "late",
    "end of": "late",
    "the end of": "late",
    "초순": "early",
    "상순": "early",
    "초": "early",
    "上旬": "early",
    "初": "early",
    "중순": "mid",
    "초반": "early",
    "중반": "mid",
    "후반": "late",
    "中旬": "mid",
    "하순": "late",
    "말": "late",
    "下旬": "late",
    "底": "late",
    "末": "late",
}
RANGE_BETWEEN = re.compile(r"^(?:between)\s+(.+?)\s+and\s+(.+)$", re.I)
RANGE_FROM = re.compile(r"^(?:from)\s+(.+?)\s+(?:to|until|till|through|thru)\s+(.+)$", re.I)
RANGE_KO = re.compile(r"^(.+?)\s*부터\s*(.+?)\s*까지$")
RANGE_SEPARATORS = re.compile(
    r"\s+(?:to|until|till|through|thru)\s+|\s*[–—~〜～至到]\s*|\s+-\s+|(?<=\w)-(?=\w)", re.I
)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b")
YEAR_ONLY = re.compile(r"^(\d{4})$")
QUARTER = re.compile(
    r"^(?:q([1-4])|([1-4])(?:st|nd|rd|th)\s+quarter(?:\s+of)?|([1-4])\s*분기|第?([1-4一二三四])季度)"
    r"(?:\s*,?\s*(\d{4}))?$",
    re.I,
)
QUARTER_YEAR_FIRST = re.compile(
    r"^(\d{4})\s*(?:년\s*)?(?:q([1-4])|([1-4])\s*분기|年?第?([1-4一二三四])季度)$", re.I
)
WEEK_OF = re.compile(r"^(?:the\s+)?week\s+(?:of|beginning|starting)\s+(.+)$", re.I)
CJK = re.compile(
    r"^(?:(\d{4})\s*[年년.]\s*)?(?:(\d{1,2})\s*[月월]\s*)?(?:(\d{1,2})\s*[日일号號]\s*)?$"
)
DAY_FRAGMENT = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?(?:\s*[日일号號])?(?:\s*,?\s*(\d{4}))?$", re.I
)
NUMERIC = re.compile(r"^(\d{4})[/.](\d{1,2})(?:[/.](\d{1,2}))?\.?$")
YEAR_STATED = re.compile(r"(?<!\d)\d{4}(?!\d)|'\d{2}\b")
RELATIVE_WORDS = re.compile(
    r"\b(?:yesterday|today|tomorrow|tonight|ago|last|next|this|previous|coming|past|current"
    r"|hence|later|earlier|week|weeks|day|days|months|years)\b"
    r"|어제|오늘|내일|그제|모레|지난|다음|이번|작년|올해|내년|금년|전|후"
    r"|昨天|今天|明天|去年|今年|明年|上个|下个|本周|上周|下周|本月|上月|下月|昨日|今日|明日|先週|来週|今週",
    re.I,
)
WEEKDAY = re.compile(
    r"^(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?$"
    r"|^[월화수목금토일]요일$|^(?:星期|周|週)[一二三四五六日天]$|^[月火水木金土日]曜日$",
    re.I,
)
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
# Korean news dates, read against the article's date ("지난해 11월", "다음 달 말", "오는 15일").
KO_YEAR_WORD = re.compile(r"^(재작년|지난해|작년|전년|올해|금년|내년|내후년|올)(?=\s|\d|$)\s*")
KO_YEAR_SHIFT = {
    "재작년": -2,
    "지난해": -1,
    "작년": -1,
    "전년": -1,
    "올해": 0,
    "금년": 0,
    "올": 0,
    "내년": 1,
    "내후년": 2,
}
KO_MONTH_WORD = re.compile(r"^(지난\s?달|전달|이번\s?달|이달|금월|다음\s?달|내달)(?=\s|\d|$)\s*")
KO_DAY_WORDS = {
    "그제": -2,
    "그저께": -2,
    "어제": -1,
    "전날": -1,
    "오늘": 0,
    "이날": 0,
    "내일": 1,
    "모레": 2,
}
KO_WEEK_OR_WEEKDAY = re.compile(
    r"^(?:(지난\s?주|이번\s?주|금주|다음\s?주|내주)|(지난|오는|이번))?\s*"
    r"(?:([월화수목금토일])요일)?$"
)
KO_DAY = re.compile(r"^(?:(지난|오는|이번)\s*)?(\d{1,2})\s*[일日]$")
KO_WEEKDAYS = "월화수목금토일"
KO_WEEK = re.compile(r"^(.*\d\s*일)\s*(?:의\s*)?주(?:간)?$")
KO_HALF = re.compile(r"^(?:(\d{4})\s*년\s*)?(상|하)반기$")
# "27~28일", "1~2분기", "6~9월": one unit written once for both ends.
KO_COMPACT_RANGE = re.compile(r"(?<!\d)(\d{1,2})\s*~\s*(\d{1,2})\s*(일|월|분기)")


@dataclass(frozen=True, slots=True)
class _Reading:
    """One side of a range, before qualifiers: a period, and whether its year was written."""

    start: date
    end: date
    precision: Precision
    year_stated: bool
    relative: bool = False
    qualifier: str = ""
    approximate: bool = False
    day_only: int | None = None  # "27" in "27–28 February": day known, month from the other end
    fragment_year: int | None = None  # "28, 2019" in "February 27-28, 2019"

    def with_year(self, year: int) -> _Reading:
        start = _same_day_in_year(self.start, year)
        if self.precision in (Precision.DAY, Precision.WEEK):
            end = start + (self.end - self.start)
        else:
            end = _same_day_in_year(self.end, year + (self.end.year - self.start.year), at_end=True)
        return replace(self, start=start, end=end, year_stated=True)

    def finish(self) -> DateSpan:
        start, end, approximate = self.start, self.end, self.approximate
        if self.qualifier:
            start, end = _apply_qualifier(self.qualifier, start, end, self.precision)
            approximate = True
        return DateSpan(start=start, end=end, precision=self.precision, approximate=approximate)


def _same_day_in_year(day: date, year: int, *, at_end: bool = False) -> date:
    if at_end and day.day == calendar.monthrange(day.year, day.month)[1]:
        return month_end(year, day.month)
    return day.replace(year=year)  # raises ValueError for 29 February in a common year


def _apply_qualifier(qualifier: str, start: date, end: date, precision: Precision) -> tuple:
    if precision == Precision.YEAR and start.year == end.year:
        thirds = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[qualifier]
        return date(start.year, thirds[0], 1), month_end(start.year, thirds[1])
    if precision == Precision.MONTH and (start.year, start.month) == (end.year, end.month):
        days = {"early": (1, 10), "mid": (11, 20), "late": (21, end.day)}[qualifier]
        return start.replace(day=days[0]), start.replace(day=days[1])
    return start, end  # "early 12 June" says no more than "12 June"


def _period_of(day: date, period: str) -> tuple[date, date, Precision]:
    if period == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31), Precision.YEAR
    if period == "month":
        return day.replace(day=1), month_end(day.year, day.month), Precision.MONTH
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6), Precision.WEEK
    return day, day, Precision.DAY


@lru_cache(maxsize=64)
def _parser(languages: tuple[str, ...] | None, base: date) -> DateDataParser:
    # Constructing is cheap, but a fresh parser re-learns its languages on first use: keep
    # parsers per (languages, base) so a phrase after warm-up costs about a millisecond.
    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "RETURN_TIME_AS_PERIOD": True,
        "PREFER_DATES_FROM": "current_period",
    }
    return DateDataParser(languages=list(languages) if languages else None, settings=settings)


def _dateparser_reading(
    text: str, *, base: date, languages: tuple[str, ...] | None
) -> _Reading | None:
    attempts = [languages] if languages else [("en",), None]
    for langs in attempts:
        data = _parser(langs, base).get_date_data(text)
        if data.date_obj is not None:
            start, end, precision = _period_of(data.date_obj.date(), data.period or "day")
            relative = bool(RELATIVE_WORDS.search(text))
            return _Reading(
                start=start,
                end=end,
                precision=precision,
                year_stated=relative or bool(YEAR_STATED.search(text)),
                relative=relative,
            )
    return None


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2010", "-").replace("\u2011", "-").replace("\u2212", "-")
    text = re.sub(r"\s+", " ", text).strip(" .,;:")
    return text


def _parse(text: str, *, base: date, languages: tuple[str, ...] | None) -> DateSpan | None:
    text = _normalise(text)
    if not text or len(text) > MAX_INPUT_LENGTH or "\x00" in text:
        return None
    approximate = False
    prefix = APPROXIMATE_PREFIX.match(text)
    if prefix and prefix.end() < len(text):
        approximate, text = True, text[prefix.end() :].strip()
    suffix = APPROXIMATE_SUFFIX.search(text)
    if suffix and suffix.start() > 0:
        approximate, text = True, text[: suffix.start()].strip()
    text = re.sub(r"\b(early|mid|late)-", r"\1 ", text, flags=re.I)
    # ISO dates contain hyphens that are not range separators: rewrite them first.
    text = ISO_DATE.sub(lambda m: "/".join(g for g in m.groups() if g), text)
    text = KO_COMPACT_RANGE.sub(r"\1\3~\2\3", text)

    left, right = _split_range(text)
    if right is None:
        reading = _read_part(left, base=base, languages=languages)
        if reading is not None and reading.day_only is not None and KO_DAY.match(left):
            reading = _news_day(reading.day_only, base=base, how="")  # "12일" in a news report
        if reading is None or reading.day_only is not None:
            return None
        if not reading.year_stated:
            reading = _nearest(reading, anchor=base)
        span = reading.finish()
    else:
        span = _parse_range(left, right, base=base, languages=languages)
        if span is None:
            return None
    if approximate:
        span = replace(span, approximate=True)
    return span


def _split_range(text: str) -> tuple[str, str | None]:
    for pattern in (RANGE_BETWEEN, RANGE_FROM, RANGE_KO):
        match = pattern.match(text)
        if match:
            return match.group(1).strip(), match.group(2).strip()
    parts = RANGE_SEPARATORS.split(text)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        return parts[0].strip(), parts[1].strip()
    if len(parts) > 2:
        return text, "\x00"  # more than two ends: not a span we can read honestly
    return text, None


def _parse_range(
    left_text: str, right_text: str, *, base: date, languages: tuple[str, ...] | None
) -> DateSpan | None:
    left = _read_part(left_text, base=base, languages=languages)
    right = _read_part(right_text, base=base, languages=languages)
    if left is None or right is None:
        return None
    if left.day_only is not None and right.day_only is not None:
        if not (KO_DAY.match(left_text) and KO_DAY.match(right_text)):
            return None
        left = _news_day(left.day_only, base=base, how="")  # "12~14일" in a news report
    if left.day_only is not None and right.day_only is not None:
        return None
    # "27–28 February 2019": the bare day takes its month and year from the other end.
    if left.day_only is not None:
        if not right.year_stated:
            right = _nearest(right, anchor=base)
        left = _day_in_month_of(left, right.start)
    elif right.day_only is not None:
        if not left.year_stated and right.fragment_year:
            left = left.with_year(right.fragment_year)
        elif not left.year_stated:
            left = _nearest(left, anchor=base)
        right = _day_in_month_of(right, left.end)
    # "late March to early April 2026": the end without a year takes the other end's.
    elif not left.year_stated and right.year_stated:
        left = _latest_not_after(left, right.finish().start)
    elif left.year_stated and not right.year_stated:
        right = _earliest_not_before(right, left.finish().start)
    elif not left.year_stated and not right.year_stated:
        left = _nearest(left, anchor=base)
        right = _earliest_not_before(right, left.finish().start)
    if left is None or right is None:
        return None
    first, second = left.finish(), right.finish()
    # The second end must end after the first does: "Q1 to January" is not a range.
    if second.end < first.end or second.start < first.start:
        return None
    # "early February to 11 February": a month-level end and a day inside the same month say
    # neither a month nor a day honestly.
    same_month = (first.start.year, first.start.month) == (second.end.year, second.end.month)
    if same_month and first.precision != second.precision:
        return None
    return DateSpan(
        start=first.start,
        end=second.end,
        precision=Precision.coarser(first.precision, second.precision),
        approximate=first.approximate or second.approximate,
    )


def _day_in_month_of(fragment: _Reading, month_of: date) -> _Reading:
    day = date(month_of.year, month_of.month, fragment.day_only)
    return _Reading(start=day, end=day, precision=Precision.DAY, year_stated=True)


def _nearest(reading: _Reading, *, anchor: date) -> _Reading:
    """The occurrence of a year-less date nearest to `anchor` (an article's own date), or the
    first one not yet over (direction "future") or the last one already begun ("past")."""
    if reading.relative:
        return reading
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(reading.with_year(year))
        except ValueError:
            continue
    if not candidates:
        raise ValueError("no such date in the years around the base date")
    direction = _DIRECTION.get()
    if direction == "future":
        ahead = [r for r in candidates if r.finish().end >= anchor]
        if ahead:
            return ahead[0]
    elif direction == "past":
        behind = [r for r in candidates if r.finish().start <= anchor]
        if behind:
            return behind[-1]
    return min(candidates, key=lambda r: _distance(r.finish(), anchor))


def _nearest_weekday(reading: _Reading, *, anchor: date) -> _Reading:
    """ "on Thursday" in an article dated Friday is the day before, not six days later; in a
    sentence about plans ("will meet on Thursday") it is the coming one."""
    days = [reading.start + timedelta(days=shift) for shift in (-14, -7, 0, 7, 14)]
    direction = _DIRECTION.get()
    if direction == "future":
        day = min(d for d in days if d >= anchor)
    elif direction == "past":
        day = max(d for d in days if d <= anchor)
    else:
        day = min(days, key=lambda d: abs((d - anchor).days))
    return _Reading(day, day, Precision.DAY, year_stated=True)


def _distance(span: DateSpan, anchor: date) -> int:
    if span.start <= anchor <= span.end:
        return 0
    return min(abs((span.start - anchor).days), abs((span.end - anchor).days))


def _earliest_not_before(reading: _Reading, floor: date) -> _Reading | None:
    for year in range(floor.year, floor.year + 2):
        try:
            candidate = reading.with_year(year)
        except ValueError:
            continue
        if candidate.finish().start >= floor:
            return candidate
    return None


def _latest_not_after(reading: _Reading, ceiling: date) -> _Reading | None:
    for year in range(ceiling.year, ceiling.year - 2, -1):
        try:
            candidate = reading.with_year(year)
        except ValueError:
            continue
        if candidate.finish().start <= ceiling:
            return candidate
    return None


def _read_part(text: str, *, base: date, languages: tuple[str, ...] | None) -> _Reading | None:
    text = text.strip(" ,.")
    if not text:
        return None
    qualifier = ""
    match = QUALIFIER_PREFIX.match(text)
    if match:
        qualifier = QUALIFIER_WORDS[(match.group(1) or match.group(2)).lower()]
        text = text[match.end() :].strip()
    else:
        match = QUALIFIER_SUFFIX.search(text)
        if match and match.start() > 0:
            qualifier = QUALIFIER_WORDS[match.group(1)]
            text = text[: match.start()].strip()
    reading = _read_plain(text, base=base, languages=languages)
    if reading is None:
        return None
    if qualifier:
        if reading.precision not in (Precision.MONTH, Precision.YEAR) or reading.day_only:
            return None  # "late 12 June" is not something people write
        reading = replace(reading, qualifier=qualifier)
    return reading


def _read_plain(text: str, *, base: date, languages: tuple[str, ...] | None) -> _Reading | None:
    if _HANGUL.search(text) and (reading := _korean_reading(text, base=base, languages=languages)):
        return reading
    if match := YEAR_ONLY.match(text):
        year = int(match.group(1))
        return _Reading(date(year, 1, 1), date(year, 12, 31), Precision.YEAR, year_stated=True)
    if match := DAY_FRAGMENT.match(text):
        day = int(match.group(1))
        if not 1 <= day <= 31:
            return None
        placeholder = date(2000, 1, day)
        year = int(match.group(2)) if match.group(2) else None
        return _Reading(
            placeholder,
            placeholder,
            Precision.DAY,
            year_stated=True,
            day_only=day,
            fragment_year=year,
        )
    if (match := QUARTER.match(text)) or (match := QUARTER_YEAR_FIRST.match(text)):
        return _quarter_reading(match, base=base)
    if match := WEEK_OF.match(text):
        inner = _read_plain(match.group(1), base=base, languages=languages)
        if inner is None or inner.precision != Precision.DAY or inner.day_only:
            return None
        if not inner.year_stated:
            inner = _nearest(inner, anchor=base)
        monday = inner.start - timedelta(days=inner.start.weekday())
        return _Reading(monday, monday + timedelta(days=6), Precision.WEEK, year_stated=True)
    if match := NUMERIC.match(text):
        year, month, day = (int(g) if g else None for g in match.groups())
        if day is None:
            start = date(year, month, 1)
            return _Reading(start, month_end(year, month), Precision.MONTH, year_stated=True)
        day_date = date(year, month, day)
        return _Reading(day_date, day_date, Precision.DAY, year_stated=True)
    if (match := CJK.match(text)) and any(match.groups()):
        return _cjk_reading(match, base=base)
    if WEEKDAY.match(text):
        reading = _dateparser_reading(text, base=base, languages=languages)
        if reading is None:
            return None
        return _nearest_weekday(reading, anchor=base)
    return _dateparser_reading(text, base=base, languages=languages)


_HANGUL = re.compile(r"[\uac00-\ud7af]")


def _korean_reading(text: str, *, base: date, languages: tuple[str, ...] | None) -> _Reading | None:
    """Korean forms dateparser lacks: news words relative to the article's date, weeks, halves."""
    if match := KO_YEAR_WORD.match(text):
        year = base.year + KO_YEAR_SHIFT[match.group(1)]
        rest = text[match.end() :]
        inner = _read_plain(f"{year}년 {rest}".strip(), base=base, languages=languages)
        return replace(inner, relative=True, year_stated=True) if inner else None
    if match := KO_MONTH_WORD.match(text):
        word = re.sub(r"\s", "", match.group(1))
        shift = -1 if word in ("지난달", "전달") else 1 if word in ("다음달", "내달") else 0
        month_index = base.year * 12 + base.month - 1 + shift
        year, month = divmod(month_index, 12)
        rest = text[match.end() :]
        inner = _read_plain(
            f"{year}년 {month + 1}월 {rest}".strip(), base=base, languages=languages
        )
        return replace(inner, relative=True, year_stated=True) if inner else None
    if text in KO_DAY_WORDS:
        day = base + timedelta(days=KO_DAY_WORDS[text])
        return _Reading(day, day, Precision.DAY, year_stated=True, relative=True)
    if (match := KO_WEEK_OR_WEEKDAY.match(text)) and (match.group(1) or match.group(2)):
        return _korean_week_or_weekday(match, base=base)
    if (match := KO_DAY.match(text)) and match.group(1):
        return _news_day(int(match.group(2)), base=base, how=match.group(1))
    if match := KO_WEEK.match(text):
        inner = _read_plain(match.group(1), base=base, languages=languages)
        if inner is None or inner.precision != Precision.DAY or inner.day_only:
            return None
        if not inner.year_stated:
            inner = _nearest(inner, anchor=base)
        monday = inner.start - timedelta(days=inner.start.weekday())
        return _Reading(monday, monday + timedelta(days=6), Precision.WEEK, year_stated=True)
    if match := KO_HALF.match(text):
        year = int(match.group(1)) if match.group(1) else base.year
        first = 1 if match.group(2) == "상" else 7
        return _Reading(
            date(year, first, 1),
            month_end(year, first + 5),
            Precision.QUARTER,
            year_stated=bool(match.group(1)),
        )
    return None


def _korean_week_or_weekday(match: re.Match, *, base: date) -> _Reading:
    week_word, how, weekday_text = match.groups()
    monday = base - timedelta(days=base.weekday())
    if week_word:
        word = re.sub(r"\s", "", week_word)
        shift = -1 if word == "지난주" else 1 if word in ("다음주", "내주") else 0
        monday += timedelta(weeks=shift)
        if not weekday_text:
            return _Reading(monday, monday + timedelta(days=6), Precision.WEEK, True, True)
        day = monday + timedelta(days=KO_WEEKDAYS.index(weekday_text))
    elif weekday_text is None:
        raise ValueError("지난/오는 without a day")
    else:
        day = monday + timedelta(days=KO_WEEKDAYS.index(weekday_text))
        # "지난 화요일" is the last Tuesday before the article, "오는 금요일" the next one after.
        if how == "지난" and day >= base:
            day -= timedelta(weeks=1)
        elif how == "오는" and day <= base:
            day += timedelta(weeks=1)
    return _Reading(day, day, Precision.DAY, year_stated=True, relative=True)


def _news_day(day: int, *, base: date, how: str) -> _Reading:
    """A day of the month without a month, as Korean (and Chinese) news write it: "12일" is the
    article's month, or the month before when that day is still ahead; "오는 15일" the next
    such day, "지난 10일" the last one before the article."""
    direction = "future" if how == "오는" else "past" if how == "지난" else _DIRECTION.get()
    if how == "이번":
        direction = "this month"
    this_month = base.replace(day=1)
    previous = (this_month - timedelta(days=1)).replace(day=1)
    following = month_end(base.year, base.month) + timedelta(days=1)
    if direction == "this month":
        month = this_month
    elif direction == "future":
        month = this_month if day >= base.day else following
    elif how == "지난":
        month = this_month if day < base.day else previous
    else:
        month = this_month if day <= base.day else previous
    resolved = month.replace(day=day)
    return _Reading(resolved, resolved, Precision.DAY, year_stated=True, relative=True)


def _quarter_reading(match: re.Match, *, base: date) -> _Reading:
    groups = match.groups()
    if match.re is QUARTER:
        quarter_text = next(g for g in groups[:4] if g)
        year_text = groups[4]
    else:
        year_text = groups[0]
        quarter_text = next(g for g in groups[1:] if g)
    quarter = CHINESE_DIGITS.get(quarter_text) or int(quarter_text)
    year = int(year_text) if year_text else base.year
    start = date(year, 3 * quarter - 2, 1)
    return _Reading(
        start,
        month_end(year, 3 * quarter),
        Precision.QUARTER,
        year_stated=bool(year_text),
    )


def _cjk_reading(match: re.Match, *, base: date) -> _Reading | None:
    year_text, month_text, day_text = match.groups()
    if day_text and not month_text:
        if year_text:
            return None
        day = int(day_text)
        if not 1 <= day <= 31:
            return None
        placeholder = date(2000, 1, day)
        return _Reading(placeholder, placeholder, Precision.DAY, year_stated=True, day_only=day)
    year = int(year_text) if year_text else base.year
    if not month_text:
        return _Reading(date(year, 1, 1), date(year, 12, 31), Precision.YEAR, year_stated=True)
    month = int(month_text)
    if day_text:
        day = date(year, month, int(day_text))
        return _Reading(day, day, Precision.DAY, year_stated=bool(year_text))
    return _Reading(
        date(year, month, 1), month_end(year, month), Precision.MONTH, year_stated=bool(year_text)
    )


# --------------------------------------------------------------------------------------------
# Display: what a reader sees, and text that parse_span reads back as the same span.

YEAR_THIRDS = {(1, 1): "", (5, 1): "mid", (9, 1): "late"}
YEAR_THIRD_ENDS = {(4, 30): "early", (8, 31): "mid", (12, 31): ""}


def _day_label(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month]}"


def _start_label(day: date, span: DateSpan) -> tuple[str, str]:
    """(label without the year, form) for the first day of a span."""
    if span.precision == Precision.YEAR and (day.month, day.day) in YEAR_THIRDS:
        if span.approximate or (day.month, day.day) == (1, 1):
            return YEAR_THIRDS[(day.month, day.day)], "year"
    if span.precision == Precision.QUARTER and day.day == 1 and day.month % 3 == 1:
        return f"Q{(day.month + 2) // 3}", "quarter"
    if span.precision in (Precision.MONTH, Precision.QUARTER, Precision.YEAR):
        if day.day == 1:
            return MONTH_NAMES[day.month], "month"
        if span.approximate and day.day in (11, 21) and span.precision == Precision.MONTH:
            return f"{'mid' if day.day == 11 else 'late'} {MONTH_NAMES[day.month]}", "month"
    return _day_label(day), "day"


def _end_label(day: date, span: DateSpan) -> tuple[str, str]:
    last = calendar.monthrange(day.year, day.month)[1]
    if span.precision == Precision.YEAR and (day.month, day.day) in YEAR_THIRD_ENDS:
        if span.approximate or (day.month, day.day) == (12, 31):
            return YEAR_THIRD_ENDS[(day.month, day.day)], "year"
    if span.precision == Precision.QUARTER and day.day == last and day.month % 3 == 0:
        return f"Q{day.month // 3}", "quarter"
    if span.precision in (Precision.MONTH, Precision.QUARTER, Precision.YEAR):
        if day.day == last:
            return MONTH_NAMES[day.month], "month"
        if span.approximate and day.day in (10, 20) and span.precision == Precision.MONTH:
            return f"{'early' if day.day == 10 else 'mid'} {MONTH_NAMES[day.month]}", "month"
    return _day_label(day), "day"


def _single_qualified(span: DateSpan) -> str | None:
    """ "early March 2026", "mid 2019": one period's third, written as people write it."""
    start, end = span.start, span.end
    if not span.approximate:
        return None
    if span.precision == Precision.MONTH and (start.year, start.month) == (end.year, end.month):
        last = calendar.monthrange(end.year, end.month)[1]
        word = {(1, 10): "early", (11, 20): "mid", (21, last): "late"}.get((start.day, end.day))
        if word:
            return f"{word} {MONTH_NAMES[start.month]} {start.year}"
    if span.precision == Precision.YEAR and start.year == end.year:
        word = {
            ((1, 1), (4, 30)): "early",
            ((5, 1), (8, 31)): "mid",
            ((9, 1), (12, 31)): "late",
        }.get(((start.month, start.day), (end.month, end.day)))
        if word:
            return f"{word} {start.year}"
    return None


def _quarter_label(span: DateSpan) -> str | None:
    start, end = span.start, span.end
    if start.day != 1 or (start.month - 1) % 3 or end != month_end(end.year, end.month):
        return None
    if end.month % 3:
        return None
    first, last = (start.month + 2) // 3, end.month // 3
    if (start.year, first) == (end.year, last):
        return f"Q{first} {start.year}"
    if start.year == end.year:
        return f"Q{first} – Q{last} {start.year}"
    return f"Q{first} {start.year} – Q{last} {end.year}"


def _display(span: DateSpan) -> str:
    text = _display_plain(span)
    has_qualifier = re.search(r"\b(?:early|mid|late)\b", text)
    if span.approximate and not has_qualifier:
        return f"c. {text}"
    return text


def _display_plain(span: DateSpan) -> str:
    start, end = span.start, span.end
    if qualified := _single_qualified(span):
        return qualified
    if span.precision == Precision.QUARTER and (label := _quarter_label(span)):
        return label
    if span.precision == Precision.WEEK and start.weekday() == 0 and end.weekday() == 6:
        if (end - start).days == 6:
            return f"week of {_day_label(start)} {start.year}"
        last_monday = end - timedelta(days=6)
        if start.year == last_monday.year:
            return f"week of {_day_label(start)} – week of {_day_label(last_monday)} {start.year}"
        return (
            f"week of {_day_label(start)} {start.year} – "
            f"week of {_day_label(last_monday)} {last_monday.year}"
        )
    first, first_form = _start_label(start, span)
    last, last_form = _end_label(end, span)
    if first_form == last_form == "year" and not first and not last:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if first_form == "year" and not first and span.approximate and start.year == end.year:
        first = "early"  # "1950 – mid 1950" would end after its second half; "early" does not
    if last_form == "year" and not last and span.approximate and start.year == end.year:
        last = "late"
    if {"year", "quarter"} & {first_form, last_form} or start.year != end.year:
        return f"{first} {start.year}".strip() + " – " + f"{last} {end.year}".strip()
    if first == last:
        return f"{first} {start.year}"
    if first_form == last_form == "day" and start.month == end.month:
        return f"{start.day}–{end.day} {MONTH_NAMES[end.month]} {end.year}"
    return f"{first} – {last} {end.year}"


# --------------------------------------------------------------------------------------------
# Korean display: "2018년 6월 12일", "2019년 2월 27~28일", "2026년 3월 하순~4월 초순",
# "2025년 4분기"; every form is one parse_span reads back as the same span.

KO_MONTH_THIRDS = {"early": "초순", "mid": "중순", "late": "하순"}
KO_YEAR_THIRDS = {"early": "초", "mid": "중반", "late": "말"}
KO_QUALIFIED = re.compile(r"초|중순|하순|중반|말")

_KoSide = list[tuple[str, str]]  # ("year" | "month" | "rest", text) in reading order


def _ko_day(day: date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


def _ko_join(side: _KoSide) -> str:
    return " ".join(text for _, text in side)


def _ko_start(day: date, span: DateSpan) -> tuple[_KoSide, str]:
    year, month = ("year", f"{day.year}년"), ("month", f"{day.month}월")
    if span.precision == Precision.YEAR and (day.month, day.day) in YEAR_THIRDS:
        if span.approximate or (day.month, day.day) == (1, 1):
            third = YEAR_THIRDS[(day.month, day.day)]
            return [year, ("rest", KO_YEAR_THIRDS[third])] if third else [year], "year"
    if span.precision == Precision.QUARTER and day.day == 1 and day.month % 3 == 1:
        return [year, ("rest", f"{(day.month + 2) // 3}분기")], "quarter"
    if span.precision in (Precision.MONTH, Precision.QUARTER, Precision.YEAR):
        if day.day == 1:
            return [year, month], "month"
        if span.approximate and day.day in (11, 21) and span.precision == Precision.MONTH:
            third = "mid" if day.day == 11 else "late"
            return [year, month, ("rest", KO_MONTH_THIRDS[third])], "month"
    return [year, month, ("rest", f"{day.day}일")], "day"


def _ko_end(day: date, span: DateSpan) -> tuple[_KoSide, str]:
    year, month = ("year", f"{day.year}년"), ("month", f"{day.month}월")
    last = calendar.monthrange(day.year, day.month)[1]
    if span.precision == Precision.YEAR and (day.month, day.day) in YEAR_THIRD_ENDS:
        if span.approximate or (day.month, day.day) == (12, 31):
            third = YEAR_THIRD_ENDS[(day.month, day.day)]
            return [year, ("rest", KO_YEAR_THIRDS[third])] if third else [year], "year"
    if span.precision == Precision.QUARTER and day.day == last and day.month % 3 == 0:
        return [year, ("rest", f"{day.month // 3}분기")], "quarter"
    if span.precision in (Precision.MONTH, Precision.QUARTER, Precision.YEAR):
        if day.day == last:
            return [year, month], "month"
        if span.approximate and day.day in (10, 20) and span.precision == Precision.MONTH:
            third = "early" if day.day == 10 else "mid"
            return [year, month, ("rest", KO_MONTH_THIRDS[third])], "month"
    return [year, month, ("rest", f"{day.day}일")], "day"


def _display_ko(span: DateSpan) -> str:
    text, is_range = _display_ko_plain(span)
    if span.approximate and not KO_QUALIFIED.search(text):
        # "경" sits on a single date ("6월 12일경"); a range or a week reads better with "무렵".
        return f"{text} 무렵" if is_range or text.endswith("주") else f"{text}경"
    return text


def _display_ko_plain(span: DateSpan) -> tuple[str, bool]:
    start, end = span.start, span.end
    if qualified := _single_qualified(span):
        word = qualified.split()[0]
        if span.precision == Precision.MONTH:
            return f"{start.year}년 {start.month}월 {KO_MONTH_THIRDS[word]}", False
        return f"{start.year}년 {KO_YEAR_THIRDS[word]}", False
    if span.precision == Precision.QUARTER and _quarter_label(span):
        first, last = (start.month + 2) // 3, end.month // 3
        if (start.year, first) == (end.year, last):
            return f"{start.year}년 {first}분기", False
        if start.year == end.year:
            return f"{start.year}년 {first}~{last}분기", True
        return f"{start.year}년 {first}분기~{end.year}년 {last}분기", True
    if span.precision == Precision.WEEK and start.weekday() == 0 and end.weekday() == 6:
        if (end - start).days == 6:
            return f"{_ko_day(start)} 주", False
        return f"{_ko_day(start)} 주~{_ko_day(end - timedelta(days=6))} 주", True
    first, first_form = _ko_start(start, span)
    last, last_form = _ko_end(end, span)
    if first_form == last_form == "year" and len(first) == len(last) == 1:
        if start.year == end.year:
            return f"{start.year}년", False
        return f"{start.year}~{end.year}년", True
    # "2019년 ~ 2019년 중반" would end after its second third; "초" and "말" say the same span.
    if first_form == "year" and len(first) == 1 and span.approximate and start.year == end.year:
        first = [*first, ("rest", KO_YEAR_THIRDS["early"])]
    if last_form == "year" and len(last) == 1 and span.approximate and start.year == end.year:
        last = [*last, ("rest", KO_YEAR_THIRDS["late"])]
    if {"year", "quarter"} & {first_form, last_form} or start.year != end.year:
        return f"{_ko_join(first)}~{_ko_join(last)}", True
    if first == last:
        return _ko_join(first), False
    if first_form == last_form == "day" and start.month == end.month:
        return f"{start.year}년 {start.month}월 {start.day}~{end.day}일", True
    if len(first) == len(last) == 2 and first_form == last_form == "month":
        return f"{start.year}년 {start.month}~{end.month}월", True
    return f"{_ko_join(first)}~{_ko_join(last[1:])}", True
