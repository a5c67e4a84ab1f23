"""The three reads of every signed-in request (its session, its user, its second-factor device) go through
lookups compiled once (lib.compiled: accounts.sessions, DemoAwareBackend.get_user, accounts.middleware's
OTPMiddleware). Each must refuse what Django's and django_otp's own reads refuse."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaojie.accounts.tests.helpers import login_verified
from tiaojie.lib.workdays import LEGAL_TZ

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LEGAL_TZ)


def _signed_in(client) -> bool:
    return client.get(reverse("cases:list")).status_code == 200


@override_settings(STAFF_2FA_REQUIRED=True)
def test_a_verified_session_reads_the_list_and_its_own_device(client, mediator_a):
    login_verified(client, mediator_a)
    assert _signed_in(client)


def test_an_expired_session_row_is_no_session(client, mediator_a):
    with time_machine.travel(START, tick=False):
        client.force_login(mediator_a)
        assert _signed_in(client)
        Session.objects.update(expire_date=START - dt.timedelta(seconds=1))
        response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_an_unknown_session_key_is_no_session(client, mediator_a):
    client.force_login(mediator_a)
    Session.objects.all().delete()
    assert not _signed_in(client)


def test_a_user_made_inactive_is_signed_out_on_the_next_request(client, mediator_a):
    client.force_login(mediator_a)
    assert _signed_in(client)
    mediator_a.is_active = False
    mediator_a.save(update_fields=["is_active"])
    assert not _signed_in(client)


@override_settings(STAFF_2FA_REQUIRED=True)
def test_a_device_of_another_user_or_unconfirmed_does_not_pass_the_second_factor(client, mediator_a, admin_a):
    login_verified(client, mediator_a)
    others = TOTPDevice.objects.create(user=admin_a, name="admin's", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = others.persistent_id
    session.save()
    assert not _signed_in(client)

    mine = login_verified(client, mediator_a)
    assert _signed_in(client)
    TOTPDevice.objects.filter(pk=mine.pk).update(confirmed=False)
    assert not _signed_in(client)


@override_settings(STAFF_2FA_REQUIRED=True)
@pytest.mark.parametrize("persistent_id", ["otp_totp.totpdevice/99999999999999999999", "otp_totp.totpdevice/x", "nope"])
def test_a_tampered_device_id_is_no_second_factor_not_a_500(client, mediator_a, persistent_id):
    login_verified(client, mediator_a)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
