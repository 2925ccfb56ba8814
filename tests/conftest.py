import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test.utils import override_settings

from timeline.api import api
from timeline.curated import load_curated
from timeline.limits import API_THROTTLES
from timeline.models import Event

# The curated record as loaded once per session, every row of every table of the app (history
# and stored renderings included): a transactional test flushes the database, and putting the
# rows back is much quicker than loading the record again (no per-row saves and signals).
SNAPSHOT: list[tuple[type, list]] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the curated dataset once into the test database."""
    with django_db_blocker.unblock():
        load_curated()
        models = apps.get_app_config("timeline").get_models(include_auto_created=True)
        SNAPSHOT.extend((model, list(model.objects.all())) for model in models)


def restore_snapshot() -> None:
    # Foreign keys are checked at commit on both databases, so the order of tables is free.
    with transaction.atomic():
        for model, rows in SNAPSHOT:
            model.objects.bulk_create(rows, batch_size=500)
        statements = connection.ops.sequence_reset_sql(no_style(), [m for m, _ in SNAPSHOT])
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture
def curated_live(transactional_db):
    """The curated dataset for a test that serves it from another thread or process."""
    if not Event.objects.exists():
        restore_snapshot()
    return Event.objects.published()


@pytest.fixture
def curated(db):
    """The curated dataset, put back if a transactional test flushed it."""
    if not Event.objects.exists():
        restore_snapshot()
    return Event.objects.published()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle history lives in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_rate_limit(monkeypatch):
    """Set the API's anonymous rate limit for one test on every throttle that enforces it: the
    API's own and the page cache's for cached answers (one and the same object once the API is
    built with timeline.limits.API_THROTTLES)."""

    def set_limit(*, requests: int, seconds: int | None = None) -> None:
        for throttle in {id(t): t for t in (*API_THROTTLES, *api.throttle)}.values():
            monkeypatch.setattr(throttle, "num_requests", requests)
            if seconds is not None:
                monkeypatch.setattr(throttle, "duration", seconds)

    return set_limit


@pytest.fixture(scope="session", autouse=True)
def plain_static_files():
    """Tests render templates without running collectstatic first."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield
