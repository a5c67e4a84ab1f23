"""Benchmark: the staff case list stays fast at millions of rows (issue 2, item 7).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench .venv/bin/python -m bench.case_list
    DEBUG=1 DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python -m bench.case_list --cases 200000

Creates and migrates the database, fills it with --cases synthetic cases (once: a re-run finds them and goes
straight to measuring), then times the real read path of the list page, `case_page(filter_cases(
cases_visible_to(user), filters))`, for four personas: a mediator of the busiest organisation, the supervisors
of the busiest and of the median county, and a national supervisor. The OFFSET page at the same depth and a
COUNT(*) of the visible set run beside it as the baseline that docs/style.md habit 12 forbids. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django

PAGE = 50
UTC = dt.UTC
BEIJING = dt.timedelta(hours=8)  # Asia/Shanghai has had no daylight saving since 1991
BENCH_MARK = "【基准】"  # prefixes the names of the organisations and employers this script creates
PROVINCES = ("33", "44", "32", "37", "51")  # Zhejiang, Guangdong, Jiangsu, Shandong, Sichuan
YEARS = 5
CHUNK = 50_000

CASE_COLUMNS = (
    "id", "status", "organisation_id", "division_id", "employer_id", "worker_count", "channel", "facts",
    "received_at", "accepted_at", "ended_at", "closed_at", "acceptance_due", "acceptance_due_uncertain",
    "clock_a_due", "clock_a_due_uncertain", "clock_b_due", "clock_b_due_uncertain", "clock_b_extension_days",
    "created_by_id", "updated_at", "acceptance_from",
)  # fmt: skip
WORKER_COLUMNS = (
    "id", "name", "sex", "id_number_encrypted", "id_number_index", "id_number_masked", "phone_encrypted",
    "phone_index", "phone_masked", "address", "created_at",
)  # fmt: skip
CASE_WORKER_COLUMNS = ("case_id", "worker_id", "is_representative")
CLAIM_COLUMNS = ("case_id", "type", "amount_claimed", "description")

# Status by the age of the case: new cases wait or are in mediation; after the 15-day clock most are over,
# and a small share is left open and overdue (the "stuck" cases the overdue filter exists for).
STATUS_BY_AGE = (
    (5, {"received": 55, "accepted": 20, "mediating": 20, "declined": 5}),
    (45, {"received": 3, "accepted": 10, "mediating": 35, "agreed": 25, "failed": 12, "withdrawn": 8, "declined": 7}),
    (
        math.inf,
        {"closed": 60, "agreed": 15, "failed": 10, "withdrawn": 6, "declined": 7, "mediating": 1, "accepted": 1},
    ),
)
CHANNELS = {"online": 35, "walk_in": 35, "hotline": 10, "station": 10, "referral": 10}
CLAIM_TYPES = {
    "wages": 40, "compensation": 12, "overtime": 10, "unlawful_termination": 8, "double_wage": 6,
    "social_insurance": 6, "work_injury": 6, "labour_relationship": 4, "annual_leave": 3, "other": 3,
    "notice_pay": 2,
}  # fmt: skip
CLAIMS_PER_CASE = {1: 75, 2: 20, 3: 5}  # 1.3 on average
ORGANISATION_TYPES = {
    "township_centre": 70, "people_mediation": 10, "union_station": 8, "regional_industry": 7, "arbitration_centre": 5,
}  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌海燕辉鹏飞云晓东雪梅慧"
FACTS = (
    "申请人于{y}年入职被申请人处从事{job}工作，月工资约{wage}元。",
    "被申请人自{y}年起拖欠申请人工资共计{n}个月，经多次催讨未果。",
    "双方未签订书面劳动合同，申请人要求支付未签劳动合同的二倍工资差额。",
    "被申请人以经营困难为由单方解除劳动合同，未支付经济补偿。",
    "申请人在工作中受伤，已认定为工伤，被申请人未支付停工留薪期工资。",
    "申请人长期加班，被申请人未依法支付加班费，亦未安排补休。",
    "被申请人未为申请人缴纳社会保险费，申请人请求调解。",
)
JOBS = ("车间操作", "仓库管理", "外卖配送", "建筑施工", "餐饮服务", "保洁", "销售", "司机")


def _cum(weights: dict[Any, int]) -> tuple[list[Any], list[int]]:
    keys = list(weights)
    total, cum = 0, []
    for key in keys:
        total += weights[key]
        cum.append(total)
    return keys, cum


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- database -------------------------------------------------------------------------------------------


def ensure_database() -> None:
    """Create the PostgreSQL database if missing (C.UTF-8, as docs/stack.md requires), then migrate."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    db: dict[str, Any] = dict(settings.DATABASES["default"])
    if connection.vendor == "postgresql":
        import psycopg
        from psycopg import sql

        params = {k: db[k.upper()] for k in ("host", "port", "user", "password") if db.get(k.upper())}
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
                log(f"creating database {db['NAME']}")
                admin.execute(
                    sql.SQL(
                        "CREATE DATABASE {} TEMPLATE template0 LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' ENCODING 'UTF8'"
                    ).format(sql.Identifier(db["NAME"]))
                )
    call_command("migrate", verbosity=0)


