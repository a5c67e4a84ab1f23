"""Mediation's text in the case search (mediation/search.py): minutes and agreement terms are found."""

from __future__ import annotations

import pytest

from tiaojie.cases.access import cases_visible_to
from tiaojie.cases.search import ranked_case_ids
from tiaojie.mediation import actions
from tiaojie.mediation.tests.factories import mediating_case, staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_minutes_are_searchable_once_recorded(org_a, mediator_a, admin_a, mediator_b):
    case = mediating_case(org_a, mediator_a)
    scope = cases_visible_to(mediator_a)
    assert ranked_case_ids(scope, "停工留薪", limit=10) == []
    session = actions.do_schedule_session(
        case=case,
        data=actions.SessionInput(
            mode="in_person", starts_at=case.received_at, participants="双方", place="调解室", already_held=True
        ),
        actor=staff(mediator_a),
    )
    actions.do_record_minutes(
        session=session,
        data=actions.MinutesInput(statements="申请人要求支付停工留薪期工资", signatures="均已签名"),
        actor=staff(mediator_a),
    )
    assert [h.case_id for h in ranked_case_ids(scope, "停工留薪", limit=10)] == [case.pk]
    assert ranked_case_ids(cases_visible_to(mediator_b), "停工留薪", limit=10) == []
