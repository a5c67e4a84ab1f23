"""Real-browser journeys for issue 14 items 1, 4 and 6: a mediator works through the calculators' own pages —
service before 2008 asks for the precise art 40 clause and then pays it uncapped with 代通知金 beside it; a
lawful art 39 dismissal pays nothing and an unlawful one 2N in its own words; 代通知金 is refused with 2N;
long sick leave takes away the year's annual leave. Screenshots go to /tmp/shots/h8/.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/calculators_web/tests/test_browser_grounds.py -q
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tiaojie.calculators_web.tests import browser
from tiaojie.calculators_web.tests.browser import fill

pytestmark = pytest.mark.browser
FOLDER = "h8"  # under /tmp/shots


def shot(page: Page, name: str) -> None:
    browser.shot(page, FOLDER, name)


def test_pre2008_service_needs_the_clause_and_pays_illness_uncapped_with_notice_pay_beside(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/calculators/economic-compensation/")
    fill(page, {"start_date": "1995-01-01", "end_date": "2021-03-31", "monthly_wage": "5000"})
    # The default "art 40" cannot say which rule of 481号 applies: the page asks, keeping what was typed.
    expect(page.locator("#id_termination_reason_errors")).to_contain_text("请选择具体情形")
    expect(page.locator("[name=start_date]")).to_have_value("1995-01-01")
    expect(page.locator("#result-amount")).to_have_count(0)
    shot(page, "n-pre2008-asks-clause")

    fill(page, {"termination_reason": "art40_1", "last_month_wage": "5200"})
    # 13 pre-2008 years uncapped (481号 art 6) + 13 y 3 m → 13.5 months: 26.5 × 5,000.
    expect(page.locator("#result-amount")).to_have_text("132500.00")
    steps = page.locator("#steps")
    expect(steps).to_contain_text("当时规定此情形不设十二个月上限")
    expect(steps).to_contain_text("劳部发〔1994〕481号）第六条")
    expect(steps).to_contain_text("另应支付代通知金 1 × 上一个月工资 5200.00 元")
    shot(page, "n-pre2008-illness-with-notice-pay")

    fill(page, {"termination_reason": "art40_2"})  # incompetence: 481号 art 7 caps the pre-2008 part at 12
    expect(page.locator("#result-amount")).to_have_text("127500.00")


def test_article_39_lawful_pays_nothing_unlawful_is_2n_in_its_own_words(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/calculators/economic-compensation/")
    data = {"start_date": "2015-01-01", "end_date": "2020-06-30", "monthly_wage": "7000", "termination_reason": "art39"}
    fill(page, data)
    expect(page.locator("#result-amount")).to_have_text("0.00")
    expect(page.locator("#steps")).to_contain_text("不支付经济补偿")

    page.goto(f"{live_server.url}/calculators/unlawful-termination/")
    fill(page, data)
    expect(page.locator("#result-amount")).to_have_text("84000.00")
    steps = page.locator("#steps")
    expect(steps).to_contain_text("过失性辞退（第三十九条")
    expect(steps).not_to_contain_text("无过失性辞退")
    expect(steps).not_to_contain_text("第四十条")
    shot(page, "2n-art39")


def test_notice_pay_is_refused_with_2n(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/calculators/notice-pay/")
    fill(page, {"last_month_wage": "6500", "claims_unlawful_termination": "yes"})
    expect(page.locator("#id_claims_unlawful_termination_errors")).to_contain_text("二者不能同时主张")
    expect(page.locator("#result-amount")).to_have_count(0)
    shot(page, "notice-pay-refused-with-2n")
    fill(page, {"claims_unlawful_termination": "no"})
    expect(page.locator("#result-amount")).to_have_text("6500.00")


def test_long_sick_leave_takes_away_the_years_annual_leave(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/calculators/annual-leave/")
    values = {
        "monthly_wage": "8700",
        "cumulative_years": "5",
        "period_start": "2023-01-01",
        "period_end": "2023-12-31",
        "days_taken": "0",
        "sick_leave_months": "1.5",
    }
    fill(page, values)
    expect(page.locator("#result-amount")).to_have_text("4000.00")  # 5 days × 400 × 200 %
    fill(page, {"sick_leave_months": "2"})
    expect(page.locator("#result-amount")).to_have_text("0.00")
    expect(page.locator("#steps")).to_contain_text("不享受当年的年休假")
    expect(page.locator("#steps")).to_contain_text("《职工带薪年休假条例》第四条第（三）项")
    shot(page, "annual-leave-sick-leave")
