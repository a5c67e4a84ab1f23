"""Similar cases on the case page (mediation/similar.py, docs/knowledge.md "Similar cases")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import RequestFactory

from tiaojie.cases.access import access_case
from tiaojie.cases.actions import ClaimInput, EmployerInput, do_transition_case
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.knowledge.actions import do_import_law_directory
from tiaojie.knowledge.claim_articles import ARTICLES, Citation, articles_for, citation_links
from tiaojie.knowledge.tests import samples
from tiaojie.mediation import actions
from tiaojie.mediation.similar import similar_cases, similar_cases_panel
from tiaojie.mediation.tests.factories import draft_agreement, mediating_case, sign_all, staff
from tiaojie.organisations.access import active_memberships, supervisor_scopes
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)  # a Monday; every case here is received on it
FACTS = "申请人在被申请人处工作，长期加班没有加班费，后被公司辞退，要求支付加班费和经济补偿。"
OVERTIME_AND_COMPENSATION = [
    ClaimInput(type="overtime", amount=Decimal("12000")),
    ClaimInput(type="compensation", amount=Decimal("18000")),
]


def _new(org, user, *, employer=None, claims=None, facts=FACTS, **kw) -> Case:
    with time_machine.travel(T0, tick=False):
        return make_case(
            org,
            user,
            employer=EmployerInput(name="杭州示例电子有限公司", existing_id=employer.pk if employer else None),
            claims=claims or OVERTIME_AND_COMPENSATION,
            facts=facts,
            **kw,
        )


def _ended(org, user, result: str, *, days: int = 10, **kw) -> Case:
    """A case received at T0 that ended `days` later: agreed (then closed), failed or withdrawn."""
    with time_machine.travel(T0, tick=False):
        case = _new(org, user, **kw)
        do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(user))
        do_transition_case(case=case, to=Status.MEDIATING, actor=staff(user))
    with time_machine.travel(T0 + dt.timedelta(days=days), tick=False):
        if result == "agreed":
            sign_all(draft_agreement(case, user, due=(T0 + dt.timedelta(days=40)).date()), user)
            case.refresh_from_db()
            do_transition_case(case=case, to=Status.CLOSED, actor=staff(user))
        elif result == "failed":
            actions.do_fail_mediation(case=case, category="refused", reason="被申请人拒绝调解", actor=staff(user))
        else:
            do_transition_case(case=case, to=Status.WITHDRAWN, reason="已自行和解", actor=staff(user))
    case.refresh_from_db()
    return case


def _numbers(rows) -> list[str]:
    return [r.number for r in rows]


def test_same_employer_and_claim_types_rank_first_and_unrelated_cases_are_not_listed(org_a, mediator_a):
    here = _new(org_a, mediator_a)
    both = _ended(org_a, mediator_a, "failed", employer=here.employer)
    types_only = _ended(org_a, mediator_a, "failed", employer=None, facts="申请人要求支付加班费。")
    employer_only = _ended(
        org_a, mediator_a, "failed", employer=here.employer, claims=[ClaimInput(type="wages", amount=Decimal("900"))]
    )
    unrelated = _ended(
        org_a, mediator_a, "failed", claims=[ClaimInput(type="work_injury", amount=Decimal("90000"))], facts=FACTS
    )
    rows, _own = similar_cases(mediator_a, here)
    assert _numbers(rows) == [both.number, types_only.number, employer_only.number]
    assert unrelated.number not in _numbers(rows)
    assert rows[0].score > rows[1].score > rows[2].score


def test_each_row_says_why_in_chinese(org_a, mediator_a):
    here = _new(org_a, mediator_a)
    _ended(org_a, mediator_a, "failed", employer=here.employer)
    other = _ended(
        org_a, mediator_a, "failed", claims=[ClaimInput(type="overtime", amount=Decimal("250000"))], facts="加班"
    )
    rows, _own = similar_cases(mediator_a, here)
    assert rows[0].why == "同为加班费、经济补偿；同一用人单位；关键词：辞退、加班；金额同在1–5万元"
    # Another employer, one claim type of two, the amount in another band, no vocabulary term beyond 加班.
    assert rows[1].number == other.number
    assert rows[1].why == "同为加班费；关键词：加班"


def test_outcome_agreed_amount_days_and_result(org_a, mediator_a):
    here = _new(org_a, mediator_a)
    agreed = _ended(org_a, mediator_a, "agreed", days=12, employer=here.employer)
    failed = _ended(org_a, mediator_a, "failed", days=5, employer=here.employer)
    withdrawn = _ended(org_a, mediator_a, "withdrawn", days=3, employer=here.employer)
    rows = {r.number: r for r in similar_cases(mediator_a, here)[0]}
    total = sum((i.amount_agreed for i in agreed.agreement.items.all()), Decimal("0"))
    assert total == Decimal("30000")
    a = rows[agreed.number]
    assert (a.result_label, a.agreed, a.days) == ("调解成功", total, 12)
    assert isinstance(a.agreed, Decimal)
    f = rows[failed.number]
    assert (f.result_label, f.agreed, f.days) == ("调解不成", None, 5)
    w = rows[withdrawn.number]
    assert (w.result_label, w.agreed, w.days) == ("撤回", None, 3)


def test_only_ended_cases_the_user_may_see(org_a, org_b, mediator_a, mediator_b):
    here = _new(org_a, mediator_a)
    other_org = _ended(org_b, mediator_b, "failed")
    still_open = mediating_case(org_a, mediator_a, claims=OVERTIME_AND_COMPENSATION)
    with time_machine.travel(T0, tick=False):
        declined = _new(org_a, mediator_a, employer=here.employer)
        do_transition_case(case=declined, to=Status.DECLINED, reason="不属于受理范围", actor=staff(mediator_a))
        do_transition_case(case=declined, to=Status.CLOSED, actor=staff(mediator_a))
    mine = _ended(org_a, mediator_a, "failed")
    listed = _numbers(similar_cases(mediator_a, here)[0])
    assert listed == [mine.number]
    assert here.number not in listed
    for hidden in (other_org, still_open, declined):
        assert hidden.number not in listed
    # mediator_b sees org B's case from its own side, never org A's.
    there = _new(org_b, mediator_b)
    assert _numbers(similar_cases(mediator_b, there)[0]) == [other_org.number]


def test_a_supervisor_sees_similar_cases_of_the_subtree_only(org_a, org_b, mediator_a, mediator_b, supervisor_county):
    neighbour = OrganisationFactory(name="余杭区调解中心", division_id="330110")
    neighbour_user = MembershipFactory(organisation=neighbour).user
    here = _new(org_a, mediator_a)
    in_county = _ended(neighbour, neighbour_user, "failed")
    _ended(org_b, mediator_b, "failed")  # 西湖区: outside the county supervisor's subtree
    assert _numbers(similar_cases(supervisor_county, here)[0]) == [in_county.number]
    assert _numbers(similar_cases(mediator_a, here)[0]) == []


def _panel_queries(user, case, django_assert_max_num_queries) -> int:
    request = RequestFactory().get(f"/cases/{case.pk}/")
    request.user = user
    case = access_case(user, case.pk)
    # As the case page has by then: its header and access checks read the user's memberships and scopes once.
    active_memberships(user)
    supervisor_scopes(user)
    with django_assert_max_num_queries(4) as ctx:
        panel = similar_cases_panel(request, case, True)
    assert panel is not None
    return len(ctx.captured_queries)


def test_the_panel_costs_at_most_four_queries_whatever_the_number_of_candidates(
    org_a, mediator_a, django_assert_max_num_queries
):
    here = _new(org_a, mediator_a)
    _ended(org_a, mediator_a, "agreed", employer=here.employer)
    few = _panel_queries(mediator_a, here, django_assert_max_num_queries)
    for result in ("agreed", "failed", "withdrawn") * 4:
        _ended(org_a, mediator_a, result)
    assert _panel_queries(mediator_a, here, django_assert_max_num_queries) == few


def test_the_case_page_shows_the_panel_with_links_and_no_worker_data(client, org_a, mediator_a):
    here = _new(org_a, mediator_a)
    ended = _ended(org_a, mediator_a, "failed", employer=here.employer)
    client.force_login(mediator_a)
    page = client.get(f"/cases/{here.pk}/").content.decode()
    # The page holds its place, fetched after it (htmx) or opened as a page of its own without JavaScript.
    assert f'hx-get="/mediation/cases/{here.pk}/similar/"' in page
    html = client.get(f"/mediation/cases/{here.pk}/similar/").content.decode()
    assert f'href="/cases/{here.pk}/"' in html  # back to the case
    assert client.get(f"/mediation/cases/{here.pk}/similar/", headers={"HX-Request": "true"}).content.decode() in html
    panel = html[html.index('id="similar-cases"') :]
    panel = panel[: panel.index("</section>")]
    assert f'href="/cases/{ended.pk}/"' in panel
    assert "同一用人单位" in panel
    assert "《劳动合同法》第四十七条" in panel
    assert "张三" not in panel and "138" not in panel


def test_the_case_linked_from_the_panel_is_404_to_another_organisation(client, org_a, mediator_a, mediator_b):
    here = _new(org_a, mediator_a)
    ended = _ended(org_a, mediator_a, "failed", employer=here.employer)
    client.force_login(mediator_b)
    assert client.get(f"/cases/{ended.pk}/").status_code == 404


def test_articles_for_keeps_order_and_each_article_once():
    got = articles_for(["unlawful_termination", "compensation", "other", "unlawful_termination"])
    expected = list(ARTICLES["unlawful_termination"])
    expected += [c for c in ARTICLES["compensation"] if c not in expected]
    assert got == expected
    assert [(c.title, c.number) for c in got[:2]] == [("劳动合同法", 48), ("劳动合同法", 87)]
    assert articles_for(["other"]) == []


def test_citations_link_to_the_library_when_it_holds_the_article(tmp_path, django_assert_max_num_queries):
    do_import_law_directory(root=samples.write_laws(tmp_path / "laws"), commit="2f4c5c2")
    wanted = [Citation("劳动合同法", 47), Citation("劳动合同法", 999), Citation("劳动法", 44)]
    with django_assert_max_num_queries(1):
        links = citation_links(wanted)
    assert links[0][1] == "/laws/%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C%E6%B3%95/articles/47/" or links[0][1] == (
        "/laws/劳动合同法/articles/47/"
    )
    assert links[1][1] is None  # no such article: plain text, not a link that answers 404
    assert links[2][1] is None  # the sample library has no 劳动法
