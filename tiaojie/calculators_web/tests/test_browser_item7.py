"""Real-browser journeys for issue 14 item 7: a mediator finds the new calculators on the index, works a grade 7
work injury of an uninsured Zhejiang employer (who pays each item), corrects a 停工留薪期 beyond 24 months
without losing what was typed, reaches a death case, and a probation claim whose contract term decides the
lawful limit. Screenshots go to /tmp/shots/h9/.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/calculators_web/tests/test_browser_item7.py -q
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tiaojie.calculators_web.tests import browser
from tiaojie.calculators_web.tests.browser import fill

pytestmark = pytest.mark.browser
FOLDER = "h9"  # under /tmp/shots


def shot(page: Page, name: str) -> None:
    browser.shot(page, FOLDER, name)


def test_work_injury_uninsured_zhejiang_grade_7_then_a_death(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/calculators/")
    for title in ("工伤待遇", "违法约定试用期的赔偿金", "竞业限制经济补偿", "医疗期和病假工资", "服务期违约金上限"):
        expect(page.get_by_role("link", name=title)).to_be_visible()
    shot(page, "index")
    page.get_by_role("link", name="工伤待遇").click()

    typed = {
        "monthly_wage": "8000",
        "local_average_monthly_wage": "6000",
        "outcome": "7",
        "employer_insured": "no",
        "stoppage_months": "30",
        "employment_end_date": "2024-06-30",
        "province": "33",
        "province_average_monthly_wage": "6500",
    }
    fill(page, typed)
    # 30 months of 停工留薪期 is beyond art 33's 24: refused beside the field, nothing lost.
    expect(page.locator("#id_stoppage_months_errors")).to_contain_text("不超过 24")
    expect(page.locator("[name=province_average_monthly_wage]")).to_have_value("6500")
    expect(page.locator("#result-amount")).to_have_count(0)
    shot(page, "injury-stoppage-too-long")

    fill(page, {"stoppage_months": "3"})
    # 3 × 8,000 + 13 × 8,000 + 10 × 6,500 + 10 × 6,500, all paid by the uninsured employer (art 62).
    expect(page.locator("#result-amount")).to_have_text("258000.00")
    steps = page.locator("#steps")
    expect(steps).to_contain_text("用人单位应当参加而未参加工伤保险")
    expect(steps).to_contain_text("依法由工伤保险基金支付，用人单位未参加工伤保险，由用人单位支付")
    expect(steps).to_contain_text("浙江省工伤保险条例")
    expect(steps).to_contain_text("其中工伤保险基金支付 0.00 元，用人单位支付 258000.00 元")
    shot(page, "injury-grade7-uninsured-zhejiang")

    fill(page, {"outcome": "death", "employer_insured": "yes", "death_date": "2024-05-01", "stoppage_months": ""})
    # 6 × 6,000 + 20 × 51,821.
    expect(page.locator("#result-amount")).to_have_text("1072420.00")
    expect(page.locator("#steps")).to_contain_text("2023 年")
    shot(page, "injury-death")


def test_probation_beyond_the_lawful_limit(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/calculators/unlawful-probation/")
    fill(
        page,
        {
            "contract_start_date": "2024-01-01",
            "contract_end_date": "2024-12-31",
            "probation_served_until": "2024-06-30",
            "post_probation_wage": "6000",
        },
    )
    expect(page.locator("#result-amount")).to_have_text("24000.00")
    expect(page.locator("#steps")).to_contain_text("试用期不得超过二个月")
    shot(page, "probation")
