"""Benchmark: whole requests through the production server, against two baselines (issue 17, item 1).

    make bench-requests                 # BENCH_REQUESTS_DATABASE_URL, CASES (default 100,000)
    .venv/bin/python -m bench.requests --database-url postgres://postgres@127.0.0.1:5432/NAME [--quick]

Brings up the application the way `make prod-check` does (DEBUG off, gunicorn with deploy/gunicorn.conf.py, the
PostgreSQL owner and app roles, secrets in the environment) on loopback, beside two baselines served by gunicorn
with the same configuration (bench/requests_baseline.py): a raw WSGI app doing one psycopg SELECT or INSERT, and a
bare Django view doing one ORM query. The database is filled once (bench/case_search.py's generator, case events,
some cases with 200 events, rollups) and reused by later runs.

Then, in `--rounds` interleaved rounds, at 1, 4 and 16 clients, it times the staff case page, the staff case list,
`GET /api/v1/cases/{id}`, `POST /api/v1/cases` (API intake) and the public application's last step (提交申请), each
after the baselines of the same round; every ratio is against the raw baseline of its own round (reads against the
SELECT, writes against the INSERT), and the tables give the median over rounds. Any answer other than the expected
status stops the run with the status counts. Ends with one line:
`case_page_ratio=… case_page_p99_ms=… api_get_ratio=… intake_ratio=… intake_p99_ms=… login_ms=…` (4 clients) and
appends the tables to bench/RESULTS.md. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SUMMARY_CLIENTS = 4  # the client count whose figures make the summary line
STAFF_USERS = 16  # one staff session per client, at most 16 clients
HEAVY_CASES = 20  # cases of the busiest organisation given 200 events each
HEAVY_EVENTS = 200
PAGE_CASES = 30  # ordinary cases of the busiest organisation the case page and the API read, beside the heavy ones
RETRIES = 5  # attempts of a request whose connection the server closed unanswered
READS = ("case_page", "case_list", "api_get")
WRITES = ("intake", "submit")
BASELINES = ("raw_select", "raw_insert", "django_select", "django_insert")
# The raw baseline each endpoint is divided by, and the bare Django one shown beside it.
RAW_OF = {**dict.fromkeys(READS, "raw_select"), **dict.fromkeys(WRITES, "raw_insert")}
DJANGO_OF = {**dict.fromkeys(READS, "django_select"), **dict.fromkeys(WRITES, "django_insert")}
LABELS = {
    "raw_select": "raw WSGI, one psycopg SELECT",
    "raw_insert": "raw WSGI, one psycopg INSERT",
    "django_select": "bare Django view, one ORM SELECT",
    "django_insert": "bare Django view, one ORM INSERT",
    "case_page": "staff case page GET /cases/{id}/",
    "case_list": "staff case list GET /cases/",
    "api_get": "API GET /api/v1/cases/{id}",
    "intake": "API intake POST /api/v1/cases",
    "submit": "public application POST /apply/submit/",
}
# Rate limits of the public door raised for the run (settings.PUBLIC_RATE_LIMITS): every application comes
# from 127.0.0.1, which the production limits would refuse after 10 a day.
RATE_LIMITS = ("apply_ip", "apply_phone", "sms_phone", "sms_ip")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- statistics and output (pure; tested in tiaojie/tests/test_bench_requests.py) ---------------------------


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of `samples`; 0 for none."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]


@dataclass
class Cell:
    """One endpoint at one client count in one round."""

    endpoint: str
    clients: int
    round: int
    samples: list[float] = field(default_factory=list)  # ms, one per request
    elapsed: float = 0.0  # s, wall time of the timed part
    statuses: Counter = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)  # the first few refusals, for the error message
    reconnects: int = 0  # requests sent again because the server closed their connection unanswered

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) if self.samples else 0.0

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)

    @property
    def throughput(self) -> float:
        return len(self.samples) / self.elapsed if self.elapsed else 0.0


def ratio(cell: Cell, baseline: Cell) -> float:
    """The endpoint's speed as a fraction of the baseline's (same round, same clients): the baseline's median time
    over the endpoint's, so 0.15 means the endpoint takes about 6.7 times as long as the raw query (the issue's
    "0.15× raw"); 1.0 would be as fast as the raw query."""
    return baseline.p50 / cell.p50 if cell.p50 else 0.0


@dataclass
class Row:
    endpoint: str
    clients: int
    p50: float
    p99: float
    throughput: float
    n: int
    vs_raw: float | None
    vs_django: float | None
    statuses: Counter


def summarise(cells: list[Cell]) -> list[Row]:
    """Medians over rounds of each endpoint × clients: p50, p99, throughput, and the ratios to the raw and
    Django baselines, each ratio computed within its round first."""
    by_key: dict[tuple[str, int, int], Cell] = {(c.endpoint, c.clients, c.round): c for c in cells}
    order = [e for e in (*BASELINES, *READS, *WRITES) if any(c.endpoint == e for c in cells)]
    rows = []
    for endpoint in order:
        for clients in sorted({c.clients for c in cells if c.endpoint == endpoint}):
            mine = [c for c in cells if c.endpoint == endpoint and c.clients == clients]
            ratios: dict[str, list[float]] = {"raw": [], "django": []}
            for c in mine:
                for kind, table in (("raw", RAW_OF), ("django", DJANGO_OF)):
                    base = by_key.get((table.get(endpoint, ""), clients, c.round))
                    if base is not None:
                        ratios[kind].append(ratio(c, base))
            statuses: Counter = Counter()
            for c in mine:
                statuses.update(c.statuses)
            rows.append(
                Row(
                    endpoint,
                    clients,
                    statistics.median(c.p50 for c in mine),
                    statistics.median(c.p99 for c in mine),
                    statistics.median(c.throughput for c in mine),
                    sum(len(c.samples) for c in mine),
                    statistics.median(ratios["raw"]) if ratios["raw"] else None,
                    statistics.median(ratios["django"]) if ratios["django"] else None,
                    statuses,
                )
            )
    return rows


def summary_line(rows: list[Row], login_ms: float, clients: int = SUMMARY_CLIENTS) -> str:
    at = {r.endpoint: r for r in rows if r.clients == clients}

    def get(endpoint: str, attr: str) -> float:
        row = at.get(endpoint)
        value = getattr(row, attr) if row else None
        return value if value is not None else 0.0

    return (
        f"case_page_ratio={get('case_page', 'vs_raw'):.3f} case_page_p99_ms={get('case_page', 'p99'):.1f} "
        f"api_get_ratio={get('api_get', 'vs_raw'):.3f} intake_ratio={get('intake', 'vs_raw'):.3f} "
        f"intake_p99_ms={get('intake', 'p99'):.1f} login_ms={login_ms:.1f}"
    )


def markdown_table(rows: list[Row]) -> str:
    def times(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}×"

    lines = [
        "| endpoint | clients | p50 ms | p99 ms | req/s | vs raw | vs Django | requests | statuses |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        statuses = " ".join(f"{code}×{n}" for code, n in sorted(r.statuses.items()))
        lines.append(
            f"| {LABELS.get(r.endpoint, r.endpoint)} | {r.clients} | {r.p50:.1f} | {r.p99:.1f} | {r.throughput:.1f} "
            f"| {times(r.vs_raw)} | {times(r.vs_django)} | {r.n:,} | {statuses} |"
        )
    return "\n".join(lines)


def check_statuses(cell: Cell, expected: set[int]) -> None:
    """Stop the run if any answer had another status: an error page measured as a page is no measurement."""
    wrong = {code: n for code, n in cell.statuses.items() if code not in expected}
    if wrong:
        counts = ", ".join(f"{code}: {n}" for code, n in sorted(cell.statuses.items()))
        detail = "\n  ".join(cell.unexpected[:3])
        raise SystemExit(
            f"{cell.endpoint} at {cell.clients} clients (round {cell.round}) answered other than "
            f"{sorted(expected)}: {counts}\n  {detail}"
        )


# --- the environment (as scripts/prod-check sets it up) ------------------------------------------------------


@dataclass
class Setup:
    superuser_url: str  # postgres://postgres@…/DB
    dbname: str
    owner: str
    app: str
    var: Path
    secrets: dict[str, str]
    port: int

    def url(self, role: str) -> str:
        parts = urlsplit(self.superuser_url)
        host = parts.hostname or "127.0.0.1"
        netloc = f"{role}@{host}:{parts.port or 5432}"
        return urlunsplit((parts.scheme, netloc, f"/{self.dbname}", "", ""))

    def env(self, database_url: str) -> dict[str, str]:
        """The production environment of scripts/prod-check, with the public rate limits raised."""
        env = {
            "DEBUG": "0",
            "SECRET_KEY": self.secrets["SECRET_KEY"],
            "AUDIT_CHAIN_KEY": self.secrets["AUDIT_CHAIN_KEY"],
            "FIELD_ENCRYPTION_KEY": self.secrets["FIELD_ENCRYPTION_KEY"],
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{self.port}",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "LANGUAGE_COOKIE_SECURE": "0",
            "TIAOJIE_VAR_DIR": str(self.var),
            "PRIVATE_MEDIA_ROOT": str(self.var / "private"),
            # One cache on disk for the workers, as deploy/env.example sets: kept pages survive a worker's
            # replacement (max_requests) and one worker's rendering serves the others. Emptied each run.
            "CACHE_URL": f"file://{self.var / 'cache'}",
            "DATABASE_URL": database_url,
            "MIGRATE_DATABASE_URL": "",
            # A gateway nobody listens at: no task worker runs, so the outbox only fills (docs/notifications.md).
            "SMS_BACKEND": "tiaojie.lib.sms_http.HttpSmsBackend",
            "SMS_GATEWAY_URL": "http://127.0.0.1:9/sms/send",
            "SMS_GATEWAY_KEY_ID": "bench",
            "SMS_GATEWAY_SECRET": self.secrets["SMS_GATEWAY_SECRET"],
            "SMS_GATEWAY_TEMPLATES": "default=SMS_0001",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.var / "mail"),
            "HEALTH_MIN_FREE_BYTES": "0",
            "PHONE_CODE_MINUTES": "60",
            "LOG_LEVEL": "WARNING",
        }
        for name in RATE_LIMITS:
            env[f"RATE_LIMIT_{name.upper()}"] = "100000000/86400"
        return env


def load_secrets(path: Path) -> dict[str, str]:
    """Kept beside the data (git-ignored var/): the blind indexes of the generated workers are keyed by them."""
    if path.exists():
        return json.loads(path.read_text())
    from cryptography.fernet import Fernet

    values = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "AUDIT_CHAIN_KEY": secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "SMS_GATEWAY_SECRET": secrets.token_urlsafe(24),
        "STAFF_PASSWORD": "Bench-" + secrets.token_urlsafe(12),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")


def prepare_database(setup: Setup) -> None:
    """Create the database (C.UTF-8) if missing, the two roles, migrate as the owner, grant (scripts/prod-check)."""
    import psycopg
    from psycopg import sql

    admin_url = urlunsplit(urlsplit(setup.superuser_url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [setup.dbname]).fetchone():
            log(f"creating database {setup.dbname}")
            admin.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' ENCODING 'UTF8'"
                ).format(sql.Identifier(setup.dbname))
            )
    roles = ["scripts/pg-roles", "--owner", setup.owner, "--app", setup.app]
    base_env = setup.env(setup.superuser_url)
    run(roles, {**base_env, "SUPERUSER_URL": setup.superuser_url})
    run(
        [".venv/bin/tiaojie", "migrate", "--no-input", "-v0"],
        {**base_env, "DATABASE_URL": setup.url(setup.app), "MIGRATE_DATABASE_URL": setup.url(setup.owner)},
    )
    run(roles, {**base_env, "SUPERUSER_URL": setup.superuser_url})
    with psycopg.connect(setup.url(setup.owner), autocommit=True) as owner:
        owner.execute(
            "CREATE TABLE IF NOT EXISTS bench_requests_insert (id bigserial PRIMARY KEY, at timestamptz, body text)"
        )
        owner.execute("CREATE TABLE IF NOT EXISTS bench_requests_meta (key text PRIMARY KEY, value text)")
        owner.execute(f"GRANT SELECT, INSERT ON bench_requests_insert TO {setup.app}")
        owner.execute(f"GRANT USAGE ON SEQUENCE bench_requests_insert_id_seq TO {setup.app}")
        owner.execute("TRUNCATE bench_requests_insert")


# --- data (generated once) -----------------------------------------------------------------------------------

EVENT_COLUMNS = ("case_id", "at", "kind", "actor_label", "from_status", "to_status", "reason", "data")
# The path of transitions that leads to each status, with the case's timestamp each step happened at.
PATHS: dict[str, list[tuple[str, str, str]]] = {
    "received": [],
    "accepted": [("received", "accepted", "accepted_at")],
    "mediating": [("received", "accepted", "accepted_at"), ("accepted", "mediating", "accepted_at")],
    "agreed": [("received", "accepted", "accepted_at"), ("accepted", "mediating", "accepted_at"),
               ("mediating", "agreed", "ended_at")],
    "failed": [("received", "accepted", "accepted_at"), ("accepted", "mediating", "accepted_at"),
               ("mediating", "failed", "ended_at")],
    "closed": [("received", "accepted", "accepted_at"), ("accepted", "mediating", "accepted_at"),
               ("mediating", "agreed", "ended_at"), ("agreed", "closed", "closed_at")],
    "declined": [("received", "declined", "ended_at")],
    "withdrawn": [("received", "withdrawn", "ended_at")],
}  # fmt: skip
NOTES = (
    "电话联系被申请人，对方表示本周内答复。",
    "申请人补充提交了工资条和考勤记录。",
    "组织双方面对面调解，被申请人同意分期支付。",
    "被申请人未到场，改期调解。",
    "与申请人核对请求金额，申请人同意调整加班费金额。",
)


def generate(args: argparse.Namespace) -> None:
    """Cases, workers, claims and numbers through bench/case_search.py's COPY generator, then every case's
    events, HEAVY_CASES cases of the busiest organisation with 200 events, the rollups; once."""
    from django.core.management import call_command
    from django.db import connection

    from bench import case_list, case_search
    from tiaojie.cases.models import Case, CaseEvent

    with connection.cursor() as cur:
        cur.execute("SELECT value FROM bench_requests_meta WHERE key = 'generated'")
        row = cur.fetchone()
    existing = Case.objects.count()
    if row and existing >= args.cases and not args.reset:
        log(f"{existing:,} cases already present (generated in {row[0]} s): skipping generation")
        return
    started = time.perf_counter()
    case_search.generate(
        argparse.Namespace(cases=args.cases, reset=args.reset or bool(existing and not row), seed=args.seed,
                           orgs=args.orgs, employers=args.employers)
    )  # fmt: skip
    table = case_list.table_for(CaseEvent, EVENT_COLUMNS)
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("TRUNCATE cases_caseevent")
        cur.execute("SELECT id, status, received_at, accepted_at, ended_at, closed_at FROM cases_case ORDER BY id")
        cases = cur.fetchall()
    heavy = set(heavy_case_ids(max(c[0] for c in cases)))
    rows: list[tuple] = []
    count = 0

    def flush() -> None:
        nonlocal count
        case_list.write_chunk([(table, rows)])
        count += len(rows)
        rows.clear()

    for case_id, status, received, accepted, ended, closed in cases:
        moments = {"accepted_at": accepted, "ended_at": ended, "closed_at": closed}
        rows.append((case_id, received, "created", "", "", "received", "", "{}"))
        last = received
        for from_status, to_status, moment in PATHS.get(status, []):
            last = moments[moment] or last
            rows.append((case_id, last, "transition", "system", from_status, to_status, "", "{}"))
        if case_id in heavy:
            filler = HEAVY_EVENTS - 1 - len(PATHS.get(status, []))
            for i in range(filler):
                at = received + dt.timedelta(minutes=10 * (i + 1))
                rows.append((case_id, at, "note", "system", "", "", rng.choice(NOTES), "{}"))
        if len(rows) >= 100_000:
            flush()
    flush()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('cases_caseevent', 'id'), (SELECT max(id) FROM cases_caseevent))"
        )
        cur.execute("VACUUM (ANALYZE) cases_caseevent")
    log(f"  {count:,} case events in {time.perf_counter() - t0:.1f} s ({len(heavy)} cases with {HEAVY_EVENTS})")
    t0 = time.perf_counter()
    call_command("rebuild-rollups", verbosity=0)
    log(f"  rollups rebuilt in {time.perf_counter() - t0:.1f} s")
    seconds = f"{time.perf_counter() - started:.0f}"
    with connection.cursor() as cur:
        for key, value in (("generated", seconds), ("max_case_id", str(max(c[0] for c in cases)))):
            cur.execute(
                "INSERT INTO bench_requests_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = %s",
                [key, value, value],
            )
    log(f"data set generated in {seconds} s")


def generated_max_id() -> int:
    """The last generated case (the generator numbers them 1…n); cases above it were made by earlier runs.
    Without the record (a data set from before it was kept), every case counts as generated."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT value FROM bench_requests_meta WHERE key = 'max_case_id'")
        row = cur.fetchone()
        if row:
            return int(row[0])
        cur.execute("SELECT coalesce(max(id), 0) FROM cases_case")
        return int(cur.fetchone()[0])


