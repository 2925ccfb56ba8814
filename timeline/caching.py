"""One version number for all public data: any editorial save bumps it.

Cached pages and API answers carry the version in their key, so a publication, an edit or a
withdrawal makes every cached answer unreachable at once; readers never see stale data.
"""

from django.core.cache import cache
from django.db import transaction
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
    bump()
    transaction.on_commit(bump)


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
