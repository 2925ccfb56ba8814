"""One version number for all public data: any editorial save bumps it.

Cached pages and API answers carry the version in their key, so a publication, an edit or a
withdrawal makes every cached answer unreachable at once; readers never see stale data.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "public-data-version"


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_data_version(**_kwargs) -> None:
    def bump() -> None:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 2, timeout=None)

    # Now, and again after commit: a request that reads between the save and the commit
    # would otherwise cache the old data under the new version.
    def bump_and_warm() -> None:
        bump()
        if settings.WARM_COUNTS:
            warm_counts_soon()

    bump()
    transaction.on_commit(bump_and_warm)


WARM_DELAY_SECONDS = 2.0
_warming_lock = threading.Lock()
_waiting: threading.Thread | None = None


def warm_counts_soon(*, delay: float | None = None) -> threading.Thread:
    """Count the unfiltered timeline's facets in the background, so the first reader after a
    change does not pay for them. A burst of saves (an import) waits for its last one: one
    thread at a time waits out the delay, then counts for the version it finds."""
    global _waiting
    with _warming_lock:
        if _waiting is not None and _waiting.is_alive():
            return _waiting
        _waiting = threading.Thread(
            target=warm_counts,
            kwargs={"delay": WARM_DELAY_SECONDS if delay is None else delay},
            name="warm-counts",
            daemon=True,
        )
        _waiting.start()
        return _waiting


def warm_counts(*, delay: float) -> bool:
    global _waiting
    time.sleep(delay)
    with _warming_lock:
        _waiting = None  # a change from now on schedules another count
    version = data_version()
    # Several web processes see the same change: the first to claim the version counts it.
    if not cache.add(f"warming-counts:{version}", 1, timeout=600):
        return False
    from timeline.filters import TimelineFilter, facets

    try:
        facets(TimelineFilter())
    finally:
        connection.close()
    return True


def connect_signals() -> None:
    from timeline import models

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