def remove_earlier_runs(max_id: int) -> None:
    """Delete the cases earlier runs registered (API intake, applications), so every run reads the same data and
    the case list's first page is the generated one."""
    from django.db import transaction

    from tiaojie.cases.models import Case

    extra = Case.objects.filter(pk__gt=max_id)
    n = extra.count()
    if not n:
        return
    t0 = time.perf_counter()
    try:
        with transaction.atomic():
            extra.delete()
    except Exception as exc:  # an audit table that refuses deletes, say: measure anyway, and say so
        log(f"could not delete the {n:,} cases of earlier runs ({exc}); the case page reads generated cases only")
        return
    log(f"deleted the {n:,} cases earlier runs registered in {time.perf_counter() - t0:.1f} s")


def busiest_organisation() -> int:
    from django.db.models import Count

    from tiaojie.cases.models import Case

    row = Case.objects.values("organisation_id").annotate(n=Count("id")).order_by("-n", "organisation_id").first()
    if row is None:
        raise SystemExit("no cases in the database")
    return int(row["organisation_id"])


def heavy_case_ids(max_id: int) -> list[int]:
    """The open cases of the busiest organisation that carry 200 events: the newest mediating ones."""
    from tiaojie.cases.models import Case

    qs = Case.objects.filter(organisation_id=busiest_organisation(), status="mediating", pk__lte=max_id)
    return list(qs.order_by("-received_at").values_list("id", flat=True)[:HEAVY_CASES])


