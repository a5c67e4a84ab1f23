"""Benchmark: supervision dashboards at national scale (issue 7, item 5).

    make bench-supervision CASES=1000000
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench \\
        .venv/bin/python -m bench.supervision --cases N

1. Generates N cases (default 20,000,000) with COPY from two processes: every province weighted by
   population (with more disputes on the industrial coast), ~20,000 organisations of the seeded types, claim
   types, channels, statuses by age, received dates over five years, a closing event for every closed case
   (the outcome of a closed case is read from it), and for every case that ended agreed its mediation
   agreement (effective when mediation ended), an item per claim item and 1–3 instalments, most of them paid.
   Secondary indexes are dropped during the load and rebuilt after it, and foreign-key triggers are off for
   the loading sessions (session_replication_role = replica): what any bulk load does. A re-run finds the
   cases and skips generation; if they have no agreements (a load made before agreements were generated),
   it adds only the agreements, set-based from the cases (INSERT … SELECT, amounts drawn from the ids).
2. Builds the statistics with the set-based `rebuild_all()` (tiaojie rebuild-rollups), timed.
3. Measures, end to end through Django's test Client with a logged-in user, the dashboard of a national,
   a province and a county supervisor and of an organisation administrator; the same numbers computed the
   naive way (GROUP BY over the cases: tiaojie.analytics.naive); and the case list's first and deep pages
   (keyset, tiaojie.cases.queries.case_page).

Prints a table and ends with one line: dashboard_p95_ms=… naive_p95_ms=… speedup=… list_p95_ms=…
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import django

MARK = "【督导基准】"  # names of the organisations and employers this script creates
YEARS = 5
CHUNK = 20_000
UTC = dt.UTC
BEIJING = dt.timedelta(hours=8)

# Population in millions (2023, rounded) × a dispute factor for the industrial and service centres.
PROVINCES = {
    "11": 21.9 * 1.5, "12": 13.6, "13": 74.0, "14": 34.7, "15": 24.0, "21": 42.0, "22": 23.4, "23": 30.3,
    "31": 24.9 * 1.5, "32": 85.3 * 1.5, "33": 66.3 * 1.5, "34": 61.2, "35": 41.8 * 1.2, "36": 45.2, "37": 101.2,
    "41": 98.2, "42": 58.4, "43": 65.7, "44": 127.1 * 2, "45": 50.3, "46": 10.4, "50": 31.9, "51": 83.7,
    "52": 38.7, "53": 46.7, "54": 3.6, "61": 39.5, "62": 24.7, "63": 5.9, "64": 7.3, "65": 26.2,
}  # fmt: skip
ORG_TYPES = {"township_centre": 62, "people_mediation": 12, "union_station": 8, "regional_industry": 7,
             "arbitration_centre": 6, "chamber": 3, "other": 2}  # fmt: skip
CHANNELS = {"online": 35, "walk_in": 35, "hotline": 10, "station": 10, "referral": 10}
CLAIM_TYPES = {
    "wages": 40, "compensation": 12, "overtime": 10, "unlawful_termination": 8, "double_wage": 6,
    "social_insurance": 6, "work_injury": 6, "labour_relationship": 4, "annual_leave": 3, "other": 3, "notice_pay": 2,
}  # fmt: skip
CLAIMS_PER_CASE = {1: 75, 2: 20, 3: 5}
# Status by the age of the case (days): new cases wait or are in mediation; later most are over and a few
# are stuck open (what the overdue count is for).
STATUS_BY_AGE = (
    (5, {"received": 50, "negotiating": 5, "accepted": 20, "mediating": 20, "declined": 5}),
    (45, {"received": 3, "negotiating": 2, "settled": 3, "accepted": 8, "mediating": 33, "agreed": 25,
          "failed": 12, "withdrawn": 7, "declined": 7}),
    (math.inf, {"closed": 62, "agreed": 12, "settled": 2, "failed": 10, "withdrawn": 6, "declined": 6,
                "mediating": 1, "accepted": 1}),
)  # fmt: skip
CLOSED_FROM = {"agreed": 58, "failed": 24, "withdrawn": 7, "declined": 6, "settled": 5}
# Mediation agreements of the cases that ended agreed (effective when mediation ended): per claim item an agreed
# amount drawn log-uniformly between these (whole yuan), never above the claim; a claim without an amount
# (确认劳动关系) is agreed at 0. Paid in 1–3 instalments, due 7 days after the effect and then monthly.
AGREED_YUAN = (2_000, 50_000)
INSTALMENTS = {1: 70, 2: 20, 3: 10}
# A closed agreed case was mostly closed by its last payment; the rest were closed by staff with something
# unpaid (the worker went for a 支付令). An agreed case still open has paid fewer than all its instalments:
# often all but the last, else any number. About 78 % of the instalments and 76 % of the agreed amount end up
# paid (50,000 cases).
CLOSED_FULLY_PAID = 0.98
OPEN_ALL_BUT_LAST = 0.5
FACTS = (
    "被申请人拖欠申请人工资，经多次催讨未果。",
    "双方未签订书面劳动合同，申请人要求支付二倍工资差额。",
    "被申请人单方解除劳动合同，未支付经济补偿。",
    "申请人长期加班，被申请人未依法支付加班费。",
    "申请人在工作中受伤，被申请人未支付工伤待遇。",
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cum(weights: Mapping[Any, float]) -> tuple[list[Any], list[float]]:
    keys, out, total = list(weights), [], 0.0
    for k in keys:
        total += weights[k]
        out.append(total)
    return keys, out


def pick(rng: random.Random, table: tuple[list[Any], list[float]]) -> Any:
    keys, c = table
    return keys[bisect.bisect_right(c, rng.random() * c[-1])]


# --- generation ----------------------------------------------------------------------------------------------


@dataclass
class World:
    provinces: tuple[list[str], list[float]]
    orgs_by_province: dict[str, tuple[list[tuple[int, str]], list[float]]]  # (id, division), Zipf weights
    employers_by_org: dict[int, list[int]]


def build_world(rng: random.Random, n_orgs: int) -> None:
    from tiaojie.organisations.models import Employer, Organisation, OrganisationType
    from tiaojie.reference.models import Division

    known_types = set(OrganisationType.objects.values_list("code", flat=True))
    types = {k: v for k, v in ORG_TYPES.items() if k in known_types}
    type_table = cum(types)
    townships: dict[str, list[str]] = {p: [] for p in PROVINCES}
    for code in Division.objects.filter(level=Division.Level.TOWNSHIP, is_placeholder=False).values_list(
        "code", flat=True
    ):
        if code[:2] in townships:
            townships[code[:2]].append(code)
    total_weight = sum(PROVINCES.values())
    orgs = []
    for province, weight in PROVINCES.items():
        places = townships[province]
        if not places:
            continue
        count = max(5, round(n_orgs * weight / total_weight))
        for code in rng.sample(places, min(count, len(places))):
            kind = pick(rng, type_table)
            division = code[:6] if kind == "arbitration_centre" else code
            orgs.append(Organisation(name=f"{MARK}{division}{kind}", type_id=kind, division_id=division))
    Organisation.objects.bulk_create(orgs, batch_size=2000)
    employers = []
    for org in Organisation.objects.filter(name__startswith=MARK).values_list("id", "division_id"):
        for j in range(2):
            size = rng.choices(["small_micro", "medium", "above_scale"], [80, 15, 5])[0]
            employers.append(Employer(name=f"{MARK}{org[0]}-{j}有限公司", size=size, division_id=org[1]))
    Employer.objects.bulk_create(employers, batch_size=2000)
    log(f"world: {len(orgs):,} organisations, {len(employers):,} employers")


def load_world() -> World:
    from tiaojie.organisations.models import Employer, Organisation

    by_province: dict[str, list[tuple[int, str]]] = {}
    for pk, division in (
        Organisation.objects.filter(name__startswith=MARK).order_by("id").values_list("id", "division_id")
    ):
        by_province.setdefault(division[:2], []).append((pk, division))
    orgs_by_province = {}
    for province, orgs in by_province.items():
        weights = {i: (rank + 1) ** -0.8 for rank, i in enumerate(range(len(orgs)))}
        keys, c = cum(weights)
        orgs_by_province[province] = ([orgs[k] for k in keys], c)
    employers: dict[int, list[int]] = {}
    for pk, name in Employer.objects.filter(name__startswith=MARK).values_list("id", "name"):
        employers.setdefault(int(name[len(MARK) :].split("-")[0]), []).append(pk)
    return World(cum({p: w for p, w in PROVINCES.items() if p in orgs_by_province}), orgs_by_province, employers)


def _ts(moment: dt.datetime | None) -> str:
    return "\\N" if moment is None else moment.isoformat()


def _d(day: dt.date | None) -> str:
    return "\\N" if day is None else day.isoformat()


def generate_slice(args: tuple[int, int, int, int, int, str, dict[str, Any], int]) -> None:
    """Child process: COPY cases [first, last) with their claims, closing events and, for the cases that ended
    agreed, the agreement with its items and payments."""
    first, last, total, seed, worker, dsn, columns, staff_id = args
    import psycopg

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()
    world = load_world()
    rng = random.Random(seed * 1000 + worker)
    # Agreements draw from their own generator: the cases of a given seed stay what they were before
    # agreements were generated.
    agreement_rng = random.Random(seed * 1000 + worker + 500)
    now = dt.datetime.now(UTC).replace(microsecond=0)
    start = (now - dt.timedelta(days=365 * YEARS)).replace(hour=0, minute=0, second=0)  # midnight UTC
    span = (now - start).total_seconds()
    statuses = {str(s) for s in __import__("tiaojie.cases.models", fromlist=["Status"]).Status.values}
    status_tables = [(limit, cum({k: v for k, v in w.items() if k in statuses})) for limit, w in STATUS_BY_AGE]
    closed_from = cum({k: v for k, v in CLOSED_FROM.items() if k in statuses})
    channels, claim_types = cum(CHANNELS), cum(CLAIM_TYPES)
    case_cols, case_extra = columns["case"]
    claim_cols, claim_extra = columns["claim"]
    event_cols, event_extra = columns["event"]
    agreement_cols, agreement_extra = columns["agreement"]
    item_cols, item_extra = columns["item"]
    payment_cols, payment_extra = columns["payment"]
    case_tail = "".join("\t" + v for v in case_extra)
    claim_tail = "".join("\t" + v for v in claim_extra)
    event_tail = "".join("\t" + v for v in event_extra)
    agreement_tail = "".join("\t" + v for v in agreement_extra)
    item_tail = "".join("\t" + v for v in item_extra)
    payment_tail = "".join("\t" + v for v in payment_extra)
    instalments = cum(INSTALMENTS)
    low, high = (math.log(y) for y in AGREED_YUAN)
    # Times as integer seconds from `start` (midnight UTC) and strings cut from per-day tables: datetime
    # arithmetic and isoformat() per row were most of the generator's cost.
    n_days = YEARS * 366 + 60
    day_utc = [(start + dt.timedelta(days=i)).strftime("%Y-%m-%d") for i in range(n_days)]
    day_bj = [(start.date() + dt.timedelta(days=i)).isoformat() for i in range(n_days + 30)]  # +8 h: same first day
    now_s = int(span)
    today = (now_s + 8 * 3600) // 86400  # index of today's Beijing date in day_bj

    def ts(sec: int) -> str:
        day, rest = divmod(sec, 86400)
        hour, rest = divmod(rest, 3600)
        return f"{day_utc[day]} {hour:02d}:{rest // 60:02d}:{rest % 60:02d}+00"

    channel_keys, claim_keys = channels, claim_types
    with psycopg.connect(dsn, autocommit=False) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers during the bulk load
        conn.execute("SET synchronous_commit = off")
        case_id, claim_id, event_id = first, first * 4, first  # disjoint id ranges per process
        rnd = rng.random
        while case_id < last:
            stop = min(case_id + CHUNK, last)
            cases, claims, events = [], [], []
            agreements: list[str] = []
            items: list[str] = []
            payments: list[str] = []
            for cid in range(case_id, stop):
                received = int(span * (cid - 0.5 * rnd()) / total)
                age = (now_s - received) / 86400
                status = pick(rng, next(t for limit, t in status_tables if age < limit))
                org_id, division = pick(rng, world.orgs_by_province[pick(rng, world.provinces)])
                employer_id = rng.choice(world.employers_by_org[org_id])
                day = (received + 8 * 3600) // 86400  # index of the Beijing date in day_bj
                accepted = ended = closed = None
                clock_b = "\\N"
                outcome = pick(rng, closed_from) if status == "closed" else status
                if outcome in ("accepted", "mediating", "agreed", "failed") or (outcome == "withdrawn" and rnd() < 0.5):
                    accepted = min(received + int(3600 * (2 + 70 * rnd())), now_s)
                    clock_b = day_bj[(accepted + 8 * 3600) // 86400 + 15]
                if outcome in ("agreed", "failed", "declined", "withdrawn"):
                    ended = min((accepted or received) + int(86400 * (0.5 + 14.5 * rnd())), now_s)
                if status == "closed":
                    closed = min((ended or received) + int(86400 * 25 * rnd()), now_s)
                updated = closed or ended or accepted or received
                workers = rng.randint(10, 60) if rnd() < 0.01 else 1
                cases.append(
                    f"{cid}\t{status}\t{org_id}\t{division}\t{employer_id}\t{workers}\t{pick(rng, channel_keys)}\t"
                    f"{FACTS[cid % 5]}\t{ts(received)}\t{ts(accepted) if accepted is not None else NULL}\t"
                    f"{ts(ended) if ended is not None else NULL}\t{ts(closed) if closed is not None else NULL}\t"
                    f"{day_bj[day + 5]}\tf\t{day_bj[day + 15]}\tf\t{clock_b}\tf\t0\t\\N\t{ts(updated)}{case_tail}"
                )
                r = rnd()
                n_claims = 1 if r < 0.75 else (2 if r < 0.95 else 3)
                types: set[str] = set()
                while len(types) < n_claims:
                    types.add(pick(rng, claim_keys))
                case_claims: list[tuple[int, str, int | None]] = []  # (id, type, claimed cents)
                for t in sorted(types):
                    cents = None if t == "labour_relationship" else rng.randrange(100_000, 20_000_000)
                    amount = "\\N" if cents is None else f"{cents / 100:.2f}"
                    claims.append(f"{claim_id}\t{cid}\t{t}\t{amount}\t{claim_tail}")
                    case_claims.append((claim_id, t, cents))
                    claim_id += 1
                if outcome == "agreed" and ended is not None:
                    # The agreement took effect when mediation ended (the fourth signature moves the case to
                    # agreed). Ids follow the case's and the claim items' so slices never collide.
                    arnd = agreement_rng.random
                    effective = ts(ended)
                    eff_day = (ended + 8 * 3600) // 86400
                    agreements.append(
                        f"{cid}\t{cid}\t{staff_id}\t{effective}\t{effective}\t{effective}\t{day_bj[eff_day + 15]}\t"
                        f"{day_bj[eff_day + 30]}{agreement_tail}"
                    )
                    agreed_total = 0
                    for position, (item_id, t, cents) in enumerate(case_claims):
                        agreed = 0 if cents is None else min(cents, round(math.exp(low + (high - low) * arnd())) * 100)
                        agreed_total += agreed
                        claimed = "\\N" if cents is None else f"{cents / 100:.2f}"
                        items.append(
                            f"{item_id}\t{cid}\t{item_id}\t{t}\t{claimed}\t{agreed / 100:.2f}\t{position}{item_tail}"
                        )
                    n = pick(agreement_rng, instalments) if agreed_total else 0
                    if status == "closed" and closed is not None:
                        paid_n = n if arnd() < CLOSED_FULLY_PAID else agreement_rng.randrange(0, max(n, 1))
                        closed_day = (closed + 8 * 3600) // 86400
                    else:
                        # Open: not everything paid yet.
                        paid_n = n - 1 if arnd() < OPEN_ALL_BUT_LAST else agreement_rng.randrange(0, max(n, 1))
                        closed_day = None
                    share = agreed_total // n if n else 0
                    for seq in range(1, n + 1):
                        amount_cents = agreed_total - share * (n - 1) if seq == 1 else share
                        paid_on = paid_at = "\\N"
                        if seq <= paid_n:
                            day = (
                                eff_day + (closed_day - eff_day) * seq // n
                                if closed_day is not None
                                else min(eff_day + 7 * seq, today)
                            )
                            paid_on, paid_at = day_bj[day], ts(min(day * 86400 + 2 * 3600, now_s))  # 10:00 Beijing
                        payments.append(
                            f"{cid * 4 + seq}\t{cid}\t{seq}\t{day_bj[eff_day + 7 + 30 * (seq - 1)]}\t"
                            f"{amount_cents / 100:.2f}\t{paid_on}\t{paid_at}{payment_tail}"
                        )
                if status == "closed":
                    events.append(
                        f"{event_id}\t{cid}\t{ts(closed)}\ttransition\t\\N\tsystem\t{outcome}\tclosed\t\t\t{{}}{event_tail}"
                    )
                    event_id += 1
            with conn.cursor() as cur:
                for table, cols, rows in (
                    ("cases_case", case_cols, cases),
                    ("cases_claimitem", claim_cols, claims),
                    ("cases_caseevent", event_cols, events),
                    (AGREEMENT_TABLES[0], agreement_cols, agreements),
                    (AGREEMENT_TABLES[1], item_cols, items),
                    (AGREEMENT_TABLES[2], payment_cols, payments),
                ):
                    if rows:
                        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                            copy.write("\n".join(rows) + "\n")
            conn.commit()
            case_id = stop
            print(f"progress {worker} {stop - first} {last - first}", flush=True)


NULL = "\\N"


CASE_COLUMNS = (
    "id", "status", "organisation_id", "division_id", "employer_id", "worker_count", "channel", "facts",
    "received_at", "accepted_at", "ended_at", "closed_at", "acceptance_due", "acceptance_due_uncertain",
    "clock_a_due", "clock_a_due_uncertain", "clock_b_due", "clock_b_due_uncertain", "clock_b_extension_days",
    "created_by_id", "updated_at",
)  # fmt: skip
CLAIM_COLUMNS = ("id", "case_id", "type", "amount_claimed", "description")
EVENT_COLUMNS = ("id", "case_id", "at", "kind", "actor_id", "actor_label", "from_status", "to_status", "reason",
                 "basis", "data")  # fmt: skip
AGREEMENT_COLUMNS = ("id", "case_id", "created_by_id", "created_at", "updated_at", "effective_at", "review_due",
                     "judicial_due")  # fmt: skip
ITEM_COLUMNS = ("id", "agreement_id", "claim_id", "type", "amount_claimed", "amount_agreed", "position")
PAYMENT_COLUMNS = ("id", "agreement_id", "seq", "due_date", "amount", "paid_on", "paid_recorded_at")
AGREEMENT_TABLES = ("mediation_agreement", "mediation_agreementitem", "mediation_payment")


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def defaults_for(model: Any, generated: tuple[str, ...]) -> tuple[list[str], list[Any]]:
    """The generated columns, then every other column with its model default, so a column another change adds
    to the model does not break the benchmark (as bench/case_list.py does)."""
    from django.db.models.fields import AutoFieldMixin

    fields = model._meta.concrete_fields
    unknown = set(generated) - {f.column for f in fields}
    if unknown:
        raise SystemExit(
            f"{model._meta.db_table} has no column {', '.join(sorted(unknown))}: update bench/supervision.py"
        )
    rest = [f for f in fields if f.column not in generated and not isinstance(f, AutoFieldMixin)]
    return [*generated, *(f.column for f in rest)], [f.get_default() for f in rest]


def columns_for(model: Any, generated: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """`defaults_for` with the defaults as COPY text."""
    columns, defaults = defaults_for(model, generated)
    return columns, [_copy_text(v) for v in defaults]


def secondary_indexes(cur: Any, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of indexes that back no constraint: safe to drop and recreate around a bulk load."""
    cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
        [tables],
    )
    return list(cur.fetchall())


