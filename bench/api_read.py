"""Quick check: `GET /api/v1/cases/{id}` under gunicorn against a raw SELECT of the same case (issue 17 item 3),
and a fresh worker's first request (item 5).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench_h21 .venv/bin/python -m bench.api_read

Creates and migrates the database if missing, makes one organisation, a mediator with an API token and a case
with three claims, then starts gunicorn with deploy/gunicorn.conf.py (2 workers, one thread each, on a loopback
port) and times the first request a fresh worker serves, then --requests reads from 4 client threads over
keep-alive connections. The baseline, in the same run and over the same loopback: 4 threads each on its own
psycopg connection running one SELECT of the case row by primary key. Prints the requests per second of both,
their ratio and the API's p50/p99. Bounded: --requests per thread, and gunicorn is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from typing import Any

import django

CLIENTS = 4


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def setup_data() -> tuple[int, str]:
    from bench.case_list import ensure_database
    from tiaojie.accounts.actions import do_create_api_token
    from tiaojie.cases.actions import ClaimInput
    from tiaojie.cases.tests.factories import make_case
    from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    ensure_database()
    org = OrganisationFactory(name="【基准】接口读取调解中心")
    user = MembershipFactory(user=UserFactory(username=f"bench_api_{os.getpid()}"), organisation=org).user
    claims = [ClaimInput(type="wages", amount=Decimal("1000.00") * i) for i in range(1, 4)]
    case = make_case(org, user, claims=claims)
    return case.pk, do_create_api_token(user=user)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, limit: float = 60) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("gunicorn did not start")


def get(conn: http.client.HTTPConnection, path: str, token: str) -> float:
    start = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}", "Host": "localhost"})
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    return time.perf_counter() - start


def run_threads(work: Any) -> tuple[float, list[float]]:
    times: list[list[float]] = [[] for _ in range(CLIENTS)]
    threads = [threading.Thread(target=work, args=(times[i],)) for i in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, [x for part in times for x in part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests per client thread")
    parser.add_argument("--settle", type=float, default=5, help="seconds to let the workers boot before timing")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()
    from django.conf import settings

    case_id, token = setup_data()
    db = settings.DATABASES["default"]
    port = free_port()
    env = dict(os.environ, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2", GUNICORN_THREADS="1")
    env["TIAOJIE_VAR_DIR"] = env.get("TIAOJIE_VAR_DIR", "var")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen([gunicorn, "-c", "deploy/gunicorn.conf.py"], env=env, stderr=subprocess.DEVNULL)
    path = f"/api/v1/cases/{case_id}"
    try:
        wait_for(port)
        time.sleep(args.settle)  # the workers are forked and idle: what follows is a fresh worker's first request
        first = [get(http.client.HTTPConnection("127.0.0.1", port), path, token) for _ in range(2)]
        log(f"fresh workers' first requests: {', '.join(f'{t * 1000:.0f} ms' for t in first)}")

        def api(out: list[float]) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port)
            get(conn, path, token)
            for _ in range(args.requests):
                out.append(get(conn, path, token))

        def raw(out: list[float]) -> None:
            import psycopg

            params = {k.lower(): db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if db.get(k)}
            with psycopg.connect(dbname=db["NAME"], autocommit=True, **params) as conn:
                for _ in range(args.requests):
                    start = time.perf_counter()
                    conn.execute("SELECT * FROM cases_case WHERE id = %s", [case_id]).fetchone()
                    out.append(time.perf_counter() - start)

        raw_wall, _raw_times = run_threads(raw)
        api_wall, api_times = run_threads(api)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    total = CLIENTS * args.requests
    raw_rate, api_rate = total / raw_wall, total / api_wall
    q = statistics.quantiles(api_times, n=100)
    print(f"raw SELECT by pk, {CLIENTS} clients: {raw_rate:,.0f}/s")
    print(f"GET {path}, {CLIENTS} clients: {api_rate:,.0f}/s, p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms")
    print(f"ratio {api_rate / raw_rate:.3f}× raw; first request of a fresh worker {max(first) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
