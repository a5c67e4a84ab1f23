"""Reads of the statistics pages and their exports from a PostgreSQL streaming replica (docs/deployment.md,
"A read replica").

Only code that asks for it reads from the replica: a view wraps the part that builds a dashboard or an export in
`replica_reads()` (or its rows in `replica_rows()`), after it has checked who may see what on the primary.
Everything else — every write, every page that shows what was just written, sessions, logins, the task queue —
reads the primary, as before. Inside `replica_reads()`:

- writes still go to the primary (`db_for_write`);
- the apps in PRIMARY_ONLY_APPS (sessions, users, second factors, the task queue) are always read from the primary;
- nothing moves while the primary's connection is inside a transaction (a transaction must see its own writes).

On entry the replica is used only when it answers and lags at most REPLICA_MAX_LAG_SECONDS behind the primary;
otherwise the block reads the primary. The lag is measured at most once every REPLICA_CHECK_SECONDS per process:
the primary's current WAL position, then whether the replica has replayed up to it; if not, the age of the last
transaction it replayed. An idle primary so shows 0, and a replica that stopped receiving shows a growing lag.

Without DATABASE_REPLICA_URL there is no `replica` alias and every function here reads the primary.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from prometheus_client import Counter

REPLICA = "replica"
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "accounts", "admin", "contenttypes", "otp_totp", "otp_static", "django_otp", "django_tasks_db"}
)

READS = Counter(
    "tiaojie_replica_blocks", "Statistics and export blocks by the database they read", ["database", "reason"]
)
logger = logging.getLogger(__name__)
T = TypeVar("T")

_reading: contextvars.ContextVar[str | None] = contextvars.ContextVar("tiaojie_replica_reading", default=None)


@dataclass(frozen=True)
class ReplicaStatus:
    configured: bool
    reachable: bool = False
    lag_seconds: float | None = None  # None: unknown (unreachable, or it never replayed a transaction)
    standby: bool = False  # False when the alias is not a standby (SQLite, or the primary itself in tests)
    error: str = ""
    checked_at: float = field(default_factory=time.monotonic)

    @property
    def usable(self) -> bool:
        return (
            self.configured
            and self.reachable
            and self.lag_seconds is not None
            and self.lag_seconds <= settings.REPLICA_MAX_LAG_SECONDS
        )

    def as_json(self) -> dict[str, Any]:
        """For /healthz and the 系统状态 page: a lagging replica is reported, but it fails no check (the pages read
        the primary meanwhile)."""
        return {
            "ok": True,
            "configured": self.configured,
            "reachable": self.reachable,
            "lag_s": None if self.lag_seconds is None else round(self.lag_seconds, 1),
            "max_lag_s": settings.REPLICA_MAX_LAG_SECONDS,
            "in_use": self.usable,
            **({"error": self.error} if self.error else {}),
        }


def configured() -> bool:
    return REPLICA in settings.DATABASES


def measure() -> ReplicaStatus:
    """Ask the primary and the replica now (two small queries)."""
    if not configured():
        return ReplicaStatus(configured=False)
    replica = connections[REPLICA]
    try:
        if replica.vendor != "postgresql":
            with replica.cursor() as cursor:
                cursor.execute("SELECT 1")
            return ReplicaStatus(configured=True, reachable=True, lag_seconds=0.0)
        primary_lsn = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute("SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END")
                primary_lsn = cursor.fetchone()[0]
        with replica.cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(),"
                " COALESCE(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0, false),"
                " EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp()))::float8",
                [primary_lsn or "0/0"],
            )
            standby, caught_up, age = cursor.fetchone()
    except DatabaseError as exc:
        replica.close()  # the next check connects afresh
        logger.warning("replica unreachable: %s", type(exc).__name__)
        return ReplicaStatus(configured=True, error=type(exc).__name__)
    if not standby or caught_up:
        lag: float | None = 0.0
    else:
        lag = None if age is None else max(0.0, float(age))
    return ReplicaStatus(configured=True, reachable=True, lag_seconds=lag, standby=bool(standby))


_lock = threading.Lock()
_last: ReplicaStatus | None = None


def status(*, fresh: bool = False) -> ReplicaStatus:
    """The replica's state, measured at most once every REPLICA_CHECK_SECONDS in this process."""
    global _last
    with _lock:
        last = _last
        if fresh or last is None or time.monotonic() - last.checked_at >= settings.REPLICA_CHECK_SECONDS:
            last = _last = measure()
        return last


def forget() -> None:
    """Measure again on the next use (tests; after a query on the replica failed)."""
    global _last
    with _lock:
        _last = None


def _choose() -> tuple[str, str]:
    if not configured():
        return DEFAULT_DB_ALIAS, "not_configured"
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS, "in_transaction"
    state = status()
    if not state.reachable:
        return DEFAULT_DB_ALIAS, "unreachable"
    if not state.usable:
        return DEFAULT_DB_ALIAS, "lagging"
    return REPLICA, "ok"


@contextmanager
def replica_reads() -> Iterator[str]:
    """Read from the replica inside the block when it is usable; yields the alias chosen."""
    alias, reason = _choose()
    READS.labels(alias, reason).inc()
    token = _reading.set(alias)
    try:
        yield alias
    finally:
        _reading.reset(token)


def replica_rows(rows: Iterable[T]) -> Iterator[T]:
    """Rows of a streamed export, produced inside `replica_reads()` while the response is being sent."""
    with replica_reads():
        yield from rows


def reading() -> str | None:
    """The alias the current block reads from (None outside `replica_reads()`)."""
    return _reading.get()


class ReplicaRouter:
    """DATABASE_ROUTERS: sends the reads of a `replica_reads()` block to the replica, and nothing else."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        alias = _reading.get()
        if alias is None or alias == DEFAULT_DB_ALIAS:
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:  # type: ignore[attr-defined]
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None
