"""`tiaojie import-enterprises FILE.xlsx`: import the register of enterprises above designated size.

Every row is checked first; with any error, the report is printed (row, column, message) and nothing is
written (exit status 1). Run by an administrator on the server: no scope restriction applies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tiaojie.analytics.importer import ImportFailed, do_import_enterprises, read_workbook


class Command(BaseCommand):
    help = "Import the register of enterprises above designated size from an .xlsx file"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        with path.open("rb") as handle:
            try:
                rows = read_workbook(handle, division_allowed=lambda code: True)
            except ImportFailed as exc:
                for e in exc.errors:
                    self.stderr.write(f"第{e.row}行\t{e.column or '-'}\t{e.message}")
                raise CommandError(f"{len(exc.errors)} 处错误，未导入任何数据") from exc
        result = do_import_enterprises(rows=rows, actor=None, file_name=path.name)
        self.stdout.write(f"导入完成：共{result.rows}行，新增{result.created}家，更新{result.updated}家")
