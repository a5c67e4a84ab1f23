"""Real-browser journey (issue 14 item 2): a Hangzhou mediator accepts a case the day after it was received, in
the week before Spring Festival 2026. Clock B runs from receipt, as Zhejiang's regulation says (浙江条例 art 10
para 2), and the page cites that article; five days agreed by both parties move the last day on by five days
even though the period had rolled over the holiday. Screenshots: /tmp/shots/h2/clock-b-*.png.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/cases/tests/test_browser_clock_b.py -q
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.reference import rules

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/h2")
DESKTOP = {"viewport": {"width": 1280, "height": 1000}}


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"clock-b-{name}.png"), full_page=True)


def test_a_hangzhou_mediator_sees_clock_b_from_receipt_and_an_extension_adds_its_days(
    transactional_db, live_server, new_context, org_a, mediator_a
):
    base = live_server.url
    assert org_a.division_id.startswith("33")  # 仓前街道, 杭州市余杭区
    # Received on Monday 2 February 2026; the mediator accepts it on Tuesday the 3rd. The seeded calendar holds
    # 2026 (Spring Festival 15–23 February), so no year needs to be marked as configured.
    case = make_case(org_a, mediator_a, received_at=dt.datetime(2026, 2, 2, 9, 0, tzinfo=LEGAL_TZ))
    with time_machine.travel(dt.datetime(2026, 2, 3, 10, 0, tzinfo=LEGAL_TZ), tick=True):
        page = new_context(**DESKTOP).new_page()
        log_in(page, base, "mediator_a")
        page.goto(f"{base}/cases/{case.pk}/")
        page.get_by_role("button", name="受理", exact=True).click()
        expect(page.locator("#case-status")).to_have_text("已受理")

        clock_b = page.locator("[data-deadline=clock_b]")
        # 2 February + 15 = 17 February, in the holiday: the period ends on Tuesday 24 February. Counted from
        # acceptance (the national rule) it would be 18 February, rolled to the same day, so the label and the
        # basis are what show the Zhejiang rule.
        expect(clock_b).to_contain_text("调解期限（收到申请起15日）")
        expect(clock_b).to_contain_text("2026年2月24日 24:00")
        expect(clock_b.locator(".basis")).to_have_text(f"依据：{rules.ZHEJIANG_CLOCK_B_BASIS}")
        expect(clock_b.locator(".basis")).to_contain_text("《浙江省劳动人事争议调解仲裁条例》第十条第二款")
        hint = page.locator("[data-extension-hint]").first
        expect(hint).to_contain_text("延长的天数不设上限（《浙江省劳动人事争议调解仲裁条例》第十条第二款）")
        shot(page, "1-accepted")

    with time_machine.travel(dt.datetime(2026, 2, 10, 15, 0, tzinfo=LEGAL_TZ), tick=True):
        # A week later, before the holiday, both parties agree to five more days (a new log-in: the idle
        # timeout ended the first session meanwhile).
        log_in(page, base, "mediator_a")
        page.goto(f"{base}/cases/{case.pk}/")
        extension = page.locator("details:has(form[action$='/extend/'])").first
        extension.locator("summary").click()
        form = extension.locator("form")
        form.locator("[name=days]").fill("5")
        form.locator("[name=reason]").fill("双方当事人于2月10日书面同意延长5日")
        form.get_by_role("button", name="延长").click()
        expect(page.get_by_role("status").first).to_contain_text("调解期限已延长")
        # 24 February + 5 = 1 March, a Sunday: Monday 2 March. Before the fix: 3 Feb + 20 → 24 February again.
        expect(clock_b).to_contain_text("2026年3月2日 24:00")
        expect(clock_b).to_contain_text("已经双方同意延长5天；延长的天数自原期限最后一日的次日起算。")
        expect(page.locator("#timeline")).to_contain_text("延长调解期限")
        shot(page, "2-extended")

    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.clock_b_due == dt.date(2026, 3, 2)
    assert case.clock_a_due == dt.date(2026, 2, 24)  # clock A never moves
    assert Case.objects.filter(pk=case.pk, clock_b_extensions=[5]).exists()