def reset_bench_data() -> None:
    from django.db import connection, transaction

    from tiaojie.cases.models import Case, CaseEvent, CaseWorker, ClaimItem, Worker
    from tiaojie.organisations.models import Employer, Organisation

    log("deleting existing cases, workers and bench organisations")
    if connection.vendor == "postgresql":
        tables = [m._meta.db_table for m in (CaseEvent, ClaimItem, CaseWorker, Case, Worker)]
        with connection.cursor() as cur:
            # CASCADE: rows of other apps that point at cases (sessions, notices) go too; it is a bench database.
            cur.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    else:
        with transaction.atomic(), connection.cursor() as cur:
            for model in (CaseEvent, ClaimItem, CaseWorker, Case, Worker):
                cur.execute(f"DELETE FROM {model._meta.db_table}")  # raw: no per-row signals over millions
    Organisation.objects.filter(name__startswith=BENCH_MARK).delete()
    Employer.objects.filter(name__startswith=BENCH_MARK).delete()


# --- data generation ------------------------------------------------------------------------------------


@dataclass
class World:
    organisations: list[tuple[int, str]]  # (id, township code)
    org_cum: list[float]  # cumulative weights: a few organisations are much busier than most
    employers_by_county: dict[str, list[int]]


def build_world(rng: random.Random, n_orgs: int, n_employers: int) -> World:
    from stdnum.cn import uscc

    from tiaojie.organisations.models import Employer, Industry, Organisation
    from tiaojie.reference.models import Division

    townships = defaultdict(list)
    for code, name in Division.objects.filter(level=Division.Level.TOWNSHIP, is_placeholder=False).values_list(
        "code", "name"
    ):
        if code[:2] in PROVINCES:
            townships[code[:6]].append((code, name))
    if not townships:
        raise SystemExit("no township divisions found: is the reference data loaded (migrate)?")
    # A roll-out county by county: each chosen county gets several township centres, so a county supervisor
    # sees a realistic slice (a few per cent) of the country, not one organisation.
    counties = sorted(townships)
    rng.shuffle(counties)
    chosen: list[tuple[str, str]] = []
    for county in counties:
        if len(chosen) >= n_orgs:
            break
        places = townships[county][:]
        rng.shuffle(places)
        chosen.extend(places[: min(rng.randint(3, 12), n_orgs - len(chosen))])

    industries = [c for c, _ in Industry.choices]
    counties_used = sorted({code[:6] for code, _ in chosen})
    employers = []
    for i in range(n_employers):
        county = counties_used[i % len(counties_used)]
        code, name = rng.choice(townships[county])
        credit_code = None
        if rng.random() < 0.7:  # small employers and individual businesses often have none on file
            body = f"91{county}{i:09d}"
            credit_code = body + uscc.calc_check_digit(body)
        employers.append(
            Employer(
                name=f"{BENCH_MARK}{name}{rng.choice(JOBS)}{i}有限公司",
                credit_code=credit_code,
                size=rng.choices(["small_micro", "medium", "above_scale"], [80, 15, 5])[0],
                industry=rng.choice(industries),
                division_id=code,
            )
        )
    Employer.objects.bulk_create(employers, batch_size=1000)

    type_keys, type_cum = _cum(ORGANISATION_TYPES)
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{BENCH_MARK}{name}劳动人事争议调解中心",
                type_id=rng.choices(type_keys, cum_weights=type_cum)[0],
                division_id=code,
            )
            for code, name in chosen
        ],
        batch_size=1000,
    )
    return load_world(rng)


