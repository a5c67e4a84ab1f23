"""Real-browser journey (issue 15 item 5): a mediator opens a case, sees the similar cases panel with a reason
and an outcome for each row, and opens one of them.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/mediation/tests/test_browser_similar.py -q
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tiaojie.accounts.tests.browser import log_in
from tiaojie.mediation.tests.test_similar import _ended, _new

pytestmark = pytest.mark.browser


def test_mediator_sees_similar_cases_with_a_reason_and_opens_one(
    transactional_db, live_server, new_context, org_a, mediator_a
):
    here = _new(org_a, mediator_a)
    similar = _ended(org_a, mediator_a, "failed", days=6, employer=here.employer)

    page = new_context().new_page()
    log_in(page, live_server.url, "mediator_a")
    page.goto(f"{live_server.url}/cases/{here.pk}/")
    panel = page.locator("#similar-cases")
    expect(panel).to_be_visible()
    row = panel.locator(f"tr[data-case='{similar.pk}']")
    expect(row.locator(".similar-why")).to_contain_text("同一用人单位")
    expect(row.locator(".similar-why")).to_contain_text("同为加班费、经济补偿")
    expect(row.locator(".similar-result")).to_have_text("调解不成")
    expect(panel.locator("#similar-articles")).to_contain_text("《劳动合同法》第四十六条")
    expect(panel).not_to_contain_text("张三")

    row.get_by_role("link", name=similar.number).click()
    expect(page).to_have_url(re.compile(rf"/cases/{similar.pk}/$"))
    expect(page.locator("h1")).to_contain_text(similar.number)
