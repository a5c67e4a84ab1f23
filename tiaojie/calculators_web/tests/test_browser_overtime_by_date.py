"""Real-browser journey for issue 14 item 3: on a phone-sized page, a worker types the days of overtime, one a
line, into the overtime calculator and sees each day's kind (statutory holiday, 调休 rest day, 调休 working day)
beside its rate, and the amount. Screenshots go to /tmp/shots/h6/.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/calculators_web/tests/test_browser_overtime_by_date.py -q
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tiaojie.calculators_web.tests import browser
from tiaojie.calculators_web.tests.browser import fill

pytestmark = pytest.mark.browser


def test_overtime_by_date_shows_each_days_kind_and_the_amount(live_server, new_context):
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live_server.url}/calculators/overtime/")
    expect(page.locator("textarea[name=days_worked]")).to_be_visible()
    fill(page, {"monthly_wage": "17400", "days_worked": "2026-10-01 8\n2026-10-04 6\n2026-02-14 2"})
    expect(page.locator("#result-amount")).to_have_text("3900.00")  # 8 × 300 + 6 × 200 + 2 × 150
    steps = page.locator("#steps")
    expect(steps).to_contain_text("2026-10-01（周四，国庆节，法定节假日）：8 小时 × 300%")
    expect(steps).to_contain_text("2026-10-04（周日，国庆节假期中的调休休息日，不是法定节假日）：6 小时 × 200%")
    expect(steps).to_contain_text("2026-02-14（周六，春节调休上班日，按工作日计）：2 小时 × 150%")
    expect(steps).to_contain_text("《全国年节及纪念日放假办法》第二条")
    browser.shot(page, "h6", "overtime-by-date")
    # A year the holiday table does not have is refused beside the field, what was typed kept.
    fill(page, {"days_worked": "2099-10-01 8"})
    expect(page.locator("#id_days_worked_errors")).to_contain_text("2099 年的节假日安排尚未录入本系统")
    expect(page.locator("textarea[name=days_worked]")).to_have_value("2099-10-01 8")
    browser.shot(page, "h6", "overtime-year-not-configured")