@dataclass
class People:
    organisation: int
    division: str
    staff: list[tuple[str, str]]  # (username, TOTP key hex)
    password: str
    token: str
    page_cases: list[int]  # what the case page and the API read: ordinary and heavy cases interleaved


def make_people(password: str, max_id: int) -> People:
    """Staff to log in (one per client, each with a confirmed authenticator, as production requires) and an API
    token, all members of the busiest organisation; made again on every run, cheaply."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiaojie.accounts.actions import do_create_api_token
    from tiaojie.accounts.models import ApiToken, User
    from tiaojie.cases.models import Case
    from tiaojie.intake.models import ThrottleHit
    from tiaojie.organisations.models import Membership, Organisation

    org = busiest_organisation()
    hashed = make_password(password)
    staff = []
    for i in range(STAFF_USERS + 1):  # one more for the API token
        name = f"bench-req-{i:02d}" if i < STAFF_USERS else "bench-req-api"
        user, _ = User.objects.get_or_create(username=name, defaults={"display_name": name})
        User.objects.filter(pk=user.pk).update(password=hashed, is_active=True)
        Membership.objects.filter(user=user).delete()
        Membership.objects.create(user=user, organisation_id=org, role=Membership.Role.MEDIATOR)
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        if i < STAFF_USERS:
            staff.append((name, device.key))
        else:
            ApiToken.objects.filter(user=user).delete()
            token = do_create_api_token(user=user, name="bench")
    # Each run starts from the same counters, however many runs came before today.
    ThrottleHit.objects.filter(scope__in=RATE_LIMITS).delete()
    heavy = heavy_case_ids(max_id)
    ordinary = list(
        Case.objects.filter(organisation_id=org, pk__lte=max_id)
        .exclude(pk__in=heavy)
        .order_by("-received_at")
        .values_list("id", flat=True)[:PAGE_CASES]
    )
    # One heavy case after every three ordinary ones: a quarter of the case pages have 200 events.
    page_cases: list[int] = []
    for i, case_id in enumerate(ordinary):
        page_cases.append(case_id)
        if i % 3 == 2 and heavy:
            page_cases.append(heavy[(i // 3) % len(heavy)])
    division = Organisation.objects.get(pk=org).division_id
    return People(org, division, staff, password, token, page_cases)


# --- the HTTP client -----------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection with its own cookies, as one browser tab or API client."""

    reconnects = 0

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(1, RETRIES + 1):
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed the connection before answering: its keepalive ran out, or the worker
                # holding it is being replaced after max_requests (deploy/gunicorn.conf.py), which drops the
                # connections it had accepted but not read. Again on a fresh one; counted in the results.
                self.conn.close()
                Client.reconnects += 1  # all clients together (one measurement runs at a time)
                if attempt == RETRIES:
                    raise
                time.sleep(0.01 * attempt)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def form(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, dict[str, str], bytes]:
        body = urlencode([("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")), *fields]).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def close(self) -> None:
        self.conn.close()