def agreement_staff() -> int:
    """The user recorded as drafting the generated agreements (Agreement.created_by is required)."""
    from tiaojie.accounts.models import User

    user, _created = User.objects.get_or_create(
        username="bench-sup-agreements", defaults={"display_name": f"{MARK}调解员"}
    )
    return user.pk


def generate(args: argparse.Namespace) -> bool:
    """Fill the database unless it holds the cases already; True when data changed (the rollups need a
    rebuild)."""
    from django.conf import settings
    from django.db import connection

    from tiaojie.cases.models import Case, CaseEvent, ClaimItem
    from tiaojie.mediation.models import Agreement, AgreementItem, Payment
    from tiaojie.organisations.models import Organisation

    if connection.vendor != "postgresql":
        raise SystemExit("this benchmark needs PostgreSQL (COPY): set DATABASE_URL")
    existing = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ours = Organisation.objects.filter(name__startswith=MARK).exists()
    if existing and not ours and not args.reset:
        raise SystemExit("the database holds cases this script did not make: use another database or --reset")
    if existing >= args.cases and not args.reset:
        if Agreement.objects.exists():
            log(f"{existing:,} cases present: skipping generation")
            return False
        # A load made before agreements were generated: add them to the cases as they are.
        log(f"{existing:,} cases present without agreements: generating only the agreements")
        top_up_agreements()
        return True
    tables = ["cases_caseevent", "cases_claimitem", "cases_caseworker", "cases_case", "cases_worker"]
    log("emptying the case tables")
    with connection.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        all_tables = {r[0] for r in cur.fetchall()}
        # Every table that references cases (other apps' too) goes with them.
        cur.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        for table in ("analytics_casefact", "analytics_monthrollup", "analytics_dimrollup", "analytics_openduerollup"):
            if table in all_tables:
                cur.execute(f"TRUNCATE {table}")
    from tiaojie.organisations.models import Employer, Membership, SupervisorScope

    Membership.objects.filter(organisation__name__startswith=MARK).delete()
    SupervisorScope.objects.filter(user__username__startswith="bench-sup-").delete()
    Organisation.objects.filter(name__startswith=MARK).delete()
    Employer.objects.filter(name__startswith=MARK).delete()
    build_world(random.Random(args.seed), args.orgs)
    with connection.cursor() as cur:
        indexes = secondary_indexes(cur, ["cases_case", "cases_claimitem", "cases_caseevent", *AGREEMENT_TABLES])
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    log(f"dropped {len(indexes)} secondary indexes for the load")
    columns = {
        "case": columns_for(Case, CASE_COLUMNS),
        "claim": columns_for(ClaimItem, CLAIM_COLUMNS),
        "event": columns_for(CaseEvent, EVENT_COLUMNS),
        "agreement": columns_for(Agreement, AGREEMENT_COLUMNS),
        "item": columns_for(AgreementItem, ITEM_COLUMNS),
        "payment": columns_for(Payment, PAYMENT_COLUMNS),
    }
    staff_id = agreement_staff()
    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname={db['NAME']}"
    if db.get("PASSWORD"):
        dsn += f" password={db['PASSWORD']}"
    workers = args.workers
    bounds = [1 + args.cases * i // workers for i in range(workers + 1)]
    slices = [(bounds[i], bounds[i + 1], args.cases, args.seed, i, dsn, columns, staff_id) for i in range(workers)]
    connection.close()
    started = time.perf_counter()
    # Children print "progress <worker> <done> <size>"; the parent draws one bar on stderr.
    import subprocess

    procs = [
        subprocess.Popen(
            [sys.executable, "-c", f"import bench.supervision as s; s.generate_slice({s!r})"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for s in slices
    ]
    done = [0] * workers
    import selectors

    sel = selectors.DefaultSelector()
    for i, p in enumerate(procs):
        assert p.stdout is not None
        sel.register(p.stdout, selectors.EVENT_READ, i)
    open_pipes = workers
    while open_pipes:
        for key, _mask in sel.select():
            line = key.fileobj.readline()  # type: ignore[union-attr]
            if not line:
                sel.unregister(key.fileobj)
                open_pipes -= 1
                continue
            parts = line.split()
            if parts[:1] == ["progress"]:
                done[int(parts[1])] = int(parts[2])
                total_done = sum(done)
                rate = total_done / max(time.perf_counter() - started, 1e-6)
                width = 40
                filled = width * total_done // args.cases
                eta = (args.cases - total_done) / rate if rate else 0
                print(
                    f"\r  [{'#' * filled}{'.' * (width - filled)}] {total_done:>11,}/{args.cases:,} "
                    f"{rate:,.0f} cases/s, {eta / 60:4.1f} min left",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
    print(file=sys.stderr)
    for p in procs:
        if p.wait() != 0:
            raise SystemExit("a generator process failed")
    load_s = time.perf_counter() - started
    log(f"copied {args.cases:,} cases in {load_s:,.0f} s ({args.cases / load_s:,.0f} cases/s)")
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        for table in ("cases_case", "cases_claimitem", "cases_caseevent", *AGREEMENT_TABLES):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        for name, definition in indexes:
            t0 = time.perf_counter()
            cur.execute(definition)
            log(f"  {name}: {time.perf_counter() - t0:.1f} s")
        for table in ("cases_case", "cases_claimitem", "cases_caseevent", *AGREEMENT_TABLES):
            t0 = time.perf_counter()
            cur.execute(f"VACUUM (ANALYZE) {table}")
            log(f"  VACUUM (ANALYZE) {table}: {time.perf_counter() - t0:.1f} s")
    log(f"generation done in {(time.perf_counter() - started) / 60:.1f} min")
    log_agreements()
    return True


def _uniform(expr: str, salt: int) -> str:
    """A pseudo-random number in [0, 1) drawn from an id: the same for the same id on every run. (`%%`: the
    statements it goes into have parameters.)"""
    return f"(abs(hashint8extended(({expr})::bigint, {salt}) %% 1000000) / 1000000.0)"


def top_up_agreements() -> None:
    """Agreements, items and payments for the cases already loaded, set-based (INSERT … SELECT): what the COPY
    load makes for a new database, with amounts drawn from the ids instead of a random generator. For a load
    made before the generator knew agreements, so it can be completed without regenerating the cases."""
    from django.db import connection, transaction

    from tiaojie.lib.workdays import legal_date
    from tiaojie.mediation.models import Agreement, AgreementItem, Payment

    started = time.perf_counter()
    staff_id = agreement_staff()
    today = legal_date(dt.datetime.now(UTC))
    agreement, item, payment = AGREEMENT_TABLES

    def columns(model: Any, generated: tuple[str, ...], exprs: list[str]) -> tuple[str, str, list[Any]]:
        cols, defaults = defaults_for(model, generated)
        return ", ".join(cols), ", ".join([*exprs, *(["%s"] * len(defaults))]), defaults

    bj = "AT TIME ZONE 'Asia/Shanghai'"
    a_cols, a_exprs, a_defaults = columns(
        Agreement,
        AGREEMENT_COLUMNS,
        ["c.id", "c.id", "%s", "c.e", "c.e", "c.e", f"(c.e {bj})::date + 15", f"(c.e {bj})::date + 30"],
    )
    low, high = (math.log(y) for y in AGREED_YUAN)
    agreed = f"round(exp({low} + {high - low} * {_uniform('ci.id', 1)}))::numeric(14, 2)"
    i_cols, i_exprs, i_defaults = columns(
        AgreementItem,
        ITEM_COLUMNS,
        ["ci.id", "ci.case_id", "ci.id", "ci.type", "ci.amount_claimed",
         f"CASE WHEN ci.amount_claimed IS NULL THEN 0 ELSE LEAST(ci.amount_claimed, {agreed}) END",
         "ROW_NUMBER() OVER (PARTITION BY ci.case_id ORDER BY ci.id) - 1"],
    )  # fmt: skip
    # As the COPY load: a closed case's payments spread up to its closing day, an open one's a week apart.
    paid_day = (
        "CASE WHEN t.closed_day IS NOT NULL THEN t.eff + (t.closed_day - t.eff) * s.seq / t.n "
        "ELSE LEAST(t.eff + 7 * s.seq, %s::date) END"
    )
    share = "trunc(t.total / t.n, 2)"
    p_cols, p_exprs, p_defaults = columns(
        Payment,
        PAYMENT_COLUMNS,
        ["t.id * 4 + s.seq", "t.id", "s.seq", "t.eff + 7 + 30 * (s.seq - 1)",
         f"CASE WHEN s.seq = 1 THEN t.total - {share} * (t.n - 1) ELSE {share} END",
         f"CASE WHEN s.seq <= t.paid_n THEN {paid_day} END",
         f"CASE WHEN s.seq <= t.paid_n THEN LEAST(({paid_day} + time '10:00') {bj}, now()) END"],
    )  # fmt: skip
    n_instalments = (
        f"CASE WHEN {_uniform('a.id', 2)} < {INSTALMENTS[1] / 100} THEN 1 "
        f"WHEN {_uniform('a.id', 2)} < {(INSTALMENTS[1] + INSTALMENTS[2]) / 100} THEN 2 ELSE 3 END"
    )
    steps: list[tuple[str, str, list[Any]]] = [
        (
            "agreements of the cases that ended agreed",
            f"INSERT INTO {agreement} ({a_cols}) SELECT {a_exprs} FROM (SELECT c.id, "
            "coalesce(c.ended_at, c.closed_at, c.updated_at) AS e FROM cases_case c WHERE c.status = 'agreed' "
            "OR (c.status = 'closed' AND EXISTS (SELECT 1 FROM cases_caseevent ev WHERE ev.case_id = c.id "
            "AND ev.kind = 'transition' AND ev.to_status = 'closed' AND ev.from_status = 'agreed'))) c",
            [staff_id, *a_defaults],
        ),
        (
            "an item per claim item",
            f"INSERT INTO {item} ({i_cols}) SELECT {i_exprs} FROM cases_claimitem ci "
            f"JOIN {agreement} a ON a.case_id = ci.case_id",
            i_defaults,
        ),
        (
            "payments in instalments, some paid",
            f"INSERT INTO {payment} ({p_cols}) SELECT {p_exprs} FROM ("
            "SELECT a.*, CASE WHEN a.closed_day IS NOT NULL AND "
            f"{_uniform('a.id', 3)} < {CLOSED_FULLY_PAID} THEN a.n "
            f"WHEN a.closed_day IS NULL AND {_uniform('a.id', 3)} < {OPEN_ALL_BUT_LAST} THEN a.n - 1 "
            f"ELSE floor({_uniform('a.id', 4)} * a.n)::int END "
            f"AS paid_n FROM (SELECT a.id, (a.effective_at {bj})::date AS eff, "
            f"CASE WHEN c.status = 'closed' THEN (c.closed_at {bj})::date END AS closed_day, it.total, "
            f"{n_instalments} AS n FROM {agreement} a JOIN cases_case c ON c.id = a.case_id "
            f"JOIN (SELECT agreement_id, SUM(amount_agreed) AS total FROM {item} GROUP BY agreement_id) it "
            "ON it.agreement_id = a.id WHERE it.total > 0) a"
            ") t CROSS JOIN LATERAL generate_series(1, t.n) AS s(seq)",
            [today, today, *p_defaults],
        ),
    ]
    # One transaction: a run that fails half-way leaves no agreements, so the next run tops up again.
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")  # no FK triggers, as in the COPY load
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        indexes = secondary_indexes(cur, list(AGREEMENT_TABLES))
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for label, sql, params in steps:
            t0 = time.perf_counter()
            cur.execute(sql, params)
            log(f"  {label}: {cur.rowcount:,} rows in {time.perf_counter() - t0:.1f} s")
        for table in AGREEMENT_TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        for name, definition in indexes:
            t0 = time.perf_counter()
            cur.execute(definition)
            log(f"  {name}: {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as cur:
        for table in AGREEMENT_TABLES:
            cur.execute(f"VACUUM (ANALYZE) {table}")
    log(f"agreements added in {(time.perf_counter() - started) / 60:.1f} min")
    log_agreements()


def log_agreements() -> None:
    from django.db import connection

    agreement, item, payment = AGREEMENT_TABLES
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT (SELECT count(*) FROM {agreement}), (SELECT count(*) FROM cases_case), "
            f"(SELECT coalesce(SUM(amount_agreed), 0) FROM {item}), "
            f"(SELECT coalesce(SUM(amount) FILTER (WHERE paid_on IS NOT NULL), 0) FROM {payment})"
        )
        n, cases, agreed, paid = cur.fetchone()
    log(
        f"agreements: {n:,} ({n / max(cases, 1):.0%} of the cases), agreed {agreed:,.0f} yuan "
        f"({agreed / max(n, 1):,.0f} per agreement), paid so far {paid / max(agreed, 1):.1%}"
    )


# --- measurement ----------------------------------------------------------------------------------------------


@dataclass
class Result:
    what: str
    persona: str
    samples: list[float]
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    from django.db import reset_queries

    for _ in range(warmup):
        fn()
    samples = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            reset_queries()
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
    finally:
        gc.enable()
    return samples


def personas() -> list[tuple[str, Any, str, Any]]:
    """(name, user, dashboard URL, StatsScope)."""
    from django.db.models import Sum
    from django.urls import reverse

    from tiaojie.accounts.models import User
    from tiaojie.analytics.access import StatsScope
    from tiaojie.analytics.models import MonthRollup
    from tiaojie.organisations.models import Membership, Organisation, SupervisorScope
    from tiaojie.reference.models import Division

    def busiest(length: int | None) -> str:
        qs = (
            MonthRollup.objects.filter(scope__startswith="o")
            if length is None
            else MonthRollup.objects.extra(where=["length(scope) = %s"], params=[length])
        )
        return qs.values_list("scope").annotate(n=Sum("received")).order_by("-n")[0][0]

    province, county, org_key = busiest(2), busiest(6), busiest(None)
    org = Organisation.objects.get(pk=int(org_key[1:]))

    def user(name: str) -> User:
        u, _ = User.objects.get_or_create(username=name, defaults={"display_name": name})
        Membership.objects.filter(user=u).delete()
        SupervisorScope.objects.filter(user=u).delete()
        return u

    national = user("bench-sup-national")
    SupervisorScope.objects.create(user=national, division=None, department="hrss")
    prov = user("bench-sup-province")
    SupervisorScope.objects.create(user=prov, division_id=province, department="hrss")
    cty = user("bench-sup-county")
    SupervisorScope.objects.create(user=cty, division_id=county, department="hrss")
    admin = user("bench-sup-orgadmin")
    Membership.objects.create(user=admin, organisation=org, role=Membership.Role.ADMIN)
    return [
        ("national", national, reverse("analytics:national"), StatsScope("nation")),
        (f"province {province}", prov, reverse("analytics:region", args=[province]),
         StatsScope("region", division=Division.objects.get(pk=province))),
        (f"county {county}", cty, reverse("analytics:region", args=[county]),
         StatsScope("region", division=Division.objects.get(pk=county))),
        (f"org admin o{org.pk}", admin, reverse("analytics:org", args=[org.pk]), StatsScope("org", organisation=org)),
    ]  # fmt: skip


def measure(args: argparse.Namespace) -> list[Result]:
    """Dashboards and case list for every persona first, then the naive baseline (slow: minutes at national
    scale), each of its statements bounded by --naive-timeout so a runaway cannot hide the other numbers."""
    from django.db import OperationalError, connection
    from django.test import Client

    from tiaojie.analytics.naive import NaiveSource
    from tiaojie.analytics.queries import build_dashboard
    from tiaojie.cases.access import cases_visible_to
    from tiaojie.cases.models import Case
    from tiaojie.cases.queries import case_page, encode_cursor, scope_divisions
    from tiaojie.lib.workdays import legal_date

    today = legal_date(dt.datetime.now(UTC))
    year = today.year
    results: list[Result] = []
    people = personas()
    for name, user, url, _scope in people:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        response = client.get(url, {"year": year})
        assert response.status_code == 200, (url, response.status_code)

        def request(client: Client = client, url: str = url) -> None:
            r = client.get(url, {"year": year})
            assert r.status_code == 200
            assert len(r.content) > 1000

        r = Result("dashboard", name, timed(request, args.repeat))
        results.append(r)
        log(f"  {name:<22} dashboard          p50 {r.p50:9.1f} ms  p95 {r.p95:9.1f} ms")

        def visible(user: Any = user) -> Any:
            user.__dict__.pop("_tiaojie_memberships", None)
            user.__dict__.pop("_tiaojie_scopes", None)
            return cases_visible_to(user)

        divisions = scope_divisions(user)  # what the list page passes (per-division read for a county)
        first = Result(
            "case list, first page",
            name,
            timed(lambda d=divisions: case_page(visible(), divisions=d).items, args.repeat),
        )
        results.append(first)
        # Deep: a cursor in the middle of the scope's date range (where following "more" would lead).
        oldest = visible().order_by("received_at", "id").values_list("received_at", flat=True).first()
        newest = visible().order_by("-received_at", "-id").values_list("received_at", flat=True).first()
        if oldest and newest:
            middle = oldest + (newest - oldest) / 2
            cursor = encode_cursor(Case(pk=2**62, received_at=middle))
            deep = Result(
                "case list, deep page",
                name,
                timed(lambda c=cursor, d=divisions: case_page(visible(), cursor=c, divisions=d).items, args.repeat),
            )
            results.append(deep)
            log(f"  {name:<22} list first / deep  p95 {first.p95:9.1f} / {deep.p95:.1f} ms")
    for name, _user, _url, scope in people:
        rolled = build_dashboard(scope, year=year, today=today, with_satisfaction=False)
        naive_out: list[Any] = []

        def naive(scope: Any = scope, out: list[Any] = naive_out) -> None:
            out[:] = [build_dashboard(scope, year=year, today=today, source=NaiveSource(), with_satisfaction=False)]

        with connection.cursor() as cur:
            cur.execute(f"SET statement_timeout = '{int(args.naive_timeout)}s'")
        try:
            r = Result("naive GROUP BY", name, timed(naive, args.naive_repeat, warmup=0))
        except OperationalError:
            r = Result("naive GROUP BY", name, [args.naive_timeout * 1000.0], note="timed out: at least this")
            log(f"  {name:<22} naive GROUP BY     a statement ran past {args.naive_timeout:.0f} s")
        finally:
            with connection.cursor() as cur:
                cur.execute("SET statement_timeout = 0")
        results.append(r)
        log(f"  {name:<22} naive GROUP BY     p50 {r.p50:9.1f} ms  p95 {r.p95:9.1f} ms {r.note}")
        if naive_out:
            check = naive_out[0]
            if [x.value for x in check.summary] != [x.value for x in rolled.summary]:
                log(f"  !! naive and rollup numbers differ for {name}")
                for a, b in zip(check.summary, rolled.summary, strict=True):
                    log(f"     {a.metric.id}: naive {a.value} rollup {b.value}")
            else:
                log(f"  {name:<22} naive and rollup numbers agree")
    return results


def report(results: list[Result], n_cases: int, build_s: float | None, args: argparse.Namespace) -> None:
    from django.db import connection

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\nsupervision benchmark: {n_cases:,} cases, {connection.vendor}, {os.cpu_count()} cores, "
        f"load average {load}; dashboard {args.repeat} runs, naive {args.naive_repeat} runs"
    )
    if build_s is not None:
        print(f"rollups rebuilt (set-based) in {build_s:,.1f} s")
    header = f"{'persona':<22} {'measurement':<22} {'p50 ms':>10} {'p95 ms':>10}"
    print(f"\n{header}\n{'-' * len(header)}")
    for r in results:
        print(f"{r.persona:<22} {r.what:<22} {r.p50:>10.1f} {r.p95:>10.1f} {r.note}")
    dash = {r.persona: r.p95 for r in results if r.what == "dashboard"}
    naive = {r.persona: r.p95 for r in results if r.what == "naive GROUP BY"}
    lists = [r.p95 for r in results if r.what.startswith("case list")]
    speedups = {p: naive[p] / dash[p] for p in dash if p in naive and dash[p]}
    for p, s in speedups.items():
        print(f"speedup {p}: {s:,.0f}x")
    print(
        f"dashboard_p95_ms={max(dash.values()):.1f} naive_p95_ms={max(naive.values()):.1f} "
        f"speedup={min(speedups.values()):.0f} list_p95_ms={max(lists):.1f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000_000)
    parser.add_argument("--orgs", type=int, default=20_000, help="organisations (default 20,000)")
    parser.add_argument("--workers", type=int, default=2, help="generator processes (default 2)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each fast measurement")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs of each naive GROUP BY")
    parser.add_argument("--naive-timeout", type=float, default=1800, help="seconds allowed to one naive statement")
    parser.add_argument("--reset", action="store_true", help="regenerate even if cases are present")
    parser.add_argument("--skip-rebuild", action="store_true", help="keep the rollups already built")
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to a throwaway PostgreSQL database: this script fills it")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()
    from bench.case_list import ensure_database
    from tiaojie.analytics.rollups import rebuild_all
    from tiaojie.cases.models import Case

    ensure_database()
    changed = generate(args)
    n_cases = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    build_s = None
    if changed and args.skip_rebuild:
        log("the data changed (generated or agreements added): rebuilding the rollups despite --skip-rebuild")
    if changed or not args.skip_rebuild:
        log("building the rollups (set-based rebuild)")
        t0 = time.perf_counter()
        rebuild_all(log=log)
        build_s = time.perf_counter() - t0
        log(f"rollups built in {build_s:,.1f} s")
    log("measuring")
    report(measure(args), n_cases, build_s, args)


if __name__ == "__main__":
    main()
