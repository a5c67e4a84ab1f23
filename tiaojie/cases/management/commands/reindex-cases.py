"""`tiaojie reindex-cases`: build the full-text search document of every case (docs/search.md). Run once after
migrating to the search, and after changes made outside the actions (an employer renamed in the admin, a bulk
import). Each document is rebuilt in its own transaction; re-running is harmless."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaojie.cases.search import reindex_cases


class Command(BaseCommand):
    help = "Build the full-text search documents of all cases, in batches (docs/search.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="case ids read per query (default 500)")
        parser.add_argument("--start-after", type=int, default=0, help="resume after this case id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")

        def log(done: int, last: int) -> None:
            self.stderr.write(f"{done} cases indexed (last id {last})")

        done = reindex_cases(batch_size=options["batch_size"], start_after=options["start_after"], log=log)
        self.stdout.write(f"{done} cases indexed")
