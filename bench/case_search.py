"""Benchmark: the case list's search box at a million cases (issue 13, item 8).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench_search .venv/bin/python -m bench.case_search

Fills its own database once (the case-list benchmark's generator, bench/case_list.py, plus what a search
needs and that generator leaves empty: real ID and mobile numbers with their blind indexes, case numbers per
organisation and year, and more employers), then times the list page's read, `case_page(filter_cases(
cases_visible_to(user), CaseFilters(q=…)))`, for every kind of term and three personas (a mediator of the
busiest organisation, the supervisor of the busiest county, a national supervisor). Each persona's unfiltered
first page is timed in the same run as the baseline, and every search prints its ratio to it. Each search is
checked to find the case its term was taken from. See bench/README.md; figures in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import django

from bench import case_list as base

# The generator's Case and Worker columns, plus the ones a search reads.
CASE_COLUMNS = (*base.CASE_COLUMNS, "number", "number_year", "number_seq", "numbered_by_id")
WORKER_COLUMNS = base.WORKER_COLUMNS


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _id_number(rng: random.Random, region: str, serial: int) -> str:
    from tiaojie.lib.idnumbers import id_check_char

    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 45))
    first17 = f"{region}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_char(first17)


def searchable_rows(
    rng: random.Random, world: base.World, n: int, now: dt.datetime, prefixes: dict[int, str]
) -> Iterator[tuple[tuple, tuple, tuple, list[tuple]]]:
    """bench.case_list.generate_rows, with each case numbered in order of receipt (per organisation and Beijing
    year, as cases.actions allocates them) and each worker given a real ID and mobile number, blind-indexed."""
    from tiaojie.cases.models import format_case_number
    from tiaojie.lib import crypto
    from tiaojie.lib.idnumbers import mask_id_number, mask_phone

    counters: dict[tuple[int, int], int] = defaultdict(int)
    for case, worker, link, claims in base.generate_rows(rng, world, n, now):
        org_id, received = case[2], case[8]
        year = (received + base.BEIJING).year
        counters[(org_id, year)] += 1
        seq = counters[(org_id, year)]
        case = (*case, format_case_number(prefixes[org_id], year, seq), year, seq, org_id)
        id_number = _id_number(rng, case[3][:6], case[0])
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        worker = (
            *worker[:3], "", crypto.blind_index("id", id_number), mask_id_number(id_number),
            "", crypto.blind_index("phone", phone), mask_phone(phone), *worker[9:],
        )  # fmt: skip
        yield case, worker, link, claims


def generate(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.utils import timezone

    from tiaojie.cases.models import Case, CaseNumberCounter, CaseWorker, ClaimItem, Worker
    from tiaojie.organisations.models import Organisation

    existing = Case.objects.count()
    if existing >= args.cases and not args.reset:
        log(f"{existing:,} cases already present (>= {args.cases:,}): skipping generation")
        return
    if existing and not args.reset:
        raise SystemExit(f"the database holds {existing:,} cases, fewer than {args.cases:,}: pass --reset")
    if existing or args.reset:
        base.reset_bench_data()
        CaseNumberCounter.objects.all().delete()
    rng = random.Random(args.seed)
    world = base.build_world(rng, args.orgs, args.employers)
    # bulk_create skipped Organisation.save, which fills the prefix: give them theirs as an admin would see.
    prefixes = {}
    for org in Organisation.objects.filter(name__startswith=base.BENCH_MARK).select_related("division"):
        org.case_prefix = org.derived_case_prefix()
        prefixes[org.pk] = org.case_prefix
        Organisation.objects.filter(pk=org.pk).update(case_prefix=org.case_prefix)
    log(f"{len(world.organisations)} organisations, {args.employers} employers")
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
    tables = [
        base.table_for(Case, CASE_COLUMNS),
        base.table_for(Worker, WORKER_COLUMNS),
        base.table_for(CaseWorker, base.CASE_WORKER_COLUMNS),
        base.table_for(ClaimItem, base.CLAIM_COLUMNS),
    ]
    started = time.perf_counter()
    buffers: list[list[tuple]] = [[], [], [], []]
    done = 0
    last: dict[tuple[int, int], int] = {}

    def flush() -> None:
        base.write_chunk(list(zip(tables, buffers, strict=True)))
        for rows in buffers:
            rows.clear()

    for case, worker, link, claims in searchable_rows(rng, world, args.cases, timezone.now(), prefixes):
        buffers[0].append(case)
        buffers[1].append(worker)
        buffers[2].append(link)
        buffers[3].extend(claims)
        last[(case[-1], case[-3])] = case[-2]
        done += 1
        if len(buffers[0]) >= base.CHUNK:
            flush()
            log(f"  cases {done:>10,} / {args.cases:,}  {done / (time.perf_counter() - started):,.0f} cases/s")
    if buffers[0]:
        flush()
    CaseNumberCounter.objects.bulk_create(
        [CaseNumberCounter(organisation_id=o, year=y, last=n) for (o, y), n in last.items()]
    )
    log(f"generated {args.cases:,} cases in {time.perf_counter() - started:,.0f} s")
    with connection.cursor() as cur:
        for table in (t.name for t in tables):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        for table in [t.name for t in tables] + ["organisations_employer"]:
            t0 = time.perf_counter()
            cur.execute(f"VACUUM (ANALYZE) {table}")
            log(f"  VACUUM (ANALYZE) {table}: {time.perf_counter() - t0:.1f} s")


@dataclass
class Term:
    kind: str
    text: str
    expect_pk: int | None  # the case the term was taken from: it must be on the first page


def terms_for(rng: random.Random, visible: Any, now: dt.datetime) -> list[Term]:
    """Terms taken from a case in the middle of the persona's visible set (not the newest, so the first page
    cannot find it by luck). The ID and phone of the generated workers are not stored in clear, so the ones
    searched for are set on that case's worker here (through the model, as registration would)."""
    from tiaojie.cases.models import CaseWorker
    from tiaojie.lib.idnumbers import validate_credit_code

    total = visible.count()
    case = visible.order_by("-received_at", "-id").select_related("employer")[total // 2]
    worker = CaseWorker.objects.select_related("worker").get(case=case).worker
    id_number = _id_number(rng, case.division_id[:6], 999_000 + case.pk % 1000)
    phone = f"19{rng.randrange(10**9):09d}"
    worker.set_id_number(id_number)
    worker.set_phone(phone)
    worker.save(update_fields=["id_number_index", "id_number_masked", "phone_index", "phone_masked", "sex"])
    name_part = case.employer.name.removeprefix(base.BENCH_MARK)
    terms = [
        Term("case number, as written", case.number, case.pk),
        Term("case number, year-seq", f"{case.number_year}-{case.number_seq}", None),
        Term("worker name (exact)", worker.name, None),
        Term("ID number (blind index)", id_number, case.pk),
        Term("phone (blind index)", phone, case.pk),
        Term("employer, 4+ characters", name_part[-8:], None),
        Term("employer, 2 characters", name_part[:2], None),
        Term("employer, common (有限公司)", "有限公司", None),
        Term("no match (张三丰)", "张三丰", None),
    ]
    if case.employer.credit_code:
        validate_credit_code(case.employer.credit_code)
        terms.append(Term("credit code", case.employer.credit_code, None))
    return terms


def measure(args: argparse.Namespace) -> list[tuple[str, str, base.Result, base.Result, int]]:
    from tiaojie.cases.access import cases_visible_to
    from tiaojie.cases.queries import CaseFilters, case_page, filter_cases, scope_divisions

    rng = random.Random(args.seed + 1)
    personas = [p for p in base.make_personas() if p.name in ("mediator", "county", "national")]
    out = []
    for persona in personas:
        user = persona.user

        def visible(q: str = "", user: Any = user) -> Any:
            user.__dict__.pop("_tiaojie_memberships", None)
            user.__dict__.pop("_tiaojie_scopes", None)
            return filter_cases(cases_visible_to(user), CaseFilters(q=q))

        def page(q: str = "", user: Any = user) -> Callable[[], list[int]]:
            # As cases.views.case_list reads it (the per-division read is for unfiltered county pages).
            return lambda: [c.pk for c in case_page(visible(q), divisions=None if q else scope_divisions(user)).items]

        log(f"{persona.name}: {persona.scope}")
        baseline = base.Result(persona.name, "first page, no search", "keyset", 0, base.timed(page(), args.repeat))
        log(f"  baseline p50 {baseline.p50:.1f} p95 {baseline.p95:.1f} ms")
        for term in terms_for(rng, visible(), dt.datetime.now(dt.UTC)):
            ids = page(term.text)()
            if term.expect_pk is not None:
                assert term.expect_pk in ids, f"{term.kind}: {term.text!r} did not find case {term.expect_pk}"
            result = base.Result(persona.name, term.kind, "search", 0, base.timed(page(term.text), args.repeat))
            if args.explain or result.p95 > args.slow_ms:
                result.plan = base.explain(page(term.text))
            log(f"  {term.kind:<28} {len(ids):>3} rows  p50 {result.p50:8.1f}  p95 {result.p95:8.1f} ms")
            out.append((persona.name, term.text, result, baseline, len(ids)))
    return out


def report(results: list[tuple[str, str, base.Result, base.Result, int]], n_cases: int, repeat: int) -> None:
    from django.db import connection
    from django.db.models import Count

    from tiaojie.organisations.models import Employer

    with connection.cursor() as cur:
        cur.execute("SELECT extversion FROM pg_extension WHERE extname = 'pg_trgm'")
        trgm = cur.fetchone()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    employers = Employer.objects.aggregate(n=Count("id"))["n"]
    print(
        f"\ncase search benchmark: {n_cases:,} cases, {employers:,} employers, on {connection.vendor}, "
        f"pg_trgm {trgm[0] if trgm else 'absent'}, {repeat} runs each, {os.cpu_count()} cores, load {load}"
    )
    header = f"{'persona':<9} {'search':<28} {'rows':>4} {'p50 ms':>8} {'p95 ms':>8} {'base p95':>9} {'ratio':>6}"
    print(f"{header}\n{'-' * len(header)}")
    worst, worst_ratio = 0.0, 0.0
    for persona, _text, r, b, rows in results:
        ratio = r.p95 / b.p95
        worst, worst_ratio = max(worst, r.p95), max(worst_ratio, ratio)
        print(f"{persona:<9} {r.name:<28} {rows:>4} {r.p50:>8.1f} {r.p95:>8.1f} {b.p95:>9.1f} {ratio:>5.1f}x")
    for persona, _text, r, _b, _rows in results:
        if r.plan:
            print(f"\n--- plan: {persona} / {r.name} (p95 {r.p95:.1f} ms) ---")
            print("\n".join(r.plan))
    print(f"\ncases={n_cases} search_worst_p95_ms={worst:.1f} worst_ratio_to_first_page={worst_ratio:.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--employers", type=int, default=30_000, help="employers (default 30,000)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--slow-ms", type=float, default=50.0, help="print the plan of searches slower than this")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a throwaway PostgreSQL database (bench/README.md): this script fills it")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()

    from tiaojie.cases.models import Case

    base.ensure_database()
    generate(args)
    n_cases = Case.objects.count()
    report(measure(args), n_cases, args.repeat)


if __name__ == "__main__":
    main()
