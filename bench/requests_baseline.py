"""The two baselines of bench/requests.py, each served by gunicorn with deploy/gunicorn.conf.py (same workers,
threads and worker class as the application) on loopback:

- `raw_app`: a plain WSGI callable. `GET /select?id=N` runs one psycopg SELECT of a case row, `POST /insert` one
  INSERT of the request body into `bench_requests_insert`. One connection per thread, kept open (as Django's
  CONN_MAX_AGE keeps its own), autocommit.
- `django_app()`: Django with no middleware and a URLconf of two views, each one ORM query: the same SELECT
  through `Case.objects`, the same INSERT through an unmanaged model of that table.

Neither checks who is asking: they are floors to compare the application's requests with, nothing more.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

INSERT_TABLE = "bench_requests_insert"
_local = threading.local()


def _connection() -> Any:
    import psycopg

    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        _local.conn = conn
    return conn


def _case_id(query_string: str) -> int:
    for part in query_string.split("&"):
        key, _, value = part.partition("=")
        if key == "id" and value.isdigit():
            return int(value)
    return 1


def raw_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
    if path == "/select" and method == "GET":
        row = (
            _connection()
            .execute("SELECT id, status, number FROM cases_case WHERE id = %s", [_case_id(environ["QUERY_STRING"])])
            .fetchone()
        )
        status, payload = (
            ("200 OK", {"id": row[0], "status": row[1], "number": row[2]}) if row else ("404 Not Found", {})
        )
    elif path == "/insert" and method == "POST":
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
        row = (
            _connection()
            .execute(f"INSERT INTO {INSERT_TABLE} (at, body) VALUES (now(), %s) RETURNING id", [body])
            .fetchone()
        )
        status, payload = "201 Created", {"id": row[0]}
    else:
        status, payload = "404 Not Found", {}
    data = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def django_app() -> Callable[..., Any]:
    """The gunicorn factory (`bench.requests_baseline:django_app()`): Django set up with no middleware."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.requests_django_settings"
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


# --- the bare Django views (ROOT_URLCONF of bench.requests_django_settings) --------------------------------


def _insert_model() -> Any:
    from django.apps import apps
    from django.db import models

    try:
        return apps.get_model("cases", "BenchRequestsInsert")
    except LookupError:
        pass

    class BenchRequestsInsert(models.Model):
        at = models.DateTimeField()
        body = models.TextField()

        class Meta:
            app_label = "cases"  # any installed app: the model is unmanaged and exists only in this server
            managed = False
            db_table = INSERT_TABLE

        def __str__(self) -> str:
            return str(self.pk)

    return BenchRequestsInsert


def select_view(request: Any) -> Any:
    from django.http import JsonResponse

    from tiaojie.cases.models import Case

    case_id = _case_id(request.META.get("QUERY_STRING", ""))
    row = Case.objects.filter(pk=case_id).values("id", "status", "number").first()
    return JsonResponse(row or {}, status=200 if row else 404)


def insert_view(request: Any) -> Any:
    from django.http import JsonResponse
    from django.utils import timezone

    if request.method != "POST":
        return JsonResponse({}, status=405)
    row = _insert_model().objects.create(at=timezone.now(), body=request.body.decode())
    return JsonResponse({"id": row.pk}, status=201)


def _urlpatterns() -> list[Any]:
    from django.urls import path

    return [path("select", select_view), path("insert", insert_view)]


urlpatterns = _urlpatterns()
