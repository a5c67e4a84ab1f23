from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from tiaojie.analytics import rollups
from tiaojie.analytics.models import CaseFact, MonthRollup
from tiaojie.cases.actions import Actor, do_transition_case
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.actions import (
    OrganisationActionError,
    do_add_membership,
    do_change_organisation_division,
    do_create_organisation,
    do_grant_supervisor_scope,
)
from tiaojie.organisations.models import Membership, Organisation, SupervisorScope
from tiaojie.organisations.signals import organisation_division_changed
from tiaojie.organisations.tests.factories import EmployerFactory, UserFactory
from tiaojie.organisations.tests.test_history import admin_form_data
from tiaojie.reference.models import Division

pytestmark = pytest.mark.django_db

XIHU_JIANGCUN = "330106011"  # 西湖区蒋村街道, organisation B's township
MAY = dt.datetime(2025, 5, 5, 10, tzinfo=LEGAL_TZ)


@pytest.fixture
def cases_a(org_a, mediator_a, django_capture_on_commit_callbacks):
    """Two cases of organisation A, one open and one closed, with their rollups; one of organisation B."""
    with django_capture_on_commit_callbacks(execute=True):
        open_case = make_case(org_a, mediator_a, received_at=MAY)
        closed = make_case(org_a, mediator_a, received_at=MAY)
        staff = Actor(ActorKind.STAFF, mediator_a)
        do_transition_case(case=closed, to=Status.DECLINED, actor=staff, reason="不属于劳动争议")
        do_transition_case(case=closed, to=Status.CLOSED, actor=staff)
    return open_case, closed


def test_changing_the_division_moves_open_and_closed_cases(
    org_a, org_b, mediator_b, cases_a, admin_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        other = make_case(org_b, mediator_b)
    with django_capture_on_commit_callbacks(execute=True):
        moved = do_change_organisation_division(
            organisation=org_a, division=XIHU_JIANGCUN, actor=admin_a, reason="区划调整：仓前街道划入西湖区"
        )
    assert moved == 2
    assert org_a.division_id == XIHU_JIANGCUN
    assert Organisation.objects.get(pk=org_a.pk).division_id == XIHU_JIANGCUN
    assert set(Case.objects.filter(organisation=org_a).values_list("division_id", flat=True)) == {XIHU_JIANGCUN}
    assert Case.objects.get(pk=other.pk).division_id == XIHU_JIANGCUN  # B was there already, untouched

    # The audit row: the organisation's history names who, why, and the old and new division.
    latest = org_a.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (admin_a, "区划调整：仓前街道划入西湖区")
    assert (latest.prev_record.division_id, latest.division_id) == ("330110012", XIHU_JIANGCUN)

    # The statistics followed: the old township and county count nothing; the new ones count both cases.
    month = dt.date(2025, 5, 1)
    assert not MonthRollup.objects.filter(scope__in=["330110012", "330110"], month=month, received__gt=0).exists()
    assert MonthRollup.objects.get(scope=XIHU_JIANGCUN, month=month).received == 2
    assert MonthRollup.objects.get(scope=f"o{org_a.pk}", month=month).received == 2
    assert set(CaseFact.objects.filter(organisation_id=org_a.pk).values_list("division_code", flat=True)) == {
        XIHU_JIANGCUN
    }
    # ... to the same figures a full rebuild computes from the cases.
    incremental = list(MonthRollup.objects.filter(received__gt=0).order_by("scope", "month").values_list())
    rollups.rebuild_all()
    rebuilt = list(MonthRollup.objects.filter(received__gt=0).order_by("scope", "month").values_list())
    strip = [row[1:] for row in incremental]  # ids differ after the rebuild
    assert strip == [row[1:] for row in rebuilt]


def test_a_county_supervisor_follows_the_cases(org_a, cases_a, supervisor_county, supervisor_other_county, admin_a):
    from tiaojie.cases.access import cases_visible_to

    assert cases_visible_to(supervisor_county).filter(organisation=org_a).count() == 2
    do_change_organisation_division(organisation=org_a, division=XIHU_JIANGCUN, actor=admin_a, reason="更正区划")
    assert not cases_visible_to(supervisor_county).filter(organisation=org_a).exists()
    assert cases_visible_to(supervisor_other_county).filter(organisation=org_a).count() == 2


@pytest.mark.parametrize(
    ("division", "reason", "message"),
    [
        (XIHU_JIANGCUN, "  ", "原因"),
        ("330110012", "更正", "相同"),
        ("999999", "更正", "没有这个行政区划"),
        ("placeholder", "更正", "汇总代码"),
        ("retired", "更正", "已停用"),
    ],
)
def test_a_refused_change_changes_nothing(org_a, cases_a, admin_a, division, reason, message):
    if division == "placeholder":
        division = Division.objects.filter(is_placeholder=True).first()
    elif division == "retired":
        Division.objects.filter(code=XIHU_JIANGCUN).update(valid_to=dt.date(2024, 1, 1))
        division = XIHU_JIANGCUN
    with pytest.raises(OrganisationActionError, match=message):
        do_change_organisation_division(organisation=org_a, division=division, actor=admin_a, reason=reason)
    assert Organisation.objects.get(pk=org_a.pk).division_id == "330110012"
    assert set(Case.objects.filter(organisation=org_a).values_list("division_id", flat=True)) == {"330110012"}
    assert org_a.history.count() == 1


def test_a_failing_receiver_rolls_the_whole_change_back(org_a, cases_a, admin_a):
    def boom(**kwargs):
        raise RuntimeError("receiver failed")

    organisation_division_changed.connect(boom, dispatch_uid="test.boom")
    try:
        with pytest.raises(RuntimeError):
            do_change_organisation_division(organisation=org_a, division=XIHU_JIANGCUN, actor=admin_a, reason="x")
    finally:
        organisation_division_changed.disconnect(dispatch_uid="test.boom")
    assert Organisation.objects.get(pk=org_a.pk).division_id == "330110012"
    assert set(Case.objects.filter(organisation=org_a).values_list("division_id", flat=True)) == {"330110012"}
    assert org_a.history.count() == 1


def test_organisations_import_nothing_above_them():
    """organisations sits below cases (docs/architecture.md): the division change reaches the cases by a signal."""
    above = ("tiaojie.cases", "tiaojie.intake", "tiaojie.mediation", "tiaojie.documents", "tiaojie.hotline")
    above += ("tiaojie.analytics", "tiaojie.notifications", "tiaojie.calculators_web", "tiaojie.api", "tiaojie.demo")
    package = Path(__file__).resolve().parents[1]
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                assert not name.startswith(above), f"{path.name} imports {name}"


# --- the admin: a division edited on the organisation's page goes through the action ---------------------


def test_the_admin_moves_the_cases_with_the_division(admin_client, admin_user, org_a, cases_a):
    url = reverse("admin:organisations_organisation_change", args=[org_a.pk])
    data = admin_form_data(admin_client, url) | {"division": XIHU_JIANGCUN, "phone": "0571-1"}
    refused = admin_client.post(url, data)  # no reason given
    assert refused.status_code == 200 and "更改所在区划时请填写原因" in refused.content.decode()
    assert Organisation.objects.get(pk=org_a.pk).division_id == "330110012"

    response = admin_client.post(url, data | {"division_reason": "区划调整"}, follow=True)
    assert response.status_code == 200
    assert "2件案件随之更改" in response.content.decode()
    org_a.refresh_from_db()
    assert (org_a.division_id, org_a.phone) == (XIHU_JIANGCUN, "0571-1")
    assert set(Case.objects.filter(organisation=org_a).values_list("division_id", flat=True)) == {XIHU_JIANGCUN}
    latest = org_a.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.phone) == (admin_user, "区划调整", "0571-1")