def load_world(rng: random.Random) -> World:
    from tiaojie.organisations.models import Employer, Organisation

    orgs = list(
        Organisation.objects.filter(name__startswith=BENCH_MARK).order_by("id").values_list("id", "division_id")
    )
    rng.shuffle(orgs)
    # Zipf-like: the busiest centre takes ~6 % of all cases, the quietest a few hundred.
    cum, total = [], 0.0
    for rank in range(1, len(orgs) + 1):
        total += rank**-0.7
        cum.append(total)
    by_county: dict[str, list[int]] = defaultdict(list)
    for employer_id, division_id in Employer.objects.filter(name__startswith=BENCH_MARK).values_list(
        "id", "division_id"
    ):
        by_county[division_id[:6]].append(employer_id)
    return World(orgs, cum, by_county)


def _random_facts(rng: random.Random, received: dt.datetime) -> str:
    parts = rng.sample(FACTS, rng.randint(2, 4))
    return "".join(
        p.format(y=received.year - rng.randint(0, 6), job=rng.choice(JOBS), wage=rng.randrange(3000, 15000, 100), n=2)
        for p in parts
    )


def generate_rows(
    rng: random.Random, world: World, n: int, now: dt.datetime
) -> Iterator[tuple[tuple, tuple, tuple, list[tuple]]]:
    """Yield (case, worker, case_worker, claims) rows, oldest case first, so ids rise with received_at as they
    do in production and every index on received_at grows at its right edge."""
    start = now - dt.timedelta(days=365 * YEARS)
    mean_gap = (now - start).total_seconds() / n
    status_tables = [(limit, *_cum(weights)) for limit, weights in STATUS_BY_AGE]
    channel_keys, channel_cum = _cum(CHANNELS)
    claim_keys, claim_cum = _cum(CLAIM_TYPES)
    count_keys, count_cum = _cum(CLAIMS_PER_CASE)
    orgs, org_cum = world.organisations, world.org_cum
    facts_pool = [_random_facts(rng, now - dt.timedelta(days=rng.randint(0, 365 * YEARS))) for _ in range(500)]
    offset = 0.0
    for case_id in range(1, n + 1):
        offset += rng.expovariate(1 / mean_gap)
        received = min(start + dt.timedelta(seconds=offset), now - dt.timedelta(minutes=1))
        age_days = (now - received).total_seconds() / 86400
        _, keys, cum = next(t for t in status_tables if age_days < t[0])
        status = rng.choices(keys, cum_weights=cum)[0]
        org_id, division = orgs[rng.choices(range(len(orgs)), cum_weights=org_cum)[0]]
        employer_id = rng.choice(world.employers_by_county[division[:6]])
        local_day = (received + BEIJING).date()
        accepted = ended = closed = clock_b_due = None
        if status in ("accepted", "mediating", "agreed", "failed", "closed"):
            accepted = min(received + dt.timedelta(hours=rng.uniform(2, 72)), now)
            clock_b_due = (accepted + BEIJING).date() + dt.timedelta(days=15)
        if status in ("agreed", "failed", "closed") and accepted is not None:
            ended = min(accepted + dt.timedelta(days=rng.uniform(1, 15)), now)
        elif status in ("declined", "withdrawn"):
            ended = min(received + dt.timedelta(days=rng.uniform(0.5, 10)), now)
        if status == "closed" and ended is not None:
            closed = min(ended + dt.timedelta(days=rng.uniform(0, 20)), now)
        updated = closed or ended or accepted or received
        case = (
            case_id, status, org_id, division, employer_id, 1, rng.choices(channel_keys, cum_weights=channel_cum)[0],
            facts_pool[case_id % len(facts_pool)], received, accepted, ended, closed,
            local_day + dt.timedelta(days=5), False, local_day + dt.timedelta(days=15), False, clock_b_due, False, 0,
            None, updated, local_day,
        )  # fmt: skip
        sex = rng.choice("MF")
        worker = (
            case_id, rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))), sex, "", "",
            f"{division[:6]}********{rng.randrange(10000):04d}", "", "",
            f"1{rng.randint(30, 99)}****{rng.randrange(10000):04d}", "", received,
        )  # fmt: skip
        claim_count = rng.choices(count_keys, cum_weights=count_cum)[0]
        types: set[str] = set()
        while len(types) < claim_count:
            types.add(rng.choices(claim_keys, cum_weights=claim_cum)[0])
        claims = [
            (case_id, t, Decimal(rng.randrange(100_000, 20_000_000)) / 100 if t != "labour_relationship" else None, "")
            for t in sorted(types)
        ]
        yield case, worker, (case_id, case_id, True), claims


