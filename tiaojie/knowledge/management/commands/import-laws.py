from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tiaojie.knowledge.actions import LAWREFBOOK, do_import_law_directory


class Command(BaseCommand):
    help = (
        "Import the Markdown texts of a directory in the LawRefBook/Laws layout into the law library. Idempotent: "
        "a text already stored adds nothing, a changed one adds a version (docs/knowledge.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--commit", default="", help="the source repository's commit, kept with each text")
        parser.add_argument("--source-name", default=LAWREFBOOK)

    def handle(self, *args: object, directory: Path, commit: str, source_name: str, **options: object) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory}: not a directory")
        result = do_import_law_directory(root=directory, commit=commit, source_name=source_name)
        for problem in result.problems:
            self.stderr.write(f"  skipped {problem}")
        self.stdout.write(self.style.SUCCESS(f"{directory}: {result.summary()}"))
