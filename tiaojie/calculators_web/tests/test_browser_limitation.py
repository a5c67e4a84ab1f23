"""Real-browser journey (issue 14 items 5 and 7): the limitation calculator gives a day rolled past the National
Day holiday, and a double-wage claim applied for too late shows a warning, not a silent amount. Screenshots go
to /tmp/shots/h7-limitation/.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/calculators_web/tests/test_browser_limitation.py -q
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tiaojie.calculators_web.tests import browser
from tiaojie.calculators_web.tests.browser import fill

pytestmark = pytest.mark.browser
FOLDER = "h7-limitation"


def test_the_last_day_and_the_double_wage_warning(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/calculators/arbitration-limitation/")
    fill(page, {"known_on": "2024-10-01"})
    # 2025-10-01 falls in the 2025 National Day holiday (1–8 October, seeded): the last day is Thursday the 9th.
    expect(page.locator("#result-last-day")).to_contain_text("2025年10月9日")
    expect(page.locator("#steps")).to_contain_text("以其后的第一个工作日 2025-10-09 为期间的最后一日")
    expect(page.locator("#result-amount")).to_have_count(0)
    browser.shot(page, FOLDER, "calculator")

    page.goto(f"{live_server.url}/calculators/double-wage/")
    fill(
        page,
        {
            "start_date": "2024-01-01",
            "monthly_wage": "6000",
            "end_date": "2024-12-31",
            "application_date": "2025-06-10",
        },
    )
    expect(page.locator("#result-amount")).to_have_text("66000.00")
    expect(page.locator("#result-time-barred")).to_contain_text("有 4 个月已超过仲裁时效")
    expect(page.locator("#result-time-barred")).to_contain_text("42000.00")
    browser.shot(page, FOLDER, "double-wage-late")
