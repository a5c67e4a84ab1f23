"""Django's `migrate`, run as the owner role when MIGRATE_DATABASE_URL is set (docs/deployment.md).

On PostgreSQL the app connects (DATABASE_URL) as a role that may not ALTER, TRUNCATE, UPDATE or DELETE the
audit tables; only the owner role may change the schema. The owner's user, password, host and port are taken
from MIGRATE_DATABASE_URL; the database stays that of DATABASE_URL, so the two cannot point at different ones."""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections

from tiaojie.lib.postgres import engine


def use_owner_role(url: str) -> str:
    """Reconnect the default connection with the owner's credentials; returns the role's name."""
    try:
        owner = dj_database_url.parse(url)
    except ValueError as exc:
        raise CommandError(f"MIGRATE_DATABASE_URL is not a database URL: {exc}") from exc
    connection = connections[DEFAULT_DB_ALIAS]
    if engine(owner["ENGINE"]) != connection.settings_dict["ENGINE"]:
        raise CommandError("MIGRATE_DATABASE_URL must use the same database engine as DATABASE_URL")
    connection.close()
    for key in ("USER", "PASSWORD", "HOST", "PORT"):
        connection.settings_dict[key] = owner.get(key) or ""
    return owner.get("USER") or ""


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " With MIGRATE_DATABASE_URL set, connects as that (owner) role."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MIGRATE_DATABASE_URL and options["database"] == DEFAULT_DB_ALIAS:
            role = use_owner_role(settings.MIGRATE_DATABASE_URL)
            if options["verbosity"] >= 1:
                self.stdout.write(f"Migrating as the owner role {role!r} (MIGRATE_DATABASE_URL)")
        super().handle(*args, **options)
