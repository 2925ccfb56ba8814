"""HTTP behaviour of the public API: CORS for reading, caching headers, Last-Modified."""

from collections.abc import Callable

from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date

from timeline.models import Event

READ_METHODS = ("GET", "HEAD")


class PublicApiHeadersMiddleware:
    """Any origin may read the API (the data is public); nothing else is opened.

    Anonymous reads may be cached for a minute. Last-Modified is the latest change to any
    public event, which no answer can be newer than; ConditionalGetMiddleware (after this one
    in the response phase) then answers If-None-Match / If-Modified-Since with 304.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or request.path.startswith("/api/v1/docs"):
            return response
        if request.method in READ_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
            if response.status_code == 200 and not request.user.is_authenticated:
                response["Cache-Control"] = "public, max-age=60"
                latest = Event.objects.filter(
                    publication__in=[Event.Publication.PUBLISHED, Event.Publication.WITHDRAWN]
                ).aggregate(latest=Max("updated_at"))["latest"]
                if latest is not None and not response.has_header("Last-Modified"):
                    response["Last-Modified"] = http_date(latest.timestamp())
        return response
