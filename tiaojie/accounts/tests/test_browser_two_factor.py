"""Real-browser journey (issue 12 item 4b): a staff member binds an authenticator app at the first login where
two-factor is required, sees the recovery codes once, logs out, and logs in again with password and code.

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/accounts/tests/test_browser_two_factor.py -q
"""

from __future__ import annotations

import base64

import pytest
from django.test import override_settings
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tiaojie.accounts.models import LoginEvent

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-1"  # the personas' password (root conftest.py)


def app_code(secret_shown: str, steps_ahead: int = 0) -> str:
    """What the authenticator app shows for the secret typed in from the page (RFC 6238, 30 s, 6 digits)."""
    import time

    text = secret_shown.replace(" ", "")
    totp = TOTP(base64.b32decode(text + "=" * (-len(text) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def password_step(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill("mediator_a")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:not(.language-switch) button[type=submit]").click()


@override_settings(STAFF_2FA_REQUIRED=True)
def test_enrol_then_log_in_with_the_code(transactional_db, live_server, new_context, mediator_a):
    base = live_server.url
    page = new_context().new_page()

    password_step(page, base)
    expect(page).to_have_url(f"{base}/accounts/two-factor/enrol/")
    expect(page.get_by_role("heading", name="绑定两步验证")).to_be_visible()
    qr = page.get_by_role("img", name="两步验证二维码")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the inline image really draws
    secret = page.locator("[data-totp-secret]").inner_text()

    page.locator("input[name=token]").fill(app_code(secret))
    page.get_by_role("button", name="完成绑定").click()
    expect(page).to_have_url(f"{base}/accounts/two-factor/recovery-codes/")
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page).to_have_url(f"{base}/cases/")

    page.get_by_role("button", name="退出").click()
    password_step(page, base)
    expect(page).to_have_url(f"{base}/accounts/login/verify/")
    page.locator("input[name=token]").fill("000000")
    page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确")
    page.wait_for_timeout(1100)  # django-otp makes the next try wait a second after a wrong code
    # The next period's code: the one used at enrolment cannot be replayed, and the server accepts one step
    # of clock drift either way.
    page.locator("input[name=token]").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="验证并登录").click()
    expect(page).to_have_url(f"{base}/cases/")
    expect(page.get_by_role("link", name="修改密码")).to_be_visible()

    kinds = list(LoginEvent.objects.order_by("seq").values_list("kind", flat=True))
    K = LoginEvent.Kind
    assert kinds == [
        K.PASSWORD_OK,
        K.OTP_ENROLLED,
        K.LOGIN_SUCCESS,
        K.LOGOUT,
        K.PASSWORD_OK,
        K.OTP_FAILURE,
        K.LOGIN_SUCCESS,
    ]
