"""Real-browser journey (issue 15 item 6): a county supervisor opens 用人单位风险 from the statistics, sees a 红
employer with its figures and the rule, and opens its detail; the other county's supervisor gets a 404.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/analytics/tests/test_browser_risk.py -q
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.actions import ClaimInput, EmployerInput, WorkerInput
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.organisations.tests.factories import EmployerFactory

pytestmark = pytest.mark.browser


def test_county_supervisor_finds_a_red_employer_and_opens_it(
    transactional_db, live_server, new_context, org_a, mediator_a, supervisor_county, supervisor_other_county
):
    red = EmployerFactory(name="杭州集体欠薪有限公司")
    # Received three days ago (whatever today is): inside the 365-day window on any date.
    when = timezone.now() - dt.timedelta(days=3)
    make_case(
        org_a,
        mediator_a,
        received_at=when,
        employer=EmployerInput(name=red.name, existing_id=red.pk),
        workers=[WorkerInput(name=f"工人{i}", id_number=valid_id_number()) for i in range(11)],
        claims=[ClaimInput(type="wages", amount=Decimal("66000.00"))],
    )
    base = live_server.url

    page = new_context().new_page()
    log_in(page, base, "supervisor_county")
    page.get_by_role("link", name="统计", exact=True).click()
    page.get_by_role("link", name="用人单位风险").click()
    expect(page).to_have_url(f"{base}/analytics/risk/330110/")
    row = page.locator(f"tr[data-employer='{red.pk}']")
    expect(row).to_contain_text("红色")
    expect(row.locator("[data-factor=collective]")).to_have_text("1")
    expect(row.locator("[data-factor=cases]")).to_have_text("1")
    expect(row.locator("[data-factor=amount]")).to_have_text("66000.00")
    expect(row).to_contain_text("集体争议案件数 ≥ 1")
    expect(page.get_by_role("heading", name="评级规则")).to_be_visible()
    expect(page.locator(".risk-rule")).to_contain_text("第七条")

    row.get_by_role("link", name=red.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(red.name)
    expect(page.get_by_role("heading", level=1)).to_contain_text("红色")
    expect(page.locator("#h-cases + .table-wrap tbody tr")).to_have_count(1)
    detail = page.url

    other = new_context().new_page()
    log_in(other, base, "supervisor_xihu")
    response = other.goto(detail)
    assert response is not None and response.status == 404
