"""Negotiation before mediation (企业劳动争议协商调解规定): opening, the employer's link, the 5-day answer at
its edges, settlement and its performance."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from tiaojie.cases.actions import CaseActionError, EmployerInput, StaleCaseError
from tiaojie.cases.models import Case, CaseEvent, Status, overdue_q
from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation import actions
from tiaojie.mediation.deadlines import mediation_deadlines
from tiaojie.mediation.models import Negotiation, Party, Settlement
from tiaojie.mediation.tests.factories import in_days, staff

pytestmark = pytest.mark.django_db
BJ = LEGAL_TZ
BASE = "http://testserver/"


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=BJ), tick=False)


def open_negotiation(case, user, **kw):
    kw.setdefault("contact_name", "李经理")
    kw.setdefault("contact_phone", "13900139000")
    return actions.do_open_negotiation(case=case, requested_by=Party.WORKER, actor=staff(user), base_url=BASE, **kw)


def link_token(sms_text):
    return re.search(r"/mediation/n/([\w-]+)/", sms_text).group(1)


def test_opening_moves_the_case_sends_the_employer_a_link_and_records_the_basis(org_a, mediator_a, _sms_outbox, commit):
    with at(2026, 3, 4, 10, 0):
        case = make_case(org_a, mediator_a)
        clock_a = case.clock_a_due
        with commit():
            negotiation = open_negotiation(case, mediator_a)
    case.refresh_from_db()
    assert case.status == Status.NEGOTIATING and case.clock_a_due == clock_a
    assert negotiation.answer_due == dt.date(2026, 3, 9)  # 5 calendar days after 3-04 (start day not counted)
    assert case.events.filter(kind=CaseEvent.Kind.TRANSITION, to_status=Status.NEGOTIATING).exists()
    assert "5日内不作出回应的，视为不愿协商" in case.events.filter(kind=CaseEvent.Kind.NOTE).last().basis
    [(phone, text)] = _sms_outbox
    assert phone == "13900139000" and "3月9日" in text and "/mediation/n/" in text
    assert negotiation.token == link_token(text)
    assert negotiation.token not in Negotiation.objects.values_list("token_index", flat=True)  # only a hash


def test_negotiating_case_is_open_but_not_overdue_for_acceptance(org_a, mediator_a):
    with at(2026, 3, 4, 10, 0):
        case = make_case(org_a, mediator_a)
        open_negotiation(case, mediator_a)
    case.refresh_from_db()
    assert case.is_open
    day_after_acceptance = case.acceptance_due + dt.timedelta(days=1)
    assert not Case.objects.filter(overdue_q(day_after_acceptance), pk=case.pk).exists()
    assert Case.objects.filter(overdue_q(case.clock_a_due + dt.timedelta(days=1)), pk=case.pk).exists()


def test_employer_page_explains_and_accepts_in_one_step(client, org_a, mediator_a, _sms_outbox, commit):
    case = make_case(org_a, mediator_a)
    with commit():
        open_negotiation(case, mediator_a)
    url = reverse("mediation:employer_negotiation", args=[link_token(_sms_outbox[0][1])])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    for words in ("什么是协商", "调解", "5日内不答复的，视为不愿协商", "人社部令第17号", "同意协商", "不同意协商"):
        assert words in body
    assert page["Referrer-Policy"] == "same-origin"
    response = client.post(url, {"answer": "accept"}, follow=True)
    assert "您的答复已记录" in response.content.decode()
    negotiation = case.negotiations.get()
    assert negotiation.state == Negotiation.State.ACCEPTED
    assert negotiation.answer_channel == Negotiation.AnswerChannel.LINK
    case.refresh_from_db()
    assert case.status == Status.NEGOTIATING
    # A second answer is refused politely, and nothing changes.
    again = client.post(url, {"answer": "decline"}, follow=True).content.decode()
    assert "已经答复过" in again
    assert case.negotiations.get().state == Negotiation.State.ACCEPTED


def test_employer_declines_case_returns_to_mediation_with_acceptance_restarted(
    client, org_a, mediator_a, _sms_outbox, commit
):
    with at(2026, 3, 2, 9, 0):
        case = make_case(org_a, mediator_a)
        with commit():
            open_negotiation(case, mediator_a)
    clock_a, token = case.clock_a_due, link_token(_sms_outbox[0][1])
    _sms_outbox.clear()
    with at(2026, 3, 5, 16, 0), commit():  # Thursday
        client.post(reverse("mediation:employer_negotiation", args=[token]), {"answer": "decline"})
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert case.acceptance_due == dt.date(2026, 3, 10)  # 3 working days from 3-05: Fri, Mon, Tue
    assert case.clock_a_due == clock_a  # never moves
    event = case.events.filter(kind=CaseEvent.Kind.TRANSITION).last()
    assert event.from_status == Status.NEGOTIATING and "拒绝协商" in event.reason
    assert event.actor_label == "用人单位（答复链接）"
    assert any("申请调解" in text for _phone, text in _sms_outbox)  # the worker is offered mediation


def test_wrong_token_is_404(client):
    assert client.get(reverse("mediation:employer_negotiation", args=["nope"])).status_code == 404
    assert (
        client.post(reverse("mediation:employer_negotiation", args=["x" * 32]), {"answer": "accept"}).status_code == 404
    )


@pytest.mark.parametrize(
    ("opened", "last_day"),
    [
        ((2026, 3, 4, 10, 0), dt.date(2026, 3, 9)),  # plain: 5 days later is a Monday
        ((2026, 9, 28, 10, 0), dt.date(2026, 10, 8)),  # 10-03 falls in the National Day holiday: next working day
        ((2026, 10, 5, 10, 0), dt.date(2026, 10, 10)),  # 10-10 is a 调休 Saturday, a working day: no roll
    ],
)
def test_no_answer_expires_at_0000_after_the_last_day_not_at_2359(org_a, mediator_a, opened, last_day):
    with at(*opened):
        case = make_case(org_a, mediator_a)
        negotiation = open_negotiation(case, mediator_a)
    assert negotiation.answer_due == last_day
    with at(last_day.year, last_day.month, last_day.day, 23, 59):
        assert actions.do_expire_negotiations() == []
        [item] = [d for d in mediation_deadlines(dt.datetime.now(BJ)) if d["kind"] == "negotiation_answer"]
        assert item["due"] == dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=BJ)
    nxt = last_day + dt.timedelta(days=1)
    with at(nxt.year, nxt.month, nxt.day, 0, 0):
        assert actions.do_expire_negotiations() == [negotiation.pk]
        assert actions.do_expire_negotiations() == []  # idempotent
    negotiation.refresh_from_db()
    case.refresh_from_db()
    assert negotiation.state == Negotiation.State.NO_ANSWER
    assert case.status == Status.RECEIVED
    event = case.events.filter(kind=CaseEvent.Kind.TRANSITION).last()
    assert event.actor_label == "system" and "5日内未答复" in event.reason


def test_answer_at_2359_of_last_day_counts_at_0000_it_is_too_late(org_a, mediator_a):
    with at(2026, 10, 5, 10, 0):
        case = make_case(org_a, mediator_a)
        first = open_negotiation(case, mediator_a)
    with at(2026, 10, 10, 23, 59):
        actions.do_answer_negotiation(negotiation=first, accept=True, channel="link", actor=actions.SYSTEM)
    assert Negotiation.objects.get(pk=first.pk).state == Negotiation.State.ACCEPTED

    with at(2026, 10, 5, 10, 0):
        case2 = make_case(org_a, mediator_a, employer=actions_employer("另一家公司"))
        late = open_negotiation(case2, mediator_a)
    with at(2026, 10, 11, 0, 0), pytest.raises(CaseActionError, match="答复期限已过"):
        actions.do_answer_negotiation(negotiation=late, accept=True, channel="link", actor=actions.SYSTEM)
    late.refresh_from_db()
    case2.refresh_from_db()
    assert late.state == Negotiation.State.NO_ANSWER and case2.status == Status.RECEIVED


def actions_employer(name):
    return EmployerInput(name=name)


def test_management_command_expires(org_a, mediator_a):
    with at(2026, 3, 4, 10, 0):
        case = make_case(org_a, mediator_a)
        open_negotiation(case, mediator_a)
    with at(2026, 3, 10, 0, 0):
        call_command("expire-negotiations")
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_staff_records_an_oral_answer_and_a_failed_negotiation(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    negotiation = open_negotiation(case, mediator_a)
    actions.do_answer_negotiation(
        negotiation=negotiation, accept=True, channel="oral", note="电话同意", actor=staff(mediator_a)
    )
    with pytest.raises(CaseActionError, match="原因"):
        actions.do_fail_negotiation(negotiation=negotiation, reason=" ", actor=staff(mediator_a))
    actions.do_fail_negotiation(negotiation=negotiation, reason="金额差距过大", actor=staff(mediator_a))
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert "协商不成：金额差距过大" in case.events.filter(kind=CaseEvent.Kind.TRANSITION).last().reason
    with pytest.raises(StaleCaseError):
        actions.do_fail_negotiation(negotiation=negotiation, reason="again", actor=staff(mediator_a))


def test_settlement_performed_closes_not_performed_goes_to_mediation(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    negotiation = open_negotiation(case, mediator_a)
    settlement = actions.do_record_settlement(
        negotiation=negotiation, terms="单位于月底前支付工资12500元", signed_on=in_days(0),
        amount=Decimal("12500"), actor=staff(mediator_a),
    )  # fmt: skip
    case.refresh_from_db()
    assert case.status == Status.SETTLED
    actions.do_record_settlement_performance(settlement=settlement, performed=True, actor=staff(mediator_a))
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at

    other = make_case(org_a, mediator_a, employer=actions_employer("第二家公司"))
    settlement2 = actions.do_record_settlement(
        negotiation=open_negotiation(other, mediator_a), terms="分两次支付", signed_on=in_days(0),
        actor=staff(mediator_a),
    )  # fmt: skip
    with pytest.raises(CaseActionError):
        actions.do_record_settlement_performance(settlement=settlement2, performed=False, actor=staff(mediator_a))
    actions.do_record_settlement_performance(
        settlement=settlement2, performed=False, note="到期未付", actor=staff(mediator_a)
    )
    other.refresh_from_db()
    assert other.status == Status.RECEIVED
    assert Settlement.objects.get(pk=settlement2.pk).performance == Settlement.Performance.NOT_PERFORMED
    with pytest.raises(StaleCaseError):
        actions.do_record_settlement_performance(settlement=settlement2, performed=True, actor=staff(mediator_a))


def test_only_staff_of_the_organisation_may_open(org_a, mediator_a, mediator_b, supervisor_county):
    case = make_case(org_a, mediator_a)
    for user in (mediator_b, supervisor_county):
        with pytest.raises(CaseActionError, match="无权"):
            open_negotiation(case, user)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_generic_button_then_panel_form_still_sends_the_link(client, org_a, mediator_a, _sms_outbox, commit):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    with commit():
        client.post(reverse("cases:transition", args=[case.pk]), {"to": "negotiating", "expected_status": "received"})
    case.refresh_from_db()
    assert case.status == Status.NEGOTIATING
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "提出协商" in page
    with commit():
        client.post(
            reverse("mediation:negotiation_open", args=[case.pk]),
            {"requested_by": "worker", "contact_name": "李经理", "contact_phone": "13900139000"},
        )
    assert case.negotiations.get().state == Negotiation.State.AWAITING
    assert any("/mediation/n/" in text for _p, text in _sms_outbox)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="negotiation-link"' in page and "协商请求答复期限" in page
