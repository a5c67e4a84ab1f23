from django.db import migrations

# The GIN index of the search documents' tsvector (PostgreSQL only; SQLite's FTS5 table is its own index), built
# CONCURRENTLY so that adding it to a database full of cases never locks the table against writes: that needs a
# migration outside a transaction (atomic = False). AddIndexConcurrently cannot be used because the column is
# not in Django's model (migration 0016).


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_search_vector_gin_h11 "
            "ON cases_casesearchdocument USING gin (vector)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_search_vector_gin_h11")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0016_search_document_h11")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
