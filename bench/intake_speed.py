"""A quick check of intake throughput (issue 17 item 4): `POST /api/v1/cases` from N concurrent clients, against
a raw psycopg INSERT … COMMIT of one row from as many connections, in the same run.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_h22 .venv/bin/python -m bench.intake_speed

Needs the demo data (`tiaojie demo`) in that database; PostgreSQL only. Each client is its own process with
Django's test client (the whole middleware stack and the API, no HTTP server: `make bench-requests` measures
through gunicorn). The task worker is not running: what it does later is not the request's cost; at the end the
queued refreshes are drained (`rollups.drain_pending`) and timed, and the rollups compared with a rebuild. Prints
requests/s, p50/p99 latency and the ratio to the raw INSERT. Writes cases and a table `bench_raw_intake`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import secrets
import statistics
import sys
import time
from typing import Any


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _intake_client(token: str, organisation_id: int, seconds: float, out: Any, start: Any) -> None:
    _setup()
    from django.conf import settings
    from django.test import Client

    from tiaojie.cases.tests.factories import valid_id_number

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    latencies: list[float] = []
    end = 0.0
    warm = True
    while warm or time.perf_counter() < end:
        body = {
            "organisation_id": organisation_id,
            "channel": "walk_in",
            "employer": {"name": f"杭州测速{secrets.randbelow(1000)}有限公司"},
            "workers": [{"name": "测速", "id_number": valid_id_number(), "phone": "13500001111"}],
            "claims": [{"type": "wages", "amount": "20000"}, {"type": "overtime", "amount": "3000"}],
            "facts": "公司拖欠三个月工资和加班费，多次催要未果。",
        }
        started = time.perf_counter()
        response = client.post("/api/v1/cases", json.dumps(body), content_type="application/json", **headers)
        if response.status_code != 201:
            raise SystemExit(f"intake answered {response.status_code}: {response.content[:300]!r}")
        if warm:  # the first request loads the classifier's model and fills the caches: not timed
            warm = False
            start.wait()
            end = time.perf_counter() + seconds
        else:
            latencies.append(time.perf_counter() - started)
    out.put(latencies)


def _raw_client(dsn: str, seconds: float, out: Any, start: Any) -> None:
    import psycopg

    latencies = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        start.wait()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            started = time.perf_counter()
            conn.execute(
                "INSERT INTO bench_raw_intake (organisation_id, facts, amount, received_at) VALUES (%s, %s, %s, now())",
                (1, "公司拖欠三个月工资和加班费，多次催要未果。", 23000),
            )
            latencies.append(time.perf_counter() - started)
    out.put(latencies)


def _run(target: Any, args: tuple[Any, ...], clients: int, seconds: float) -> tuple[float, list[float]]:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    start = ctx.Barrier(clients)  # every client warm and connected before any timed request
    procs = [ctx.Process(target=target, args=(*args, seconds, out, start)) for _ in range(clients)]
    for p in procs:
        p.start()
    latencies: list[float] = []
    for _ in procs:
        latencies += out.get()
    for p in procs:
        p.join()
        if p.exitcode:
            sys.exit(f"a client failed ({p.exitcode})")
    return len(latencies) / seconds, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database holding the demo data")
    _setup()
    from django.db import connection, connections

    from tiaojie.accounts.actions import do_create_api_token
    from tiaojie.accounts.models import User
    from tiaojie.organisations.models import Organisation

    admin = User.objects.get(username="admin_a")
    organisation = Organisation.objects.get(memberships__user=admin)
    token = do_create_api_token(user=admin, name="intake speed")
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_raw_intake (id bigserial PRIMARY KEY, organisation_id bigint, "
            "facts text, amount numeric(14, 2), received_at timestamptz)"
        )
    settings_db = connection.settings_dict
    dsn = (
        f"host={settings_db['HOST'] or 'localhost'} port={settings_db['PORT'] or 5432} "
        f"dbname={settings_db['NAME']} user={settings_db['USER']}"
    )
    connections.close_all()
    print(f"{args.seconds:.0f} s per run; the load average before: {os.getloadavg()[0]:.1f}")
    print("| clients | raw INSERT req/s | intake req/s | ratio | intake p50 ms | intake p99 ms |")
    print("|---|---|---|---|---|---|")
    for clients in args.clients:
        raw_rate, _raw = _run(_raw_client, (dsn,), clients, args.seconds)
        rate, latencies = _run(_intake_client, (token, organisation.pk), clients, args.seconds)
        print(
            f"| {clients} | {raw_rate:.0f} | {rate:.1f} | {rate / raw_rate:.3f} | "
            f"{statistics.median(latencies) * 1000:.1f} | {_quantile(latencies, 0.99) * 1000:.1f} |",
            flush=True,
        )
    try:
        from tiaojie.analytics.rollups import drain_pending
    except ImportError:  # the code before the rollups left the request
        return
    from tiaojie.analytics.models import COUNTER_FIELDS, DimRollup, MonthRollup, OpenDueRollup
    from tiaojie.analytics.rollups import rebuild_all

    started = time.perf_counter()
    done = drain_pending()
    drained = time.perf_counter() - started
    print(f"\nthe worker's part, drained after the runs: {done} cases in {drained:.1f} s ({done / drained:.0f}/s)")

    def rows() -> tuple[set[Any], ...]:
        """Each rollup's rows with a count other than zero (the incremental path keeps rows gone to zero)."""
        tables = (
            (MonthRollup, ("scope", "month"), COUNTER_FIELDS),
            (DimRollup, ("scope", "year", "dim", "key"), COUNTER_FIELDS),
            (OpenDueRollup, ("scope", "due"), ("open_cases",)),
        )
        return tuple(
            {row for row in model.objects.values_list(*keys, *values) if any(row[len(keys) :])}
            for model, keys, values in tables
        )

    incremental = rows()
    rebuild_all()
    same = rows() == incremental
    print(f"rollups after the drain equal a full rebuild: {same}")


if __name__ == "__main__":
    main()
