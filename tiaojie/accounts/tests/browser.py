"""Staff log-in for the browser journeys: one helper, so a change to the log-in page is made once."""

from __future__ import annotations

from playwright.sync_api import Page, expect

PASSWORD = "pw-for-tests-1"  # the root conftest's test users


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    # The language switch on every page is a form too: click the log-in form's own button.
    page.locator("form:not(.language-switch) button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/cases/")
