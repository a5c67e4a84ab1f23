"""`/healthz`: what a load balancer or monitor asks before sending traffic (docs/deployment.md, "Health").

200 with `{"status": "ok", "checks": {…}}` when every check passes, 503 with the failing ones marked otherwise:
- database: a SELECT answers;
- migrations: none of the code's migrations is unapplied (an upgrade half done);
- watcher, worker: a heartbeat newer than HEALTH_HEARTBEAT_MAX_AGE_SECONDS (the watcher beats after each tick,
  the worker by running the heartbeat task the watcher queues; notifications.models.Heartbeat);
- disk: free space on PRIVATE_MEDIA_ROOT's file system above HEALTH_MIN_FREE_BYTES;
- replica (only with DATABASE_REPLICA_URL): whether it answers and its lag in seconds (lib/db_router.py). It never
  fails the probe: the statistics pages read the primary while the replica is down or behind.
No personal data and no secrets; open to every client, since a load balancer has no session.
"""

from __future__ import annotations

import shutil
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tiaojie.lib import db_router
from tiaojie.notifications.models import Heartbeat

# Once every migration was seen applied, a running process cannot lose that (new migrations come with new code,
# and so with a restart): checked once per process, not on every probe.
_migrations_done = False


def _database() -> dict[str, Any]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _migrations() -> dict[str, Any]:
    global _migrations_done
    if not _migrations_done:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return {"ok": False, "unapplied": len(pending)}
        _migrations_done = True
    return {"ok": True}


def _heartbeats() -> dict[str, dict[str, Any]]:
    now = timezone.now()
    latest = dict(Heartbeat.objects.values_list("kind").annotate(at=Max("at")).values_list("kind", "at"))
    out = {}
    for kind in (Heartbeat.Kind.WATCHER, Heartbeat.Kind.WORKER):
        at = latest.get(kind)
        age = None if at is None else round((now - at).total_seconds())
        out[str(kind)] = {"ok": age is not None and age <= settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS, "age_s": age}
    return out


def _disk() -> dict[str, Any]:
    root = settings.PRIVATE_MEDIA_ROOT
    root.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(root).free
    return {"ok": free >= settings.HEALTH_MIN_FREE_BYTES, "free_bytes": free}


def health_checks() -> dict[str, dict[str, Any]]:
    """Each check's result; a check that raises is reported failed with the exception's class, never a 500."""
    checks: dict[str, dict[str, Any]] = {}
    for name, check in (("database", _database), ("migrations", _migrations)):
        try:
            checks[name] = check()
        except Exception as exc:
            checks[name] = {"ok": False, "error": type(exc).__name__}
    if checks["database"]["ok"]:
        try:
            checks.update(_heartbeats())
        except Exception as exc:
            checks["watcher"] = checks["worker"] = {"ok": False, "error": type(exc).__name__}
    else:
        checks["watcher"] = checks["worker"] = {"ok": False, "error": "database"}
    try:
        checks["disk"] = _disk()
    except OSError as exc:
        checks["disk"] = {"ok": False, "error": type(exc).__name__}
    if db_router.configured():
        checks["replica"] = db_router.status().as_json()
    return checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health_checks()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)
