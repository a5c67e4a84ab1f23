"""tiaojie grade-employers [--date YYYY-MM-DD]: grade employers and alert supervisors of rises to 红/橙.

Run once a day after midnight Beijing time (cron or a systemd timer next to the watcher, docs/risk.md). Safe to run
twice or concurrently: a level changes by a conditional UPDATE and an alert is raised once per window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tiaojie.analytics.actions import do_record_risk_levels
from tiaojie.lib.workdays import legal_date


class Command(BaseCommand):
    help = "Grade employers by dispute risk and alert the supervising level of rises to red or orange."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day graded (default: today in Beijing)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = dt.date.fromisoformat(options["date"]) if options["date"] else legal_date(timezone.now())
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        run = do_record_risk_levels(as_of=as_of)
        self.stdout.write(f"{as_of}: {run.counties} regions, {run.changed} levels changed, {run.alerts} alerts")
