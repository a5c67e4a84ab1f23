"""Real-browser journey of the 12351 console (issue 3 items 4 and 11): an operator logs a dispute call and
turns it into a case; a mediator of the organisation it was routed to finds it in their list.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/hotline/tests/test_browser.py -q
Fixtures (chromium, new_context, reference data under live_server) are in the root conftest.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.cases.models import Case
from tiaojie.hotline.models import HotlineCall

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}


def log_a_dispute_call(page: Page) -> None:
    page.locator("[name=caller_name]").fill("李四")
    page.locator("[name=caller_phone]").fill("139 1234 5678")
    page.get_by_label("争议").check()
    page.locator("select[name=topic]").select_option("wages")
    page.locator("[name=summary]").fill("来电人称所在公司拖欠两个月工资共12000元，多次讨要未果。")
    page.locator("[name=answer]").fill("已告知可申请调解，来电人同意。")
    page.locator("[name=duration_minutes]").fill("6")
    page.locator("[name=duration_seconds]").fill("30")
    page.get_by_role("button", name="保存来电").click()


def test_operator_turns_a_call_into_a_case_that_the_routed_mediator_opens(
    transactional_db, live_server, new_context, hotline, operator, org_a, mediator_a
):
    base = live_server.url
    page = new_context().new_page()
    log_in(page, base, "operator")

    page.get_by_role("link", name="12351热线").click()
    expect(page).to_have_url(f"{base}/hotline/")
    expect(page.locator("h1")).to_have_text("12351热线工作台")
    page.get_by_role("link", name="登记来电").click()
    log_a_dispute_call(page)

    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/hotline/calls/\d+/$"))
    call = HotlineCall.objects.get()
    expect(page.get_by_role("status").first).to_contain_text(f"已登记{call.caller_name}的来电")
    expect(page.locator("h1")).to_contain_text(f"{call.caller_name}的来电")  # no raw id (issue 13 item 10)
    expect(page.locator("main")).not_to_contain_text(f"#{call.pk}")
    expect(page.locator("body")).to_contain_text("139****5678")
    expect(page.locator("body")).not_to_contain_text("13912345678")
    expect(page.locator("body")).to_contain_text("6分30秒")

    # (Revealing the full number writes to the append-only access log, which a SQLite flush after a
    # live_server test cannot delete; test_views covers it.)
    expect(page.get_by_role("button", name="显示完整号码")).to_be_visible()

    # Convert: prefilled from the call; the operator adds the employer and where it is.
    page.get_by_role("link", name="转为调解申请").click()
    expect(page).to_have_url(f"{base}/hotline/calls/{call.pk}/convert/")
    expect(page.locator("[name=worker_name]")).to_have_value("李四")
    expect(page.locator("select[name=claim_type]")).to_have_value("wages")
    expect(page.locator("[name=facts]")).to_have_value(call.summary)
    expect(page.locator("[name=use_caller_phone]")).to_be_checked()
    page.locator("[name=employer_name]").fill("杭州仓前示例科技有限公司")
    page.locator("[name=employer_division]").fill("330110012")
    page.get_by_role("button", name="提交调解申请").click()

    expect(page).to_have_url(f"{base}/hotline/calls/{call.pk}/")
    case = Case.objects.get()
    expect(page.get_by_role("status").first).to_contain_text(f"已转为调解案件{case.number}")
    expect(page.locator("#routed-organisation")).to_have_text(org_a.name)
    expect(page.locator("#route-reason")).to_contain_text("乡镇（街道）劳动人事争议调解中心")
    assert case.organisation == org_a and case.channel == "hotline"

    # The operator's own hotline is not the case's organisation: the case page is not theirs to open.
    response = page.goto(f"{base}/cases/{case.pk}/")
    assert response is not None and response.status == 404

    # The mediator of the routed township centre sees it in their list and opens it.
    mediator = new_context().new_page()
    log_in(mediator, base, "mediator_a")
    row_link = mediator.locator(f'a[href="/cases/{case.pk}/"]')
    expect(row_link).to_be_visible()
    expect(mediator.locator("#case-rows")).to_contain_text("杭州仓前示例科技有限公司")
    row_link.click()
    expect(mediator).to_have_url(f"{base}/cases/{case.pk}/")
    expect(mediator.locator("body")).to_contain_text("李四")
    expect(mediator.locator("body")).to_contain_text("12351热线")
    expect(mediator.locator("body")).to_contain_text("拖欠两个月工资")
    expect(mediator.locator("body")).not_to_contain_text("12351热线工作台")
    # And has no console link of their own.
    expect(mediator.get_by_role("link", name="12351热线")).to_have_count(0)


def test_console_on_a_phone_has_no_sideways_scrolling(transactional_db, live_server, new_context, hotline, operator):
    base = live_server.url
    page = new_context(**PHONE).new_page()
    log_in(page, base, "operator")
    page.goto(f"{base}/hotline/calls/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    log_a_dispute_call(page)
    expect(page).to_have_url(re.compile(r"/hotline/calls/\d+/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("select[name=tier]").select_option("general")
    page.get_by_role("button", name="派发工单").click()
    expect(page.locator("[data-deadline=work_order]")).to_contain_text("（期限为本地设置，可由管理员调整）")
    page.goto(f"{base}/hotline/")
    expect(page.locator("#call-rows")).to_contain_text("139****5678")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_rider_call_with_two_claims_and_the_township_typed_by_name(
    transactional_db, live_server, new_context, hotline, operator, org_a
):
    """Issue 13 item 11: a delivery rider asks to have the labour relationship confirmed and to be paid; the
    operator hears "仓前" and types it, at a 1366 px desk."""
    base = live_server.url
    page = new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, base, "operator")
    page.goto(f"{base}/hotline/calls/new/")
    page.locator("[name=caller_name]").fill("赵六")
    page.locator("[name=caller_phone]").fill("139 1234 5678")
    page.get_by_label("争议").check()
    page.locator("select[name=topic]").select_option("labour_relationship")
    page.get_by_role("group", name="同一来电还反映了（可多选）").get_by_label("劳动报酬").check()
    page.locator("[name=summary]").fill("外卖骑手，平台称不是员工，拖欠两个月配送费8600元。")
    page.locator("[name=answer]").fill("已告知可申请调解确认劳动关系并追索报酬。")
    page.locator("[name=duration_minutes]").fill("9")
    page.get_by_role("button", name="保存来电").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/hotline/calls/\d+/$"))
    expect(page.locator("main")).to_contain_text("确认劳动关系、劳动报酬")

    page.get_by_role("link", name="转为调解申请").click()
    # Both matters of the call arrive as claim rows; the operator adds the amount of the pay.
    expect(page.locator("select[name=claim_type]")).to_have_value("labour_relationship")
    expect(page.locator("select[name=claim_type_2]")).to_have_value("wages")
    page.get_by_label("请求金额2（元）").fill("8600")
    page.locator("[name=employer_name]").fill("杭州云帆即时配送有限公司")
    field = page.get_by_label("用人单位所在地")
    field.fill("仓前")
    # The suggestions the browser offers for "仓前" carry the parents: which 仓前 it is.
    suggestions = page.locator("#division-options option").evaluate_all(
        "(os, typed) => os.map(o => o.value).filter(v => v.includes(typed))", "仓前"
    )
    assert suggestions == ["浙江省杭州市余杭区仓前街道"]
    page.screenshot(path="/tmp/shots/h6/hotline-convert-two-claims.png", full_page=True)
    # Close the browser's suggestion list and go on, keeping "仓前" as typed (a click on the button while the
    # list is open only closes the list, in Chromium).
    field.press("Escape")
    page.get_by_label("事实和理由").click()
    expect(field).to_have_value("仓前")
    page.get_by_role("button", name="提交调解申请").click()
    expect(page.get_by_role("status").first).to_contain_text("已转为调解案件")
    case = Case.objects.get()
    assert case.employer.division_id == "330110012" and case.organisation == org_a
    assert sorted((c.type, str(c.amount_claimed)) for c in case.claims.all()) == [
        ("labour_relationship", "None"),
        ("wages", "8600.00"),
    ]
    page.screenshot(path="/tmp/shots/h6/hotline-converted.png", full_page=True)
