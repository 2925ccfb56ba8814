"""What a reader asked for: the one input model of every list of events.

The timeline page, the actor pages, the JSON API and the exports all build a `TimelineFilter`
(from `request.GET` or django-ninja's `Query[...]`). The query-string names are the same
everywhere: q, kind, actor, country, tag, status, from, to, sort.
"""

from __future__ import annotations

from typing import Literal

from django.http import QueryDict
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from timeline.countries import country_code
from timeline.dates import DateSpan, parse_span
from timeline.models import EventKind, EventStatus
from timeline.selectors.search import MIN_TERM, too_short


def without_nul(value: object) -> object:
    """A NUL byte means nothing in a query and databases refuse it: it is dropped. The one
    place every reader of query text (pages, API, forms) cleans it."""
    return value.replace("\x00", "") if isinstance(value, str) else value


LIST_FIELDS = ("kind", "actor", "country", "tag", "status")
MAX_TERMS = 20
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class TimelineFilter(BaseModel):
    """What a reader asked for. Invalid values raise pydantic errors naming the field."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    q: str = Field(default="", max_length=200, description="Full text: titles, summaries, actors.")
    # An empty value (an untouched form control) is accepted and ignored, and documented so.
    kind: list[EventKind | Literal[""]] = Field(default_factory=list, max_length=MAX_TERMS)
    actor: list[str] = Field(default_factory=list, max_length=MAX_TERMS, description="Actor slugs.")
    country: list[str] = Field(
        default_factory=list,
        max_length=MAX_TERMS,
        description="Where the event happened: ISO 3166-1 alpha-2 codes (KP) or names.",
    )
    tag: list[str] = Field(default_factory=list, max_length=MAX_TERMS, description="Tag slugs.")
    status: list[EventStatus | Literal["outcome_not_recorded", ""]] = Field(
        default_factory=list,
        max_length=MAX_TERMS,
        description="The status readers see: a scheduled or proposed event whose end has passed "
        "is outcome_not_recorded (not scheduled) until its outcome is recorded.",
    )
    date_from: str = Field(
        default="",
        alias="from",
        max_length=100,
        description='Any date people write: "2018", "June 2019", "last year".',
    )
    date_to: str = Field(default="", alias="to", max_length=100, description="As `from`.")
    sort: Literal["chronological", "newest", "relevance"] = Field(
        default="chronological",
        description="chronological, newest, or relevance (best matches of `q` first).",
    )

    @field_validator("q", "date_from", "date_to", mode="before")
    @classmethod
    def strip_text(cls, value: object) -> object:
        if isinstance(value, list):  # a repeated single-valued parameter: the last one wins
            value = value[-1] if value else ""
        if isinstance(value, str):
            value = without_nul(value).strip()
        return value

    @field_validator("q", mode="after")
    @classmethod
    def check_query(cls, value: str) -> str:
        if too_short(value):
            raise ValueError(
                f"{value!r} is too short to search for: use a word of at least {MIN_TERM} "
                "letters (or one Hangul or Han character)"
            )
        return value

    @field_validator("country", mode="after")
    @classmethod
    def check_countries(cls, values: list[str]) -> list[str]:
        codes = []
        for value in (without_nul(v).strip() for v in values):
            if not value:
                continue
            code = country_code(value)
            if code is None:
                raise ValueError(
                    f"{value[:60]!r} is not a country this record knows: choose a name from the "
                    "list, or give an ISO 3166-1 alpha-2 code such as KP"
                )
            codes.append(code)
        return list(dict.fromkeys(codes))

    @field_validator("actor", "tag", mode="after")
    @classmethod
    def drop_blanks(cls, values: list[str]) -> list[str]:
        cleaned = (without_nul(v).strip() for v in values)
        return [v for v in cleaned if v]

    @field_validator("kind", "status", mode="before")
    @classmethod
    def drop_blank_choices(cls, values: object) -> object:
        if isinstance(values, str):
            values = [values]
        if isinstance(values, list):
            # The documented limit counts what was sent, blanks included.
            if len(values) > MAX_TERMS:
                raise ValueError(f"at most {MAX_TERMS} values")
            return [v for v in values if not (isinstance(v, str) and not v.strip())]
        return values

    @field_validator("date_from", "date_to", mode="after")
    @classmethod
    def check_date(cls, value: str) -> str:
        if value and parse_span(value) is None:
            raise ValueError(
                f"{value!r} is not a date this service understands; "
                'try "2018", "June 2019", "12 June 2018" or "last year"'
            )
        return value

    @property
    def from_span(self) -> DateSpan | None:
        return parse_span(self.date_from) if self.date_from else None

    @property
    def to_span(self) -> DateSpan | None:
        return parse_span(self.date_to) if self.date_to else None

    @property
    def order(self) -> str:
        """The order actually applied (and the one a cursor belongs to)."""
        if self.ranked:
            return "relevance"
        return "newest" if self.sort == "newest" else "chronological"

    @property
    def ranked(self) -> bool:
        """Relevance order needs something to be relevant to; without `q` it is chronological."""
        return self.sort == "relevance" and bool(self.q)

    def is_empty(self) -> bool:
        return self == TimelineFilter()

    def to_query(self, *, default_sort: str = "chronological", **changes: object) -> QueryDict:
        """The query string that reproduces this filter (with `changes` applied); no empty
        values, and no `sort` when it is `default_sort` (the API's default is chronological,
        the pages' newest first)."""
        data = self.model_dump(by_alias=True)
        data.update(changes)
        query = QueryDict(mutable=True)
        for name, value in data.items():
            if name == "sort" and value == default_sort:
                continue
            if isinstance(value, list):
                if value:
                    query.setlist(name, [str(v) for v in value])
            elif value:
                query[name] = str(value)
        return query

    def toggled(self, name: str, value: str, *, default_sort: str = "chronological") -> str:
        """Query string with `value` added to or removed from the list filter `name`."""
        current = [str(v) for v in getattr(self, name)]
        updated = [v for v in current if v != value] if value in current else [*current, value]
        return self.to_query(default_sort=default_sort, **{name: updated}).urlencode()


def field_error_messages(error: ValidationError) -> dict[str, str]:
    """{"from": "'notadate' is not a date …"}: one message per query-string name."""
    messages: dict[str, str] = {}
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "query"
        name = {"date_from": "from", "date_to": "to"}.get(name, name)
        message = item["msg"].removeprefix("Value error, ")
        messages.setdefault(name, message)
    return messages


PAGE_SORT = "newest"


def filter_from_query(
    query: QueryDict, *, default_sort: str = PAGE_SORT
) -> tuple[TimelineFilter, dict[str, str]]:
    """Build a filter from a page's query string; an invalid field is dropped, not fatal.

    Returns the filter made of the valid fields, and a message per invalid field, so that the
    page can show the message beside the field while the other filters still apply. Pages list
    the newest events first unless the query asks otherwise.
    """
    data: dict[str, object] = {"sort": default_sort}
    for name in ("q", "from", "to", "sort"):
        if query.get(name, ""):
            data[name] = query.get(name, "")
    for name in LIST_FIELDS:
        values = [v for v in query.getlist(name) if v.strip()]
        if values:
            data[name] = values
    errors: dict[str, str] = {}
    for _ in range(len(data) + 1):
        try:
            return TimelineFilter.model_validate(data), errors
        except ValidationError as error:
            messages = field_error_messages(error)
            errors.update(messages)
            for name in messages:
                data.pop(name, None)
    return TimelineFilter(sort=default_sort), errors
