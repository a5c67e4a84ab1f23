# The chain columns become required, and the login audit trail gets the same database guard as the
# personal-data access log (0002): UPDATE and DELETE are refused. On SQLite the rebuild that alters the
# columns drops a table's triggers, so the access log's are put back here too.

import importlib

from django.db import migrations, models

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS login_event_no_update BEFORE UPDATE ON accounts_loginevent
       BEGIN SELECT RAISE(ABORT, 'accounts_loginevent is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS login_event_no_delete BEFORE DELETE ON accounts_loginevent
       BEGIN SELECT RAISE(ABORT, 'accounts_loginevent is append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS login_event_no_update;", "DROP TRIGGER IF EXISTS login_event_no_delete;"]
# The delete guards a transactional test's flush must lift on SQLite (root conftest.py `_pii_log_flushable`).
SQLITE_DELETE_GUARDS = {"login_event_no_delete": SQLITE[1]}
POSTGRES = [
    """CREATE FUNCTION login_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'accounts_loginevent is append-only'; END; $$;""",
    """CREATE TRIGGER login_event_append_only BEFORE UPDATE OR DELETE ON accounts_loginevent
       FOR EACH ROW EXECUTE FUNCTION login_event_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER login_event_append_only ON accounts_loginevent;",
    "DROP FUNCTION login_event_append_only();",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRES
    else:
        importlib.import_module("tiaojie.accounts.migrations.0004_audit_chain_schema").restore_pii_triggers(
            apps, schema_editor
        )
        statements = SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_chain_existing_rows")]
    operations = [
        migrations.AlterField(
            model_name="piiaccesslog",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="piiaccesslog",
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="piiaccesslog",
            name="row_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.RunPython(forwards, backwards),
    ]
