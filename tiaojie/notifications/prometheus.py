"""`/metrics` in Prometheus' text format, for the monitoring on the internal network (docs/deployment.md).

Per route: requests and their duration (lib/request_metrics.py, summed over gunicorn's worker processes).
Read from the database at each scrape: the task queue's depth, notifications by state, deadline breaches, the
background processes' heartbeat ages, the read replica's lag (with DATABASE_REPLICA_URL). Per block of the
statistics pages: which database it read, and why (tiaojie_replica_blocks_total). Only addresses in
METRICS_ALLOWED_IPS are answered (404 otherwise, so the endpoint does not show itself); nginx restricts it too.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from tiaojie.lib import db_router
from tiaojie.notifications.models import DeadlineBreach, Heartbeat, Notification


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        queue = GaugeMetricFamily("tiaojie_task_queue_depth", "Tasks waiting for the task worker")
        queue.add_metric([], DBTaskResult.objects.filter(status="READY").count())
        yield queue
        states = GaugeMetricFamily("tiaojie_notifications", "Notifications by state", labels=["state"])
        counts = dict(Notification.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
        for state in Notification.State.values:
            states.add_metric([state], counts.get(state, 0))
        yield states
        breaches = GaugeMetricFamily("tiaojie_deadline_breaches", "Deadline breaches recorded", labels=["window"])
        breaches.add_metric(["all"], DeadlineBreach.objects.count())
        day_ago = timezone.now() - dt.timedelta(days=1)
        breaches.add_metric(["24h"], DeadlineBreach.objects.filter(detected_at__gte=day_ago).count())
        yield breaches
        beats = GaugeMetricFamily("tiaojie_heartbeat_age_seconds", "Since the newest heartbeat", labels=["kind"])
        now = timezone.now()
        for kind, at in Heartbeat.objects.values_list("kind").annotate(at=Max("at")).values_list("kind", "at"):
            beats.add_metric([kind], (now - at).total_seconds())
        yield beats
        if db_router.configured():
            replica = db_router.status()
            up = GaugeMetricFamily("tiaojie_replica_up", "1 when the read replica answers")
            up.add_metric([], 1 if replica.reachable else 0)
            yield up
            if replica.lag_seconds is not None:
                lag = GaugeMetricFamily("tiaojie_replica_lag_seconds", "How far the read replica is behind")
                lag.add_metric([], replica.lag_seconds)
                yield lag


def allowed(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_IPS)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request.META.get("REMOTE_ADDR")):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests_registry = CollectorRegistry()
        MultiProcessCollector(requests_registry)
    else:
        requests_registry = REGISTRY
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return HttpResponse(
        generate_latest(requests_registry) + generate_latest(database), content_type=CONTENT_TYPE_LATEST
    )
