"""`tiaojie backup DIR`: the database, the private media and a manifest into a new directory DIR
(docs/deployment.md, "Backup and restore")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tiaojie.site.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format or SQLite online backup) and private media, with a manifest."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", type=Path, help="a new directory (must not exist)")

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        if directory.exists():
            raise CommandError(f"{directory} exists: give a new directory for each backup")
        try:
            result = backup(directory)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backup: {result.tables} tables, {result.rows} rows, {result.files} files in {result.directory} "
            f"({result.seconds:.1f} s)"
        )
