"""HTTP behaviour around the views: API headers, the anonymous cache, database outages."""

import hashlib
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from timeline.caching import data_version, forget_data_version, remember_data_version
from timeline.models import Event

READ_METHODS = ("GET", "HEAD")
# A response that says it must not be stored, or must be revalidated, is not a cacheable page.
NOT_TO_KEEP = re.compile(r"\b(no-store|private)\b", re.IGNORECASE)
# "no-cache": the browser must ask again; the server-side cache may keep it briefly (see below).
NO_CACHE = re.compile(r"\bno-cache\b", re.IGNORECASE)
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
    path by AnonymousPageCacheMiddleware).
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

    The key holds the public data version (read from the database once per request, so every
    process agrees), the scheme, host and language the answer was built for (its links are
    absolute in feeds and exports), the full path, and the headers the answer varies on (htmx;
    conditional GET is handled before us). Signed-in users are never served from or stored in
    the cache, and their answers are marked `Cache-Control: private`.

    A page marked `no-cache` (a large record's timeline sent before its counts, which the
    browser must not keep) is still stored here, for INCOMPLETE_SECONDS: it is correct for the
    data version in its key, and the next copy, built once the counts are cached, is complete.
    `no-store` and `private` answers are never stored.
    """

    CACHED_PREFIXES = ("/api/v1/", "/events/", "/actors/")
    INCOMPLETE_SECONDS = 10

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def cacheable(self, request: HttpRequest) -> bool:
        path = request.path
        if path.startswith("/api/v1/docs") or path.startswith("/api/v1/openapi"):
            return False
        # Public pages live under a language prefix (/en/…, /ko/…); the key holds the language.
        for code, _name in settings.LANGUAGES:
            prefix = f"/{code}/"
            if path.startswith(prefix):
                path = path[len(prefix) - 1 :]
                break
        return path == "/" or path.startswith(self.CACHED_PREFIXES)

    def key(self, request: HttpRequest) -> str:
        variant = "|".join(
            request.headers.get(name, "")
            for name in ("HX-Request", "HX-History-Restore-Request", "HX-Target")
        )
        described = "|".join(
            (
                request.method,
                request.scheme,
                request.get_host(),
                get_language() or "",
                request.get_full_path(),
                variant,
            )
        )
        digest = hashlib.sha256(described.encode()).hexdigest()
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
        if request.user.is_authenticated:
            response = self.get_response(request)
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
            return response
        if request.method not in READ_METHODS or not (
            self.cacheable(request) or request.path == reverse("timeline:counts")
        ):
            return self.get_response(request)
        try:
            token = remember_data_version()
        except DatabaseError:
            return self.get_response(request)  # the view answers 503 (DatabaseUnavailable...)
        try:
            return self.cached_response(request)
        finally:
            forget_data_version(token)

    def cached_response(self, request: HttpRequest) -> HttpResponse:
        if settings.PAGE_CACHE_SECONDS <= 0:  # the page cache is off: not even a lookup
            return self.get_response(request)
        key = self.key(request)
        cached = cache.get(key)
        if cached is not None and request.path.startswith("/api/"):
            refused = self.throttled(request)
            if refused is not None:
                return refused
        if cached is not None:
            status, content, headers = cached[:3]
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        timeout = self.keep_for(response)
        if timeout:
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in ("set-cookie", "x-cache")
            ]
            cache.set(key, (response.status_code, response.content, headers), timeout)
            response["X-Cache"] = "miss"
            if timeout < settings.PAGE_CACHE_SECONDS and request.path == reverse("timeline:index"):
                self.remember_incomplete(request, key)
        if request.path == reverse("timeline:counts") and response.status_code == 200:
            self.forget_incomplete(request)
        return response

    def incomplete_key(self, request: HttpRequest) -> str:
        """Names the timeline pages (any htmx variant) waiting for the counts of this query."""
        described = "|".join(
            (request.scheme, request.get_host(), get_language() or "", request.GET.urlencode())
        )
        return f"incomplete:{data_version()}:{hashlib.sha256(described.encode()).hexdigest()}"

    def remember_incomplete(self, request: HttpRequest, key: str) -> None:
        waiting = self.incomplete_key(request)
        keys = cache.get(waiting) or []
        cache.set(waiting, [*keys[-9:], key], self.INCOMPLETE_SECONDS)

    def forget_incomplete(self, request: HttpRequest) -> None:
        """The counts of this query are cached now (their fragment was just answered): the
        timeline pages kept without them give way to complete ones."""
        waiting = self.incomplete_key(request)
        keys = cache.get(waiting)
        if keys:
            cache.delete_many([*keys, waiting])

    def keep_for(self, response: HttpResponse) -> int:
        """Seconds to keep this answer (0: not at all)."""
        if response.status_code != 200 or response.streaming or response.cookies:
            return 0
        control = response.get("Cache-Control", "")
        if NOT_TO_KEEP.search(control):
            return 0
        if NO_CACHE.search(control):
            return min(self.INCOMPLETE_SECONDS, settings.PAGE_CACHE_SECONDS)
        return settings.PAGE_CACHE_SECONDS


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
