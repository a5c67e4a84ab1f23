"""Counting every request for /metrics (docs/deployment.md, "Metrics"): requests by route, method and status,
and their duration by route, in Prometheus' client library.

The label is the URL pattern (`cases/<int:case_id>/`), never the path, so a case id or a token never becomes a
label (unbounded series, and personal data in the monitoring). Under gunicorn each worker is its own process:
`deploy/gunicorn.conf.py` sets PROMETHEUS_MULTIPROC_DIR, the client library writes each process's values
there, and /metrics adds them up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter, Histogram

REQUESTS = Counter("tiaojie_http_requests", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "tiaojie_http_request_duration_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
logger = logging.getLogger("tiaojie.request")
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + (match.route or match.view_name or "unnamed")


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # nginx logs paths and addresses for the operators; the app's own line is for the JSON log pipeline.
        self.access_log = settings.LOG_FORMAT == "json"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        method = request.method if request.method in METHODS else "other"
        seconds = time.perf_counter() - started
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        LATENCY.labels(route).observe(seconds)
        if self.access_log:
            # The route, not the path: no case id, token or query string (personal data) in the access log.
            logger.info(
                "request",
                extra={
                    "route": route,
                    "method": method,
                    "status": response.status_code,
                    "ms": round(seconds * 1000, 1),
                },
            )
        return response
