"""Liveness and readiness for load balancers and orchestrators."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from timeline.caching import cache_health

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering; touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers a query (else 503); a cache that does not answer is reported as
    "degraded" (200: pages and API answers are then served uncached, not refused).

    The answer never carries the error itself (host names, ports): that goes to the log."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("readiness: database unavailable: %s", error)
        return JsonResponse(
            {"status": "unavailable", "database": "unavailable", "detail": "database unavailable"},
            status=503,
        )
    caches = cache_health()
    degraded = any(state == "unavailable" for state in caches.values())
    return JsonResponse(
        {
            "status": "degraded" if degraded else "ok",
            "database": connection.vendor,
            "cache": "unavailable" if degraded else "ok",
        }
    )
