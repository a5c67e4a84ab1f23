"""`tiaojie anonymise-closed-cases`: remove the personal data of every case whose retention period
(RETENTION_YEARS after it was closed, declined, failed or withdrawn) has passed; keep what the statistics need.
Idempotent: run it daily from cron (docs/privacy.md). Exits with status 1 when a case could not be anonymised
(each case has its own transaction, so the others are done and the failed one is untouched)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaojie.cases.retention import anonymise_closed_cases, do_anonymise_case
from tiaojie.lib.workdays import legal_date


class Command(BaseCommand):
    help = "Anonymise the cases whose retention period after closing has passed (docs/privacy.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count the cases that are due")
        parser.add_argument("--batch-size", type=int, default=200, help="case ids read per query (default 200)")
        parser.add_argument("--limit", type=int, default=None, help="stop after this many cases")
        parser.add_argument(
            "--case", type=int, default=None, help="only this case, before its period: the worker asked (PIPL art 47)"
        )
        parser.add_argument("--reason", default="", help="with --case: the request, as recorded (required)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1 or (options["limit"] is not None and options["limit"] < 1):
            raise CommandError("--batch-size and --limit must be at least 1")
        if options["case"] is not None:
            self._on_request(options["case"], options["reason"])
            return
        run = anonymise_closed_cases(
            batch_size=options["batch_size"], limit=options["limit"], dry_run=options["dry_run"]
        )
        before = legal_date(run.cutoff).isoformat()
        scope = f"ended or closed before {before} (RETENTION_YEARS={settings.RETENTION_YEARS})"
        if options["dry_run"]:
            self.stdout.write(f"{len(run.due)} case(s) due for anonymisation: {scope}")
            return
        self.stdout.write(f"anonymised {len(run.anonymised)} case(s) {scope}; failed {len(run.failed)}")
        if run.failed:
            raise CommandError(f"could not anonymise case(s) {', '.join(map(str, run.failed))}: see the log")

    def _on_request(self, case_id: int, reason: str) -> None:
        reason = " ".join(reason.split())
        if not reason:
            raise CommandError("--case needs --reason: who asked, when, and how their identity was checked")
        if do_anonymise_case(case_id=case_id, on_request=reason) is None:
            raise CommandError(
                f"case {case_id} was not anonymised: it does not exist, is not over yet "
                f"(closed, declined, failed or withdrawn), or was anonymised before"
            )
        self.stdout.write(f"anonymised case {case_id} on request")
