"""Employer risk (docs/risk.md): the grade at each level's edges, the window's edges, the alerts to the
supervising level (once), and the scoping of the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from tiaojie.analytics import risk
from tiaojie.analytics.actions import do_record_risk_levels
from tiaojie.analytics.models import EmployerRiskState, RiskAlert
from tiaojie.analytics.tests.test_rollups import _make_agreement_effective
from tiaojie.cases.actions import Actor, ClaimInput, EmployerInput, WorkerInput, do_transition_case
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation.models import Payment
from tiaojie.notifications.models import Notification
from tiaojie.organisations.models import Membership
from tiaojie.organisations.tests.factories import (
    EmployerFactory,
    MembershipFactory,
    OrganisationFactory,
    SupervisorScopeFactory,
    UserFactory,
)


def bj(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LEGAL_TZ)


def figures(**kw: object) -> risk.EmployerRisk:
    return risk.grade(risk.EmployerRisk(1, **kw))  # type: ignore[arg-type]


# --- the rule at each level's edge (no database) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "level"),
    [
        ({}, ""),
        ({"cases": 1}, "blue"),
        ({"cases": 2}, "yellow"),
        ({"cases": 3}, "orange"),
        ({"cases": 4}, "orange"),
        ({"cases": 5}, "red"),
        ({"cases": 1, "collective": 1}, "red"),
        ({"cases": 1, "unperformed": 1}, "orange"),
        ({"cases": 1, "unperformed": 2}, "red"),
        ({"unperformed": 1}, "orange"),  # an old case whose agreement is still unpaid
        ({"cases": 1, "amount": Decimal("99999.99")}, "blue"),
        ({"cases": 1, "amount": Decimal("100000")}, "yellow"),
        ({"cases": 1, "amount": Decimal("499999.99")}, "yellow"),
        ({"cases": 1, "amount": Decimal("500000")}, "orange"),
        ({"cases": 2, "organisations": 1}, "yellow"),
        ({"cases": 2, "organisations": 2}, "orange"),
    ],
)
def test_grade_at_each_edge(kw, level):
    assert figures(**kw).level == level


def test_grade_names_the_conditions_met_and_the_rule_cites_a_reason_for_each():
    graded = figures(cases=5, collective=2)
    assert [c.factor for c in graded.reasons] == ["collective", "cases"]
    for level in risk.RULE:
        for condition in level.conditions:
            assert str(condition.reason)
    assert [r["key"] for r in risk.rule_rows()] == ["red", "orange", "yellow", "blue"]


def test_score_orders_within_a_level():
    a, b = figures(cases=5), figures(cases=5, unperformed=1)
    assert a.level == b.level == "red" and b.score > a.score


# --- figures from real cases -----------------------------------------------------------------------------------


@pytest.fixture
def world(db, org_a, org_b, admin_a):
    org_a2 = OrganisationFactory(name="闲林街道调解中心", division_id="330110005")
    admin_b = MembershipFactory(organisation=org_b, role=Membership.Role.ADMIN).user
    MembershipFactory(user=admin_a, organisation=org_a2, role=Membership.Role.ADMIN)
    return {"a": org_a, "a2": org_a2, "b": org_b, "admin_a": admin_a, "admin_b": admin_b}


def case_for(employer, org, user, when: dt.datetime, *, workers: int = 1, amount: str = "1000.00") -> Case:
    with time_machine.travel(when, tick=False):
        return make_case(
            org,
            user,
            received_at=when,
            employer=EmployerInput(name=employer.name, existing_id=employer.pk),
            workers=[WorkerInput(name=f"工人{i}", id_number=valid_id_number()) for i in range(workers)],
            claims=[ClaimInput(type="wages", amount=Decimal(amount))],
        )


def unperformed(case: Case, staff, when: dt.datetime, capture) -> None:
    """Accept, mediate and agree through the real actions; one instalment due ten days later, never paid."""
    actor = Actor(ActorKind.STAFF, staff)
    with time_machine.travel(when, tick=False), capture(execute=True):
        do_transition_case(case=case, to=Status.ACCEPTED, actor=actor, reason="受理", at=when)
        do_transition_case(case=case, to=Status.MEDIATING, actor=actor, reason="调解", at=when)
    _make_agreement_effective(case, staff, when + dt.timedelta(hours=2), capture)


def compute_in(code: str, as_of: dt.date) -> dict[int, risk.EmployerRisk]:
    from tiaojie.reference.models import in_subtree_q

    return {r.employer_id: r for r in risk.compute(Case.objects.filter(in_subtree_q("division_id", code)), as_of)}


def test_factors_count_cases_amounts_collective_and_organisations_in_the_region(world):
    employer = EmployerFactory(name="杭州风险测试有限公司")
    case_for(employer, world["a"], world["admin_a"], bj(2026, 3, 1, 10), amount="120000.50")
    case_for(employer, world["a2"], world["admin_a"], bj(2026, 3, 2, 10), workers=10, amount="30000")
    case_for(employer, world["b"], world["admin_b"], bj(2026, 3, 3, 10))  # 西湖区: not in 余杭区's figures
    got = compute_in("330110", dt.date(2026, 4, 1))[employer.pk]
    assert (got.cases, got.amount, got.collective, got.organisations) == (2, Decimal("150000.50"), 1, 2)
    assert got.level == "red" and [c.factor for c in got.reasons] == ["collective"]
    assert compute_in("330106", dt.date(2026, 4, 1))[employer.pk].cases == 1
    assert compute_in("33", dt.date(2026, 4, 1))[employer.pk].cases == 3


def test_window_edges(world):
    """A case received at 00:00 Beijing on 1 June 2025 is in the 365 days ending 31 May 2026, not 1 June."""
    employer = EmployerFactory()
    case_for(employer, world["a"], world["admin_a"], bj(2025, 6, 1, 0, 0))
    assert compute_in("330110", dt.date(2026, 5, 31))[employer.pk].level == "blue"
    assert employer.pk not in compute_in("330110", dt.date(2026, 6, 1))
    # Nor before it was received: 31 May 2025 23:59 Beijing is the day before.
    assert employer.pk not in compute_in("330110", dt.date(2025, 5, 31))


def test_unperformed_agreement_counts_from_the_day_after_its_due_date(world, django_capture_on_commit_callbacks):
    employer = EmployerFactory()
    case = case_for(employer, world["a"], world["admin_a"], bj(2026, 3, 1, 10))
    unperformed(case, world["admin_a"], bj(2026, 3, 2, 10), django_capture_on_commit_callbacks)
    due = Payment.objects.get(agreement__case=case).due_date
    assert compute_in("330110", due)[employer.pk].unperformed == 0
    after = compute_in("330110", due + dt.timedelta(days=1))[employer.pk]
    assert after.unperformed == 1 and after.level == "orange"
    Payment.objects.filter(agreement__case=case).update(paid_on=due + dt.timedelta(days=2))
    assert compute_in("330110", due + dt.timedelta(days=3))[employer.pk].unperformed == 0


# --- alerts to the supervising level -----------------------------------------------------------------------------


@pytest.fixture
def supervisors(db, supervisor_county, supervisor_other_county):
    city = SupervisorScopeFactory(
        user=UserFactory(username="supervisor_city", email="city@example.cn"), division_id="3301"
    ).user
    province = SupervisorScopeFactory(user=UserFactory(username="supervisor_zj"), division_id="33").user
    return {"county": supervisor_county, "other": supervisor_other_county, "city": city, "province": province}


def alerts_to(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient_user=user, template_key="risk_alert").order_by("id"))


def test_a_rise_to_red_alerts_the_county_and_city_supervisors_once(world, supervisors):
    employer = EmployerFactory(name="杭州连环争议有限公司")
    for day in range(1, 5):
        case_for(employer, world["a"], world["admin_a"], bj(2026, 3, day, 10))
    with time_machine.travel(bj(2026, 3, 10, 1), tick=False):
        call_command("grade-employers", "--date", "2026-03-10")
    assert EmployerRiskState.objects.get(employer=employer, county_id="330110").level == "orange"
    assert RiskAlert.objects.filter(employer=employer).count() == 1
    case_for(employer, world["a"], world["admin_a"], bj(2026, 3, 11, 10))  # the fifth
    run = do_record_risk_levels(as_of=dt.date(2026, 3, 12))
    assert run.alerts == 1
    red = RiskAlert.objects.get(employer=employer, level="red")
    assert red.previous_level == "orange" and red.factors["cases"] == "5"
    for who in ("county", "city"):
        texts = [n.text for n in alerts_to(supervisors[who])]
        assert len(texts) == 2 and "杭州连环争议有限公司" in texts[-1] and "红色" in texts[-1]
    assert alerts_to(supervisors["city"])[0].channel == "email"
    assert alerts_to(supervisors["other"]) == [] and alerts_to(supervisors["province"]) == []
    # The next day's run, and a second run the same day, change nothing and alert no one.
    assert do_record_risk_levels(as_of=dt.date(2026, 3, 12)).alerts == 0
    assert do_record_risk_levels(as_of=dt.date(2026, 3, 13)).alerts == 0
    assert len(alerts_to(supervisors["county"])) == 2


def test_no_second_alert_for_the_same_level_within_the_window(world, supervisors):
    employer = EmployerFactory()
    for day in range(1, 4):
        case_for(employer, world["a"], world["admin_a"], bj(2025, 3, day, 10))
    assert do_record_risk_levels(as_of=dt.date(2025, 3, 5)).alerts == 1  # orange
    # A year later the cases have left the window: it falls to nothing, then three new cases raise it again.
    assert do_record_risk_levels(as_of=dt.date(2026, 3, 4)).alerts == 0
    assert EmployerRiskState.objects.get(employer=employer).level == ""
    for day in (1, 2, 3):
        case_for(employer, world["a"], world["admin_a"], bj(2026, 3, day, 10))
    # Back to orange within 365 days of the first alert (raised 5 March 2025): not alerted again ...
    assert do_record_risk_levels(as_of=dt.date(2026, 3, 4)).alerts == 0
    assert EmployerRiskState.objects.get(employer=employer).level == "orange"
    assert RiskAlert.objects.filter(employer=employer).count() == 1


def test_a_lost_race_raises_no_alert(world, supervisors):
    """The stored level moved under the run (another run won): the conditional update changes nothing."""
    employer = EmployerFactory()
    for day in range(1, 4):
        case_for(employer, world["a"], world["admin_a"], bj(2026, 3, day, 10))
    EmployerRiskState.objects.create(employer=employer, county_id="330110", level="")
    real_filter = EmployerRiskState.objects.filter

    def racing_filter(*args, **kwargs):
        if "level" in kwargs and "pk" in kwargs:  # the conditional UPDATE: someone else got there first
            EmployerRiskState.objects.filter(employer=employer).update(level="orange")
        return real_filter(*args, **kwargs)

    from unittest import mock

    with mock.patch.object(EmployerRiskState.objects, "filter", side_effect=racing_filter):
        run = do_record_risk_levels(as_of=dt.date(2026, 3, 5))
    assert run.alerts == 0 and not RiskAlert.objects.exists()


# --- pages and scoping -----------------------------------------------------------------------------------------


@pytest.fixture
def red_employer(world):
    employer = EmployerFactory(name="杭州红色预警有限公司")
    case_for(employer, world["a"], world["admin_a"], bj(2026, 3, 1, 10), workers=12, amount="80000")
    case_for(employer, world["a2"], world["admin_a"], bj(2026, 3, 2, 10))
    return employer


def test_supervisor_sees_the_list_with_factors_and_rule(client, red_employer, supervisor_county):
    blue = EmployerFactory(name="杭州蓝色有限公司")
    case_for(blue, OrganisationFactory(division_id="330110012"), UserFactory(), bj(2026, 3, 3, 10))
    client.force_login(supervisor_county)
    with time_machine.travel(bj(2026, 4, 1, 10), tick=False):
        response = client.get(reverse("analytics:risk_region", args=["330110"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("杭州红色预警有限公司") < body.index("杭州蓝色有限公司")
    assert "评级规则" in body and "第七条" in body
    assert '<span class="risk-badge risk-red">红色</span>' in body  # the level in words, not colour alone
    with time_machine.travel(bj(2026, 4, 1, 10), tick=False):
        only_blue = client.get(reverse("analytics:risk_region", args=["330110"]), {"level": "blue"})
        assert client.get(reverse("analytics:risk_region", args=["330110"]), {"level": "pink"}).status_code == 404
    assert "杭州红色预警有限公司" not in only_blue.content.decode()
    # One year later both have left the window.
    with time_machine.travel(bj(2027, 4, 1, 10), tick=False):
        later = client.get(reverse("analytics:risk_region", args=["330110"])).content.decode()
    assert "杭州红色预警有限公司" not in later


def test_list_page_query_count_does_not_grow_with_employers(
    client, world, supervisor_county, django_assert_max_num_queries
):
    for n in range(8):
        case_for(EmployerFactory(), world["a"], world["admin_a"], bj(2026, 3, 1, 10 + n))
    client.force_login(supervisor_county)
    with time_machine.travel(bj(2026, 4, 1, 10), tick=False), django_assert_max_num_queries(20):
        assert client.get(reverse("analytics:risk_region", args=["330110"])).status_code == 200


def test_detail_lists_the_employers_cases_in_the_region(client, world, red_employer, supervisor_county):
    elsewhere = case_for(red_employer, world["b"], world["admin_b"], bj(2026, 3, 5, 10))
    client.force_login(supervisor_county)
    with time_machine.travel(bj(2026, 4, 1, 10), tick=False):
        response = client.get(reverse("analytics:risk_employer", args=["330110", red_employer.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for case in Case.objects.filter(employer=red_employer, division__code__startswith="330110"):
        assert reverse("cases:detail", args=[case.pk]) + '"' in body
    assert reverse("cases:detail", args=[elsewhere.pk]) + '"' not in body


def test_other_region_supervisor_and_organisation_staff_get_404(
    client, red_employer, supervisor_other_county, admin_a, mediator_b
):
    detail = reverse("analytics:risk_employer", args=["330110", red_employer.pk])
    for user in (supervisor_other_county, admin_a, mediator_b):
        client.force_login(user)
        assert client.get(reverse("analytics:risk_region", args=["330110"])).status_code == 404
        assert client.get(detail).status_code == 404
        assert client.get(reverse("analytics:risk_region_export", args=["330110"])).status_code == 404
    # Their own region: the employer has no case there, so its detail is a 404 too.
    client.force_login(supervisor_other_county)
    assert client.get(reverse("analytics:risk_employer", args=["330106", red_employer.pk])).status_code == 404
    assert client.get(reverse("analytics:risk_region", args=["330106"])).status_code == 200


def test_export_csv(client, red_employer, supervisor_county):
    client.force_login(supervisor_county)
    with time_machine.travel(bj(2026, 4, 1, 10), tick=False):
        response = client.get(reverse("analytics:risk_region_export", args=["330110"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "杭州红色预警有限公司" in text and "红色" in text.splitlines()[1]


def test_acknowledge_alert(client, red_employer, supervisor_county, supervisor_other_county):
    do_record_risk_levels(as_of=dt.date(2026, 3, 5))
    alert = RiskAlert.objects.get(employer=red_employer)
    url = reverse("analytics:risk_acknowledge", args=[alert.pk])
    client.force_login(supervisor_other_county)
    assert client.post(url).status_code == 404
    client.force_login(supervisor_county)
    assert client.get(url).status_code == 405
    with time_machine.travel(bj(2026, 3, 6, 10), tick=False):
        assert "杭州红色预警有限公司" in client.get(reverse("analytics:risk_region", args=["330110"])).content.decode()
        assert client.post(url).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == supervisor_county and alert.acknowledged_at is not None
    first = alert.acknowledged_at
    client.post(url)
    alert.refresh_from_db()
    assert alert.acknowledged_at == first
