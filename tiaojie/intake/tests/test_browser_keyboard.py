"""Real-browser journey (issue 13 item 9): a keyboard-only worker picks the employer's location and submits the
employer step. ↓ on the province list used to commit 北京市 and drop focus, so 浙江省 could not be reached.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/intake/tests/test_browser_keyboard.py -q
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SHOTS = "/tmp/shots/h6"


def focused(page: Page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def choose_by_keyboard(page: Page, select_id: str, name: str, commit: str = "Enter") -> None:
    """Press ↓ until the select shows `name`, as a person would, checking each press leaves focus there and
    fetches nothing; then `commit` (Enter or Tab)."""
    select = page.locator(f"#{select_id}")
    code = page.locator("#division-picker [name=division_code]")
    before = code.input_value()
    for _ in range(60):
        if select.evaluate("s => s.options[s.selectedIndex].text") == name:
            break
        page.keyboard.press("ArrowDown")
        assert focused(page) == select_id  # ↓ moves within the list; it does not commit
        expect(code).to_have_value(before)
    else:
        raise AssertionError(f"{name} not reached in #{select_id}")
    page.keyboard.press(commit)


def test_a_keyboard_user_reaches_zhejiang_and_submits(transactional_db, live_server, new_context, org_a):
    page = new_context(**DESKTOP).new_page()
    page.goto(f"{live_server.url}/apply/employer/")
    page.locator("[name=employer_name]").fill("杭州某某小吃店")
    page.keyboard.press("Tab")  # from the name to the credit code
    page.keyboard.press("Tab")  # to the province list
    assert focused(page) == "division-pick-1"
    # Screen readers announce each list by its level and hear how to use it.
    expect(page.get_by_role("combobox", name="省（自治区、直辖市）")).to_be_focused()
    expect(page.locator("#division-pick-1")).to_have_attribute("aria-describedby", "division-picker-keys")

    page.keyboard.press("ArrowDown")  # 北京市: shown, not committed
    expect(page.locator("#division-pick-1")).to_have_value("11")
    assert page.locator("#division-picker select").count() == 1
    choose_by_keyboard(page, "division-pick-1", "浙江省")
    # Enter committed: the next level came, and focus is on it.
    expect(page.locator("#division-pick-2")).to_be_focused()
    expect(page.locator("#division-picker [name=division_code]")).to_have_value("33")
    choose_by_keyboard(page, "division-pick-2", "杭州市")
    expect(page.locator("#division-pick-3")).to_be_focused()
    choose_by_keyboard(page, "division-pick-3", "余杭区")
    expect(page.locator("#division-pick-4")).to_be_focused()
    # Tab commits too, and moves on.
    choose_by_keyboard(page, "division-pick-4", "仓前街道", commit="Tab")
    expect(page.locator("#division-picker [name=division_code]")).to_have_value("330110012")
    expect(page.locator("#division-picker .chosen")).to_contain_text("浙江省杭州市余杭区仓前街道")
    page.screenshot(path=f"{SHOTS}/keyboard-picker.png", full_page=True)

    # Leave the picker with Tab and submit the step with the keyboard alone.
    page.locator("#division-pick-4").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "下一步":
            break
    else:
        raise AssertionError("Tab never reached 下一步")
    page.keyboard.press("Enter")
    # Wait for the next step before capturing it: a screenshot taken while the page is still navigating fails
    # in Chromium ("Unable to capture screenshot"), which once turned CI red.
    expect(page).to_have_url(f"{live_server.url}/apply/facts/")
    page.screenshot(path=f"{SHOTS}/keyboard-after-submit.png", full_page=True)
