"""Real-browser journey (issue 4 item 11): from acceptance through a session and its minutes to a signed
agreement (SMS code for the worker, scans for the employer and the seal, the mediator in person) and its
performance, until the case shows 已结案.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/mediation/tests/test_browser.py -q
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.mediation.models import Signature
from tiaojie.mediation.tests.factories import PDF, PNG

pytestmark = pytest.mark.browser


def upload(name: str, content: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


def test_acceptance_to_signed_agreement_to_performance_closes_the_case(
    transactional_db, live_server, new_context, org_a, mediator_a, _sms_outbox
):
    case = make_case(org_a, mediator_a)
    base = live_server.url
    page = new_context().new_page()
    log_in(page, base, "mediator_a")
    page.goto(f"{base}/cases/{case.pk}/")

    # Acceptance (the countdown is on the page), then mediation starts.
    expect(page.locator("[data-deadline=acceptance]")).to_contain_text("24:00")
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator("#case-status")).to_have_text("已受理")
    page.get_by_role("button", name="开始调解", exact=True).click()
    expect(page.locator("#case-status")).to_have_text("调解中")

    # Assign the mediator, schedule a session, record its minutes.
    panel = page.locator("#mediation-mediators")
    panel.locator("select[name=user]").select_option(str(mediator_a.pk))
    panel.get_by_role("button", name="指派").click()
    expect(page.locator("#mediators")).to_contain_text("mediator_a")
    # Held just now at the desk: registered afterwards (补登记), so its minutes can be written at once.
    start = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")
    panel = page.locator("#mediation-mediators")
    panel.locator("select[name=mode]").select_option("in_person")
    panel.locator("input[name=starts_at]").fill(start)
    panel.locator("input[name=already_held]").check()
    panel.locator("input[name=place]").fill("仓前街道调解中心第一调解室")
    panel.locator("textarea[name=participants]").fill("申请人张三；被申请人代表李经理；调解员")
    panel.get_by_role("button", name="安排", exact=True).click()
    expect(page.locator(".session")).to_contain_text("仓前街道调解中心第一调解室")
    page.locator(".session summary", has_text="记录调解笔录").click()
    page.locator(".session textarea[name=statements]").fill("申请人：单位拖欠两个月工资。\n被申请人：同意一次性支付。")
    page.locator(".session textarea[name=proposals]").fill("一次性支付12500元")
    page.locator(".session").get_by_role("button", name="保存笔录").click()
    expect(page.locator(".session .minutes")).to_contain_text("同意一次性支付")

    # Draft the agreement from the claims: one payment.
    page.get_by_role("button", name="起草调解协议书").click()
    expect(page).to_have_url(f"{base}/mediation/cases/{case.pk}/agreement/")
    expect(page.locator("[name=items-0-amount_agreed]")).to_have_value("12500.00")
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    page.locator("[name=payments-0-due_date]").fill(due)
    page.locator("[name=payments-0-amount]").fill("12500")
    page.locator("[name=payment_method_note]").fill("转入申请人工资卡")
    page.get_by_role("button", name="保存协议").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/#mediation-agreement$"))
    expect(page.locator("#agreement-total")).to_have_text("12500.00")

    # The worker signs on screen with the SMS code.
    page.locator("#sign-worker").get_by_role("button", name="发送验证码").click()
    expect(page.get_by_role("status").first).to_contain_text("138****8000")
    phone, text = _sms_outbox[-1]
    assert phone == "13800138000"
    code = re.search(r"验证码(\d{6})", text).group(1)
    page.locator("#sign-worker input[name=code]").fill(code)
    page.locator("#sign-worker").get_by_role("button", name="确认签署").click()
    expect(page.locator("#sign-worker")).to_contain_text("已签署")
    expect(page.locator("#agreement-state")).to_contain_text("1/4")

    # The employer's signed and sealed page as a scan; the mediator in person; the seal as a scan.
    page.locator("#sign-employer input[type=file]").set_input_files(upload("employer.pdf", PDF, "application/pdf"))
    page.locator("#sign-employer").get_by_role("button", name="上传并签署").click()
    expect(page.locator("#sign-employer")).to_contain_text("已签署")
    page.locator("#sign-mediator").get_by_role("button", name="调解员本人确认签名").click()
    expect(page.locator("#sign-mediator")).to_contain_text("已签署")
    page.locator("#sign-organisation input[type=file]").set_input_files(upload("seal.png", PNG, "image/png"))
    page.locator("#sign-organisation").get_by_role("button", name="上传并签署").click()

    expect(page.locator("#case-status")).to_have_text("已达成协议")
    expect(page.locator("#agreement-state")).to_contain_text("已生效")
    expect(page.locator("[data-deadline=arbitration_review]")).to_contain_text("24:00")
    expect(page.locator("[data-deadline=judicial_confirmation]")).to_contain_text("24:00")
    assert {s.method for s in Signature.objects.filter(agreement__case=case)} == {"sms_code", "scan", "login"}

    # Performance: the one payment is made, with the bank slip.
    performance = page.locator("#mediation-performance")
    performance.locator("summary", has_text="登记已支付").click()
    performance.locator("input[name=paid_on]").fill(timezone.localdate().isoformat())
    performance.locator("input[type=file]").set_input_files(upload("转账凭证.pdf", PDF, "application/pdf"))
    performance.get_by_role("button", name="登记已支付").click()

    expect(page.locator("#case-status")).to_have_text("已结案")
    expect(page.locator("#payments")).to_contain_text("已支付")
    expect(page.locator("#mediation-ratings")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text(re.compile(r"已达成协议\s*→\s*已结案"))
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert any("评分" in text for _phone, text in _sms_outbox)
    assert Case.objects.get(pk=case.pk).closed_at is not None
