from django.db import migrations

# The personal-data access log must be append-only even for code that forgets: the database refuses
# UPDATE and DELETE on it. (Deleting a user who has viewed data is refused too: the FK is PROTECT.)
SQLITE = [
    """CREATE TRIGGER pii_log_no_update BEFORE UPDATE ON accounts_piiaccesslog
       BEGIN SELECT RAISE(ABORT, 'accounts_piiaccesslog is append-only'); END;""",
    """CREATE TRIGGER pii_log_no_delete BEFORE DELETE ON accounts_piiaccesslog
       BEGIN SELECT RAISE(ABORT, 'accounts_piiaccesslog is append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER pii_log_no_update;", "DROP TRIGGER pii_log_no_delete;"]
POSTGRES = [
    """CREATE FUNCTION pii_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'accounts_piiaccesslog is append-only'; END; $$;""",
    """CREATE TRIGGER pii_log_append_only BEFORE UPDATE OR DELETE ON accounts_piiaccesslog
       FOR EACH ROW EXECUTE FUNCTION pii_log_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER pii_log_append_only ON accounts_piiaccesslog;",
    "DROP FUNCTION pii_log_append_only();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
