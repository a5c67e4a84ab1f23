"""Real-browser journey (issue 14 item 5): after mediation fails, the worker's tracking page on a phone and the
mediator's case page both list each claim item's last day to apply for arbitration, with its basis.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/mediation/tests/test_browser_limitation.py -q
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import formats
from playwright.sync_api import expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.models import ClaimItem, ClaimType
from tiaojie.intake.actions import _issue_tracking_code
from tiaojie.mediation import actions
from tiaojie.mediation.limitation import claim_limitations
from tiaojie.mediation.tests.factories import mediating_case, staff
from tiaojie.reference.tests.factories import cover_years_ahead

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h7-limitation")
PHONE = "13800138000"


def test_worker_and_mediator_see_each_claims_last_day(transactional_db, live_server, new_context, org_a, mediator_a):
    SHOTS.mkdir(parents=True, exist_ok=True)
    cover_years_ahead()  # the last day a year ahead is then certain on any date
    case = mediating_case(org_a, mediator_a)
    ClaimItem.objects.create(case=case, type=ClaimType.DOUBLE_WAGE, amount_claimed=66000)
    code = _issue_tracking_code(case, PHONE)
    actions.do_fail_mediation(case=case, category="refused", reason="被申请人拒绝调解", actor=staff(mediator_a))
    case.refresh_from_db()
    days = {r.last_day for r in claim_limitations(case, None)}
    assert len(days) == 1 and None not in days
    shown = formats.date_format(days.pop(), "DATE_FORMAT")

    worker = new_context(viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True).new_page()
    worker.goto(f"{live_server.url}/track/")
    worker.locator("input[name=code]").fill(code)
    worker.locator("input[name=phone]").fill(PHONE)
    worker.get_by_role("button", name="查询", exact=True).click()
    table = worker.locator("#claim-limitations")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(
        table.locator("tbody tr").filter(has_text="未签劳动合同二倍工资").locator(".limitation-day")
    ).to_contain_text(shown)
    expect(table).to_contain_text("第二十七条")
    table.scroll_into_view_if_needed()
    worker.screenshot(path=str(SHOTS / "tracking.png"), full_page=True)

    staff_page = new_context().new_page()
    log_in(staff_page, live_server.url, "mediator_a")
    staff_page.goto(f"{live_server.url}/cases/{case.pk}/")
    panel = staff_page.locator("#mediation-limitation")
    expect(panel.locator("tbody tr")).to_have_count(2)
    expect(panel.locator(".limitation-day").first).to_contain_text(shown)
    expect(panel).to_contain_text("劳动报酬：在职期间不受一年限制")
    staff_page.screenshot(path=str(SHOTS / "case-page.png"), full_page=True)
