from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm for duplicate detection and actor search; a no-op on SQLite."""

    dependencies = [("timeline", "0002_history_versions_permissions")]

    operations = [TrigramExtension()]
