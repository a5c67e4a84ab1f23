"""For tests elsewhere that need a signed-in user while STAFF_2FA_REQUIRED is on (it is off in test runs, as
under DEBUG): a session that has passed both steps, without going through the login pages."""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaojie.accounts.models import User


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})[0]


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's authenticator app shows now (or `steps_ahead` periods of 30 s later), computed
    from the device's secret as the app does (RFC 6238)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def login_verified(client: Client, user: User) -> TOTPDevice:
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
