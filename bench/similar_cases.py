"""Benchmark: the similar cases panel at a few thousand candidates (issue 15 item 5).

    DEBUG=1 DATABASE_URL=sqlite:////tmp/similar_bench.sqlite3 .venv/bin/python -m bench.similar_cases
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_similar .venv/bin/python -m bench.similar_cases

Migrates the database, fills one organisation with --cases ended cases (once: a re-run finds them), all of them
candidates of the case measured (they share its claim types, a tenth its employer), then times in the same run:
the case page without the panel (the baseline), the case page with it, and the panel alone. Prints the p50 and
p95 of each and the ratio page-with / page-without, and the panel's query count.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal

import django

MARK = "【相似基准】"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL: this script fills the database")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)

    from tiaojie.accounts.models import User
    from tiaojie.cases import panels
    from tiaojie.cases.access import access_case
    from tiaojie.cases.models import Case, ClaimItem, Status
    from tiaojie.cases.tests.factories import make_case
    from tiaojie.mediation.similar import similar_cases_panel
    from tiaojie.organisations.models import Employer, Membership
    from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory

    user = User.objects.filter(username="similar_bench").first()
    if user is None:
        org = OrganisationFactory(name=f"{MARK}调解中心")
        user = MembershipFactory(user__username="similar_bench", organisation=org).user
    org = Membership.objects.get(user=user).organisation
    here = Case.objects.filter(organisation=org, status=Status.MEDIATING).first() or _fill(
        org, user, args.cases, make_case, Case, ClaimItem, Employer, Status
    )
    client = Client()
    client.force_login(user)
    url = f"/cases/{here.pk}/"

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    factories = panels._factories
    without = [f for f in factories if f is not similar_cases_panel]

    def page_without() -> None:
        panels._factories[:] = without
        try:
            page()
        finally:
            panels._factories[:] = factories_all

    factories_all = list(factories)

    def panel_alone() -> None:
        request = RequestFactory().get(url)
        request.user = User.objects.get(pk=user.pk)
        case = access_case(request.user, here.pk)
        similar_cases_panel(request, case, True)

    request = RequestFactory().get(url)
    request.user = User.objects.get(pk=user.pk)
    case = access_case(request.user, here.pk)
    with CaptureQueriesContext(connection) as ctx:
        rows = similar_cases_panel(request, case, True)
    assert rows is not None and len(rows.context["rows"]) == 10
    candidates = Case.objects.filter(organisation=org).exclude(pk=here.pk).count()

    results = {name: _time(fn, args.repeat) for name, fn in (
        ("page_without_panel", page_without), ("page_with_panel", page), ("panel_alone", panel_alone)
    )}  # fmt: skip
    for name, (p50, p95) in results.items():
        print(f"{name:20} p50={p50:7.1f} ms p95={p95:7.1f} ms", file=sys.stderr)
    ratio = results["page_with_panel"][0] / results["page_without_panel"][0]
    print(
        f"db={connection.vendor} candidates={candidates} panel_queries={len(ctx.captured_queries)} "
        f"panel_p50_ms={results['panel_alone'][0]:.1f} panel_p95_ms={results['panel_alone'][1]:.1f} "
        f"page_without_p50_ms={results['page_without_panel'][0]:.1f} "
        f"page_with_p50_ms={results['page_with_panel'][0]:.1f} ratio={ratio:.2f}"
    )


def _time(fn, repeat: int) -> tuple[float, float]:
    for _ in range(2):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def _fill(org, user, n, make_case, Case, ClaimItem, Employer, Status):
    from tiaojie.cases.actions import ClaimInput, EmployerInput

    rng = random.Random(15)
    facts = (
        "申请人在被申请人处从事{job}工作，被申请人拖欠工资{m}个月。",
        "申请人长期加班，被申请人未支付加班费，后以经营困难为由辞退申请人。",
        "被申请人未签订书面劳动合同，申请人要求支付二倍工资和经济补偿。",
        "申请人在工作中受伤，被申请人未缴纳社保，要求支付工伤待遇。",
        "被申请人搬迁后调岗降薪，申请人被迫离职，要求经济补偿。",
    )
    jobs = ("骑手", "保安", "保洁", "司机", "厨师", "装配")
    employers = [Employer.objects.create(name=f"{MARK}用人单位{i}", division_id=org.division_id) for i in range(50)]
    here = make_case(
        org,
        user,
        employer=EmployerInput(name="", existing_id=employers[0].pk),
        claims=[ClaimInput(type="overtime", amount=Decimal("12000")), ClaimInput(type="compensation")],
        facts=facts[1] + facts[0].format(job="骑手", m=2),
    )
    Case.objects.filter(pk=here.pk).update(status=Status.MEDIATING)
    template = Case.objects.get(pk=here.pk)
    clones = []
    for i in range(n):
        c = Case(**{f.attname: getattr(template, f.attname) for f in Case._meta.concrete_fields if not f.primary_key})
        c.number = f"{MARK}{i}"
        c.number_seq = None
        c.status = rng.choice((Status.CLOSED, Status.CLOSED, Status.FAILED, Status.WITHDRAWN, Status.AGREED))
        c.employer_id = employers[0].pk if i % 10 == 0 else rng.choice(employers).pk
        c.facts = "".join(rng.sample(facts, 2)).format(job=rng.choice(jobs), m=rng.randint(1, 6)) * 3
        c.ended_at = c.received_at
        c.closed_at = c.received_at if c.status == Status.CLOSED else None
        clones.append(c)
    Case.objects.bulk_create(clones, batch_size=500)
    claims = []
    for c in Case.objects.filter(organisation=org).exclude(pk=here.pk).only("pk"):
        for t in rng.sample(("overtime", "compensation", "wages", "double_wage"), 2):
            claims.append(ClaimItem(case_id=c.pk, type=t, amount_claimed=Decimal(rng.randint(1000, 90000))))
    ClaimItem.objects.bulk_create(claims, batch_size=1000)
    template.refresh_from_db()
    return template


if __name__ == "__main__":
    main()
