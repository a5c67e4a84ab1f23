"""Real-browser journey (issue 13 item 6), a mediator at 1366 px: a session in the past is refused with the
text kept, minutes with an error keep every word and show the error beside the field, in view; a session is
rescheduled (the parties are texted) and then cancelled (texted again).

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/mediation/tests/test_browser_sessions.py -q
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tiaojie.mediation import actions
from tiaojie.mediation.models import Session
from tiaojie.mediation.tests.factories import mediating_case, staff
from tiaojie.mediation.tests.test_browser import log_in

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h4")


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_mediator_schedules_records_reschedules_and_cancels(
    transactional_db, live_server, new_context, org_a, mediator_a, _sms_outbox
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    case = mediating_case(org_a, mediator_a)
    actions.do_set_employer_contact(case=case, name="李经理", phone="13900139000", actor=staff(mediator_a))
    base = live_server.url
    page = new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, base, "mediator_a")
    page.goto(f"{base}/cases/{case.pk}/")

    # A session on 2025-01-01 with the parties to be texted: refused, every field still filled, nobody texted.
    participants = "申请人张三；被申请人代表李经理；调解员王五"
    new = page.locator("#session-new")
    new.locator("select[name=mode]").select_option("in_person")
    new.locator("input[name=starts_at]").fill("2025-01-01T09:00")
    new.locator("input[name=place]").fill("仓前街道调解中心第一调解室")
    new.locator("textarea[name=participants]").fill(participants)
    new.locator("input[name=notify_parties]").check()
    new.get_by_role("button", name="安排", exact=True).click()
    new = page.locator("#session-new")
    expect(new).to_contain_text("2025-01-01 09:00 已经过去")
    expect(new.locator("textarea[name=participants]")).to_have_value(participants)
    expect(new.locator("input[name=place]")).to_have_value("仓前街道调解中心第一调解室")
    expect(new.locator("input[name=starts_at]")).to_be_focused()
    expect(new.locator("input[name=starts_at]")).to_be_in_viewport()
    page.screenshot(path=str(SHOTS / "6-past-refused-1366.png"))
    assert _sms_outbox == [] and not Session.objects.filter(case=case).exists()

    # The right time: scheduled, both parties texted.
    later = timezone.now() + dt.timedelta(days=3)
    new.locator("input[name=starts_at]").fill(_local(later))
    new.get_by_role("button", name="安排", exact=True).click()
    expect(page.locator(".session")).to_contain_text("仓前街道调解中心第一调解室")
    assert {p for p, _t in _sms_outbox} == {"13800138000", "13900139000"}
    session = Session.objects.get(case=case)

    # Reschedule: the new time is on the page and in an SMS to each party.
    block = page.locator(f"#session-{session.pk}")
    form = block.locator("details.reschedule-form")
    form.locator("summary").click()
    moved = timezone.now() + dt.timedelta(days=4)
    form.locator("input[name=starts_at]").fill(_local(moved))
    form.locator("input[name=place]").fill("仓前街道调解中心第二调解室")
    form.locator("input[name=reason]").fill("申请人出差")
    form.get_by_role("button", name="确认改期").click()
    block = page.locator(f"#session-{session.pk}")
    expect(block).to_contain_text("第二调解室")
    expect(block).to_contain_text(timezone.localtime(moved).strftime("%Y-%m-%d %H:%M"))
    texts = [t for _p, t in _sms_outbox[2:]]
    assert len(texts) == 2 and all("改为" + timezone.localtime(moved).strftime("%Y-%m-%d %H:%M") in t for t in texts)

    # Minutes dated tomorrow: refused by the server, and nothing typed is lost.
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    page.reload()
    block = page.locator(f"#session-{session.pk}")
    block = block.locator("details.minutes-form")
    block.locator("summary").click()
    statements = "申请人：单位拖欠2025年10月至11月工资共12500元。\n被申请人：资金紧张，同意分两期支付。"
    block.locator("textarea[name=statements]").fill(statements)
    block.locator("textarea[name=proposals]").fill("分两期支付，每期6250元")
    block.locator("input[name=held_at]").fill(_local(timezone.now() + dt.timedelta(days=1)))
    block.get_by_role("button", name="保存笔录").click()
    expect(page.locator(f"#session-{session.pk} details.minutes-form")).to_have_attribute("open", "")
    block = page.locator(f"#session-{session.pk} details.minutes-form")
    expect(block.locator("textarea[name=statements]")).to_have_value(statements)
    expect(block.locator("textarea[name=proposals]")).to_have_value("分两期支付，每期6250元")
    held_at = block.locator("input[name=held_at]")
    expect(held_at).to_be_focused()
    expect(held_at).to_be_in_viewport()
    expect(block.locator(".errorlist")).to_contain_text("笔录时间不能晚于现在")
    page.screenshot(path=str(SHOTS / "6-minutes-error-1366.png"))

    # Cancel: struck through with the reason, the parties texted again.
    form = page.locator(f"#session-{session.pk} details.cancel-form")
    form.locator("summary").click()
    form.locator("input[name=reason]").fill("被申请人负责人生病")
    form.get_by_role("button", name="确认取消").click()
    block = page.locator(f"#session-{session.pk}")
    expect(block).to_contain_text("已取消")
    expect(block).to_contain_text("被申请人负责人生病")
    expect(block.get_by_role("button", name="保存笔录")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "6-cancelled-1366.png"), full_page=True)
    assert len(_sms_outbox) == 6 and all("已取消" in t for _p, t in _sms_outbox[4:])
