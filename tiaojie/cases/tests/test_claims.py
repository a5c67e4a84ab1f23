"""Claim items (请求事项) edited by staff: each change is one action with an event that keeps the old amount,
only for those who may decide the case, and only while the case is open (issue 13 item 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tiaojie.cases.actions import (
    Actor,
    CaseActionError,
    StaleCaseError,
    claims_locked_reason,
    do_add_claim_item,
    do_edit_claim_item,
    do_remove_claim_item,
    do_set_claim_from_calculator,
    do_transition_case,
)
from tiaojie.cases.models import CaseEvent, ClaimItem, ClaimType
from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.transitions import ActorKind

pytestmark = pytest.mark.django_db

STEPS = [{"text": "经济补偿", "value": "26000.00", "basis": "《劳动合同法》第四十七条"}]


def staff(user):
    return Actor(ActorKind.STAFF, user)


def typed_compensation(org, user):
    """A case as the public wizard leaves it: wages 12,500 plus 经济补偿 22,750 typed by the worker."""
    case = make_case(org, user)
    do_add_claim_item(case=case, type=ClaimType.COMPENSATION, amount=Decimal("22750.00"), actor=staff(user))
    return case


def events(case, kind):
    return list(CaseEvent.objects.filter(case=case, kind=kind).order_by("id"))


# --- actions ------------------------------------------------------------------------------------------------


def test_edit_records_the_old_and_new_amount(org_a, mediator_a):
    case = typed_compensation(org_a, mediator_a)
    claim = ClaimItem.objects.get(case=case, type=ClaimType.WAGES)
    do_edit_claim_item(
        claim=claim,
        amount=Decimal("13000.00"),
        description="含12月",
        expected_amount=Decimal("12500.00"),
        actor=staff(mediator_a),
    )
    claim.refresh_from_db()
    assert (claim.amount_claimed, claim.description) == (Decimal("13000.00"), "含12月")
    (event,) = events(case, CaseEvent.Kind.CLAIM_EDITED)
    assert event.data["old_amount"] == "12500.00" and event.data["amount"] == "13000.00"
    assert event.actor == mediator_a and "12,500.00 元 → 13,000.00 元" in event.reason


def test_calculator_result_replaces_the_claim_of_its_type(org_a, mediator_a):
    case = typed_compensation(org_a, mediator_a)
    change = do_set_claim_from_calculator(
        case=case,
        type=ClaimType.COMPENSATION,
        amount=Decimal("26000.00"),
        description="经济补偿",
        explanation=STEPS,
        via="计算器：经济补偿",
        actor=staff(mediator_a),
    )
    rows = list(ClaimItem.objects.filter(case=case, type=ClaimType.COMPENSATION))
    assert len(rows) == 1 and rows[0].amount_claimed == Decimal("26000.00") and rows[0].explanation == STEPS
    assert change.kind == "edited" and change.old_amount == Decimal("22750.00")
    (event,) = events(case, CaseEvent.Kind.CLAIM_EDITED)
    assert event.data["old_amount"] == "22750.00" and event.data["via"] == "计算器：经济补偿"
    assert sum(c.amount_claimed for c in case.claims.all()) == Decimal("38500.00")  # 12,500 + 26,000, not + 22,750


def test_calculator_result_adds_a_claim_when_there_is_none_of_its_type(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    change = do_set_claim_from_calculator(
        case=case,
        type=ClaimType.OVERTIME,
        amount=Decimal("3000.00"),
        description="加班费",
        explanation=[],
        via="计算器",
        actor=staff(mediator_a),
    )
    assert change.kind == "added" and case.claims.count() == 2
    assert events(case, CaseEvent.Kind.CLAIM_ADDED)[-1].data["amount"] == "3000.00"


def test_remove_keeps_the_amount_in_the_event_and_the_last_claim_stays(org_a, mediator_a):
    case = typed_compensation(org_a, mediator_a)
    compensation = ClaimItem.objects.get(case=case, type=ClaimType.COMPENSATION)
    do_remove_claim_item(claim=compensation, actor=staff(mediator_a))
    assert list(case.claims.values_list("type", flat=True)) == [ClaimType.WAGES]
    (event,) = events(case, CaseEvent.Kind.CLAIM_REMOVED)
    assert event.data["old_amount"] == "22750.00" and event.data["type"] == ClaimType.COMPENSATION
    with pytest.raises(CaseActionError, match="至少保留一项"):
        do_remove_claim_item(claim=case.claims.get(), actor=staff(mediator_a))
    assert case.claims.count() == 1


def test_bad_amounts_are_refused_and_nothing_changes(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    claim = case.claims.get()
    for amount, message in (
        (Decimal("-1"), "0到一万亿"),
        (Decimal("1e12"), "0到一万亿"),
        (Decimal("1.005"), "两位小数"),
    ):
        with pytest.raises(CaseActionError, match=message):
            do_edit_claim_item(claim=claim, amount=amount, description="", actor=staff(mediator_a))
    claim.refresh_from_db()
    assert claim.amount_claimed == Decimal("12500.00")
    assert not events(case, CaseEvent.Kind.CLAIM_EDITED)


def test_an_edit_over_a_newer_amount_is_refused(org_a, mediator_a, admin_a):
    case = make_case(org_a, mediator_a)
    claim = case.claims.get()
    do_edit_claim_item(claim=claim, amount=Decimal("13000.00"), description="", actor=staff(admin_a))
    with pytest.raises(StaleCaseError):
        do_edit_claim_item(
            claim=claim,
            amount=Decimal("9000.00"),
            description="",
            expected_amount=Decimal("12500.00"),
            actor=staff(mediator_a),
        )
    claim.refresh_from_db()
    assert claim.amount_claimed == Decimal("13000.00")


def test_only_staff_who_decide_and_only_while_open(org_a, mediator_a, mediator_b, intake_a):
    case = make_case(org_a, mediator_a)
    claim = case.claims.get()
    for user in (mediator_b, intake_a):
        with pytest.raises(CaseActionError, match="无权"):
            do_edit_claim_item(claim=claim, amount=Decimal("1.00"), description="", actor=staff(user))
    do_transition_case(case=case, to="declined", reason="不属于调解范围", actor=staff(mediator_a))
    case.refresh_from_db()
    assert claims_locked_reason(case) == "案件已结束，请求事项不能再修改"
    with pytest.raises(CaseActionError, match="案件已结束"):
        do_edit_claim_item(claim=claim, amount=Decimal("1.00"), description="", actor=staff(mediator_a))
    claim.refresh_from_db()
    assert claim.amount_claimed == Decimal("12500.00")


# --- pages --------------------------------------------------------------------------------------------------


def edit_url(case, claim):
    return reverse("cases:claim_edit", args=[case.pk, claim.pk])


def test_the_case_page_edits_adds_and_removes_claims_with_their_total(client, org_a, mediator_a):
    case = typed_compensation(org_a, mediator_a)
    client.force_login(mediator_a)
    detail = reverse("cases:detail", args=[case.pk])
    html = client.get(detail).content.decode()
    assert (
        'id="claims-total" class="u-right u-nowrap">35250.00<' in html and edit_url(case, case.claims.first()) in html
    )
    wages = case.claims.get(type=ClaimType.WAGES)
    response = client.post(edit_url(case, wages), {"amount": "13000", "description": "", "expected_amount": "12500.00"})
    assert response.status_code == 302 and response.url == detail + "#claims"
    response = client.post(
        reverse("cases:claim_add", args=[case.pk]), {"type": "overtime", "amount": "2000.50", "description": "周末"}
    )
    compensation = case.claims.get(type=ClaimType.COMPENSATION)
    client.post(reverse("cases:claim_remove", args=[case.pk, compensation.pk]))
    html = client.get(detail).content.decode()
    assert "15000.50" in html.split('id="claims-total"')[1][:40]  # 13,000 + 2,000.50
    assert (
        "请求事项「劳动报酬」已修改" in html
        and "已增加请求事项「加班费」" in html
        and "已删除请求事项「经济补偿」" in html
    )
    assert "劳动报酬：12,500.00 元 → 13,000.00 元" in html and "经济补偿：22,750.00 元" in html  # the timeline


def test_bad_input_on_the_page_says_why_and_keeps_the_claim(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    claim = case.claims.get()
    client.force_login(mediator_a)
    response = client.post(edit_url(case, claim), {"amount": "一万", "expected_amount": "12500.00"}, follow=True)
    assert response.status_code == 200 and "未保存修改：请求金额（元）：请输入金额" in response.content.decode()
    response = client.post(reverse("cases:claim_add", args=[case.pk]), {"type": "", "amount": "-5"}, follow=True)
    html = response.content.decode()
    assert "未增加请求事项" in html and "金额不能为负数" in html
    claim.refresh_from_db()
    assert claim.amount_claimed == Decimal("12500.00") and case.claims.count() == 1


def test_another_organisation_gets_404_and_a_reader_sees_no_forms(
    client, org_a, mediator_a, mediator_b, supervisor_county
):
    case = typed_compensation(org_a, mediator_a)
    claim = case.claims.first()
    other = make_case(org_a, mediator_a)
    client.force_login(mediator_b)
    assert client.post(edit_url(case, claim), {"amount": "1"}).status_code == 404
    assert client.post(reverse("cases:claim_add", args=[case.pk]), {"type": "other"}).status_code == 404
    assert client.post(reverse("cases:claim_remove", args=[case.pk, claim.pk])).status_code == 404
    client.force_login(mediator_a)  # a claim of another case under this case's address
    assert client.post(edit_url(other, claim), {"amount": "1"}).status_code == 404
    client.force_login(supervisor_county)  # reads the case, may not change it
    assert client.post(edit_url(case, claim), {"amount": "1"}).status_code == 404
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert edit_url(case, claim) not in html and 'id="claims-total"' in html
    claim.refresh_from_db()
    assert claim.amount_claimed == Decimal("12500.00")