def _sqlite_value(value: Any) -> Any:
    # The strings Django's SQLite backend itself writes: naive UTC datetimes, ISO dates, decimals as text.
    if isinstance(value, dt.datetime):
        return str(value.astimezone(UTC).replace(tzinfo=None))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass
class Table:
    name: str
    columns: tuple[str, ...]
    defaults: tuple  # values appended to every generated row, for the columns the generator leaves out


def table_for(model: Any, generated: tuple[str, ...]) -> Table:
    """The columns the generator fills, then every other column with its model default, so a column another
    change adds to the model does not break the bench (it gets what `Model()` would give it)."""
    from django.db import connection
    from django.db.models.fields import AutoFieldMixin

    fields = model._meta.concrete_fields
    unknown = set(generated) - {f.column for f in fields}
    if unknown:
        raise SystemExit(
            f"{model._meta.db_table} has no column {', '.join(sorted(unknown))}: update bench/case_list.py"
        )
    rest = [f for f in fields if f.column not in generated and not isinstance(f, AutoFieldMixin)]
    if rest:
        log(f"{model._meta.db_table}: model defaults for {', '.join(f.column for f in rest)}")
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    return Table(model._meta.db_table, generated + tuple(f.column for f in rest), defaults)


def write_chunk(chunks: list[tuple[Table, list[tuple]]]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        for table, rows in chunks:
            columns, extra = ", ".join(table.columns), table.defaults
            if connection.vendor == "postgresql":
                with cur.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + extra)
            else:
                placeholders = ", ".join(["%s"] * len(table.columns))
                cur.executemany(
                    f"INSERT INTO {table.name} ({columns}) VALUES ({placeholders})",
                    [tuple(_sqlite_value(v) for v in row) + extra for row in rows],
                )


