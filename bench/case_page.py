"""Profile and quick benchmark of the staff case page (issue 17 items 2 and 6).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_h23 .venv/bin/python -m bench.case_page

Reads a database filled by `tiaojie demo` (nothing is written). For a case in each main state of organisation
A (new, in mediation, agreed with its payment order, closed) it prints, for one staff GET of the case page:
the SQL grouped by statement with counts (CaptureQueriesContext), the time split between SQL, template
rendering (SQL run while rendering counted as SQL) and the rest, and with --profile the top functions by
cumulative time (cProfile). Then it times, in the same run, a raw psycopg `SELECT` of the case row (the
baseline) and the whole page through Django's WSGI handler, and prints requests/s, p50/p99 and their ratio.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from contextlib import contextmanager

import django


def _shape(sql: str) -> str:
    """The statement with its literals replaced, so repeats of one query group together."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"\(\?(?:, \?)+\)", "(?…)", sql)
    return sql


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--user", default="admin_a")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions per case")
    parser.add_argument("--sql", action="store_true", help="print the grouped SQL per case")
    parser.add_argument("--cases", default="", help="comma-separated case ids instead of one per state")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL (a database filled by `tiaojie demo`)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.template.backends.django import Template
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from tiaojie.accounts.models import User
    from tiaojie.cases.models import Case, Status

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.get(username=args.user)
    org = user.memberships.first().organisation_id  # type: ignore[attr-defined]
    if args.cases:
        cases = [(f"#{pk}", int(pk)) for pk in args.cases.split(",")]
    else:
        cases = []
        for label, status in (
            ("new", Status.RECEIVED),
            ("mediating", Status.MEDIATING),
            ("agreed", Status.AGREED),
            ("closed", Status.CLOSED),
        ):
            c = (
                Case.objects.filter(organisation_id=org, status=status)
                .annotate(n=Count("events"))
                .order_by("-n", "pk")
                .first()
            )
            if c is not None:
                cases.append((label, c.pk))
    client = Client()
    client.force_login(user)

    # Time spent inside template rendering, and SQL run meanwhile (counted as SQL, not as template).
    clock = {"template": 0.0, "sql": 0.0, "sql_in_template": 0.0, "depth": 0}
    original_render = Template.render

    def timed_render(self, *a, **kw):  # type: ignore[no-untyped-def]
        clock["depth"] += 1
        t0 = time.perf_counter()
        try:
            return original_render(self, *a, **kw)
        finally:
            clock["depth"] -= 1
            if clock["depth"] == 0:
                clock["template"] += time.perf_counter() - t0

    def sql_timer(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            dt = time.perf_counter() - t0
            clock["sql"] += dt
            if clock["depth"]:
                clock["sql_in_template"] += dt

    @contextmanager
    def measured():
        for k in ("template", "sql", "sql_in_template"):
            clock[k] = 0.0
        Template.render = timed_render  # type: ignore[method-assign]
        try:
            with connection.execute_wrapper(sql_timer):
                yield
        finally:
            Template.render = original_render  # type: ignore[method-assign]

    for label, pk in cases:
        url = f"/cases/{pk}/"
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as ctx, measured():
            t0 = time.perf_counter()
            response = client.get(url)
            total = time.perf_counter() - t0
        events = Case.objects.get(pk=pk).events.count()
        tpl = clock["template"] - clock["sql_in_template"]
        print(
            f"\n== {label}: case {pk}, {events} events, {len(ctx.captured_queries)} queries, "
            f"{len(response.content)} bytes, {total * 1000:.1f} ms: SQL {clock['sql'] * 1000:.1f} ms "
            f"({clock['sql'] / total:.0%}), templates {tpl * 1000:.1f} ms ({tpl / total:.0%}), "
            f"rest {(total - clock['sql'] - tpl) * 1000:.1f} ms"
        )
        if args.sql:
            shapes = Counter(_shape(q["sql"]) for q in ctx.captured_queries)
            for sql, n in shapes.most_common():
                print(f"  {n:>2}× {sql[:150]}")
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(3):
                client.get(url)
            prof.disable()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(400)
            # The project's own functions under the view (the middleware chain above it says nothing).
            lines = [
                ln
                for ln in out.getvalue().splitlines()
                if re.match(r"\s+\d", ln) and "/tiaojie/" in ln and not re.search(r"middleware|lib/|proxy", ln)
            ]
            print("  ncalls  tottime  percall  cumtime  percall filename:lineno(function)  [3 requests]")
            for ln in lines[:22]:
                print("  " + re.sub(r"/\S*/(site-packages|tiaojie)/", r"\1/", ln.strip()))

    # Baseline and page through the WSGI handler, in the same run.
    import psycopg

    dsn = settings.DATABASES["default"]
    conn = psycopg.connect(
        host=dsn["HOST"], port=dsn["PORT"] or 5432, user=dsn["USER"], dbname=dsn["NAME"], password=dsn["PASSWORD"]
    )
    table = Case._meta.db_table
    print(f"\n{'case':<12} {'raw/s':>8} {'page/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>7}")
    for label, pk in cases:
        raw = []
        with conn.cursor() as cur:
            for _ in range(args.repeat * 20):
                t0 = time.perf_counter()
                cur.execute(f"SELECT * FROM {table} WHERE id = %s", (pk,))
                cur.fetchall()
                raw.append(time.perf_counter() - t0)
        page = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            assert client.get(f"/cases/{pk}/").status_code == 200
            page.append(time.perf_counter() - t0)
        raw_rate = 1 / statistics.mean(raw)
        page_rate = 1 / statistics.mean(page)
        p = sorted(page)
        p99 = p[min(len(p) - 1, int(len(p) * 0.99))]
        print(
            f"{label:<12} {raw_rate:>8.0f} {page_rate:>7.1f} {statistics.median(page) * 1000:>7.1f} "
            f"{p99 * 1000:>7.1f} {page_rate / raw_rate:>7.4f}"
        )


if __name__ == "__main__":
    main()