def totp(key_hex: str) -> str:
    from django_otp.oath import TOTP

    token = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6)
    token.time = time.time()
    return f"{token.token():06d}"


def login(port: int, username: str, password: str, key_hex: str) -> tuple[Client, float]:
    """Password, then authenticator code, as the login pages ask; returns the session and the ms both took."""
    client = Client(port)
    status, _, _ = client.request("GET", "/accounts/login/")
    if status != 200 or "csrftoken" not in client.cookies:
        raise SystemExit(f"login page: {status}")
    t0 = time.perf_counter()
    status, headers, body = client.form("/accounts/login/", [("username", username), ("password", password)])
    if status != 302 or "/login/verify/" not in headers.get("location", ""):
        raise SystemExit(f"login of {username}: {status} {headers.get('location', '')} {body[:300]!r}")
    status, headers, body = client.form("/accounts/login/verify/", [("token", totp(key_hex))])
    elapsed = (time.perf_counter() - t0) * 1000
    if status != 302 or "/login" in headers.get("location", ""):
        raise SystemExit(f"second factor of {username}: {status} {headers.get('location', '')} {body[:300]!r}")
    return client, elapsed


# --- the public application: the wizard is filled in beforehand, only 提交申请 is timed --------------------------


def id_number(serial: int) -> str:
    from tiaojie.lib.idnumbers import id_check_char

    birth = dt.date(1960, 1, 1) + dt.timedelta(days=(serial // 1000) % 16000)
    body = f"330110{birth:%Y%m%d}{serial % 1000:03d}"
    return body + id_check_char(body)


def phone(serial: int) -> str:
    """Numbers whose masked forms (139****1234) differ for 100,000 serials: the code is found by it."""
    return f"13{(serial // 10000) % 10}{random.randrange(10000):04d}{serial % 10000:04d}"


def prepare_application(port: int, people: People, serial: int) -> tuple[Client, list[tuple[str, str]]]:
    """Fill the wizard's four steps, ask for the SMS code and read it from the outbox; returns the session and
    the fields of the submit POST."""
    from tiaojie.lib.idnumbers import mask_phone
    from tiaojie.notifications.models import Notification

    client = Client(port)
    number = phone(serial)
    steps = [
        ("worker", [("name", "李四"), ("id_number", id_number(serial)), ("phone", number), ("privacy_ack", "on"),
                    ("id_consent", "on")]),
        ("employer", [("employer_name", f"基准测试餐饮{serial}店"), ("division_code", people.division)]),
        ("facts", [("facts", "我在店里做厨师，老板拖欠我三个月工资，多次催讨未果。"),
                   ("employment_start", "2024-03-01"), ("still_employed", "yes")]),
        ("claims", [("claim_wages", "on"), ("amount_wages", "15000")]),
    ]  # fmt: skip
    status, _, _ = client.request("GET", "/apply/worker/")
    if status != 200:
        raise SystemExit(f"/apply/worker/: {status}")
    for slug, fields in steps:
        status, headers, body = client.form(f"/apply/{slug}/", [*fields, ("nav", "next")])
        if status != 302 or f"/apply/{slug}/" in headers.get("location", ""):
            raise SystemExit(f"application step {slug}: {status} {headers.get('location', '')} {body[:500]!r}")
    status, headers, body = client.form("/apply/submit/", [("nav", "sendcode")])
    if status != 302:
        raise SystemExit(f"application, sending the code: {status} {body[:500]!r}")
    text = (
        Notification.objects.filter(template_key="phone_code_apply", recipient_phone_masked=mask_phone(number))
        .order_by("-id")
        .values_list("text", flat=True)
        .first()
    )
    match = re.search(r"\d{6}", text or "")
    if match is None:
        raise SystemExit(f"no verification code queued for {mask_phone(number)}")
    return client, [("confirm", "on"), ("sms_code", match.group(0)), ("nav", "submit")]


# --- measuring -----------------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    port: int
    expected: set[int]
    # (client, thread index, request number) → (status, failure text or "")
    call: Callable[[Any, int, int], tuple[int, str]]
    client: Callable[[int], Any]  # thread index → the per-thread state the call receives
    owns_clients: bool = True  # False: the staff sessions, kept for the next endpoint


def _check_location(status: int, headers: dict[str, str], want: str) -> tuple[int, str]:
    if status == 302 and want not in headers.get("location", ""):
        return 0, f"redirected to {headers.get('location')}"  # 0: counted as unexpected
    return status, ""


def endpoints(ports: dict[str, int], people: People, sessions: list[Client], counter: Any) -> dict[str, Endpoint]:
    raw, django_port, app = ports["raw"], ports["django"], ports["app"]
    cases = people.page_cases
    payload_base = {
        "organisation_id": people.organisation,
        "channel": "walk_in",
        "employer": {"name": "基准测试建筑劳务有限公司"},
        "claims": [{"type": "wages", "amount": "12000.00"}, {"type": "overtime", "amount": "3000.00"}],
        "facts": "申请人于2024年入职被申请人处从事建筑施工工作，被申请人拖欠工资共计3个月，经多次催讨未果。",
    }
    auth = {"Authorization": f"Bearer {people.token}"}

    def get(path_of: Callable[[int, int], str], headers: dict[str, str] | None = None) -> Callable[..., Any]:
        def call(client: Client, thread: int, i: int) -> tuple[int, str]:
            status, _, body = client.request("GET", path_of(thread, i), headers=headers)
            return status, "" if status == 200 else body[:300].decode(errors="replace")

        return call

    def insert_body() -> bytes:
        return json.dumps(payload_base, ensure_ascii=False).encode()

    def post_raw(client: Client, thread: int, i: int) -> tuple[int, str]:
        status, _, body = client.request("POST", "/insert", insert_body(), {"Content-Type": "application/json"})
        return status, "" if status == 201 else body[:300].decode(errors="replace")

    def intake(client: Client, thread: int, i: int) -> tuple[int, str]:
        serial = next(counter)
        data = {**payload_base, "workers": [{"name": "王五", "id_number": id_number(serial), "phone": phone(serial)}]}
        status, _, body = client.request(
            "POST", "/api/v1/cases", json.dumps(data, ensure_ascii=False).encode(),
            {**auth, "Content-Type": "application/json"},
        )  # fmt: skip
        return status, "" if status == 201 else body[:300].decode(errors="replace")

    def submit(state: list[tuple[Client, list[tuple[str, str]]]], thread: int, i: int) -> tuple[int, str]:
        client, fields = state.pop()
        status, headers, body = client.form("/apply/submit/", fields)
        client.close()
        status, why = _check_location(status, headers, "/apply/done/")
        return status, why or ("" if status == 302 else body[:300].decode(errors="replace"))

    def case_path(thread: int, i: int) -> str:
        return f"/cases/{cases[(thread * 7 + i) % len(cases)]}/"

    def api_path(thread: int, i: int) -> str:
        return f"/api/v1/cases/{cases[(thread * 7 + i) % len(cases)]}"

    def select_path(thread: int, i: int) -> str:
        return f"/select?id={cases[(thread * 7 + i) % len(cases)]}"

    def fresh(port: int) -> Callable[[int], Client]:
        return lambda thread: Client(port)

    def staff(thread: int) -> Client:
        return sessions[thread]

    return {
        "raw_select": Endpoint("raw_select", raw, {200}, get(select_path), fresh(raw)),
        "raw_insert": Endpoint("raw_insert", raw, {201}, post_raw, fresh(raw)),
        "django_select": Endpoint("django_select", django_port, {200}, get(select_path), fresh(django_port)),
        "django_insert": Endpoint("django_insert", django_port, {201}, post_raw, fresh(django_port)),
        "case_page": Endpoint("case_page", app, {200}, get(case_path), staff, owns_clients=False),
        "case_list": Endpoint("case_list", app, {200}, get(lambda t, i: "/cases/"), staff, owns_clients=False),
        "api_get": Endpoint("api_get", app, {200}, get(api_path, auth), fresh(app)),
        "intake": Endpoint("intake", app, {201}, intake, fresh(app)),
        "submit": Endpoint("submit", app, {302}, submit, lambda thread: None, owns_clients=False),
    }


def measure(endpoint: Endpoint, clients: int, round_no: int, duration: float, states: list[Any] | None = None) -> Cell:
    """`clients` threads, each sending requests back to back on its own connection for `duration` seconds
    after two untimed ones (or, with `states`, one request per prepared state)."""
    cell = Cell(endpoint.name, clients, round_no)
    dropped = Client.reconnects
    lock = threading.Lock()
    own = states if states is not None else [endpoint.client(t) for t in range(clients)]
    deadline = [0.0]

    def start() -> None:  # run by one thread once all have arrived, before any is released
        deadline[0] = time.perf_counter() + duration

    barrier = threading.Barrier(clients + 1, action=start)

    def call(state: Any, thread: int, i: int) -> tuple[int, str]:
        try:
            return endpoint.call(state, thread, i)
        except Exception as exc:  # status 0: stops the run at check_statuses, with the reason
            return 0, repr(exc)

    def worker(thread: int) -> None:
        state = own[thread]
        local: list[tuple[float, int, str]] = []
        try:
            if states is None:
                for i in range(2):
                    call(state, thread, -1 - i)
        finally:
            barrier.wait()
        i = 0
        while (states is not None and state) or (states is None and time.perf_counter() < deadline[0]):
            t0 = time.perf_counter()
            status, why = call(state, thread, i)
            local.append(((time.perf_counter() - t0) * 1000, status, why))
            i += 1
        with lock:
            for ms, status, why in local:
                cell.samples.append(ms)
                cell.statuses[status] += 1
                if status not in endpoint.expected and len(cell.unexpected) < 5:
                    cell.unexpected.append(f"{status}: {why}")

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    cell.elapsed = time.perf_counter() - started
    cell.reconnects = Client.reconnects - dropped
    if states is None and endpoint.owns_clients:
        for state in own:
            state.close()
    return cell


def prepare_submits(port: int, people: People, clients: int, per_client: int, counter: Any) -> list[list[Any]]:
    """Per client, `per_client` applications ready to submit; prepared by 4 threads (untimed)."""
    from django.db import connection

    serials = [next(counter) for _ in range(clients * per_client)]
    ready: list[Any] = [None] * len(serials)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for j in range(k, len(serials), 4):
                ready[j] = prepare_application(port, people, serials[j])
        except BaseException as exc:  # a SystemExit in a thread must stop the run, not vanish
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return [ready[c * per_client : (c + 1) * per_client] for c in range(clients)]


# --- servers -------------------------------------------------------------------------------------------------


def gunicorn_settings(env: dict[str, str]) -> dict[str, Any]:
    """The worker settings deploy/gunicorn.conf.py resolves to in this environment (printed with the results)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        namespace: dict[str, Any] = {}
        exec(compile((ROOT / "deploy" / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {k: namespace[k] for k in ("workers", "worker_class", "threads", "keepalive", "max_requests", "preload_app")}


class Servers:
    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.procs: list[subprocess.Popen] = []
        self.ports = {"app": setup.port, "raw": setup.port + 1, "django": setup.port + 2}

    def start(self) -> None:
        apps = {"app": None, "raw": "bench.requests_baseline:raw_app", "django": "bench.requests_baseline:django_app()"}
        logs = self.setup.var / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        for name, app in apps.items():
            env = {
                **os.environ,
                **self.setup.env(self.setup.url(self.setup.app)),
                "GUNICORN_BIND": f"127.0.0.1:{self.ports[name]}",
                "PROMETHEUS_MULTIPROC_DIR": str(self.setup.var / f"prometheus-{name}"),
            }
            env.pop("DJANGO_SETTINGS_MODULE", None)
            cmd = [".venv/bin/gunicorn", "--config", "deploy/gunicorn.conf.py", *([app] if app else [])]
            with open(logs / f"{name}.log", "w") as out:
                self.procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
        for name, port in self.ports.items():
            self._wait(name, port, "/healthz" if name == "app" else "/select?id=1")

    def _wait(self, name: str, port: int, path: str) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.procs):
                break
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.5)
        log_file = self.setup.var / "logs" / f"{name}.log"
        tail = log_file.read_text()[-3000:] if log_file.exists() else ""
        raise SystemExit(f"the {name} server did not come up on port {port}:\n{tail}")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


# --- the run -------------------------------------------------------------------------------------------------


def static_is_current(manifest: Path) -> bool:
    """The collected files are newer than every source static file and than the last `uv sync` (the packages'
    own static files): collectstatic with its compression takes a minute or more on a loaded machine."""
    if not manifest.exists():
        return False
    sources = [p for p in (ROOT / "tiaojie").glob("**/static/**/*") if p.is_file()]
    synced = ROOT / ".venv" / ".synced"
    newest = max([p.stat().st_mtime for p in sources] + [synced.stat().st_mtime if synced.exists() else 0.0])
    return manifest.stat().st_mtime > newest


def machine_facts(setup: Setup) -> list[str]:
    import psycopg

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    with psycopg.connect(setup.superuser_url) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        shared = conn.execute("SHOW shared_buffers").fetchone()[0]
    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return [
        f"{os.cpu_count()} cores ({cpu}), {memory:,} MB RAM, {platform.platform()}",
        f"Python {platform.python_version()}, PostgreSQL {pg} (shared_buffers {shared}), commit {commit}",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_REQUESTS_DATABASE_URL", ""),
        help="PostgreSQL database as a superuser (created if missing; filled once)",
    )
    parser.add_argument("--cases", type=int, default=None, help="cases to generate (default 100,000; 5,000 --quick)")
    parser.add_argument("--clients", default="1,4,16", help="client counts (default 1,4,16)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds per endpoint and client count (5; 1.5 --quick)"
    )
    parser.add_argument(
        "--submits", type=int, default=None, help="applications submitted per client per round (4; 2 --quick)"
    )
    parser.add_argument(
        "--port", type=int, default=8790, help="the application's port; the baselines take the next two"
    )
    parser.add_argument("--quick", action="store_true", help="a small data set and short rounds; writes no RESULTS.md")
    parser.add_argument("--no-write", action="store_true", help="do not append the tables to bench/RESULTS.md")
    parser.add_argument("--reset", action="store_true", help="generate the data set again")
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--employers", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args(argv)  # fmt: skip
    args.cases = args.cases or (5_000 if args.quick else 100_000)
    args.duration = args.duration or (1.5 if args.quick else 5.0)
    args.submits = args.submits or (2 if args.quick else 4)
    client_counts = [int(c) for c in args.clients.split(",")]
    if max(client_counts) > STAFF_USERS:
        raise SystemExit(f"at most {STAFF_USERS} clients")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("pass --database-url postgres://postgres@127.0.0.1:5432/NAME (a superuser; it fills NAME)")
    # Stop cleanly (servers too) on TERM, and on INT even when started in the background, which ignores it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    wall = time.perf_counter()
    dbname = urlsplit(args.database_url).path.lstrip("/")
    var = ROOT / "var" / "bench-requests" / dbname
    setup = Setup(args.database_url, dbname, f"{dbname}_owner", f"{dbname}_app", var,
                  load_secrets(var / "secrets.json"), args.port)  # fmt: skip
    t0 = time.perf_counter()
    prepare_database(setup)
    log(f"database, roles and migrations ready in {time.perf_counter() - t0:.1f} s")
    os.environ.update(setup.env(setup.url(setup.owner)))  # this process loads data and reads codes as the owner
    os.environ["DJANGO_SETTINGS_MODULE"] = "tiaojie.settings"
    import django

    django.setup()
    t0 = time.perf_counter()
    generate(args)
    log(f"data set ready in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    if static_is_current(var / "static" / "staticfiles.json"):
        log("static files collected before and unchanged since: no collectstatic")
    else:
        run([".venv/bin/tiaojie", "collectstatic", "--no-input", "-v0"], setup.env(setup.url(setup.app)))
        log(f"collectstatic in {time.perf_counter() - t0:.1f} s")
    max_id = generated_max_id()
    remove_earlier_runs(max_id)
    people = make_people(setup.secrets["STAFF_PASSWORD"], max_id)
    from tiaojie.cases.models import Case, CaseEvent

    n_cases = Case.objects.count()
    n_events = CaseEvent.objects.count()
    gunicorn = gunicorn_settings(setup.env(setup.url(setup.app)))
    log(f"gunicorn (deploy/gunicorn.conf.py): {gunicorn}")
    # A run starts with an empty cache, as a deployment does (docs/deployment.md empties it on upgrade).
    shutil.rmtree(var / "cache", ignore_errors=True)
    servers = Servers(setup)
    counter = iter(range(random.randrange(10**6, 10**7), 10**8))
    try:
        servers.start()
        log("servers up; logging in")
        sessions, logins = [], []
        for username, key in people.staff:
            client, ms = login(servers.ports["app"], username, people.password, key)
            sessions.append(client)
            logins.append(ms)
        login_ms = statistics.median(logins)
        log(f"{len(logins)} staff logins (password + authenticator code): median {login_ms:.0f} ms")
        table = endpoints(servers.ports, people, sessions, counter)
        cells: list[Cell] = []
        order = [*BASELINES, *READS, "intake", "submit"]
        # Untimed: every worker process of every server serves each endpoint before the first round (lazy
        # per-process caches, the classifier, templates), so round 1 at 1 client does not pay for them.
        warm, t0 = max(client_counts), time.perf_counter()
        for name in order:
            states = prepare_submits(servers.ports["app"], people, warm, 1, counter) if name == "submit" else None
            check_statuses(measure(table[name], warm, 0, 1.0, states), table[name].expected)
        log(f"warm-up at {warm} clients in {time.perf_counter() - t0:.1f} s")
        loads: list[float] = [os.getloadavg()[0]]
        for round_no in range(1, args.rounds + 1):
            for clients in client_counts:
                for name in order:
                    endpoint = table[name]
                    if name == "submit":
                        states = prepare_submits(servers.ports["app"], people, clients, args.submits, counter)
                        cell = measure(endpoint, clients, round_no, args.duration, states)
                    else:
                        cell = measure(endpoint, clients, round_no, args.duration)
                    check_statuses(cell, endpoint.expected)
                    cells.append(cell)
                    log(
                        f"  round {round_no} {clients:>2} clients {name:<14} p50 {cell.p50:8.1f} ms  "
                        f"p99 {cell.p99:8.1f} ms  {cell.throughput:7.1f} req/s  n={len(cell.samples)}"
                        + (f"  reconnects {cell.reconnects}" if cell.reconnects else "")
                    )
            loads.append(os.getloadavg()[0])
        for client in sessions:
            client.close()
    finally:
        servers.stop()
    rows = summarise(cells)
    line = summary_line(rows, login_ms)
    facts = machine_facts(setup)
    minutes = (time.perf_counter() - wall) / 60
    header = (
        f"{n_cases:,} cases ({n_events:,} events; {HEAVY_CASES} cases with {HEAVY_EVENTS}), {args.rounds} rounds of "
        f"{args.duration:g} s per endpoint and client count ({args.submits} applications per client), "
        f"gunicorn {gunicorn['workers']} workers × {gunicorn['threads']} threads ({gunicorn['worker_class']}), "
        f"load average {', '.join(f'{x:.1f}' for x in loads)} (1-min, before and after each round), "
        f"{sum(c.reconnects for c in cells)} requests sent again after the server closed their connection, "
        f"{minutes:.1f} min in all"
    )
    table_md = markdown_table(rows)
    print(f"\n{header}\n" + "\n".join(facts) + f"\n\n{table_md}\n")
    print(f"summary at {SUMMARY_CLIENTS} clients, ratios against the raw psycopg baseline of the same round:")
    print(line)
    if not (args.quick or args.no_write):
        today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(
                f"\n## Requests through the production server ({today}, bench/requests.py)\n\n"
                f"`make bench-requests`: {header}.\n\n" + "".join(f"- {f}\n" for f in facts)
                + f"\n{table_md}\n\nSummary ({SUMMARY_CLIENTS} clients): `{line}`\n"
            )  # fmt: skip
        log(f"tables appended to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
