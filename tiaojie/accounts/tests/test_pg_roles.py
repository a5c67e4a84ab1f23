"""The app's PostgreSQL role (issue 12 item 6e; docs/deployment.md): created by `tiaojie pg-roles` in the test
database, it reads and appends to the audit tables but cannot UPDATE, DELETE, TRUNCATE or ALTER them, disable
their triggers, or switch triggers off with session_replication_role. PostgreSQL only: SQLite has no roles."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tiaojie.accounts import pgroles
from tiaojie.accounts.actions import do_log_pii_access
from tiaojie.accounts.chains import PII_CHAIN
from tiaojie.accounts.models import PiiAccessLog
from tiaojie.lib import auditchain

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles")

REFUSED = [
    "UPDATE accounts_piiaccesslog SET field = 'phone'",
    "DELETE FROM accounts_piiaccesslog",
    "TRUNCATE accounts_piiaccesslog",
    "ALTER TABLE accounts_piiaccesslog DISABLE TRIGGER ALL",
    "ALTER TABLE accounts_piiaccesslog DISABLE TRIGGER pii_log_append_only",
    "ALTER TABLE accounts_piiaccesslog ADD COLUMN note text",
    "DROP TRIGGER pii_log_append_only ON accounts_piiaccesslog",
    "SET session_replication_role = replica",
    "UPDATE accounts_loginevent SET kind = 'logout'",
    "DELETE FROM accounts_loginevent",
    "TRUNCATE accounts_loginevent",
    "DELETE FROM accounts_chainhead",
    "TRUNCATE accounts_chainhead",
    "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())",
]


@pytest.fixture
def roles(transactional_db) -> Iterator[tuple[str, str]]:
    """Two throwaway roles (roles are cluster-wide: unique names, dropped afterwards)."""
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"tj_owner_{suffix}", f"tj_app_{suffix}"
    try:
        yield owner, app
    finally:
        connection.close()  # in case a test left the connection as the app role
        with connection.cursor() as cursor:
            for role in (owner, app):
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                if cursor.fetchone():
                    cursor.execute(f"REASSIGN OWNED BY {role} TO CURRENT_USER")
                    cursor.execute(f"DROP OWNED BY {role}")
                    cursor.execute(f"DROP ROLE {role}")


def connect_as(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )


def test_the_app_role_cannot_change_the_audit_tables(roles, mediator_a):
    owner, app = roles
    do_log_pii_access(user=mediator_a, record_type="cases.worker", record_id=1, field="id_number", request=None)
    call_command("pg-roles", owner=owner, app=app, stdout=StringIO())

    with connect_as(app) as conn:
        refused = []
        for statement in REFUSED:
            try:
                conn.execute(statement)
            except psycopg.errors.InsufficientPrivilege:
                refused.append(statement)
        assert refused == REFUSED
        # What the app needs still works: read, append, move the chain head, ordinary tables in full.
        assert conn.execute("SELECT count(*) FROM accounts_piiaccesslog").fetchone() == (1,)
        conn.execute("UPDATE accounts_chainhead SET seq = seq WHERE false")
        conn.execute("DELETE FROM accounts_loginthrottle WHERE false")
        owned = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [app])
        assert owned.fetchone() == (0,)
    with connect_as(owner) as conn:
        assert conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> %s", [owner]
        ).fetchone() == (0,)

    # The application itself, connected as the app role, appends to the chain.
    connection.close()
    saved = connection.settings_dict["USER"]
    connection.settings_dict["USER"] = app
    try:
        do_log_pii_access(user=mediator_a, record_type="cases.worker", record_id=2, field="phone", request=None)
        assert PiiAccessLog.objects.count() == 2 and auditchain.verify(PII_CHAIN).ok
    finally:
        connection.close()
        connection.settings_dict["USER"] = saved


def test_the_grants_are_printed_for_a_dba(roles):
    owner, app = roles
    sql = pgroles.statements(connection, owner=owner, app=app)
    assert f'REVOKE UPDATE, DELETE ON "accounts_piiaccesslog" FROM "{app}"' in sql
    assert f'REVOKE UPDATE, DELETE ON "accounts_loginevent" FROM "{app}"' in sql
    assert not any("TRUNCATE" in statement and "GRANT" in statement for statement in sql)


def test_role_names_are_checked(transactional_db):
    with pytest.raises(ValueError, match="plain role name"):
        pgroles.statements(connection, owner="owner; DROP TABLE x", app="tj_app")


def current_user() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def test_migrations_run_as_the_owner_and_not_as_the_app(roles):
    """`tiaojie migrate` with MIGRATE_DATABASE_URL connects as the owner, who may change the audit tables'
    schema (here: migration 0006 undone and redone); the app role may not."""
    from django.db.utils import ProgrammingError
    from django.test import override_settings

    owner, app = roles
    call_command("pg-roles", owner=owner, app=app, stdout=StringIO())
    saved = dict(connection.settings_dict)
    host, port = saved["HOST"] or "127.0.0.1", saved["PORT"] or 5432
    try:
        connection.close()
        connection.settings_dict["USER"] = app
        with pytest.raises(ProgrammingError, match="must be owner"):
            call_command("migrate", "accounts", "0005_chain_existing_rows", stdout=StringIO(), verbosity=0)
        out = StringIO()
        with override_settings(MIGRATE_DATABASE_URL=f"postgres://{owner}@{host}:{port}/ignored"):
            call_command("migrate", "accounts", "0005_chain_existing_rows", stdout=out)
            assert current_user() == owner
            call_command("migrate", "accounts", stdout=out)
        assert f"Migrating as the owner role '{owner}'" in out.getvalue()
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert current_user() != app
