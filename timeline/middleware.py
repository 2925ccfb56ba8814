"""HTTP behaviour around the views: API headers, security headers, staff sessions, database
outages. (The anonymous page cache is timeline.pagecache.)"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.http import http_date

from timeline.caching import data_version
from timeline.models import Event
from timeline.pagecache import READ_METHODS

logger = logging.getLogger(__name__)


# {data version: latest change}: this process's copy, correct as long as the version is.
_latest_change: dict[int, object] = {}


def latest_public_change():
    """When public data last changed: one scan per data version (shared through the cache),
    then from this process's memory."""
    version = data_version()
    if version in _latest_change:
        return _latest_change[version]
    key = f"latest-public-change:{version}"
    latest = cache.get(key)
    if latest is None:
        try:
            latest = Event.objects.filter(
                publication__in=[Event.Publication.PUBLISHED, Event.Publication.WITHDRAWN]
            ).aggregate(latest=Max("updated_at"))["latest"]
        except DatabaseError:
            return None
        cache.set(key, latest, 3600)
    _latest_change.clear()
    _latest_change[version] = latest
    return latest


class PublicApiHeadersMiddleware:
    """Any origin may read the API (the data is public); nothing else is opened.

    Anonymous reads may be cached for a minute. Last-Modified is the latest change to any
    public event, which no answer can be newer than; ConditionalGetMiddleware (after this one
    in the response phase) then answers If-None-Match / If-Modified-Since with 304.
    A signed-in user's answers are their own: no CORS, `Cache-Control: private` (set for every
    path by timeline.pagecache).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or request.path.startswith("/api/v1/docs"):
            return response
        if request.method in READ_METHODS and not request.user.is_authenticated:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
            if response.status_code == 200:
                response["Cache-Control"] = "public, max-age=60"
                latest = latest_public_change()
                if latest is not None and not response.has_header("Last-Modified"):
                    response["Last-Modified"] = http_date(latest.timestamp())
        return response


class DatabaseUnavailableMiddleware:
    """While the database is unreachable, answer 503 (a page, or JSON for the API), no traceback.

    Persistent connections are health-checked at the start of each request, so once the
    database is back the next request reconnects by itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable: %s", exception)
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": "The service is briefly unavailable. Please retry shortly."},
                status=503,
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response


class QueryCountHeaderMiddleware:
    """Benchmarks only (BENCH_QUERY_COUNT=true): report the queries a request ran."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-site")
        return response


class StaffSessionLimitsMiddleware:
    """Signed-in sessions end after STAFF_IDLE_SECONDS idle and STAFF_MAX_SESSION_SECONDS in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("session_started_at", now)
            last_seen = request.session.get("session_last_seen", now)
            if (
                now - last_seen > settings.STAFF_IDLE_SECONDS
                or now - started > settings.STAFF_MAX_SESSION_SECONDS
            ):
                logout(request)
            else:
                request.session["session_last_seen"] = now
        return self.get_response(request)
