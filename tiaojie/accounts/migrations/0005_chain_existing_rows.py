# Rows of the personal-data access log written before the hash chain existed get their place in it, oldest
# first (lib/auditchain.py). The append-only guard of 0002 is lifted for this one UPDATE and put back.

import importlib

from django.db import migrations

from tiaojie.lib import auditchain

# As the fields stood when the chain was introduced (accounts.models.PiiAccessLog.CHAIN_FIELDS).
PII_FIELDS = ("at", "user_id", "record_type", "record_id", "field", "ip_address", "user_agent", "purpose")
SQLITE_TRIGGERS = ["pii_log_no_update", "pii_log_no_delete"]


def _restore(apps, schema_editor):
    importlib.import_module("tiaojie.accounts.migrations.0004_audit_chain_schema").restore_pii_triggers(
        apps, schema_editor
    )


def chain_pii_log(apps, schema_editor):
    connection = schema_editor.connection
    chain = auditchain.Chain(
        "accounts.piiaccesslog",
        apps.get_model("accounts", "PiiAccessLog"),
        PII_FIELDS,
        apps.get_model("accounts", "ChainHead"),
    )
    if connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE accounts_piiaccesslog DISABLE TRIGGER pii_log_append_only")
    else:
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    auditchain.chain_existing_rows(chain, using=connection.alias)
    if connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE accounts_piiaccesslog ENABLE TRIGGER pii_log_append_only")
    else:
        _restore(apps, schema_editor)


def unchain(apps, schema_editor):
    """Back to 0004: the columns stay filled (0004's reverse drops them); only the triggers need restoring."""
    _restore(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_audit_chain_schema")]
    operations = [migrations.RunPython(chain_pii_log, unchain)]
