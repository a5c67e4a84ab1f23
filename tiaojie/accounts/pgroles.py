"""The two PostgreSQL roles (docs/deployment.md): an owner that runs the migrations and owns every table, and
the app's role, which may read and write the ordinary tables but only read and append to the audit tables.

The app role gets no UPDATE, DELETE or TRUNCATE on the hash-chained tables (lib/auditchain.py), only the
UPDATE of their chain-head rows that appending needs, owns nothing (so it cannot ALTER a table or DISABLE its
triggers), and is no superuser (so it cannot SET session_replication_role = replica to silence them). Tables
created by later migrations get the ordinary grants by default privileges; rerunning this is harmless."""

from __future__ import annotations

import re

from django.db.backends.base.base import BaseDatabaseWrapper

from tiaojie.lib import auditchain

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"


def audit_tables() -> tuple[list[str], list[str]]:
    """(the chained tables, their head tables), from the chains the apps registered."""
    chains = auditchain.registered()
    return (
        sorted({c.model._meta.db_table for c in chains}),
        sorted({c.head_model._meta.db_table for c in chains}),
    )


def _check(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise ValueError(f"{name!r} is not a plain role name (lower-case letters, digits, _)")
    return name


def _query(connection: BaseDatabaseWrapper, sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def statements(connection: BaseDatabaseWrapper, *, owner: str, app: str, create_roles: bool = True) -> list[str]:
    """The SQL, in order, for the database `connection` points at (run it as a superuser)."""
    owner, app = _check(owner), _check(app)
    if owner == app:
        raise ValueError("the owner and the app must be two roles")
    q = connection.ops.quote_name
    database = q(connection.settings_dict["NAME"])
    tables = _query(connection, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    # Sequences of their own (not those of an identity or serial column, which follow their table's owner).
    sequences = _query(
        connection,
        """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'S' AND n.nspname = 'public'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
           ORDER BY 1""",
    )
    # Our functions (the append-only triggers'), not those of extensions such as pg_trgm.
    functions = _query(
        connection,
        """SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
           ORDER BY 1""",
    )
    chained, heads = audit_tables()
    sql: list[str] = []
    if create_roles:
        for role in (owner, app):
            # The name passed _check, so it is safe inside the literal.
            sql.append(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
                f"THEN CREATE ROLE {q(role)} {ROLE_ATTRIBUTES}; END IF; END $$"
            )
    sql += [
        f"ALTER ROLE {q(app)} {ROLE_ATTRIBUTES} NOINHERIT",
        f"REVOKE {q(owner)} FROM {q(app)}",
        f"GRANT CONNECT ON DATABASE {database} TO {q(owner)}, {q(app)}",
        f"GRANT CREATE ON DATABASE {database} TO {q(owner)}",  # trusted extensions (pg_trgm) in migrations
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {q(owner)}",
        f"GRANT USAGE ON SCHEMA public TO {q(app)}",
    ]
    sql += [f"ALTER TABLE public.{q(t)} OWNER TO {q(owner)}" for t in tables]
    sql += [f"ALTER SEQUENCE public.{q(s)} OWNER TO {q(owner)}" for s in sequences]
    sql += [f"ALTER FUNCTION {f} OWNER TO {q(owner)}" for f in functions]
    sql += [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {q(app)}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q(app)}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q(app)}",
    ]
    if "django_migrations" in tables:
        sql.append(f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {q(app)}")
    sql += [f"REVOKE UPDATE, DELETE ON {q(t)} FROM {q(app)}" for t in chained if t in tables]
    sql += [f"REVOKE DELETE ON {q(t)} FROM {q(app)}" for t in heads if t in tables]
    sql += [
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q(app)}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {q(app)}",
    ]
    return sql


def apply(connection: BaseDatabaseWrapper, *, owner: str, app: str, create_roles: bool = True) -> list[str]:
    from django.db import transaction

    sql = statements(connection, owner=owner, app=app, create_roles=create_roles)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)
    return sql
