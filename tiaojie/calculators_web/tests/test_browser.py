"""Real-browser journey at 1366 px (issue 13 item 2): a case whose worker typed 经济补偿 22,750; the mediator
runs the calculator (26,000), adds the result to the case and sees one 经济补偿 row of 26,000, edits another
claim, drafts the agreement, and the agreement's totals match the case's.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/calculators_web/tests/test_browser.py -q
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.actions import ClaimInput
from tiaojie.cases.models import CaseEvent, ClaimItem, ClaimType
from tiaojie.mediation.models import AgreementItem
from tiaojie.mediation.tests.factories import mediating_case

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h2")


def shot(page: Page, name: str, part: str = "") -> None:
    """The whole page, or only the element `part` (a long case page is unreadable scaled down)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if part:
        page.locator(part).screenshot(path=str(SHOTS / f"{name}.png"))
    else:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_calculator_result_replaces_the_typed_claim_and_the_agreement_totals_match(
    transactional_db, live_server, new_context, org_a, mediator_a
):
    case = mediating_case(
        org_a,
        mediator_a,
        claims=[
            ClaimInput(type="wages", amount=Decimal("12500.00")),
            ClaimInput(type="overtime", amount=Decimal("7000.00")),
            ClaimInput(type="compensation", amount=Decimal("22750.00"), description="申请人自行计算"),
        ],
    )
    base = live_server.url
    page = new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, base, "mediator_a")
    page.goto(f"{base}/cases/{case.pk}/")
    claims = page.locator("#claims-table tbody tr.claim")
    expect(claims).to_have_count(3)
    expect(page.locator("#claims-total")).to_have_text("42250.00")

    # The calculator, reached from the case, says which claim its result will replace.
    page.get_by_role("link", name="用计算器计算").click()
    shot(page, "item2-0-calculator-index")
    page.get_by_role("link", name="经济补偿（N）").click()
    page.locator("[name=start_date]").fill("2022-01-01")
    page.locator("[name=end_date]").fill("2023-12-31")
    page.locator("[name=monthly_wage]").fill("13000")
    page.get_by_role("button", name="计算", exact=True).click()
    expect(page.locator("#result-amount")).to_have_text("26000.00")
    expect(page.locator("#replaces-claim")).to_contain_text("已有请求事项「经济补偿」22750.00 元")
    shot(page, "item2-1-calculator-replaces")
    page.get_by_role("button", name="加入案件请求事项").click()

    # Back on the case: one 经济补偿 row, now 26,000, and the replacement in the timeline with the old amount.
    expect(page).to_have_url(f"{base}/cases/{case.pk}/")
    expect(page.get_by_role("status").first).to_contain_text("替换请求事项「经济补偿」原来的 22750.00 元")
    compensation = page.locator("#claims-table tr[data-claim-type=compensation]")
    expect(compensation).to_have_count(1)
    expect(compensation.locator(".claim-amount")).to_have_text("26000.00")
    expect(page.locator("#claims-total")).to_have_text("45500.00")
    expect(page.locator("#timeline")).to_contain_text("经济补偿：22,750.00 元 → 26,000.00 元（计算器：经济补偿（N））")

    # Edit another claim: overtime 7,000 → 6,500.
    overtime = page.locator("#claims-table tr[data-claim-type=overtime]")
    overtime.locator("summary", has_text="修改").click()
    overtime.locator("input[name=amount]").fill("6500")
    shot(page, "item2-2a-claim-edit-form", "#claims-table")
    overtime.get_by_role("button", name="保存修改").click()
    expect(page).to_have_url(f"{base}/cases/{case.pk}/#claims")
    expect(page.locator("#claims-table tr[data-claim-type=overtime] .claim-amount")).to_have_text("6500.00")
    expect(page.locator("#claims-total")).to_have_text("45000.00")
    expect(page.locator("#timeline")).to_contain_text("加班费：7,000.00 元 → 6,500.00 元")
    shot(page, "item2-2-case-claims-edited", "#claims-table")

    # Bad input: a clear message, the claim unchanged.
    wages = page.locator("#claims-table tr[data-claim-type=wages]")
    wages.locator("summary", has_text="修改").click()
    wages.locator("input[name=amount]").fill("一万二")
    wages.get_by_role("button", name="保存修改").click()
    expect(page.locator(".messages .error")).to_contain_text("未保存修改：请求金额（元）：请输入金额")
    expect(page.locator("#claims-table tr[data-claim-type=wages] .claim-amount")).to_have_text("12500.00")

    # Draft the agreement: its items are the three claims, the totals those of the case.
    page.get_by_role("button", name="起草调解协议书").click()
    expect(page).to_have_url(f"{base}/mediation/cases/{case.pk}/agreement/")
    page.locator("[name=payments-0-due_date]").fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    page.locator("[name=payments-0-amount]").fill("45000")
    page.get_by_role("button", name="保存协议").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/#mediation-agreement$"))
    expect(page.locator("#agreement-claimed-total")).to_have_text("45000.00")
    expect(page.locator("#agreement-total")).to_have_text("45000.00")
    expect(page.locator("#claims-total")).to_have_text("45000.00")
    expect(page.locator("#mediation-agreement")).not_to_contain_text("22750")
    shot(page, "item2-3-agreement-totals", "#mediation-agreement")

    assert list(
        ClaimItem.objects.filter(case=case, type=ClaimType.COMPENSATION).values_list("amount_claimed", flat=True)
    ) == [Decimal("26000.00")]
    assert AgreementItem.objects.filter(agreement__case=case).count() == 3
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CLAIM_EDITED).count() == 2
