"""Employer risk at 100,000 cases: the page's two aggregates (analytics.risk.compute) against a per-employer
baseline (five queries per employer, what a naive list would do), in the same run, on the same data.

    DEBUG=1 DATABASE_URL=sqlite:////tmp/bench-risk.sqlite3 .venv/bin/python -m bench.employer_risk --cases 100000

The database must be a scratch one: the script migrates it and fills it (once; a re-run with as many cases goes
straight to measuring). Prints p50/p95 of each and the ratio; asserts only that both give the same figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--employers", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL must name a scratch database")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count, Q, Sum

    from tiaojie.analytics import risk
    from tiaojie.cases.models import Case, ClaimItem
    from tiaojie.lib.workdays import LEGAL_TZ
    from tiaojie.mediation.models import Agreement
    from tiaojie.organisations.models import Employer, Organisation
    from tiaojie.reference.models import Division, in_subtree_q

    call_command("migrate", verbosity=0)
    county = "330110"
    townships = list(Division.objects.filter(code__startswith=county, level=4).values_list("code", flat=True))
    if Case.objects.count() < args.cases:
        rng = random.Random(7)
        orgs = [
            Organisation.objects.create(name=f"【基准】调解中心{i}", type_id="township_centre", division_id=code)
            for i, code in enumerate(townships)
        ]
        employers = Employer.objects.bulk_create(
            [Employer(name=f"【基准】单位{i}", division_id=rng.choice(townships)) for i in range(args.employers)]
        )
        start = dt.datetime(2025, 1, 1, tzinfo=LEGAL_TZ)
        batch: list[Case] = []
        for _n in range(args.cases):
            org = rng.choice(orgs)
            at = start + dt.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
            day = at.date()
            batch.append(
                Case(
                    organisation=org,
                    division_id=org.division_id,
                    # Zipf-like: a few employers have many disputes.
                    employer=employers[min(int(rng.paretovariate(1.1)) - 1, len(employers) - 1)]
                    if rng.random() < 0.5
                    else rng.choice(employers),
                    channel="walk_in",
                    facts="基准",
                    received_at=at,
                    acceptance_from=day,
                    acceptance_due=day,
                    clock_a_due=day,
                    worker_count=12 if rng.random() < 0.01 else 1,
                )
            )
            if len(batch) == 5000:
                created = Case.objects.bulk_create(batch)
                ClaimItem.objects.bulk_create(
                    [
                        ClaimItem(case=c, type="wages", amount_claimed=Decimal(rng.randrange(1000, 90000)))
                        for c in created
                    ]
                )
                batch = []
        if batch:
            created = Case.objects.bulk_create(batch)
            ClaimItem.objects.bulk_create(
                [ClaimItem(case=c, type="wages", amount_claimed=Decimal(rng.randrange(1000, 90000))) for c in created]
            )
    as_of = dt.date(2026, 6, 30)
    cases = Case.objects.filter(in_subtree_q("division_id", county))

    def fast() -> dict[int, tuple[object, ...]]:
        return {
            r.employer_id: (r.cases, r.amount, r.collective, r.organisations, r.level)
            for r in risk.compute(cases, as_of)
        }

    def naive() -> dict[int, tuple[object, ...]]:
        start, end = risk.window(as_of)
        window = cases.filter(received_at__gte=start, received_at__lt=end)
        out: dict[int, tuple[object, ...]] = {}
        for employer_id in window.values_list("employer_id", flat=True).distinct():
            mine = window.filter(employer_id=employer_id)
            r = risk.EmployerRisk(
                employer_id,
                cases=mine.count(),
                amount=Decimal(ClaimItem.objects.filter(case__in=mine).aggregate(s=Sum("amount_claimed"))["s"] or 0)
                .quantize(Decimal("0.01")),
                collective=mine.filter(worker_count__gte=risk.COLLECTIVE_WORKERS).count(),
                organisations=mine.values("organisation_id").distinct().count(),
                unperformed=Agreement.objects.filter(
                    Q(case__employer_id=employer_id) & Q(case__in=cases), effective_at__isnull=False,
                    payments__paid_on__isnull=True, payments__due_date__lt=as_of,
                ).aggregate(n=Count("id", distinct=True))["n"],
            )  # fmt: skip
            risk.grade(r)
            out[employer_id] = (r.cases, r.amount, r.collective, r.organisations, r.level)
        return out

    def timed(
        fn: Callable[[], dict[int, tuple[object, ...]]], repeat: int
    ) -> tuple[dict[int, tuple[object, ...]], float, float]:
        fn()
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        return result, statistics.median(times), times[min(len(times) - 1, round(0.95 * len(times)) - 1)]

    a, fast50, fast95 = timed(fast, args.repeat)
    b, naive50, naive95 = timed(naive, max(2, args.repeat // 3))
    assert a == b, "the aggregate and the baseline disagree"
    total = Case.objects.count()
    print(
        f"cases={total} employers_graded={len(a)} compute_p50_ms={fast50:.1f} compute_p95_ms={fast95:.1f} "
        f"naive_p50_ms={naive50:.1f} naive_p95_ms={naive95:.1f} ratio_p50={naive50 / fast50:.1f}"
    )


if __name__ == "__main__":
    main()
