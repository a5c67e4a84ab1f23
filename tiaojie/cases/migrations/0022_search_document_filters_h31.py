from django.db import migrations, models

# The case's status and channel copied onto its search document (docs/search.md), for a list filtered by them
# besides the search. Migration 0023 fills them in batches, 0024 puts them in the GIN index concurrently.
#
# Added by ALTER TABLE on both databases, never by rebuilding the table: Django's SQLite editor rebuilds a table
# to add a NOT NULL column with a default (it cannot drop the default afterwards), and the rebuild drops the
# triggers that keep cases_search_fts in step with the documents (migration 0016), so every case changed
# afterwards became unfindable. On PostgreSQL a constant default is a catalogue change only (11+), a million
# rows or not. SQLite keeps the column default '' (harmless: Django always writes the value).
FIELDS = {
    "status": models.CharField(blank=True, default="", max_length=12),
    "channel": models.CharField(blank=True, default="", max_length=10),
}


def _field(apps, name):
    model = apps.get_model("cases", "CaseSearchDocument")
    return model, model._meta.get_field(name)


def add(apps, schema_editor):
    for name, field in FIELDS.items():
        model, field = _field(apps, name)
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                f"ALTER TABLE cases_casesearchdocument ADD COLUMN {name} varchar({field.max_length}) NOT NULL DEFAULT ''"
            )
        else:
            schema_editor.add_field(model, field)


def remove(apps, schema_editor):
    for name in FIELDS:
        # SQLite 3.35+ drops a plain column in place, so the triggers stay too.
        schema_editor.execute(f"ALTER TABLE cases_casesearchdocument DROP COLUMN {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0021_search_document_scope_indexes_h29")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="casesearchdocument", name=name, field=field)
                for name, field in FIELDS.items()
            ],
            database_operations=[],
        ),
        migrations.RunPython(add, remove, elidable=False),
    ]
