from django.db import migrations, models

from tiaojie.lib.migration_ops import AddIndexConcurrently

# The indexes of the search documents' scope columns (migration 0019), all built CONCURRENTLY outside a
# transaction, so a database of a million cases keeps reading and writing while they build (docs/search.md):
# - three B-trees the search walks newest first (by organisation; by division; nationally with the division);
# - on PostgreSQL, one GIN index over (organisation_id, division_id, vector), which needs btree_gin for the two
#   scalar columns: the scope and the terms are then one index scan. It replaces migration 0017's GIN index on
#   the vector alone (a multi-column GIN index answers a query on any of its columns), dropped concurrently
#   once the new one is valid. btree_gin is a trusted extension (PostgreSQL 13+): the owner role that migrates
#   has CREATE on the database (scripts/pg-roles), as for pg_trgm (organisations 0005).
CREATE = (
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_doc_scope_gin_h29 ON cases_casesearchdocument "
    "USING gin (organisation_id, division_id, vector)",
    "DROP INDEX CONCURRENTLY IF EXISTS case_search_vector_gin_h11",
)
DROP = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_search_vector_gin_h11 ON cases_casesearchdocument USING gin (vector)",
    "DROP INDEX CONCURRENTLY IF EXISTS search_doc_scope_gin_h29",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0020_search_document_scope_fill_h29")]

    operations = [
        AddIndexConcurrently(
            model_name="casesearchdocument",
            index=models.Index(fields=["organisation", "-received_at", "-case"], name="search_doc_org_recv_h29"),
        ),
        AddIndexConcurrently(
            model_name="casesearchdocument",
            index=models.Index(fields=["division", "-received_at", "-case"], name="search_doc_div_recv_h29"),
        ),
        AddIndexConcurrently(
            model_name="casesearchdocument",
            index=models.Index(fields=["-received_at", "-case", "division"], name="search_doc_recv_div_h29"),
        ),
        migrations.RunPython(_run(CREATE), _run(DROP), elidable=False),
    ]
