"""`tiaojie rebuild-rollups`: recompute every statistics fact and rollup from the cases (set-based SQL, one
transaction). Needed after a bulk load that bypassed the actions, or to repair totals after an error that
was logged by the incremental refresh. `--pending` instead refreshes, one by one, the cases whose refresh is
still waiting for the task worker (rollups.drain_pending): what the worker would do, done now."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from tiaojie.analytics.rollups import drain_pending, rebuild_all, rollup_totals


class Command(BaseCommand):
    help = "Rebuild the statistics rollups from the cases"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--pending", action="store_true", help="only refresh the cases waiting for the task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["pending"]:
            done = drain_pending()
            self.stdout.write(f"refreshed {done} pending cases in {time.perf_counter() - started:.1f} s")
            return
        rebuild_all(log=lambda m: self.stderr.write(m) if options["verbosity"] > 1 else None)
        totals = rollup_totals()
        self.stdout.write(
            f"rebuilt in {time.perf_counter() - started:.1f} s: "
            f"{totals['received'] or 0} received, {totals['closed'] or 0} closed"
        )