def test_the_admin_refuses_a_division_no_organisation_may_have(admin_client, org_a):
    placeholder = Division.objects.filter(is_placeholder=True).first()
    url = reverse("admin:organisations_organisation_change", args=[org_a.pk])
    data = admin_form_data(admin_client, url) | {"division": placeholder.code, "division_reason": "x"}
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "汇总代码" in response.content.decode()
    assert Organisation.objects.get(pk=org_a.pk).division_id == "330110012"


# --- creating organisations, memberships and supervisor scopes --------------------------------------------


def test_create_an_organisation(admin_a):
    org = do_create_organisation(
        name=" 余杭区仓前街道人民调解委员会 ",
        type="people_mediation",
        division="330110012",
        actor=admin_a,
        reason="新设",
    )
    assert (org.name, org.type_id, org.division_id) == ("余杭区仓前街道人民调解委员会", "people_mediation", "330110012")
    created = org.history.get()
    assert (created.history_type, created.history_user, created.history_change_reason) == ("+", admin_a, "新设")


def test_an_enterprise_committee_names_its_employer_once(db):
    employer = EmployerFactory()
    with pytest.raises(OrganisationActionError, match="所属企业"):
        do_create_organisation(name="调委会", type="enterprise_committee", division="330110012", actor=None)
    do_create_organisation(
        name="调委会", type="enterprise_committee", division="330110012", employer=employer, actor=None
    )
    with pytest.raises(OrganisationActionError):
        do_create_organisation(
            name="第二个调委会", type="enterprise_committee", division="330110012", employer=employer, actor=None
        )
    with pytest.raises(OrganisationActionError, match="组织类型"):
        do_create_organisation(name="x", type="no_such_type", division="330110012", actor=None)
    assert Organisation.objects.filter(employer=employer).count() == 1


def test_add_a_membership_and_bring_a_former_member_back(org_a, admin_a):
    user = UserFactory(username="new_mediator")
    membership = do_add_membership(user=user, organisation=org_a, role=Membership.Role.MEDIATOR, actor=admin_a)
    assert membership.history.get().history_user == admin_a
    with pytest.raises(OrganisationActionError, match="已是"):
        do_add_membership(user=user, organisation=org_a, role=Membership.Role.ADMIN, actor=admin_a)
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    again = do_add_membership(user=user, organisation=org_a, role=Membership.Role.INTAKE, actor=None, reason="返聘")
    assert again.pk == membership.pk and again.is_active and again.role == Membership.Role.INTAKE
    assert (again.history.latest().history_user, again.history.latest().history_change_reason) == (None, "返聘")
    with pytest.raises(OrganisationActionError, match="角色"):
        do_add_membership(user=UserFactory(), organisation=org_a, role="boss", actor=admin_a)


def test_grant_a_supervisor_scope(admin_a):
    user = UserFactory(username="inspector")
    scope = do_grant_supervisor_scope(user=user, division="330110", department="hrss", actor=admin_a)
    assert (scope.division_id, scope.history.get().history_user) == ("330110", admin_a)
    assert do_grant_supervisor_scope(user=user, division="330110", department="hrss", actor=admin_a) == scope
    national = do_grant_supervisor_scope(user=user, division=None, department="union", actor=None)
    assert national.division_id is None
    assert SupervisorScope.objects.filter(user=user).count() == 2
    with pytest.raises(OrganisationActionError, match="部门"):
        do_grant_supervisor_scope(user=user, division=None, department="police", actor=None)
