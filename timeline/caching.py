"""One version number for all public data, kept in the database; any editorial save bumps it.

Cached pages and API answers carry the version in their key, so a publication, an edit or a
withdrawal makes every cached answer unreachable at once. The version lives in a one-row table
and is bumped inside the transaction that makes the change: every process (each gunicorn
worker, `runserver`, a management command) reads the same value, with or without Redis, and a
reader never sees the new version before the new data. Reading it costs one primary-key lookup,
done once per request (the page-cache middleware remembers it for the request).

The cache itself is optional at run time: `OptionalRedisCache` turns a Redis outage into cache
misses (pages and API answers are computed, not failed) and `cache_health` tells /readyz.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import IntegrityError, router, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from redis.exceptions import RedisError

from timeline import models
from timeline.models import DataVersion

logger = logging.getLogger(__name__)

# The version seen by the current request (set by the page-cache middleware), so that a page
# that builds several cache keys reads the table once.
_request_version: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "request_data_version", default=None
)


def read_data_version() -> int:
    """The version as stored now, read from the database public reads use."""
    version = (
        DataVersion.objects.using(router.db_for_read(DataVersion))
        .filter(pk=1)
        .values_list("version", flat=True)
        .first()
    )
    return version or 0


def data_version() -> int:
    remembered = _request_version.get()
    return remembered if remembered is not None else read_data_version()


def remember_data_version() -> contextvars.Token:
    """For the rest of this request, `data_version()` answers without a query."""
    return _request_version.set(read_data_version())


def forget_data_version(token: contextvars.Token) -> None:
    _request_version.reset(token)


class _Deferral(threading.local):
    def __init__(self) -> None:
        self.active = False
        self.needed = False


_deferral = _Deferral()


def defer_bumps() -> None:
    """Inside a batch (an import, the curated load) one bump at the end stands for all of its
    saves: thousands of updates of one row would only make the batch slower."""
    _deferral.active, _deferral.needed = True, False


def end_deferred_bumps(*, bump: bool) -> None:
    needed = _deferral.needed
    _deferral.active, _deferral.needed = False, False
    if bump and needed:
        bump_data_version()


_after_bump: list[Callable[[], object]] = []


def call_after_each_bump(hook: Callable[[], object]) -> None:
    """Run `hook` after the commit of every bump (the counts' warming registers itself here in
    AppConfig.ready: the data version knows nothing of what is computed from it)."""
    if hook not in _after_bump:
        _after_bump.append(hook)


def bump_data_version(**_kwargs) -> None:
    """Increment the version in the current transaction: it commits (or rolls back) with the
    change that called it."""
    if _deferral.active:
        _deferral.needed = True
        return
    using = router.db_for_write(DataVersion)
    with transaction.atomic(using=using):
        updated = DataVersion.objects.using(using).filter(pk=1).update(version=F("version") + 1)
        if not updated:
            try:
                with transaction.atomic(using=using):
                    DataVersion.objects.using(using).create(pk=1, version=1)
            except IntegrityError:  # another writer created it first
                DataVersion.objects.using(using).filter(pk=1).update(version=F("version") + 1)
    for hook in _after_bump:
        transaction.on_commit(hook, using=using)


def connect_signals() -> None:
    for model in (
        models.Event,
        models.Actor,
        models.Source,
        models.Participation,
        models.Citation,
        models.EventRelation,
        models.Tag,
    ):
        post_save.connect(bump_data_version, sender=model, dispatch_uid=f"cache-{model.__name__}")
        post_delete.connect(
            bump_data_version, sender=model, dispatch_uid=f"cache-del-{model.__name__}"
        )
    m2m_changed.connect(
        bump_data_version, sender=models.Event.tags.through, dispatch_uid="cache-tags"
    )


# ----------------------------------------------------------------------------------------------
# Redis, optional at run time


class ReusingRedisCacheClient(RedisCacheClient):
    """Django builds a new redis-py client object for every cache operation; with redis-py 8
    that costs more than the round trip (measured: 3.0 ms vs 0.8 ms per GET on a busy
    machine). A client is thread-safe and holds no connection of its own: keep one per pool."""

    def get_client(self, key=None, *, write: bool = False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class OptionalRedisCache(RedisCache):
    """Django's Redis cache that never fails a request: while Redis does not answer, a read is a
    miss and a write is dropped, so pages and API answers are computed uncached. After a failure
    Redis is left alone for RETRY_SECONDS (no connection attempt per request); /readyz reports
    the degradation (see `cache_health`)."""

    RETRY_SECONDS = 5.0

    def __init__(self, server, params) -> None:
        params = {**params}
        options = {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            **params.get("OPTIONS", {}),
        }
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception) -> None:
        if self.available:
            logger.warning("cache unavailable, serving uncached: %s", error)
        self._down_until = time.monotonic() + self.RETRY_SECONDS

    def _guarded(self, method: str, default, *args, **kwargs):
        if not self.available:
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except RedisError as error:
            self._failed(error)
            return default

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", None, keys, version)

    def clear(self):
        return self._guarded("clear", None)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._guarded("incr", missing, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return value

    def ping(self) -> bool:
        """Ask Redis now, whatever the retry delay says; records the outcome."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            self._failed(error)
            return False
        self._down_until = 0.0
        return True


def cache_health() -> dict[str, str]:
    """{alias: "ok" | "unavailable" | "local"} for every configured cache."""
    health = {}
    for alias in settings.CACHES:
        backend = caches[alias]
        if isinstance(backend, OptionalRedisCache):
            health[alias] = "ok" if backend.ping() else "unavailable"
        else:
            health[alias] = "local"
    return health
