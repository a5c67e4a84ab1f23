"""Real-browser journeys (issue 2 item 10): what a mediator relies on, driven through chromium.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/cases/tests/test_browser.py -q
Fixtures (chromium, new_context, reference data under live_server) are in the root conftest.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import valid_id_number

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
BAD_CHECK_DIGIT_ID = "110101199001011234"  # 11010119900101123 + check character 7, not 4


def fill_intake(page: Page, *, id_number: str) -> None:
    page.locator("select[name=channel]").select_option("walk_in")
    page.locator("[name=workers-0-name]").fill("王五")
    page.locator("[name=workers-0-id_number]").fill(id_number)
    page.locator("[name=workers-0-phone]").fill("13800138000")
    page.locator("[name=employer_name]").fill("杭州示例有限公司")
    page.locator("select[name=claims-0-type]").select_option("wages")
    page.locator("[name=claims-0-amount]").fill("15000")
    page.locator("[name=facts]").fill("单位拖欠工资三个月。\n多次催要未果。")


def expect_deadline_block(page: Page, key: str) -> None:
    block = page.locator(f"[data-deadline={key}]")
    expect(block).to_have_count(1)
    expect(block).to_be_visible()
    expect(block).to_contain_text("24:00")
    expect(block).to_contain_text("依据")


def test_mediator_registers_accepts_and_mediates_a_case_other_org_gets_404(
    transactional_db, live_server, new_context, org_a, mediator_a, org_b, mediator_b
):
    base = live_server.url
    page = new_context().new_page()
    log_in(page, base, "mediator_a")

    # Register a case for a worker who came in person (assisted intake).
    page.get_by_role("link", name="登记案件").click()
    expect(page).to_have_url(f"{base}/intake/new/")
    expect(page.locator("select[name=organisation]")).to_have_value(str(org_a.pk))
    fill_intake(page, id_number=valid_id_number())
    page.get_by_role("button", name="登记", exact=True).click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/cases/\d+/$"))
    case = Case.objects.get()
    assert page.url == f"{base}/cases/{case.pk}/"
    expect(page.get_by_role("status").first).to_contain_text(f"案件已登记，编号 {case.number}")
    expect(page.locator("#case-status")).to_have_text("已收到申请")
    expect_deadline_block(page, "acceptance")
    expect_deadline_block(page, "clock_a")
    expect(page.locator("[data-deadline=clock_b]")).to_have_count(0)  # the mediation clock starts at 受理
    expect(page.locator("#timeline li")).to_have_count(1)
    expect(page.locator("#timeline")).to_contain_text("收到申请")

    # 受理: the status changes and the mediation deadline appears.
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator("#case-status")).to_have_text("已受理")
    expect_deadline_block(page, "acceptance")
    expect_deadline_block(page, "clock_a")
    expect_deadline_block(page, "clock_b")
    expect(page.locator("#timeline li")).to_have_count(2)
    expect(page.locator("#timeline li").nth(1)).to_contain_text(re.compile(r"已收到申请\s*→\s*已受理"))

    # 开始调解
    page.get_by_role("button", name="开始调解", exact=True).click()
    expect(page.locator("#case-status")).to_have_text("调解中")
    expect_deadline_block(page, "clock_b")
    timeline = page.locator("#timeline li")
    expect(timeline).to_have_count(3)
    expect(timeline.nth(0)).to_contain_text("收到申请")
    expect(timeline.nth(1)).to_contain_text(re.compile(r"已收到申请\s*→\s*已受理"))
    expect(timeline.nth(2)).to_contain_text(re.compile(r"已受理\s*→\s*调解中"))
    case.refresh_from_db()
    assert case.status == Status.MEDIATING

    # A mediator of another organisation cannot open it: the ordinary 404 page, nothing of the case.
    other = new_context().new_page()
    log_in(other, base, "mediator_b")
    response = other.goto(f"{base}/cases/{case.pk}/")
    assert response is not None and response.status == 404
    expect(other.locator("h1")).to_have_text("未找到该页面")
    expect(other.locator("body")).not_to_contain_text("王五")
    expect(other.locator("body")).not_to_contain_text("杭州示例有限公司")


def test_intake_on_a_phone_shows_chinese_id_error_and_keeps_what_was_typed(
    transactional_db, live_server, new_context, org_a, mediator_a
):
    base = live_server.url
    page = new_context(**PHONE).new_page()
    log_in(page, base, "mediator_a")
    page.goto(f"{base}/intake/new/")

    # Usable on a 390px-wide phone: nothing sticks out sideways, so no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    fill_intake(page, id_number=BAD_CHECK_DIGIT_ID)
    submit = page.get_by_role("button", name="登记", exact=True)
    submit.scroll_into_view_if_needed()
    box = submit.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    submit.tap()

    expect(page).to_have_url(f"{base}/intake/new/")
    expect(page.locator(".errorlist")).to_contain_text("校验位")
    expect(page.get_by_role("status")).to_contain_text("请按提示修改")
    # Nothing typed is lost.
    expect(page.locator("[name=workers-0-name]")).to_have_value("王五")
    expect(page.locator("[name=workers-0-id_number]")).to_have_value(BAD_CHECK_DIGIT_ID)
    expect(page.locator("[name=workers-0-phone]")).to_have_value("13800138000")
    expect(page.locator("[name=employer_name]")).to_have_value("杭州示例有限公司")
    expect(page.locator("[name=claims-0-amount]")).to_have_value("15000")
    expect(page.locator("[name=facts]")).to_have_value("单位拖欠工资三个月。\n多次催要未果。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Case.objects.count() == 0
