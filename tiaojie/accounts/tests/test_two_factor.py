"""Two-factor login for staff (issue 12 item 4b; 等保 2.0 8.1.4.1 d 双因素鉴别): enrolment with a real
authenticator code, the second step, recovery codes, and enforcement on every staff page and the admin."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.accounts.models import LoginEvent
from tiaojie.accounts.tests.helpers import code_for, login_verified, totp_device
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LEGAL_TZ)
Kind = LoginEvent.Kind
required = override_settings(STAFF_2FA_REQUIRED=True)


def log_in(client, username="mediator_a", password=PASSWORD, url="/accounts/login/", next_url=""):
    return client.post(url, {"username": username, "password": password, "next": next_url})


def secret_from(page: str) -> bytes:
    """The key the enrolment page shows for typing into an app, decoded as the app does."""
    text = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", page).group(1).replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


@required
def test_a_user_without_an_authenticator_enrols_after_the_password(client, mediator_a):
    with time_machine.travel(START, tick=False) as clock:
        response = log_in(client)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor_enrol")
        assert "_auth_user_id" not in client.session  # not logged in between the two steps
        assert client.get(reverse("cases:list")).status_code == 302

        page = client.get(reverse("accounts:two_factor_enrol")).content.decode()
        assert 'src="data:image/svg+xml' in page  # the QR code inline, nothing fetched
        device = TOTPDevice.objects.get(user=mediator_a, confirmed=False)
        assert secret_from(page) == device.bin_key

        wrong = client.post(reverse("accounts:two_factor_enrol"), {"token": "000000"})
        assert "验证码不正确" in wrong.content.decode()
        clock.shift(dt.timedelta(seconds=2))  # django-otp waits 1 s after a wrong code
        response = client.post(reverse("accounts:two_factor_enrol"), {"token": code_for(device)})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:recovery_codes")

        codes_page = client.get(reverse("accounts:recovery_codes")).content.decode()
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
        assert len(codes) == 10
        assert client.get(reverse("accounts:recovery_codes")).status_code == 302  # shown once
        assert client.get(reverse("cases:list")).status_code == 200
    kinds = list(LoginEvent.objects.order_by("seq").values_list("kind", flat=True))
    assert kinds == [Kind.PASSWORD_OK, Kind.OTP_ENROL_FAILURE, Kind.OTP_ENROLLED, Kind.LOGIN_SUCCESS]


@required
def test_an_enrolled_user_needs_the_code(client, mediator_a):
    device = totp_device(mediator_a)
    with time_machine.travel(START, tick=False) as clock:
        response = log_in(client, next_url="/notifications/")
        assert response["Location"] == reverse("accounts:two_factor")
        assert client.get("/notifications/").status_code == 302
        assert "验证码不正确" in client.post(reverse("accounts:two_factor"), {"token": "123456"}).content.decode()
        clock.shift(dt.timedelta(seconds=2))
        response = client.post(reverse("accounts:two_factor"), {"token": code_for(device)})
        assert response.status_code == 302 and response["Location"] == "/notifications/"
        assert client.get("/notifications/").status_code == 200
        # The same code cannot be replayed in another session.
        other = client.__class__()
        log_in(other)
        assert other.post(reverse("accounts:two_factor"), {"token": code_for(device)}).status_code == 200
    success = LoginEvent.objects.get(kind=Kind.LOGIN_SUCCESS)
    assert success.detail == "密码 + 动态验证码"
    assert LoginEvent.objects.filter(kind=Kind.OTP_FAILURE).count() == 2


@required
def test_a_recovery_code_works_once(client, mediator_a):
    from tiaojie.accounts.actions import _new_recovery_codes

    totp_device(mediator_a)
    code = _new_recovery_codes(mediator_a)[0]
    log_in(client)
    response = client.post(reverse("accounts:two_factor"), {"token": code.upper()})  # case and spaces forgiven
    assert response.status_code == 302 and client.get(reverse("cases:list")).status_code == 200
    assert StaticToken.objects.filter(device__user=mediator_a).count() == 9
    client.logout()
    with time_machine.travel(dt.timedelta(seconds=5)):
        log_in(client)
        assert client.post(reverse("accounts:two_factor"), {"token": code}).status_code == 200
    assert LoginEvent.objects.filter(kind=Kind.RECOVERY_CODE_USED).get().detail == "剩余 9 个恢复码"


@required
def test_wrong_codes_lock_the_account_like_wrong_passwords(client, mediator_a):
    device = totp_device(mediator_a)
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        for _ in range(5):
            clock.shift(dt.timedelta(minutes=1))  # past django-otp's own growing delay
            response = client.post(reverse("accounts:two_factor"), {"token": "000000"})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
        clock.shift(dt.timedelta(seconds=31))
        assert "已被暂时锁定" in log_in(client).content.decode()  # the right password too, now
        assert client.post(reverse("accounts:two_factor"), {"token": code_for(device)}).status_code == 302
        assert "_auth_user_id" not in client.session


@required
def test_the_pending_login_expires(client, mediator_a):
    totp_device(mediator_a)
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        clock.shift(dt.timedelta(minutes=11))
        response = client.get(reverse("accounts:two_factor"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")


@required
def test_a_session_without_the_second_factor_is_refused_everywhere(client, admin_client, mediator_a):
    """A session from before the rule (here: force_login) is logged out on the next request, admin too."""
    client.force_login(mediator_a)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    response = admin_client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@required
def test_the_admin_login_has_the_same_two_steps(client):
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    device = totp_device(admin)
    response = log_in(client, "boss", url="/admin/login/", next_url="/admin/")
    assert response["Location"] == reverse("accounts:two_factor")
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("accounts:two_factor"), {"token": code_for(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_refuses_non_staff(client, mediator_a):
    response = log_in(client, url="/admin/login/", next_url="/admin/")
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@required
def test_a_verified_session_passes(client, mediator_a):
    login_verified(client, mediator_a)
    assert client.get(reverse("cases:list")).status_code == 200


@required
def test_the_api_is_not_affected(client, mediator_a):
    token = do_create_api_token(user=mediator_a)
    response = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_without_the_rule_the_demo_logs_in_with_the_password_only(client, mediator_a, settings):
    assert settings.STAFF_2FA_REQUIRED is False  # test runs, like DEBUG, default to off
    assert log_in(client)["Location"] == reverse("cases:list")


def test_without_the_rule_an_enrolled_user_still_gives_the_code(client, mediator_a):
    totp_device(mediator_a)
    assert log_in(client)["Location"] == reverse("accounts:two_factor")


def test_a_signed_in_user_may_enrol_and_renew_recovery_codes(client, mediator_a):
    client.force_login(mediator_a)
    assert "尚未绑定" in client.get(reverse("accounts:security")).content.decode()
    client.get(reverse("accounts:two_factor_enrol"))
    device = TOTPDevice.objects.get(user=mediator_a)
    response = client.post(reverse("accounts:two_factor_enrol"), {"token": code_for(device)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    assert client.get(reverse("accounts:recovery_codes")).status_code == 200
    assert "剩余 10 个恢复码" in client.get(reverse("accounts:security")).content.decode()
    old = set(StaticToken.objects.values_list("token", flat=True))
    assert client.post(reverse("accounts:security"))["Location"] == reverse("accounts:recovery_codes")
    assert not old & set(StaticToken.objects.values_list("token", flat=True))
    # A second authenticator is not bound over the first: an admin resets it (a lost phone).
    assert client.get(reverse("accounts:two_factor_enrol"))["Location"] == reverse("accounts:security")


def test_an_admin_resets_a_lost_authenticator(admin_client, mediator_a):
    totp_device(mediator_a)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"), {"action": "reset_two_factor", "_selected_action": [mediator_a.pk]}
    )
    assert response.status_code == 302 and not TOTPDevice.objects.filter(user=mediator_a).exists()
    event = LoginEvent.objects.get(kind=Kind.OTP_RESET)
    assert event.user == mediator_a and event.actor.username == "admin"


def test_the_device_admin_pages_are_read_only(admin_client, mediator_a):
    device = totp_device(mediator_a)
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page
    response = admin_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 403 and TOTPDevice.objects.filter(pk=device.pk).exists()
