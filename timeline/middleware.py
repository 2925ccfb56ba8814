"""HTTP behaviour around the views: API headers, the anonymous cache, database outages."""

import hashlib
import logging
import re
from collections.abc import Callable

from django.db import DatabaseError
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date

from timeline.models import Event

READ_METHODS = ("GET", "HEAD")
# A response that says it must not be stored, or must be revalidated, is not a cacheable page.
NOT_TO_KEEP = re.compile(r"\b(no-cache|no-store|private)\b", re.IGNORECASE)
logger = logging.getLogger(__name__)


def latest_public_change():
    """When public data last changed: one scan per data version, then from the cache."""
    from django.core.cache import cache

    from timeline.caching import data_version

    key = f"latest-public-change:{data_version()}"
    latest = cache.get(key)
    if latest is None:
        try:
            latest = Event.objects.filter(
                publication__in=[Event.Publication.PUBLISHED, Event.Publication.WITHDRAWN]
            ).aggregate(latest=Max("updated_at"))["latest"]
        except DatabaseError:
            return None
        cache.set(key, latest, 3600)
    return latest


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
        from django.db import InterfaceError, OperationalError
        from django.http import JsonResponse
        from django.template.loader import render_to_string

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


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs of public pages and API reads from the cache.

    The key holds the public data version (bumped on every editorial save), the full path,
    and the headers the answer varies on (htmx, conditional GET is handled before us).
    """

    CACHED_PREFIXES = ("/api/v1/", "/events/", "/actors/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def cacheable(self, request: HttpRequest) -> bool:
        if request.method not in READ_METHODS or request.user.is_authenticated:
            return False
        path = request.path
        if path.startswith("/api/v1/docs") or path.startswith("/api/v1/openapi"):
            return False
        return path == "/" or path.startswith(self.CACHED_PREFIXES)

    def key(self, request: HttpRequest) -> str:
        from timeline.caching import data_version

        variant = "|".join(
            request.headers.get(name, "")
            for name in ("HX-Request", "HX-History-Restore-Request", "HX-Target")
        )
        digest = hashlib.sha256(
            f"{request.method}|{request.get_full_path()}|{variant}".encode()
        ).hexdigest()
        return f"page:{data_version()}:{digest}"

    @staticmethod
    def throttled(request: HttpRequest) -> HttpResponse | None:
        """A cached API answer still counts against the client's rate limit."""
        import math

        from django.http import JsonResponse

        from timeline.api import api

        for throttle in api.throttle or []:
            if not throttle.allow_request(request):
                response = JsonResponse({"detail": "Too many requests."}, status=429)
                response["Retry-After"] = str(math.ceil(throttle.wait() or 1))
                return response
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.core.cache import cache

        if not self.cacheable(request):
            return self.get_response(request)
        key = self.key(request)
        cached = cache.get(key)
        if cached is not None and request.path.startswith("/api/"):
            refused = self.throttled(request)
            if refused is not None:
                return refused
        if cached is not None:
            status, content, headers = cached
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not NOT_TO_KEEP.search(response.get("Cache-Control", ""))
        ):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in ("set-cookie", "x-cache")
            ]
            cache.set(
                key, (response.status_code, response.content, headers), settings.PAGE_CACHE_SECONDS
            )
            response["X-Cache"] = "miss"
        return response


class QueryCountHeaderMiddleware:
    """Benchmarks only (BENCH_QUERY_COUNT=true): report the queries a request ran."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.db import connection

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
        from django.conf import settings

        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-site")
        return response


class StaffSessionLimitsMiddleware:
    """Signed-in sessions end after STAFF_IDLE_SECONDS idle and STAFF_MAX_SESSION_SECONDS in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time as clock

        from django.conf import settings
        from django.contrib.auth import logout

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(clock.time())
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
