import pytest
from django.test.utils import override_settings

from timeline.curated import load_curated
from timeline.models import Event


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the curated dataset once into the test database."""
    with django_db_blocker.unblock():
        load_curated()


@pytest.fixture
def curated(db):
    """The curated dataset, reloaded if a transactional test flushed it."""
    if not Event.objects.filter(slug="2018-06-12-singapore-summit").exists():
        load_curated()
    return Event.objects.published()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle history lives in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def plain_static_files():
    """Tests render templates without running collectstatic first."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield
