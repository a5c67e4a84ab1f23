"""Real-browser journey (issue 15 item 8): a mediator drafts an agreement promising court enforcement and the
assistant warns on the case page, with the count beside the signatures, while signing stays open."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.actions import ClaimInput
from tiaojie.mediation.tests.factories import mediating_case
from tiaojie.reference.tests.factories import cover_years_ahead

pytestmark = pytest.mark.browser


def test_a_draft_promising_court_enforcement_is_flagged_on_the_case_page(
    transactional_db, live_server, new_context, org_a, mediator_a
):
    cover_years_ahead()
    case = mediating_case(org_a, mediator_a, claims=[ClaimInput(type="overtime", amount=Decimal("3000.00"))])
    base = live_server.url
    page = new_context().new_page()
    log_in(page, base, "mediator_a")
    page.goto(f"{base}/cases/{case.pk}/")

    # The focus points of the case's one claim type, before any draft.
    assistant = page.locator("#mediation-assistant")
    expect(assistant).to_contain_text("是否存在加班事实及举证责任")
    expect(assistant).not_to_contain_text("未签书面合同的起止时间")

    page.get_by_role("button", name="起草调解协议书").click()
    expect(page).to_have_url(f"{base}/mediation/cases/{case.pk}/agreement/")
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    page.locator("[name=payments-0-due_date]").fill(due)
    page.locator("[name=payments-0-amount]").fill("3000")
    page.locator("[name=tax_note]").fill("以上为税后金额")
    page.locator("[name=other_terms]").fill("被申请人逾期不支付的，申请人可向法院申请强制执行。")
    page.get_by_role("button", name="保存协议").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/#mediation-agreement$"))

    finding = page.locator("#mediation-assistant [data-finding=court_enforcement]")
    expect(finding).to_contain_text("条款写明可向法院申请强制执行")
    expect(finding).to_contain_text("申请人可向法院申请强制执行")
    expect(finding).to_contain_text("仲裁审查确认")
    expect(page.locator("#agreement-findings")).to_contain_text("1 条提示")
    # Advice only: the parties can still sign.
    expect(page.locator("#sign-worker").get_by_role("button", name="发送验证码")).to_be_visible()

    # Made conditional on a judicial confirmation, the clause is correct and the warning goes.
    page.goto(f"{base}/mediation/cases/{case.pk}/agreement/")
    page.locator("[name=payments-0-due_date]").fill(due)
    page.locator("[name=other_terms]").fill("经司法确认后，一方不履行的，另一方可以依法向人民法院申请强制执行。")
    page.get_by_role("button", name="保存协议").click()
    expect(page.locator("#assistant-no-findings")).to_be_visible()
    expect(page.locator("#agreement-findings")).to_have_count(0)
