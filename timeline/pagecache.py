"""The anonymous page cache, on Django's cache framework.

A view opts in with `@cache_for_anonymous` (the API's URL patterns are marked where they are
mounted, in config/urls.py): which answers are cached is part of the URL configuration. The
middleware finds the mark on the view Django resolved (`process_view`) and keys the answer
with Django's own `get_cache_key`/`learn_cache_key`: the scheme, host and full path, the active
language, and the request headers the answer's `Vary` names (a view that answers htmx
differently says `@vary_on_headers("HX-Request", …)`). The key prefix holds the public data
version, read once per request (`remember_data_version`), so any editorial change makes every
cached answer unreachable at once, in every process.

Signed-in users are never served from or stored in the cache; their answers are marked
`Cache-Control: private` and `Vary: Cookie`. `no-store` and `private` answers are never kept.
A page marked `no-cache` (a large record's timeline sent before its counts, which a browser must
not keep) is kept here for INCOMPLETE_SECONDS: it is correct for the data version in its key,
and once the view that completes it (the counts fragment) has answered for the same query, the
kept copies are dropped so that the next one is built complete.

A cached answer still counts against the client's rate limit: the mark names the throttles to
run again on a hit.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from contextvars import Token
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, reverse
from django.utils.cache import (
    get_cache_key,
    learn_cache_key,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.translation import get_language
from ninja.throttling import BaseThrottle

from timeline.caching import data_version, forget_data_version, remember_data_version

READ_METHODS = ("GET", "HEAD")
# A response that says it must not be stored, or is one user's own, is never kept.
NOT_TO_KEEP = re.compile(r"\b(no-store|private)\b", re.IGNORECASE)
# "no-cache": the browser must ask again; this cache may keep it briefly (INCOMPLETE_SECONDS).
NO_CACHE = re.compile(r"\bno-cache\b", re.IGNORECASE)
# Headers of the kept answer that belong to the request that built it.
NOT_KEPT_HEADERS = frozenset({"set-cookie", "x-cache"})
MARK = "anonymous_cache"
STATE = "_anonymous_cache"


@dataclass(frozen=True)
class AnonymousCache:
    """What a view declares about caching its anonymous answers."""

    # Run again on a cache hit, so that a cached answer counts against the rate limit.
    throttles: Sequence[BaseThrottle] = ()
    # URL name of the page whose copies kept without their counts this view's answer completes.
    completes: str | None = None


def cache_for_anonymous(
    view: Callable | None = None,
    *,
    throttles: Sequence[BaseThrottle] = (),
    completes: str | None = None,
):
    """Mark a view's anonymous GET/HEAD answers as cacheable (`@cache_for_anonymous` or
    `@cache_for_anonymous(completes="timeline:index")`)."""
    policy = AnonymousCache(throttles=throttles, completes=completes)

    def mark(marked: Callable) -> Callable:
        setattr(marked, MARK, policy)
        return marked

    return mark if view is None else mark(view)


def cache_patterns_for_anonymous(
    urls: tuple[list[URLPattern | URLResolver], str, str],
    *,
    throttles: Sequence[BaseThrottle] = (),
    except_names: frozenset[str] = frozenset(),
) -> tuple[list[URLPattern | URLResolver], str, str]:
    """An included URL configuration (patterns, app name, namespace) whose views, all but the
    ones named in `except_names`, are marked `cache_for_anonymous`: for views that are not
    ours to decorate (the API's, built by django-ninja)."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            cache_patterns_for_anonymous(
                (pattern.url_patterns, "", ""), throttles=throttles, except_names=except_names
            )
        elif pattern.name not in except_names:
            cache_for_anonymous(pattern.callback, throttles=throttles)
    return patterns, app_name, namespace


@dataclass
class CacheVisit:
    """This request's use of the cache (kept on the request: the middleware is shared by every
    thread)."""

    policy: AnonymousCache
    version_token: Token
    key_prefix: str
    served: bool = False


def key_prefix(version: int) -> str:
    return f"page.{version}"


