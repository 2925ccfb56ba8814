"""Tags of published events."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from timeline.api.errors import ValidationErrorOut
from timeline.schemas import LanguageQuery, TagOut
from timeline.selectors.tags import tags_in_use

router = Router(tags=["tags"])


@router.get("/tags", response={200: list[TagOut], 422: ValidationErrorOut}, url_name="tag_list")
def list_tags(request: HttpRequest, language: Query[LanguageQuery]):
    """Tags of at least one published event."""
    return tags_in_use()
