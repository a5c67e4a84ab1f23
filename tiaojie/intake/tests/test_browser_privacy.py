"""Real browser: a worker on a 360 px phone opens the privacy notice from the application form's link and can read
it without scrolling sideways, then goes back to the form.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/intake/tests/test_browser_privacy.py -q
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tiaojie.intake.tests.test_browser_public import PHONE_360, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser


def test_the_notice_reads_on_a_phone(transactional_db, live_server, new_context, settings):
    settings.RETENTION_YEARS = 3
    page = new_context(**PHONE_360).new_page()
    page.goto(f"{live_server.url}/apply/privacy/")
    expect(page.get_by_role("heading", name="个人信息保护说明")).to_be_visible()
    for heading in ("为什么要身份证号码", "保存多久", "您的权利"):
        section = page.get_by_role("heading", name=heading)
        section.scroll_into_view_if_needed()
        expect(section).to_be_visible()
    expect(page.get_by_text("再保存3年", exact=False)).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="返回网上申请调解").tap()
    expect(page).to_have_url(re.compile(r"/apply/(?!privacy/)"))
    expect(page.get_by_role("heading", name="个人信息保护说明")).to_have_count(0)
