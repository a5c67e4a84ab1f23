"""`tiaojie watch-deadlines [--once] [--interval 60] [--send-now]`: the deadline watcher (docs/notifications.md).

A plain polling loop, like healthchecks' sendalerts: every tick scans the deadline sources, records due
reminders and breaches once, and delivers what the task worker (`tiaojie db_worker`) has left queued. Run as
many as you like: the unique keys and claims make duplicates impossible. SIGTERM/SIGINT stop it between ticks.
"""

from __future__ import annotations

import logging
import signal
import time
from argparse import ArgumentParser, ArgumentTypeError
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from tiaojie.notifications.watcher import beat, run_tick

logger = logging.getLogger("tiaojie.notifications.watcher")


def _interval(value: str) -> int:
    seconds = int(value)
    if seconds < 1:
        raise ArgumentTypeError("the interval is at least 1 second")
    return seconds


class Command(BaseCommand):
    help = "Send deadline reminders and mark breaches, once per deadline (loops unless --once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="run one tick and exit (cron, tests)")
        parser.add_argument("--interval", type=_interval, default=60, help="seconds between ticks (default 60)")
        parser.add_argument(
            "--send-now",
            action="store_true",
            help="deliver due notifications in this process at once, without leaving them to db_worker first",
        )

    def handle(self, *args: Any, once: bool, interval: int, send_now: bool, **options: Any) -> None:
        self.stopping = False
        grace = 0 if send_now else None
        if once:
            self._report(run_tick(grace_seconds=grace))
            beat()
            return
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.stdout.write(f"watch-deadlines: a tick every {interval}s")
        while not self.stopping:
            close_old_connections()
            try:
                self._report(run_tick(grace_seconds=grace))
                beat()
            except Exception:
                # A long-running watcher outlives a database restart; the next tick tries again.
                logger.exception("watch-deadlines tick failed")
            close_old_connections()
            deadline = time.monotonic() + interval
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
        self.stdout.write("watch-deadlines: stopped")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _report(self, result: object) -> None:
        if result:
            self.stdout.write(f"watch-deadlines: {result}")
