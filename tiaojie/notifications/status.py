"""系统状态: the facts of /healthz and /metrics on one page in Chinese, for the site's administrators
(Django staff users; anyone else gets 404). docs/deployment.md, "Health"."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.notifications.health import health_checks
from tiaojie.notifications.models import DeadlineBreach, Notification


@login_required
@require_GET
def system_status(request: AuthedRequest) -> HttpResponse:
    if not (request.user.is_active and request.user.is_staff):
        raise Http404
    checks = health_checks()
    counts = dict(Notification.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    day_ago = timezone.now() - dt.timedelta(days=1)
    context = {
        "checks": checks,
        "healthy": all(check["ok"] for check in checks.values()),
        "free_gib": (checks["disk"].get("free_bytes") or 0) / 2**30,
        "queue_depth": DBTaskResult.objects.filter(status="READY").count(),
        "notifications": [(label, counts.get(value, 0)) for value, label in Notification.State.choices],
        "breaches_24h": DeadlineBreach.objects.filter(detected_at__gte=day_ago).count(),
    }
    return render(request, "notifications/system_status.html", context)
