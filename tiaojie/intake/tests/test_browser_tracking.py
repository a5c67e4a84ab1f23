"""Real-browser journey (issue 13 item 7), a worker on a 360 px phone: mistyped phones say how many tries
are left, the lockout lifts with an SMS code sent to the phone on file, and the tracking page then shows the
session, the agreed amounts and payment schedule, the confirmation windows, the arbitration limitation date and
the documents served on the worker, one of which downloads as a PDF.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/intake/tests/test_browser_tracking.py -q
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tiaojie.documents.models import Kind
from tiaojie.documents.tests.kind_fixtures import issue, serve_in_person
from tiaojie.intake.actions import _issue_tracking_code
from tiaojie.mediation import actions
from tiaojie.mediation.tests.factories import draft_agreement, in_days, mediating_case, sign_all, staff
from tiaojie.reference.tests.factories import cover_years_ahead

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h4")
PHONE = "13800138000"


def test_worker_unlocks_by_sms_and_follows_the_case_to_the_end(
    transactional_db, live_server, new_context, org_a, mediator_a, settings, _sms_outbox
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "track_ipcode": (2, 3600)}
    cover_years_ahead()  # the served notice prints deadlines: certain on any date
    case = mediating_case(org_a, mediator_a)
    session = actions.do_schedule_session(
        case=case,
        data=actions.SessionInput(
            mode="in_person",
            starts_at=timezone.now(),
            participants="双方",
            place="仓前街道调解中心第一调解室",
            already_held=True,
        ),
        actor=staff(mediator_a),
    )
    agreement = sign_all(draft_agreement(case, mediator_a, due=in_days(20), instalments=2), mediator_a)
    worker = case.case_workers.select_related("worker").first().worker.name
    served = issue(case, Kind.ACCEPTANCE, mediator_a)
    serve_in_person(served, mediator_a, at=timezone.now(), receiver=worker)
    code = _issue_tracking_code(case, PHONE)
    _sms_outbox.clear()

    page = new_context(viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{live_server.url}/track/")
    page.locator("input[name=code]").fill(code)
    page.locator("input[name=phone]").fill("13800138001")  # one digit wrong
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("#track-not-found")).to_contain_text("还可以再试 1 次")
    page.screenshot(path=str(SHOTS / "7-tries-left-360.png"))
    page.locator("input[name=code]").fill(code)
    page.locator("input[name=phone]").fill("13800138002")
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("#track-locked")).to_contain_text("用短信验证码马上解锁")

    # The unlock code goes to the phone the tracking code was issued to.
    unlock = page.locator("#unlock-request")
    unlock.locator("input[name=code]").fill(code)
    unlock.locator("input[name=phone]").fill(PHONE)
    unlock.get_by_role("button", name="获取解锁验证码").click()
    expect(page.locator("#unlock-verify")).to_contain_text("138****8000")
    page.screenshot(path=str(SHOTS / "7-unlock-360.png"))
    [(phone, text)] = _sms_outbox
    assert phone == PHONE
    page.locator("#unlock-verify input[name=sms_code]").fill(re.search(r"验证码 (\d{6})", text).group(1))
    page.get_by_role("button", name="解锁并查询").click()
    expect(page.locator("#case-status")).to_have_text("已达成协议")

    # Everything to the end of the case.
    when = timezone.localtime(session.starts_at)
    expect(page.locator("#track-sessions")).to_contain_text(f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}")
    expect(page.locator("#track-sessions")).to_contain_text("仓前街道调解中心第一调解室")
    total = sum(i.amount_agreed for i in agreement.items.all())
    expect(page.locator("#track-total")).to_have_text(str(total))
    payments = list(agreement.payments.order_by("seq"))
    expect(page.locator("#track-payments li")).to_have_count(2)
    for row, p in zip(page.locator("#track-payments li").all(), payments, strict=True):
        expect(row).to_contain_text(f"{p.due_date.year}年{p.due_date.month}月{p.due_date.day}日 前支付 {p.amount} 元")
    review = agreement.review_deadline.last_day
    expect(page.locator("#track-windows")).to_contain_text(f"{review.year}年{review.month}月{review.day}日 24:00")
    expect(page.locator("#track-windows")).to_contain_text("司法确认")
    expect(page.locator("#track-limitation")).to_contain_text("最迟应在")
    page.locator("#track-agreement").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "7-agreement-360.png"))
    page.locator("#track-limitation").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "7-limitation-documents-360.png"))
    # No horizontal scrolling on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    link = page.locator("#track-documents a", has_text="受理通知书")
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    page.screenshot(path=str(SHOTS / "7-full-360.png"), full_page=True)
