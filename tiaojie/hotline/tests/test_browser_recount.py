"""Real-browser journey of issue 13 item 4 (last part): on 30 December of the calendar's last configured year a
case's acceptance period, a negotiation's answer and a 12351 work order all end in January, which has no holiday
data, so each is flagged uncertain. The administrator types next year's New Year holiday at
/reference/calendar/enter/ and saves; the mediator and the operator then see each date recounted past the
holiday, no longer flagged, and the recount in the history.

Here rather than in reference/tests because the hotline's personas and tiers are this directory's fixtures.
Screenshots in /tmp/shots/h3-recount/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tiaojie.accounts.tests.browser import PASSWORD, log_in
from tiaojie.cases.tests.factories import make_case
from tiaojie.hotline.actions import do_open_work_order
from tiaojie.hotline.tests.factories import make_call
from tiaojie.mediation import actions as mediation_actions
from tiaojie.mediation.models import Negotiation, Party
from tiaojie.mediation.tests.factories import staff
from tiaojie.reference.tests.factories import LONG_NEW_YEAR_DAYS, TEST_NOTICE_NUMBER, last_configured_december

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SHOTS = Path("/tmp/shots/h3-recount")
UNCERTAIN_NOTE = "该期限超出已配置节假日的年份"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_admin_enters_next_year_and_every_uncertain_deadline_is_recounted(
    transactional_db, live_server, new_context, settings, hotline, operator, org_a, mediator_a, django_user_model
):
    settings.PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    december = last_configured_december()
    year = december.year + 1
    django_user_model.objects.create_user(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    with time_machine.travel(december, tick=True):
        received = make_case(org_a, mediator_a)
        negotiating = make_case(org_a, mediator_a)
        negotiation = mediation_actions.do_open_negotiation(
            case=negotiating, requested_by=Party.EMPLOYER, actor=staff(mediator_a), base_url=base
        )
        call = make_call(hotline, operator)
        order = do_open_work_order(call=call, tier_code="general", actor=operator)
        assert received.acceptance_due_uncertain and negotiation.answer_due_uncertain and order.due_uncertain

        # The mediator's case page flags the acceptance period.
        mediator = new_context(**DESKTOP).new_page()
        log_in(mediator, base, "mediator_a")
        mediator.goto(f"{base}/cases/{received.pk}/")
        acceptance = mediator.locator('[data-deadline="acceptance"]')
        expect(acceptance).to_contain_text(UNCERTAIN_NOTE)
        shot(mediator, "1-acceptance-uncertain")

        # The administrator types the holiday and saves.
        admin = new_context(**DESKTOP).new_page()
        log_in(admin, base, "root")
        admin.goto(f"{base}/reference/calendar/enter/")
        confirm = admin.locator("#calendar-confirm")
        confirm.locator("input[name=notice_number]").fill(TEST_NOTICE_NUMBER)
        confirm.locator("input[name=name_0]").fill("元旦")
        confirm.locator("input[name=first_0]").fill(f"{year}-01-01")
        confirm.locator("input[name=last_0]").fill(f"{year}-01-{LONG_NEW_YEAR_DAYS:02d}")
        shot(admin, "2-holiday-typed")
        confirm.get_by_role("button", name="确认保存").click()
        messages = admin.locator(".messages")
        expect(messages).to_contain_text(f"已录入{year}年节假日安排")
        # The received case, the negotiating case (its clock A), the negotiation, the work order.
        expect(messages).to_contain_text("重新计算了4条记录")
        shot(admin, "3-year-saved")

        # Each date moved past the holiday and lost its flag; the history says why.
        received.refresh_from_db()
        negotiation.refresh_from_db()
        order.refresh_from_db()
        holiday_end = dt.date(year, 1, LONG_NEW_YEAR_DAYS)
        assert not received.acceptance_due_uncertain and received.acceptance_due > holiday_end
        assert not negotiation.answer_due_uncertain and negotiation.answer_due > holiday_end
        assert not order.due_uncertain and order.due_date > holiday_end
        mediator.reload()
        expect(acceptance).not_to_contain_text(UNCERTAIN_NOTE)
        expect(acceptance).to_contain_text(f"{received.acceptance_due.year}年{received.acceptance_due.month}月")
        expect(mediator.locator("#timeline")).to_contain_text("重新计算期限")
        shot(mediator, "4-acceptance-recounted")
        mediator.goto(f"{base}/cases/{negotiating.pk}/")
        answer = mediator.locator('[data-deadline="negotiation_answer"]')
        expect(answer).not_to_contain_text(UNCERTAIN_NOTE)
        assert Negotiation.objects.get(pk=negotiation.pk).state == Negotiation.State.AWAITING

        hotline_page = new_context(**DESKTOP).new_page()
        log_in(hotline_page, base, "operator")
        hotline_page.goto(f"{base}/hotline/calls/{call.pk}/")
        expect(hotline_page.locator("#work-order")).not_to_contain_text(UNCERTAIN_NOTE)
        expect(hotline_page.locator("#timeline")).to_contain_text(f"录入{year}年节假日安排后重新计算：办理期限")
        shot(hotline_page, "5-work-order-recounted")