def generate(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.utils import timezone

    from tiaojie.cases.models import Case, CaseWorker, ClaimItem, Worker

    existing = Case.objects.count()  # once per run, to decide whether to generate at all
    if existing >= args.cases and not args.reset:
        log(f"{existing:,} cases already present (>= {args.cases:,}): skipping generation")
        return
    if existing and not args.reset:
        raise SystemExit(
            f"the database holds {existing:,} cases, fewer than {args.cases:,}: pass --reset to regenerate"
        )
    if existing or args.reset:
        reset_bench_data()
    rng = random.Random(args.seed)
    world = build_world(rng, args.orgs, args.employers)
    counties = len(world.employers_by_county)
    log(f"{len(world.organisations)} organisations in {counties} counties, {args.employers} employers")
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=OFF")  # a throwaway bench database: durability is not the point
    else:
        with connection.cursor() as cur:
            cur.execute("SET synchronous_commit = off")
    models = (
        (Case, CASE_COLUMNS),
        (Worker, WORKER_COLUMNS),
        (CaseWorker, CASE_WORKER_COLUMNS),
        (ClaimItem, CLAIM_COLUMNS),
    )
    tables = [table_for(model, columns) for model, columns in models]
    started = time.perf_counter()
    buffers: list[list[tuple]] = [[], [], [], []]
    step, next_report, done = max(args.cases // 10, 1), max(args.cases // 10, 1), 0

    def flush() -> None:
        write_chunk(list(zip(tables, buffers, strict=True)))
        for rows in buffers:
            rows.clear()

    for case, worker, link, claims in generate_rows(rng, world, args.cases, timezone.now()):
        buffers[0].append(case)
        buffers[1].append(worker)
        buffers[2].append(link)
        buffers[3].extend(claims)
        done += 1
        if len(buffers[0]) >= CHUNK:
            flush()
        if done >= next_report:
            if buffers[0]:
                flush()
            elapsed = time.perf_counter() - started
            percent = 100 * done // args.cases
            log(f"  cases {done:>10,} / {args.cases:,} ({percent:3d} %)  {done / elapsed:,.0f} cases/s")
            next_report += step
    if buffers[0]:
        flush()
    log(f"generated {args.cases:,} cases in {time.perf_counter() - started:,.0f} s")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for table in (t.name for t in tables):
                # Explicit ids were copied in: move the identity sequences past them.
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                # VACUUM as autovacuum soon would: sets the visibility map (index-only scans) and the statistics.
                t0 = time.perf_counter()
                cur.execute(f"VACUUM (ANALYZE) {table}")
                log(f"  VACUUM (ANALYZE) {table}: {time.perf_counter() - t0:.1f} s")


# --- personas -------------------------------------------------------------------------------------------


@dataclass
class Persona:
    name: str
    scope: str
    user: Any


def make_personas() -> list[Persona]:
    from django.db.models import Count

    from tiaojie.accounts.models import User
    from tiaojie.cases.models import Case
    from tiaojie.organisations.models import Membership, Organisation, SupervisorScope

    # Setup only: one GROUP BY over the whole table to find the heaviest organisation and county.
    by_division = Case.objects.values_list("organisation_id", "division_id").annotate(n=Count("id")).order_by()
    per_org: dict[int, int] = defaultdict(int)
    per_county: dict[str, int] = defaultdict(int)
    for org_id, division_id, n in by_division:
        per_org[org_id] += n
        per_county[division_id[:6]] += n
    busiest_org = max(per_org, key=per_org.__getitem__)
    counties = sorted(per_county, key=per_county.__getitem__)
    busiest_county, median_county = counties[-1], counties[len(counties) // 2]

    def user(username: str) -> User:
        u, _ = User.objects.get_or_create(username=username, defaults={"display_name": username})
        Membership.objects.filter(user=u).delete()
        SupervisorScope.objects.filter(user=u).delete()
        return u

    mediator = user("bench-mediator")
    Membership.objects.create(user=mediator, organisation_id=busiest_org, role=Membership.Role.MEDIATOR)
    county = user("bench-county")
    SupervisorScope.objects.create(user=county, division_id=busiest_county, department="hrss")
    # A county holding ~2 % of the cases: too few for a walk down case_recv, too many to sort cheaply, so
    # the planner's choice between the two matters most here.
    small_county = user("bench-county-median")
    SupervisorScope.objects.create(user=small_county, division_id=median_county, department="hrss")
    national = user("bench-national")
    SupervisorScope.objects.create(user=national, division=None, department="hrss")
    org_name = Organisation.objects.get(pk=busiest_org).name.removeprefix(BENCH_MARK)
    return [
        Persona("mediator", f"org {busiest_org} {org_name}", mediator),
        Persona("county", f"county {busiest_county}, the busiest", county),
        Persona("county-md", f"county {median_county}, the median one", small_county),
        Persona("national", "whole country", national),
    ]


# --- measurement ----------------------------------------------------------------------------------------


@dataclass
class Result:
    persona: str
    name: str
    kind: str  # keyset | offset | count
    depth: int
    samples: list[float]
    rows: int = 0
    baseline_of: str = ""  # for offset/count: the keyset measurement it compares with
    plan: list[str] = field(default_factory=list)
    run: Callable[[], Any] | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 2) -> list[float]:
    from django.db import reset_queries

    reset_queries()  # DEBUG logs every query; keep the log short (it warns past 9000)
    for _ in range(warmup):
        fn()
    samples = []
    # As timeit does: a collector pass over the millions of objects generation left behind is not the query's.
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
    finally:
        gc.enable()
    return samples


def explain(fn: Callable[[], Any]) -> list[str]:
    """The plan of the case-list statement `fn` runs (EXPLAIN ANALYZE on PostgreSQL, QUERY PLAN on SQLite)."""
    from django.db import connection

    statements: list[tuple[str, Any]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    # The SQL and parameters as sent, not the log's interpolated text: SQLite plans `received_at < ?` differently
    # from `received_at < '2024-…'`, and only the first is what the application runs.
    with connection.execute_wrapper(record):
        fn()
    # The list query itself, not the membership lookups or the prefetches.
    sql, params = next((s for s in statements if 'FROM "cases_case"' in s[0].split(" WHERE ")[0]), statements[-1])
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = [row[0] for row in cur.fetchall()]
        else:
            cur.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [" ".join(str(c) for c in row[1:]) for row in cur.fetchall()]
    shown = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, count=1)
    return [f"{shown}  -- params {[str(p) for p in params or ()]}", *plan]


def measure(persona: Persona, args: argparse.Namespace) -> list[Result]:
    from django.db.models import Prefetch

    from tiaojie.cases.access import cases_visible_to
    from tiaojie.cases.models import Case, CaseWorker, ClaimItem
    from tiaojie.cases.queries import CASE_ORDER, CaseFilters, case_page, encode_cursor, filter_cases

    user = persona.user

    def visible(filters: CaseFilters | None = None) -> Any:
        # A fresh request: drop the per-request membership cache so its queries are timed too.
        user.__dict__.pop("_tiaojie_memberships", None)
        user.__dict__.pop("_tiaojie_scopes", None)
        return filter_cases(cases_visible_to(user), filters or CaseFilters())

    def keyset(cursor: str = "", filters: CaseFilters | None = None) -> Callable[[], list[int]]:
        return lambda: [c.pk for c in case_page(visible(filters), cursor=cursor).items]

    def offset(depth: int) -> Callable[[], list[int]]:
        # The same page, with the same joins and prefetches, paged the forbidden way.
        def run() -> list[int]:
            qs = (
                visible()
                .order_by(*CASE_ORDER.fields)
                .select_related("organisation", "employer")
                .prefetch_related(
                    Prefetch("claims", queryset=ClaimItem.objects.order_by("id")),
                    Prefetch("case_workers", queryset=CaseWorker.objects.select_related("worker").order_by("id")),
                )
            )
            return [c.pk for c in qs[depth : depth + PAGE]]

        return run

    results: list[Result] = []

    def add(name: str, kind: str, depth: int, fn: Callable[[], Any], baseline_of: str = "") -> Result:
        result = Result(persona.name, name, kind, depth, timed(fn, args.repeat), baseline_of=baseline_of, run=fn)
        results.append(result)
        log(f"  {persona.name:<10} {name:<24} p50 {result.p50:9.2f} ms  p95 {result.p95:9.2f} ms")
        return result

    total = visible().count()
    add("first page", "keyset", 0, keyset())
    # Follow the "load more" cursor as a user would, page by page; keep the cursor that fetched the last one.
    page, pages, deep_cursor, t0 = case_page(visible()), 1, "", time.perf_counter()
    while pages < args.deep_pages and page.next_cursor:
        deep_cursor = page.next_cursor
        page = case_page(visible(), cursor=deep_cursor)
        pages += 1
    log(f"  {persona.name:<10} followed the cursor {pages} pages deep in {time.perf_counter() - t0:.2f} s")
    deep_depth = (pages - 1) * PAGE
    if deep_cursor:
        assert offset(deep_depth)() == [c.pk for c in page.items], "cursor and OFFSET disagree"
        add(f"page {pages} (cursor)", "keyset", deep_depth, keyset(deep_cursor))
        add(f"page {pages} (OFFSET)", "offset", deep_depth, offset(deep_depth), f"page {pages} (cursor)")
    mid = total // 2
    if mid > deep_depth:
        # Jump to the middle of the list: a cursor built from the row just above it (found once, by OFFSET).
        row = visible().order_by(*CASE_ORDER.fields).values_list("received_at", "id")[mid - 1]
        mid_cursor = encode_cursor(Case(pk=row[1], received_at=row[0]))
        assert keyset(mid_cursor)() == offset(mid)(), "cursor and OFFSET disagree"
        add("middle (cursor)", "keyset", mid, keyset(mid_cursor))
        add("middle (OFFSET)", "offset", mid, offset(mid), "middle (cursor)")
    add("COUNT(*)", "count", 0, lambda: visible().count(), "first page")
    add("status=mediating", "keyset", 0, keyset(filters=CaseFilters(status="mediating")))
    add("overdue", "keyset", 0, keyset(filters=CaseFilters(overdue=True)))
    add("claim=work_injury", "keyset", 0, keyset(filters=CaseFilters(claim_type="work_injury")))
    for result in results:
        result.rows = total
        if result.kind == "keyset" and result.run and (args.explain or result.p95 > args.slow_ms):
            result.plan = explain(result.run)
    return results


def report(results: list[Result], personas: list[Persona], args: argparse.Namespace, n_cases: int) -> None:
    from django.db import connection

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\ncase list benchmark: {n_cases:,} cases on {connection.vendor}, {args.repeat} runs each, page {PAGE}, "
        f"{os.cpu_count()} cores, load average {load}"
    )
    for p in personas:
        rows = next(r.rows for r in results if r.persona == p.name)
        print(f"  {p.name:<10} {p.scope} ({rows:,} visible cases)")
    by_key = {(r.persona, r.name): r for r in results}
    header = f"{'persona':<10} {'measurement':<24} {'depth':>9} {'p50 ms':>9} {'p95 ms':>9} {'vs keyset':>10}"
    print(f"\n{header}\n{'-' * len(header)}")
    for r in results:
        ratio = ""
        if r.baseline_of:
            base = by_key[(r.persona, r.baseline_of)]
            ratio = f"{r.p95 / base.p95:9.1f}x"
        print(f"{r.persona:<10} {r.name:<24} {r.depth:>9,} {r.p50:>9.2f} {r.p95:>9.2f} {ratio:>10}")
    slow = [r for r in results if r.plan]
    for r in slow:
        print(f"\n--- plan: {r.persona} / {r.name} (p95 {r.p95:.1f} ms) ---")
        print("\n".join(r.plan))

    def worst(pred: Callable[[Result], bool]) -> float:
        return max((r.p95 for r in results if pred(r)), default=0.0)

    first = worst(lambda r: r.kind == "keyset" and r.depth == 0)
    deep = worst(lambda r: r.kind == "keyset" and r.name.startswith("page "))
    offset_deep = worst(lambda r: r.kind == "offset" and r.name.startswith("page "))
    mid = worst(lambda r: r.kind == "keyset" and r.name.startswith("middle"))
    offset_mid = worst(lambda r: r.kind == "offset" and r.name.startswith("middle"))
    count = worst(lambda r: r.kind == "count")
    print(
        f"\ncases={n_cases} db={connection.vendor} list_first_p95_ms={first:.2f} list_deep_p95_ms={deep:.2f} "
        f"offset_deep_p95_ms={offset_deep:.2f} ratio={offset_deep / deep if deep else 0:.1f} "
        f"list_mid_p95_ms={mid:.2f} offset_mid_p95_ms={offset_mid:.2f} count_p95_ms={count:.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to generate (default 1,000,000)")
    parser.add_argument("--orgs", type=int, default=300, help="organisations (default 300)")
    parser.add_argument("--employers", type=int, default=3000, help="employers (default 3000)")
    parser.add_argument("--repeat", type=int, default=25, help="timed runs per measurement (default 25)")
    parser.add_argument("--deep-pages", type=int, default=200, help="pages to follow the cursor (default 200)")
    parser.add_argument("--slow-ms", type=float, default=50.0, help="print the plan of list queries slower than this")
    parser.add_argument("--explain", action="store_true", help="print the plan of every list query")
    parser.add_argument("--reset", action="store_true", help="delete existing cases first and regenerate")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to a throwaway database (see bench/README.md): this script fills it")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()

    from tiaojie.cases.models import Case

    ensure_database()
    generate(args)
    n_cases = Case.objects.count()
    personas = make_personas()
    log("measuring")
    results = [r for p in personas for r in measure(p, args)]
    report(results, personas, args, n_cases)


if __name__ == "__main__":
    main()
