"""Query parameters shared by the API's routers: paging, slugs, text without NUL bytes."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Annotated

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from pydantic import BaseModel, BeforeValidator, Field, field_validator

from timeline.models import ActorKind
from timeline.selectors.params import DEFAULT_LIMIT, MAX_LIMIT, without_nul

# What a slug can be; anything else (a NUL byte, say) is simply not found.
SLUG = re.compile(r"[-\w]{1,200}")


def is_slug(text: str) -> bool:
    return SLUG.fullmatch(text) is not None


Text = Annotated[str, BeforeValidator(without_nul)]


def page_limit(things: str) -> int:
    """The `limit` of a paged list: the one declaration of its default and bounds."""
    return Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"{things} per page (1–{MAX_LIMIT})."
    )


def page_cursor() -> str | None:
    return Field(None, max_length=200, description="`next_cursor` of a page.")


class SourcePaging(BaseModel):
    limit: int = page_limit("Sources")
    cursor: str | None = page_cursor()


class Paging(BaseModel):
    limit: int = page_limit("Events")
    cursor: str | None = page_cursor()
    count: bool = Field(False, description="Also return the total number of matching events.")


class ActorQuery(BaseModel):
    q: Text = Field("", max_length=200, description="Matches names and aliases.")
    kind: ActorKind | None = None
    country: Text = Field("", max_length=2)


class ChangesQuery(BaseModel):
    since: str = Field(
        ...,
        max_length=64,
        json_schema_extra={"format": "date-time"},
        description="ISO 8601 moment, e.g. 2026-02-27T00:00:00Z",
    )

    @field_validator("since")
    @classmethod
    def iso_moment(cls, value: str) -> str:
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(f"{value!r} is not an ISO 8601 moment such as 2026-02-27T00:00:00Z")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, UTC)
        try:
            # Databases disagree on odd offsets (PostgreSQL refuses +16:50): compare in UTC.
            return parsed.astimezone(UTC).isoformat()
        except (OverflowError, ValueError):
            raise ValueError(
                f"{value!r} is outside the range of dates this service keeps"
            ) from None
