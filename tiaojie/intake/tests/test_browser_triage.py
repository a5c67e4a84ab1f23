"""Real-browser journey (issue 15 item 7): a worker on a 360 px phone answers the triage questions, reads the
result, taps 用这些信息申请 and finds the wizard pre-filled. No JavaScript is needed; the page's own draft keeper
(draft.js) runs as usual and must not put older values back over the pre-fill.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/intake/tests/test_browser_triage.py -q
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tiaojie.intake.tests.test_browser_public import PHONE_360, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser


def test_a_worker_answers_the_questions_on_a_phone_and_applies_pre_filled(transactional_db, live_server, new_context):
    base = live_server.url
    page = new_context(**PHONE_360).new_page()
    # An older answer kept in this browser from an earlier visit must not win over the pre-fill.
    page.goto(f"{base}/")
    page.evaluate("""() => localStorage.setItem("tiaojie.draft.apply", JSON.stringify({left_on: "2020-01-01"}))""")
    page.get_by_role("link", name="不确定怎么申请？先回答几个问题").tap()
    expect(page).to_have_url(f"{base}/apply/guide/work/")
    assert_no_horizontal_scroll(page)

    left_on = (dt.date.today() - dt.timedelta(days=40)).isoformat()  # the page's clock is the real one
    page.get_by_label("已经离开").check()
    page.locator("[name=left_on]").fill(left_on)
    page.get_by_label("我自己辞职").check()
    page.get_by_role("button", name="下一题").tap()

    # Nothing ticked: a Chinese message, and going back keeps the first screen's answers.
    page.get_by_role("button", name="下一题").tap()
    expect(page.locator("[data-field=problems] .field-error")).to_contain_text("请至少选一项")
    page.get_by_label("工资没发或者没发够").check()
    page.get_by_role("button", name="上一题").tap()
    expect(page.locator("[name=left_on]")).to_have_value(left_on)
    page.get_by_role("button", name="下一题").tap()
    expect(page.get_by_label("工资没发或者没发够")).to_be_checked()
    page.get_by_label("单位没给交社会保险").check()
    page.get_by_role("button", name="下一题").tap()

    page.locator("[name=known_on]").fill((dt.date.today() - dt.timedelta(days=100)).isoformat())
    page.get_by_role("button", name="下一题").tap()
    page.get_by_label("小单位", exact=False).check()
    page.get_by_role("button", name="下一题").tap()
    page.get_by_label("还没有", exact=False).check()
    page.get_by_role("button", name="看结果").tap()

    expect(page.get_by_role("heading", name="根据您的回答")).to_be_visible()
    claims = page.locator("#guide-claims")
    for label in ("劳动报酬", "经济补偿", "社会保险"):
        expect(claims.get_by_role("heading", name=label)).to_be_visible()
    expect(claims).to_contain_text("工资条")
    expect(page.locator('[data-route="negotiation"]')).to_have_attribute("data-fit", "suggested")
    expect(page.locator('[data-route="payment_order"]')).to_have_attribute("data-fit", "not_now")
    assert_no_horizontal_scroll(page)

    button = page.get_by_role("button", name="用这些信息申请")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb can hit it
    button.tap()

    expect(page).to_have_url(f"{base}/apply/worker/?cleared=1&guided=1")
    expect(page.locator("[data-guided]")).to_be_visible()
    # draft.js is deferred: the older draft is forgotten once the page has run it, as it has for a worker who
    # goes on from this page; going elsewhere before that would race the clearing, not test it.
    page.wait_for_function("""() => localStorage.getItem("tiaojie.draft.apply") === null""")
    page.goto(f"{base}/apply/facts/")
    expect(page.locator("[name=left_on]")).to_have_value(left_on)
    expect(page.get_by_label("已经离开")).to_be_checked()
    page.goto(f"{base}/apply/claims/")
    expect(page.locator("[name=claim_wages]")).to_be_checked()
    expect(page.locator("[name=claim_compensation]")).to_be_checked()
    expect(page.locator("[name=claim_social_insurance]")).to_be_checked()
    expect(page.locator("[name=claim_overtime]")).not_to_be_checked()
