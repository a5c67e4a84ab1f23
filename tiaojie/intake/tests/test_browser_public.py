"""Real-browser journey (issue 3 item 11, the worker's side): applying on a 360 px phone and tracking the case.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/intake/tests/test_browser_public.py -q
Fixtures (chromium, new_context, reference data under live_server) are in the root conftest.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import valid_id_number
from tiaojie.organisations.tests.factories import EmployerFactory

pytestmark = pytest.mark.browser

WIDTH = 360
PHONE_360 = {
    "viewport": {"width": WIDTH, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
MOBILE = "13912345678"


def assert_no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert page.evaluate("document.body.scrollWidth") <= WIDTH


def next_step(page: Page) -> None:
    button = page.get_by_role("button", name="下一步", exact=True)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH  # reachable with a thumb
    button.tap()


def pick_location(page: Page, codes: list[str]) -> None:
    """The cascading selects: each choice makes the server send the next level (htmx)."""
    selects = page.locator("#division-picker select[name=pick]")
    for depth, code in enumerate(codes):
        expect(selects).to_have_count(depth + 1)
        selects.nth(depth).select_option(code)
        expect(page.locator("#division-picker [name=division_code]")).to_have_value(code)
        # htmx wires up swapped-in content when it settles; a script, unlike a person, could choose before that.
        expect(page.locator("#division-picker.htmx-settling")).to_have_count(0)


def test_a_worker_applies_on_a_phone_then_tracks_the_case(
    transactional_db, live_server, new_context, org_a, _sms_outbox
):
    base = live_server.url
    page = new_context(**PHONE_360).new_page()
    page.goto(f"{base}/")
    assert_no_horizontal_scroll(page)
    page.get_by_role("main").get_by_role("link", name="申请调解").tap()

    # (a) who you are — and a reload loses nothing typed (kept in this browser as it is typed).
    expect(page).to_have_url(f"{base}/apply/worker/")
    expect(page.get_by_role("heading", name="什么是调解")).to_be_visible()
    expect(page.locator("main")).to_contain_text("不收费")
    id_number = valid_id_number()
    page.locator("[name=name]").fill("李四")
    page.locator("[name=id_number]").fill(id_number)
    page.locator("[name=phone]").fill(MOBILE)
    page.reload()
    expect(page.locator("[name=name]")).to_have_value("李四")
    expect(page.locator("[name=id_number]")).to_have_value(id_number)
    expect(page.locator("[data-draft-notice]")).to_be_visible()
    assert_no_horizontal_scroll(page)
    # The privacy notice, and a separate consent to the ID number (PIPL arts 17, 29): without it, no next step.
    expect(page.locator("#privacy-consent a")).to_have_attribute("href", "/apply/privacy/")
    page.get_by_label(re.compile("我已阅读《个人信息保护说明》")).check()
    next_step(page)
    expect(page.locator("[data-field=id_consent] .field-error")).to_contain_text("单独勾选同意")
    page.get_by_label(re.compile("我单独同意调解组织处理我的身份证号码")).check()
    next_step(page)

    # (b) the employer: typed in, located with the cascading selects down to the township.
    expect(page).to_have_url(f"{base}/apply/employer/")
    page.locator("[name=employer_name]").fill("杭州某某小吃店")
    pick_location(page, ["33", "3301", "330110", "330110012"])
    expect(page.locator("#division-picker .chosen")).to_contain_text("浙江省杭州市余杭区仓前街道")
    assert_no_horizontal_scroll(page)
    next_step(page)

    # (c) what happened, with the time-limit notice.
    expect(page).to_have_url(f"{base}/apply/facts/")
    expect(page.locator("[data-warning=info]")).to_contain_text("一年")
    page.locator("[name=facts]").fill("我在店里做厨师，老板拖欠我三个月工资。")
    page.locator("[name=employment_start]").fill("2024-03-01")
    page.get_by_label("还在工作").check()
    expect(page.locator("[name=left_on]")).to_be_hidden()  # only asked of those who left
    assert_no_horizontal_scroll(page)
    next_step(page)

    # (d) the claims.
    expect(page).to_have_url(f"{base}/apply/claims/")
    page.get_by_role("checkbox", name="劳动报酬").check()
    page.locator("[name=amount_wages]").fill("15000")
    assert_no_horizontal_scroll(page)
    next_step(page)

    # (e)+(f) evidence and review: where it will go and why, then submit.
    expect(page).to_have_url(f"{base}/apply/submit/")
    expect(page.locator(".route")).to_contain_text(org_a.name)
    expect(page.locator(".review")).to_contain_text("劳动报酬：15000")
    expect(page.locator(".evidence")).to_contain_text("查询进度")
    assert_no_horizontal_scroll(page)
    page.get_by_label("我确认以上内容是真实的").check()
    # The phone must answer an SMS code first: a mistyped number never receives someone's tracking code.
    page.get_by_role("button", name="提交申请").tap()
    expect(page.locator("[data-field=sms_code] .field-error")).to_be_visible()
    page.get_by_role("button", name="获取验证码").tap()
    expect(page.locator("main")).to_contain_text("验证码已发送到 139****5678")
    texted = re.search(r"验证码 (\d{6})", _sms_outbox[-1][1])
    assert texted and _sms_outbox[-1][0] == MOBILE
    page.locator("[name=sms_code]").fill(texted.group(1))
    page.get_by_label("我确认以上内容是真实的").check()
    page.get_by_role("button", name="提交申请").tap()

    # The tracking code, large, said to be sent by SMS; where the case went and why.
    expect(page).to_have_url(f"{base}/apply/done/")
    code_box = page.locator("#tracking-code")
    expect(code_box).to_have_text(re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$"))
    code = code_box.inner_text()
    assert float(code_box.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 24
    expect(page.locator("main")).to_contain_text("139****5678")
    expect(page.locator("#routed-to")).to_have_text(org_a.name)
    expect(page.locator("main")).to_contain_text("由用人单位所在乡镇（街道）劳动人事争议调解中心调解")
    assert _sms_outbox and _sms_outbox[-1][0] == MOBILE and code in _sms_outbox[-1][1]
    assert page.evaluate("window.localStorage.getItem('tiaojie.draft.apply')") is None  # forgotten after submit
    assert_no_horizontal_scroll(page)
    case = Case.objects.get()
    assert case.organisation == org_a and case.status == Status.RECEIVED

    # 查询进度: code + phone → the status in plain words and the deadlines.
    page.get_by_role("navigation").get_by_role("link", name="查询进度").tap()
    expect(page).to_have_url(f"{base}/track/")
    page.locator("[name=code]").fill(code)
    page.locator("[name=phone]").fill(MOBILE)
    page.get_by_role("button", name="查询").tap()
    expect(page.locator("#case-status")).to_have_text("已收到申请")
    expect(page.locator("#status-sentence")).to_contain_text("调解组织已经收到您的申请")
    expect(page.locator("[data-deadline=acceptance]")).to_contain_text("之前决定是否受理")
    expect(page.locator("[data-deadline=clock_a]")).to_contain_text("直接申请劳动仲裁")
    expect(page.locator("#documents")).to_contain_text("暂无文书")
    expect(page.locator("#withdraw summary")).to_have_text("撤回调解申请")
    assert_no_horizontal_scroll(page)

    # Withdrawing asks for a fresh code sent to the phone the look-up used.
    page.locator("#withdraw summary").tap()
    page.get_by_role("button", name="获取验证码").tap()
    expect(page.locator("#withdraw [name=sms_code]")).to_be_visible()
    fresh = re.search(r"验证码 (\d{6})，用于撤回", _sms_outbox[-1][1])
    assert fresh
    page.locator("#withdraw [name=reason]").fill("已经和老板谈好了")
    page.locator("#withdraw [name=sms_code]").fill(fresh.group(1))
    page.get_by_role("button", name="确认撤回").tap()
    expect(page.locator("#case-status")).to_have_text("已撤回")
    assert Case.objects.get().status == Status.WITHDRAWN


def test_picking_a_registered_employer_from_the_search(transactional_db, live_server, new_context, org_a):
    employer = EmployerFactory(name="杭州仓前示例电子有限公司", division_id="330110012")
    base = live_server.url
    page = new_context(**PHONE_360).new_page()
    page.goto(f"{base}/apply/employer/")
    page.locator("#id_employer_q").fill("仓前示例")
    result = page.locator("#employer-results button.pick")
    expect(result).to_have_count(1)  # htmx fetched the short list as the worker typed
    expect(result).to_contain_text(employer.name)
    expect(result).to_contain_text(employer.credit_code)
    assert_no_horizontal_scroll(page)
    result.tap()
    expect(page.locator("[data-picked-employer]")).to_contain_text(employer.name)
    expect(page.locator("#division-picker")).to_have_count(0)  # its location is known
    assert_no_horizontal_scroll(page)
