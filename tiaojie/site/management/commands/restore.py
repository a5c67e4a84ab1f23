"""`tiaojie restore DIR`: a backup into an empty database and media directory, then every table's count and
checksum and every file's hash compared with the manifest (docs/deployment.md, "Backup and restore")."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tiaojie.site.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `tiaojie backup` into an empty database, and verify it against its manifest."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        if not (directory / "manifest.json").exists():
            raise CommandError(f"{directory} holds no manifest.json: not a backup made by `tiaojie backup`")
        try:
            result = restore(directory)
        except (BackupError, OSError, subprocess.CalledProcessError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restore: {result.tables} tables, {result.rows} rows and {result.files} files match the manifest "
            f"({result.seconds:.1f} s)"
        )
