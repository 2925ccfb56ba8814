"""Events as an Atom feed, newest first, written by Django's Atom1Feed one entry at a time."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from datetime import time as day_start

from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils import feedgenerator, timezone
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator

from timeline.exports.files import Format, drain, exported_items
from timeline.selectors.params import TimelineFilter


class StreamedAtomFeed(feedgenerator.Atom1Feed):
    """Django's Atom feed, written one entry at a time; each entry also names its actors."""

    def __init__(self, *args, updated: datetime, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.updated = updated

    def latest_post_date(self) -> datetime:
        return self.updated

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        for name in item.get("contributors", ()):
            handler.startElement("contributor", {})
            handler.addQuickElement("name", name)
            handler.endElement("contributor")


def atom_chunks(
    events: QuerySet, *, request: HttpRequest, filters: TimelineFilter, language: str, **_context
) -> Iterator[str]:
    page_url = request.build_absolute_uri("/") + (
        f"?{filters.to_query().urlencode()}" if not filters.is_empty() else ""
    )
    latest = events.order_by().aggregate(latest=Max("updated_at"))["latest"]
    feed = StreamedAtomFeed(
        title="Korean Peninsula diplomacy timeline",
        link=page_url,
        description="",
        language=language,
        feed_url=request.build_absolute_uri(),
        feed_guid=request.build_absolute_uri(),
        updated=latest or timezone.now(),
    )
    buffer = io.StringIO()
    handler = SimplerXMLGenerator(buffer, "utf-8", short_empty_elements=True)
    handler.startDocument()
    handler.startElement("feed", feed.root_attributes())
    feed.add_root_elements(handler)
    yield drain(buffer)
    for event, item in exported_items(events, language=language):
        url = request.build_absolute_uri(item.url)
        feed.add_item(
            title=f"{item.date_display}: {item.title}",
            link=url,
            unique_id=url,
            # Atom1Feed marks the summary as HTML: escaped, it reads as the plain text it is.
            description=escape(item.summary),
            pubdate=datetime.combine(item.start, day_start(), tzinfo=UTC),
            updateddate=event.updated_at,
            categories=[item.kind],
            contributors=[actor.name for actor in item.actors],
        )
        feed.write_items(handler)
        feed.items.clear()
        yield drain(buffer)
    handler.endElement("feed")
    yield drain(buffer)


FORMAT = Format("atom", "application/atom+xml; charset=utf-8", None, atom_chunks)