class AnonymousPageCacheMiddleware:
    INCOMPLETE_SECONDS = 10
    # Pages kept without their counts, remembered per query (any htmx variant).
    INCOMPLETE_PER_QUERY = 10

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            response = self.get_response(request)
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
            return response
        try:
            response = self.get_response(request)
            visit: CacheVisit | None = getattr(request, STATE, None)
            if visit is not None and not visit.served and settings.PAGE_CACHE_SECONDS > 0:
                self.keep(request, response, visit=visit)
            return response
        finally:
            visit = getattr(request, STATE, None)
            if visit is not None:
                forget_data_version(visit.version_token)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs):
        policy: AnonymousCache | None = getattr(view_func, MARK, None)
        if (
            policy is None
            or request.method not in READ_METHODS
            or request.user.is_authenticated
            or hasattr(request, STATE)
        ):
            return None
        try:
            token = remember_data_version()
        except DatabaseError:
            return None  # the view answers 503 (DatabaseUnavailableMiddleware)
        visit = CacheVisit(
            policy=policy, version_token=token, key_prefix=key_prefix(data_version())
        )
        setattr(request, STATE, visit)
        if settings.PAGE_CACHE_SECONDS <= 0:  # the page cache is off: not even a lookup
            return None
        cached = self.cached_response(request, visit=visit)
        if cached is None:
            return None
        visit.served = True
        return self.throttled(request, throttles=policy.throttles) or cached

    @staticmethod
    def cached_response(request: HttpRequest, *, visit: CacheVisit) -> HttpResponse | None:
        key = get_cache_key(request, visit.key_prefix, request.method, cache=cache)
        kept = cache.get(key) if key is not None else None
        if kept is None:
            return None
        status, content, headers = kept
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Cache"] = "hit"
        return response

    @staticmethod
    def throttled(
        request: HttpRequest, *, throttles: Sequence[BaseThrottle]
    ) -> HttpResponse | None:
        for throttle in throttles:
            if not throttle.allow_request(request):
                response = JsonResponse({"detail": "Too many requests."}, status=429)
                response["Retry-After"] = str(math.ceil(throttle.wait() or 1))
                return response
        return None

    def keep(self, request: HttpRequest, response: HttpResponse, *, visit: CacheVisit) -> None:
        timeout = self.keep_for(response)
        if timeout:
            # The header list (which request headers the answer varies on) lives as long as
            # any answer of this address may.
            key = learn_cache_key(
                request, response, settings.PAGE_CACHE_SECONDS, visit.key_prefix, cache=cache
            )
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in NOT_KEPT_HEADERS
            ]
            cache.set(key, (response.status_code, response.content, headers), timeout)
            response["X-Cache"] = "miss"
            if timeout < settings.PAGE_CACHE_SECONDS:
                self.remember_incomplete(request, key=key, page=request.path)
        if visit.policy.completes and response.status_code == 200:
            self.forget_incomplete(request, page=reverse(visit.policy.completes))

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

    @staticmethod
    def incomplete_key(request: HttpRequest, *, page: str) -> str:
        """Names the copies of `page` (any htmx variant) kept for this query without counts."""
        described = "|".join(
            (
                request.scheme,
                request.get_host(),
                get_language() or "",
                page,
                request.GET.urlencode(),
            )
        )
        digest = hashlib.sha256(described.encode()).hexdigest()
        return f"incomplete.{data_version()}.{digest}"

    def remember_incomplete(self, request: HttpRequest, *, key: str, page: str) -> None:
        waiting = self.incomplete_key(request, page=page)
        keys = cache.get(waiting) or []
        kept = [*keys[-(self.INCOMPLETE_PER_QUERY - 1) :], key]
        cache.set(waiting, kept, self.INCOMPLETE_SECONDS)

    def forget_incomplete(self, request: HttpRequest, *, page: str) -> None:
        """The counts of this query are cached now (their fragment was just answered): the
        copies of `page` kept without them give way to complete ones."""
        waiting = self.incomplete_key(request, page=page)
        keys = cache.get(waiting)
        if keys:
            cache.delete_many([*keys, waiting])
