"""Sources cited by published events."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BaseModel

from timeline.api.errors import ValidationErrorOut, error_422
from timeline.api.params import SourcePaging
from timeline.schemas import SourceOut
from timeline.selectors.paging import InvalidCursor, source_page

router = Router(tags=["sources"])


class SourcePageOut(BaseModel):
    items: list[SourceOut]
    next_cursor: str | None
    next_url: str | None


@router.get(
    "/sources", response={200: SourcePageOut, 422: ValidationErrorOut}, url_name="source_list"
)
def list_sources(request: HttpRequest, paging: Query[SourcePaging]):
    """Sources cited by at least one published event, newest first, in pages of `limit`."""
    try:
        page = source_page(cursor=paging.cursor, limit=paging.limit)
    except InvalidCursor as error:
        raise error_422("cursor", str(error)) from None
    next_url = None
    if page.next_cursor:
        next_url = f"{request.path}?limit={paging.limit}&cursor={page.next_cursor}"
    return {"items": page.sources, "next_cursor": page.next_cursor, "next_url": next_url}
