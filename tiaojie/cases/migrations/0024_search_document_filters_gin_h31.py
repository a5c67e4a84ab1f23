from django.db import migrations

# On PostgreSQL, the GIN index of the search documents gains the status and channel copies (migration 0022):
# (organisation_id, division_id, status, channel, vector), with btree_gin for the scalar columns, so a list
# filtered by a status or a channel besides the search finds its matches in one index scan, the filter
# intersected there instead of tested on each matching row (docs/search.md). Built CONCURRENTLY outside a
# transaction beside the index of migration 0021, which is dropped concurrently once the new one is valid
# (a multi-column GIN index answers a query on any subset of its columns, so the new one serves both).
CREATE = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_doc_filter_gin_h31 ON cases_casesearchdocument "
    "USING gin (organisation_id, division_id, status, channel, vector)",
    "DROP INDEX CONCURRENTLY IF EXISTS search_doc_scope_gin_h29",
)
DROP = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_doc_scope_gin_h29 ON cases_casesearchdocument "
    "USING gin (organisation_id, division_id, vector)",
    "DROP INDEX CONCURRENTLY IF EXISTS search_doc_filter_gin_h31",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0023_search_document_filters_fill_h31")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
