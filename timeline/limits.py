"""Who the client is, how often it may ask, and how much expensive work runs at once.

- `client_ip` (timeline.clientip): the one reading of the client's address, from PROXY_COUNT.
- `ClientRateThrottle`: a fixed-window counter per client shared by every web process: Redis's
  atomic INCR when the cache is Redis, otherwise an upsert in the database.
- `API_THROTTLES`: the API's anonymous rate limit (API_ANON_RATE), one instance shared by the API
  and the page cache, which runs it again on a cached answer.
- `acquire_slot`: at most N concurrent holders across processes (rows in the database).
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja.throttling import BaseThrottle

from timeline.clientip import client_ip
from timeline.models import RateCount, WorkSlot


def uses_redis() -> bool:
    return "redis" in type(cache).__module__.lower()


def count_request(key: str, *, window_seconds: int) -> int:
    """Add one to `key`'s counter for the current window and return the new count."""
    if uses_redis():
        cache.add(key, 0, timeout=window_seconds + 1)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window_seconds + 1)
            return 1
    expires = timezone.now() + timedelta(seconds=window_seconds + 1)
    table = RateCount._meta.db_table
    # One statement, atomic on both databases: concurrent workers never lose a count.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [key, expires],
        )
        count = cursor.fetchone()[0]
    if count == 1 and secrets.randbelow(50) == 0:
        # Now and then, forget windows that are over.
        RateCount.objects.filter(expires_at__lt=timezone.now()).delete()
    return count


class ClientRateThrottle(BaseThrottle):
    """N requests per period per client address (django-ninja's "600/m" notation)."""

    periods = {"s": 1, "m": 60, "h": 3600, "d": 86400}

    def __init__(self, rate: str) -> None:
        number, period = rate.split("/")
        self.rate = rate
        self.num_requests = int(number)
        self.duration = self.periods[period.strip()[0]]
        # The wait of the request this thread is answering: one instance serves every thread.
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        now = time.time()
        window = int(now // self.duration)
        key = f"throttle:{self.rate}:{window}:{client_ip(request)}"
        count = count_request(key, window_seconds=self.duration)
        self._last.wait = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, math.ceil(getattr(self._last, "wait", 0.0)))


API_THROTTLES: list[BaseThrottle] = [ClientRateThrottle(settings.API_ANON_RATE)]


@dataclass(frozen=True)
class SlotHold:
    name: str
    number: int
    token: str


def acquire_slot(name: str, *, slots: int, hold_seconds: int) -> SlotHold | None:
    """One of `slots` slots named `name`, or None when all are held. A holder that dies loses
    its slot after `hold_seconds`."""
    token = secrets.token_hex(16)
    now = timezone.now()
    WorkSlot.objects.bulk_create(
        [WorkSlot(name=name, number=number) for number in range(slots)], ignore_conflicts=True
    )
    for number in range(slots):
        # One conditional UPDATE: of two processes racing for a slot, one changes the row.
        taken = (
            WorkSlot.objects.filter(name=name, number=number)
            .exclude(held_until__gt=now)
            .update(holder=token, held_until=now + timedelta(seconds=hold_seconds))
        )
        if taken:
            return SlotHold(name=name, number=number, token=token)
    return None


def release_slot(hold: SlotHold) -> None:
    WorkSlot.objects.filter(name=hold.name, number=hold.number, holder=hold.token).update(
        holder="", held_until=None
    )
