"""`tiaojie pg-roles --owner tiaojie_owner --app tiaojie_app`: create the two PostgreSQL roles and set their
privileges (tiaojie/accounts/pgroles.py, docs/deployment.md). Run it with DATABASE_URL pointing at the
database as a superuser; `--print` only prints the SQL. Idempotent: rerun it after upgrades."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from tiaojie.accounts import pgroles


class Command(BaseCommand):
    help = (
        "Create the owner role (runs migrations, owns the tables) and the app role (no UPDATE/DELETE/TRUNCATE "
        "on the audit tables) on PostgreSQL, and grant their privileges. Run as a superuser."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", default="tiaojie_owner", help="role that owns the tables (migrations)")
        parser.add_argument("--app", default="tiaojie_app", help="role the application connects as")
        parser.add_argument("--print", action="store_true", dest="print_only", help="print the SQL, run nothing")
        parser.add_argument("--no-create", action="store_true", help="the roles exist already; only grant")

    def handle(self, *args: Any, owner: str, app: str, print_only: bool, no_create: bool, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("pg-roles is for PostgreSQL (DATABASE_URL=postgres://…); SQLite has no roles")
        try:
            if print_only:
                sql = pgroles.statements(connection, owner=owner, app=app, create_roles=not no_create)
            else:
                sql = pgroles.apply(connection, owner=owner, app=app, create_roles=not no_create)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if print_only:
            self.stdout.write(";\n".join(sql) + ";")
            return
        self.stdout.write(
            f"{len(sql)} statements applied. Set the roles' passwords (ALTER ROLE … PASSWORD) or pg_hba rules, "
            f"then DATABASE_URL=postgres://{app}@…/db and MIGRATE_DATABASE_URL=postgres://{owner}@…/db."
        )
