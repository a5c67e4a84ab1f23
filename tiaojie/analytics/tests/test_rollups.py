"""The rollups agree with a naive GROUP BY over the cases, for random histories that include re-routed and
re-opened cases and mediation agreements that take effect and are paid later; the set-based rebuild gives
the same rows as the incremental path."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
import time_machine

from tiaojie.analytics import rollups
from tiaojie.analytics.models import CaseFact, DimRollup, MonthRollup, OpenDueRollup
from tiaojie.analytics.naive import NaiveSource
from tiaojie.analytics.queries import RollupSource
from tiaojie.cases.actions import (
    Actor,
    ClaimInput,
    StaleCaseError,
    do_add_claim_item,
    do_transition_case,
    record_case_event,
)
from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.transitions import ActorKind, transitions_from
from tiaojie.intake.actions import do_reroute_case
from tiaojie.lib.workdays import LEGAL_TZ, legal_date
from tiaojie.mediation import actions as mediation
from tiaojie.mediation.models import Agreement, Payment
from tiaojie.mediation.tests.factories import pdf_upload, sign_all
from tiaojie.organisations.models import Membership
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tiaojie.reference.models import Division

pytestmark = pytest.mark.django_db
TODAYS = [dt.date(2025, 3, 1), dt.date(2025, 7, 15), dt.date(2026, 1, 10)]
YEARS = [2024, 2025, 2026]


def _normalise(value):
    if isinstance(value, Decimal | float):
        return Decimal(str(round(float(value), 2)))
    return value


def _norm_months(data):
    return {
        scope: {m: [_normalise(v) for v in counts] for m, counts in months.items() if any(counts)}
        for scope, months in data.items()
        if any(any(c) for c in months.values())
    }


def _norm_dims(data):
    return {k: [_normalise(v) for v in counts] for k, counts in data.items() if any(counts)}


@pytest.fixture
def world(db):
    guangzhou = Division.objects.filter(level=Division.Level.TOWNSHIP, code__startswith="4401").order_by("code").first()
    orgs = [
        OrganisationFactory(name="仓前", division_id="330110012"),
        OrganisationFactory(name="闲林", division_id="330110005"),
        OrganisationFactory(name="蒋村", division_id="330106011"),
        OrganisationFactory(name="余杭仲裁院调解中心", division_id="330110", type_id="arbitration_centre"),
        OrganisationFactory(name="广州", division_id=guangzhou.code, type_id="people_mediation"),
    ]
    staff = UserFactory(username="staff_all")
    for org in orgs:
        MembershipFactory(user=staff, organisation=org, role=Membership.Role.ADMIN)
    return orgs, staff


def _at(when: dt.datetime):
    return time_machine.travel(when, tick=False)


def _make_agreement_effective(
    case, staff, when: dt.datetime, capture, *, share=Decimal(1), extra=None, instalments: int = 1
) -> Agreement:
    """Draft an agreement from the case's claims (agreed = claimed × share, plus optional new items of other
    types), schedule it in instalments and record the four signatures at `when`: the last makes it effective
    and moves the case mediating → agreed, as in production."""
    actor = Actor(ActorKind.STAFF, staff)
    with _at(when), capture(execute=True):
        agreement = mediation.do_create_agreement(case=case, actor=actor)
        items = [
            mediation.ItemInput(item_id=i.pk, amount_agreed=((i.amount_claimed or Decimal(0)) * share).quantize(
                Decimal("0.01")))
            for i in agreement.items.all()
        ] + [mediation.ItemInput(item_id=None, type=t, amount_agreed=a) for t, a in (extra or [])]  # fmt: skip
        total = sum((i.amount_agreed for i in items), Decimal(0))
        n = instalments if total else 0
        first = (total / n).quantize(Decimal("0.01")) if n else Decimal(0)
        due = legal_date(when) + dt.timedelta(days=10)
        payments = [
            mediation.PaymentInput(
                due_date=due + dt.timedelta(days=30 * k), amount=first if k else total - first * (n - 1)
            )
            for k in range(n)
        ]
        data = mediation.AgreementInput(items=items, payments=payments, payment_method=Agreement.Method.BANK_TRANSFER)
        agreement = mediation.do_update_agreement(
            agreement=agreement, data=data, expected_version=agreement.version, actor=actor
        )
        sign_all(agreement, staff)
    case.refresh_from_db()
    assert case.status == Status.AGREED
    return agreement


def _pay_next(case, staff, when: dt.datetime, capture) -> Payment | None:
    """Record the next unpaid instalment of the case's agreement as paid on `when` (the last one closes the
    case); None when nothing is left to pay."""
    payment = Payment.objects.filter(agreement__case=case, paid_on__isnull=True).order_by("seq").first()
    if payment is None:
        return None
    upload = pdf_upload("bank-slip.pdf")
    with _at(when), capture(execute=True):
        mediation.do_mark_payment_paid(
            payment=payment, paid_on=legal_date(when), upload=upload, name=upload.name, size=upload.size,
            actor=Actor(ActorKind.STAFF, staff),
        )  # fmt: skip
    case.refresh_from_db()
    return payment


def _random_history(rng: random.Random, orgs, staff, n_cases: int, capture) -> list[Case]:
    actor = Actor(ActorKind.STAFF, staff)
    cases = []
    start = dt.datetime(2024, 1, 1, 9, tzinfo=LEGAL_TZ)
    claim_types = ["wages", "overtime", "compensation", "work_injury", "labour_relationship"]
    for i in range(n_cases):
        received = start + dt.timedelta(days=rng.randint(0, 700), hours=rng.randint(0, 23))
        workers = rng.choice([1, 1, 1, 2, 12])
        from tiaojie.cases.actions import WorkerInput
        from tiaojie.cases.tests.factories import valid_id_number

        with capture(execute=True):
            case = make_case(
                rng.choice(orgs),
                staff,
                received_at=received,
                channel=rng.choice(["online", "walk_in", "hotline", "referral"]),
                workers=[WorkerInput(name=f"工人{i}-{k}", id_number=valid_id_number()) for k in range(workers)],
                claims=[
                    ClaimInput(type=t, amount=None if t == "labour_relationship" else Decimal(rng.randint(100, 90000)))
                    for t in rng.sample(claim_types, rng.randint(1, 3))
                ],
            )
        moment = received
        for _step in range(rng.randint(0, 9)):
            case.refresh_from_db()
            if case.status == Status.RECEIVED and rng.random() < 0.25:
                target = rng.choice([o for o in orgs if o.pk != case.organisation_id])
                with capture(execute=True):
                    do_reroute_case(case=case, to=target, actor=actor, reason="转交测试")
                continue
            if case.is_open and rng.random() < 0.15:
                with capture(execute=True):
                    do_add_claim_item(case=case, type=rng.choice(claim_types), amount=Decimal(1000), actor=actor)
                continue
            if case.status == Status.MEDIATING and rng.random() < 0.6:
                moment += dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(1, 20))
                _make_agreement_effective(
                    case, staff, moment, capture,
                    share=Decimal(rng.choice(["1", "0.8", "0.55"])),
                    extra=[("notice_pay", Decimal(rng.randint(500, 9000)))] if rng.random() < 0.3 else None,
                    instalments=rng.randint(1, 3),
                )  # fmt: skip
                continue
            if case.status == Status.AGREED and rng.random() < 0.7:
                moment += dt.timedelta(days=rng.randint(0, 45), hours=rng.randint(1, 20))
                if _pay_next(case, staff, moment, capture) is not None:
                    continue
            options = transitions_from(case.status, ActorKind.STAFF)
            if not options:
                break
            forward = [t for t in options if t.target in (Status.ACCEPTED, Status.MEDIATING)]
            if forward and rng.random() < 0.4:
                options = forward  # more cases reach mediation, and so an agreement
            transition = rng.choice(options)
            moment += dt.timedelta(days=rng.randint(0, 40), hours=rng.randint(1, 20))
            try:
                with capture(execute=True):
                    do_transition_case(case=case, to=transition.target, actor=actor, reason="测试", at=moment)
            except StaleCaseError:
                pass
        cases.append(case)
    return cases


def _agreement_scenarios(orgs, staff, capture) -> dict[str, Case]:
    """Histories the random ones may miss, each with an agreement."""
    actor = Actor(ActorKind.STAFF, staff)

    def bj(*args) -> dt.datetime:
        return dt.datetime(*args, tzinfo=LEGAL_TZ)

    def move(case, to, when, reason="测试"):
        with capture(execute=True):
            do_transition_case(case=case, to=to, actor=actor, reason=reason, at=when)

    out = {}
    # Re-routed before acceptance, agreed in March, paid in March and (the rest) in May, which closes it.
    with capture(execute=True):
        case = make_case(orgs[0], staff, received_at=bj(2025, 2, 10, 10))
        do_reroute_case(case=case, to=orgs[2], actor=actor, reason="不属本辖区")
    move(case, Status.ACCEPTED, bj(2025, 2, 11, 9))
    move(case, Status.MEDIATING, bj(2025, 2, 12, 9))
    _make_agreement_effective(case, staff, bj(2025, 3, 5, 15), capture, share=Decimal("0.8"), instalments=2)
    _pay_next(case, staff, bj(2025, 3, 20, 10), capture)
    _pay_next(case, staff, bj(2025, 5, 10, 10), capture)
    assert case.status == Status.CLOSED
    out["rerouted"] = case
    # Re-opened after its handling ended (settled, not performed: back to received), then mediated; the
    # agreement takes effect at 00:30 on New Year's Day in Beijing, still 31 December in UTC.
    with capture(execute=True):
        case = make_case(orgs[1], staff, received_at=bj(2024, 12, 2, 9))
    move(case, Status.NEGOTIATING, bj(2024, 12, 3, 9))
    move(case, Status.SETTLED, bj(2024, 12, 6, 9))
    move(case, Status.RECEIVED, bj(2024, 12, 10, 9), reason="和解协议未履行")
    move(case, Status.ACCEPTED, bj(2024, 12, 11, 9))
    move(case, Status.MEDIATING, bj(2024, 12, 12, 9))
    _make_agreement_effective(case, staff, bj(2025, 1, 1, 0, 30), capture, instalments=2)
    _pay_next(case, staff, bj(2025, 1, 15, 10), capture)
    out["reopened"] = case
    # An item the claims did not have, paid in part, then closed by staff (the worker goes for a 支付令).
    with capture(execute=True):
        case = make_case(orgs[3], staff, received_at=bj(2025, 6, 1, 10))
    move(case, Status.ACCEPTED, bj(2025, 6, 2, 9))
    move(case, Status.MEDIATING, bj(2025, 6, 3, 9))
    _make_agreement_effective(
        case, staff, bj(2025, 6, 20, 16), capture, extra=[("notice_pay", Decimal("4200.50"))], instalments=3
    )
    _pay_next(case, staff, bj(2025, 7, 2, 10), capture)
    move(case, Status.CLOSED, bj(2025, 8, 1, 9))
    out["closed_in_part"] = case
    return out


def _keys(orgs):
    return ["", "33", "3301", "330110", "330110012", "330110005", "330106", "330106011", "44", "4401",
            *(f"o{o.pk}" for o in orgs)]  # fmt: skip


def _assert_sources_agree(keys):
    rollup, naive = RollupSource(), NaiveSource()
    for year in YEARS:
        assert _norm_months(rollup.months(keys, year)) == _norm_months(naive.months(keys, year)), year
        for key in keys:
            assert _norm_dims(rollup.dims(key, year)) == _norm_dims(naive.dims(key, year)), (key, year)
    for today in TODAYS:
        got = {k: v for k, v in rollup.overdue(keys, today).items() if v}
        want = {k: v for k, v in naive.overdue(keys, today).items() if v}
        assert got == want, today


def _table_rows():
    def rows(model, key_fields, value_fields):
        out = {}
        for row in model.objects.values_list(*key_fields, *value_fields):
            values = tuple(_normalise(v) for v in row[len(key_fields) :])
            if any(values):
                out[tuple(str(k) for k in row[: len(key_fields)])] = values
        return out

    from tiaojie.analytics.models import COUNTER_FIELDS

    return (
        rows(MonthRollup, ("scope", "month"), COUNTER_FIELDS),
        rows(DimRollup, ("scope", "year", "dim", "key"), COUNTER_FIELDS),
        rows(OpenDueRollup, ("scope", "due"), ("open_cases",)),
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_match_naive_group_by_and_rebuild(world, django_capture_on_commit_callbacks, seed):
    orgs, staff = world
    rng = random.Random(seed)
    cases = _random_history(rng, orgs, staff, 45, django_capture_on_commit_callbacks)
    scenarios = _agreement_scenarios(orgs, staff, django_capture_on_commit_callbacks)
    # The histories must exercise what the incremental path finds hard.
    rerouted = CaseEvent.objects.filter(kind=CaseEvent.Kind.REROUTED).values("case").distinct().count()
    assert rerouted >= 3
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"closed", "received", "agreed"} <= statuses
    if "settled" in Status.values:
        # Re-opened: back to received after negotiation or an unperformed settlement (transitions of issue 8).
        reopened = CaseEvent.objects.filter(kind="transition", to_status="received").count()
        assert reopened >= 1
    effective = Agreement.objects.filter(effective_at__isnull=False)
    assert effective.count() >= 3 + 3  # random ones and the scenarios
    paid_later = [
        p for p in Payment.objects.filter(paid_on__isnull=False).select_related("agreement")
        if p.paid_on.replace(day=1) > legal_date(p.agreement.effective_at).replace(day=1)
    ]  # fmt: skip
    assert paid_later, "a payment recorded after the month the agreement took effect"
    assert Payment.objects.filter(agreement__in=effective, paid_on__isnull=True).exists()
    assert CaseFact.objects.count() == len(cases) + len(scenarios)

    keys = _keys(orgs)
    _assert_sources_agree(keys)

    incremental = _table_rows()
    rollups.rebuild_all()
    assert _table_rows() == incremental
    _assert_sources_agree(keys)
    # The rebuild's facts are the snapshots the incremental path would write: refreshing changes nothing.
    for case_id in Case.objects.values_list("pk", flat=True):
        rollups.refresh_case(case_id)
    assert _table_rows() == incremental


def test_agreed_and_paid_amounts_follow_the_agreement(world, django_capture_on_commit_callbacks):
    """Dated by the agreement's effect in Beijing time, counted where the case is now, paid amounts added to
    the agreement's month when they are recorded, by claim type with each item's own type."""
    orgs, staff = world
    scenarios = _agreement_scenarios(orgs, staff, django_capture_on_commit_callbacks)

    def month(scope, year, m):
        return MonthRollup.objects.filter(scope=scope, month=dt.date(year, m, 1)).first()

    rerouted = Agreement.objects.get(case=scenarios["rerouted"])
    total = sum((i.amount_agreed for i in rerouted.items.all()), Decimal(0))
    assert total == Decimal("10000.00")  # 12,500 claimed × 0.8
    march = month("330106011", 2025, 3)  # the organisation it was re-routed to
    assert (march.amount_agreed, march.amount_paid) == (total, total)  # the May payment counts in March
    assert month("330110012", 2025, 3) is None or month("330110012", 2025, 3).amount_agreed == 0
    assert month("330106011", 2025, 5).amount_paid == 0
    assert month("330106011", 2025, 5).closed == 1

    # 00:30 on 1 January in Beijing is 31 December in UTC: the agreement counts in January 2025.
    january = month(f"o{orgs[1].pk}", 2025, 1)
    assert january.amount_agreed == Decimal("12500.00")
    assert january.amount_paid == Decimal("6250.00")
    assert month(f"o{orgs[1].pk}", 2024, 12).amount_agreed == 0

    june = month("330110", 2025, 6)  # the county-level arbitration centre counts in the county
    assert june.amount_agreed == Decimal("16700.50")
    claim_types = {
        r.key: r.amount_agreed for r in DimRollup.objects.filter(scope=f"o{orgs[3].pk}", year=2025, dim="claim_type")
    }
    assert claim_types == {"wages": Decimal("12500.00"), "notice_pay": Decimal("4200.50")}
    assert DimRollup.objects.get(
        scope=f"o{orgs[3].pk}", year=2025, dim="org_type", key="arbitration_centre"
    ).amount_paid == Decimal("5566.84")


def test_refresh_is_idempotent_and_follows_a_reroute(world, django_capture_on_commit_callbacks, admin_a):
    orgs, staff = world
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(orgs[0], staff, received_at=dt.datetime(2025, 5, 5, 10, tzinfo=LEGAL_TZ))
    assert MonthRollup.objects.get(scope="330110012", month=dt.date(2025, 5, 1)).received == 1
    rollups.refresh_case(case.pk)
    rollups.refresh_case(case.pk)
    assert MonthRollup.objects.get(scope="330110012", month=dt.date(2025, 5, 1)).received == 1
    with django_capture_on_commit_callbacks(execute=True):
        do_reroute_case(case=case, to=orgs[2], actor=Actor(ActorKind.STAFF, staff), reason="不属本辖区")
    assert MonthRollup.objects.get(scope="330110012", month=dt.date(2025, 5, 1)).received == 0
    assert MonthRollup.objects.get(scope="330106011", month=dt.date(2025, 5, 1)).received == 1
    assert MonthRollup.objects.get(scope="33", month=dt.date(2025, 5, 1)).received == 1
    assert MonthRollup.objects.get(scope=f"o{orgs[2].pk}", month=dt.date(2025, 5, 1)).received == 1


def test_a_deleted_case_leaves_the_rollups(world, django_capture_on_commit_callbacks):
    orgs, staff = world
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(orgs[0], staff, received_at=dt.datetime(2025, 5, 5, 10, tzinfo=LEGAL_TZ))
    Case.objects.filter(pk=case.pk).delete()
    rollups.refresh_case(case.pk)
    assert MonthRollup.objects.get(scope="", month=dt.date(2025, 5, 1)).received == 0
    assert not CaseFact.objects.filter(pk=case.pk).exists()


def test_rebuild_command_repairs_drifted_rollups(world, django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command

    orgs, staff = world
    with django_capture_on_commit_callbacks(execute=True):
        make_case(orgs[0], staff, received_at=dt.datetime(2025, 5, 5, 10, tzinfo=LEGAL_TZ))
    MonthRollup.objects.filter(scope="").update(received=99)  # drift, as after a bulk load without signals
    out = io.StringIO()
    call_command("rebuild-rollups", stdout=out)
    assert MonthRollup.objects.get(scope="", month=dt.date(2025, 5, 1)).received == 1
    assert "1 received" in out.getvalue()


def test_naive_source_dates_by_the_beijing_day_at_a_year_boundary(world, django_capture_on_commit_callbacks):
    """00:30 on New Year's Day in Beijing is 16:30 on 31 December in UTC, which is how SQLite stores it: the
    naive source's raw SQL must still count the case in the new year."""
    orgs, staff = world
    with django_capture_on_commit_callbacks(execute=True):
        make_case(orgs[0], staff, received_at=dt.datetime(2025, 1, 1, 0, 30, tzinfo=LEGAL_TZ))
    naive = NaiveSource()
    assert not _norm_months(naive.months([""], 2024))
    assert naive.months([""], 2025)[""][dt.date(2025, 1, 1)][0] == 1
    _assert_sources_agree(["", "330110012", f"o{orgs[0].pk}"])


def test_document_service_and_routed_events_refresh_nothing(world, django_capture_on_commit_callbacks, monkeypatch):
    orgs, staff = world
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(orgs[0], staff, received_at=dt.datetime(2025, 5, 5, 10, tzinfo=LEGAL_TZ))
    refreshed: list[int] = []
    monkeypatch.setattr(rollups, "mark_pending", refreshed.append)
    now = dt.datetime(2025, 5, 6, 10, tzinfo=LEGAL_TZ)
    with django_capture_on_commit_callbacks(execute=True):
        record_case_event(case=case, at=now, kind=CaseEvent.Kind.DOCUMENT, actor=None, data={"document": 1})
        record_case_event(case=case, at=now, kind=CaseEvent.Kind.SERVICE, actor=None, data={"service": 1})
        record_case_event(case=case, at=now, kind=CaseEvent.Kind.ROUTED, actor=None, data={"rule": "test"})
    assert refreshed == []
    with django_capture_on_commit_callbacks(execute=True):  # e.g. mediation's "payment recorded" note
        record_case_event(case=case, at=now, kind=CaseEvent.Kind.NOTE, actor=None, data={"step": "payment"})
    assert refreshed == [case.pk]
