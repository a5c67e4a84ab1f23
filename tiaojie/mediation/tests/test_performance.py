"""Performance: payments marked paid with proof, overdue payments and the 支付令 application, automatic
closure, and the satisfaction ratings that follow (issue 4 items 6 and 10)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.cases.actions import CaseActionError, ClaimInput, StaleCaseError
from tiaojie.cases.models import CaseEvent, Status
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation import actions
from tiaojie.mediation.deadlines import mediation_deadlines
from tiaojie.mediation.models import Payment, Rating
from tiaojie.mediation.tests.factories import agreed_case, in_days, pdf_upload, staff

pytestmark = pytest.mark.django_db
BJ = LEGAL_TZ


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=BJ), tick=False)


def pay(payment, user, day, content=None):
    upload = pdf_upload("转账凭证.pdf") if content is None else pdf_upload(content=content)
    return actions.do_mark_payment_paid(
        payment=payment, paid_on=day, upload=upload, name=upload.name, size=upload.size, actor=staff(user)
    )


def claims():
    return [
        ClaimInput(type="wages", amount=Decimal("8000")),
        ClaimInput(type="overtime", amount=Decimal("2000")),
        ClaimInput(type="compensation", amount=Decimal("6000")),
    ]


def test_paying_every_instalment_closes_the_case_as_system_and_issues_rating_links(
    org_a, mediator_a, _sms_outbox, commit
):
    with at(2026, 11, 2, 9, 0):
        case = agreed_case(org_a, mediator_a, due=dt.date(2026, 11, 10), instalments=2)
    first, second = case.agreement.payments.all()
    assert (first.amount + second.amount) == Decimal("12500.00")
    with at(2026, 11, 9, 10, 0):
        with pytest.raises(CaseActionError, match="只接受"):
            pay(first, mediator_a, dt.date(2026, 11, 9), content=b"MZ\x90\x00")
        with pytest.raises(CaseActionError, match="支付日期"):
            pay(first, mediator_a, dt.date(2026, 11, 10))
        pay(first, mediator_a, dt.date(2026, 11, 9))
        with pytest.raises(StaleCaseError, match="已登记为已支付"):
            pay(first, mediator_a, dt.date(2026, 11, 9))
    case.refresh_from_db()
    assert case.status == Status.AGREED
    with at(2026, 12, 9, 10, 0), commit():
        pay(second, mediator_a, dt.date(2026, 12, 9))
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    event = case.events.filter(kind=CaseEvent.Kind.TRANSITION).last()
    assert (event.from_status, event.to_status, event.actor_label) == (Status.AGREED, Status.CLOSED, "system")
    # The on-commit follow-up issued one rating link per party.
    assert set(Rating.objects.filter(case=case).values_list("party", flat=True)) == {"worker", "employer"}


def test_two_staff_mark_the_same_payment_one_wins(org_a, mediator_a, admin_a):
    case = agreed_case(org_a, mediator_a, due=in_days(20))
    payment = case.agreement.payments.get()
    stale = Payment.objects.select_related("agreement__case").get(pk=payment.pk)
    pay(payment, mediator_a, in_days(0))
    with pytest.raises(StaleCaseError):
        pay(stale, admin_a, in_days(0))


def test_overdue_payment_is_listed_with_payment_order_guidance_and_application(client, org_a, mediator_a):
    with at(2026, 11, 2, 9, 0):
        case = agreed_case(org_a, mediator_a, due=dt.date(2026, 11, 10), instalments=2, claims=claims())
    first, second = case.agreement.payments.all()
    with at(2026, 11, 10, 12, 0):
        pay(first, mediator_a, dt.date(2026, 11, 10))
    with at(2026, 12, 10, 23, 59):
        client.force_login(mediator_a)  # sessions expire: log in at the travelled time
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert "payments" in page
        assert "逾期未支付" not in page  # the last day runs to 24:00
        assert "payment-order-guidance" not in page
    with at(2026, 12, 11, 0, 0):
        client.force_login(mediator_a)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        [item] = [d for d in mediation_deadlines(dt.datetime.now(BJ)) if d["kind"] == "payment_due"]
        assert item["key"] == f"mediation:payment:{second.pk}" and item["due"] <= dt.datetime.now(BJ)
    assert "逾期未支付" in page and "payment-order-guidance" in page
    # 8,000 wages + 6,000 compensation agreed; the first payment (8,000) covered the wages (listed first),
    # leaving the 6,000 compensation unpaid; overtime (2,000) is not eligible for a 支付令.
    guidance = page[page.index('id="payment-order-guidance"') :][:3000]
    guidance = guidance.split('id="mediation-limitation"')[0]  # the claims' limitation table follows it
    assert "经济补偿" in guidance and "未付 6000.00 元" in guidance and "加班费" not in guidance
    with at(2026, 12, 11, 9, 0):
        client.force_login(mediator_a)
        response = client.get(reverse("mediation:payment_order", args=[case.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for words in (
        "支付令申请书",
        "请求人民法院向被申请人发出支付令",
        "6000.00",
        "第十六条",
        "第二百二十五条",
        "人民法院",
    ):
        assert words in body
    worker = case.case_workers.get().worker
    assert worker.reveal("id_number") in body
    assert PiiAccessLog.objects.filter(record_id=str(worker.pk), field="id_number").count() == 1


def test_ratings_once_per_party(client, org_a, mediator_a, _sms_outbox, commit):
    case = agreed_case(org_a, mediator_a, due=in_days(20))
    actions.do_set_employer_contact(case=case, name="李经理", phone="13900139000", actor=staff(mediator_a))
    client.force_login(mediator_a)
    upload = pdf_upload()
    with commit():
        client.post(
            reverse("mediation:payment_paid", args=[case.pk, case.agreement.payments.get().pk]),
            {"paid_on": in_days(0).isoformat(), "file": upload},
        )
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    texts = {phone: text for phone, text in _sms_outbox if "评分" in text}
    assert set(texts) == {"13800138000", "13900139000"}
    # Built from PUBLIC_BASE_URL, never the request's Host header.
    link = re.search(re.escape(settings.PUBLIC_BASE_URL) + r"(/mediation/r/[\w-]+/)", texts["13800138000"]).group(1)
    client.logout()
    page = client.get(link).content.decode()
    assert "请为本次调解服务评价" in page
    assert client.post(link, {"score": "9"}).status_code == 200  # not a choice: the form says so
    client.post(link, {"score": "4", "comment": "调解员很耐心"})
    again = client.post(link, {"score": "1"}, follow=True).content.decode()
    assert "您已经评价过了" in again
    rating = Rating.objects.get(case=case, party="worker")
    assert (rating.score, rating.comment) == (4, "调解员很耐心")
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    ratings = page[page.index('id="mediation-ratings"') :]
    assert "调解员很耐心" in ratings and ">4<" in ratings
    assert client.get("/mediation/r/not-a-token/").status_code == 404


def test_deadlines_function_shape(org_a, mediator_a):
    with at(2026, 11, 20, 9, 0):
        agreed_case(org_a, mediator_a, due=dt.date(2026, 12, 20))
    now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=BJ)
    items = mediation_deadlines(now)
    assert {d["kind"] for d in items} == {"payment_due", "arbitration_review_window", "judicial_confirmation_window"}
    for d in items:
        assert set(d) == {"key", "case_id", "kind", "due", "label", "recipients", "uncertain"}
        assert d["uncertain"] is False  # November 2026: every date inside the configured years
        assert d["due"].tzinfo is not None and d["recipients"] in ("staff", "parties", "both")
        assert d["due"].astimezone(BJ).time() == dt.time(0, 0)
    assert len({d["key"] for d in items}) == len(items)


def test_overdue_items_outside_article_16_point_to_arbitration(client, org_a, mediator_a):
    with at(2026, 11, 2, 9, 0):
        case = agreed_case(
            org_a, mediator_a, due=dt.date(2026, 11, 10), claims=[ClaimInput(type="overtime", amount=Decimal("3000"))]
        )
    with at(2026, 11, 11, 9, 0):
        client.force_login(mediator_a)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "逾期未支付" in page and 'id="arbitration-guidance"' in page and "payment-order-guidance" not in page
    assert "第十五条" in page
