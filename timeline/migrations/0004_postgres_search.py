"""PostgreSQL only: a generated tsvector column with a GIN index, and trigram indexes.

The column is not a model field, so the models stay portable; timeline.selectors.search queries it on
PostgreSQL and uses its portable fallback elsewhere. The 'simple' configuration does no
stemming, which suits Korean, Chinese and romanised names alike.
"""

from django.db import migrations

FORWARD = [
    """
    ALTER TABLE timeline_event ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(summary, '')), 'B')
        || setweight(to_tsvector('simple', coalesce(location, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX event_search_vector_gin ON timeline_event USING gin (search_vector)",
    "CREATE INDEX event_title_trgm ON timeline_event USING gin (title gin_trgm_ops)",
    "CREATE INDEX actor_name_keys_trgm ON timeline_actor USING gin (name_keys gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS actor_name_keys_trgm",
    "DROP INDEX IF EXISTS event_title_trgm",
    "DROP INDEX IF EXISTS event_search_vector_gin",
    "ALTER TABLE timeline_event DROP COLUMN IF EXISTS search_vector",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("timeline", "0003_trigram_extension")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
