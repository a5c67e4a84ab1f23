"""The search documents' copies of a case's organisation and division follow the case when it is re-routed to
another organisation or its organisation moves division (cases.search, docs/search.md): the new scope finds
it, the old one never again. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tiaojie.cases.access import cases_visible_to, visibility_q
from tiaojie.cases.actions import Actor
from tiaojie.cases.models import CaseSearchDocument
from tiaojie.cases.search import ranked_case_ids
from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.actions import do_reroute_case
from tiaojie.organisations.actions import do_change_organisation_division

pytestmark = pytest.mark.django_db(transaction=True)  # the document is rebuilt on commit


def found(user, text):
    scoped = [hit.case_id for hit in ranked_case_ids(cases_visible_to(user), text, limit=50)]
    by_documents = ranked_case_ids(cases_visible_to(user), text, limit=50, visible=visibility_q(user))
    assert [hit.case_id for hit in by_documents] == scoped
    return scoped


def test_a_rerouted_case_is_found_by_its_new_organisation_only(
    org_a, mediator_a, org_b, mediator_b, supervisor_county, supervisor_other_county
):
    case = make_case(org_a, mediator_a, facts="申请人因工伤要求支付停工留薪期工资。")
    # Written with the case itself (cases.search.new_document), the copies included.
    created = CaseSearchDocument.objects.get(case=case)
    assert (created.organisation_id, created.division_id, created.received_at) == (
        org_a.pk,
        case.division_id,
        case.received_at,
    )
    assert found(mediator_a, "工伤") == [case.pk] and found(supervisor_county, "工伤") == [case.pk]
    do_reroute_case(case=case, to=org_b, actor=Actor(ActorKind.STAFF, mediator_a), reason="用人单位在西湖区")
    document = CaseSearchDocument.objects.get(case=case)
    assert (document.organisation_id, document.division_id) == (org_b.pk, org_b.division_id)
    assert found(mediator_b, "工伤") == [case.pk]
    assert found(supervisor_other_county, "工伤") == [case.pk]  # 西湖区, organisation B's county
    assert found(mediator_a, "工伤") == []
    assert found(supervisor_county, "工伤") == []


def test_an_organisation_moving_division_takes_its_documents_along(org_a, mediator_a, supervisor_county, admin_a):
    from tiaojie.organisations.tests.factories import SupervisorScopeFactory, UserFactory

    case = make_case(org_a, mediator_a, facts="被申请人拖欠工资两个月，欠薪未付。")
    other_county = SupervisorScopeFactory(user=UserFactory(username="supervisor_linping"), division_id="330113").user
    assert found(supervisor_county, "欠薪") == [case.pk] and found(other_county, "欠薪") == []
    do_change_organisation_division(organisation=org_a, division="330113001", actor=admin_a, reason="区划调整")
    assert CaseSearchDocument.objects.get(case=case).division_id == "330113001"
    assert found(other_county, "欠薪") == [case.pk]
    assert found(supervisor_county, "欠薪") == []
    assert found(mediator_a, "欠薪") == [case.pk]
