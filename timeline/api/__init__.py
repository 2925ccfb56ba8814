"""The JSON API (django-ninja): the same filters, names and selectors as the pages.

One router per resource; the answers' shapes are the schemas of timeline/schemas.py, the
queries are timeline/selectors'. `api` is mounted at /api/v1/ by config/urls.py.
"""

from __future__ import annotations

from django.conf import settings
from ninja import NinjaAPI
from ninja.operation import Operation

from timeline.api import actors, changes, events, exports, facets, sources, tags
from timeline.api.errors import install_error_handlers
from timeline.limits import ClientRateThrottle


class TimelineAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The ids published before the API was split into routers: clients generated from the
        # document keep their method names.
        return f"timeline_api_{operation.view_func.__name__}"


api = TimelineAPI(
    title="Korean Peninsula diplomacy timeline API",
    version="1",
    description=(
        "Events of Korean Peninsula diplomacy with their actors and sources. Only published "
        "events are visible. Lists take the same filters as the timeline page."
    ),
    urls_namespace="api-1",
    throttle=[ClientRateThrottle(settings.API_ANON_RATE)],
)
install_error_handlers(api)
for resource in (events, actors, sources, tags, facets, changes, exports):
    api.add_router("", resource.router)

__all__ = ["api"]
