"""Staff login lockout (issue 12 item 4a; 等保 2.0 8.1.4.1 b 登录失败处理). The attack: a script posting wrong
passwords as fast as it can. Before this, every one of 93 tries a minute reached the password check, without
end; now the sixth try is refused, the right password included, until the lock ends or an admin lifts it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from tiaojie.accounts import actions
from tiaojie.accounts.models import LoginEvent, LoginThrottle, User
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LEGAL_TZ)
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
Kind = LoginEvent.Kind


def post(client, url, username, password, ip="198.51.100.7"):
    data = {"username": username, "password": password, "next": "/admin/" if url == ADMIN_LOGIN else ""}
    return client.post(url, data, REMOTE_ADDR=ip)


def checked_passwords() -> int:
    """Tries that reached the password check (a wrong password counted), as opposed to refused as locked."""
    return LoginEvent.objects.filter(kind=Kind.LOGIN_FAILURE).count()


def brute_force(client, url, username, tries=93):
    """The attack script: `tries` wrong passwords in one minute (93 a minute was measured before the fix)."""
    with time_machine.travel(START, tick=False) as clock:
        for i in range(tries):
            post(client, url, username, f"guess-{i}")
            clock.shift(dt.timedelta(seconds=60 / tries))


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff_admin", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_the_sixth_try_is_refused_even_with_the_right_password(client, staff_user, url):
    with time_machine.travel(START, tick=False):
        for i in range(5):
            response = post(client, url, "staff_admin", f"wrong-{i}")
            assert response.status_code == 200
        body = response.content.decode()
        assert "登录失败次数过多" in body and "2026-03-02 09:30" in body  # the fifth locks, and says until when
        response = post(client, url, "staff_admin", PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "登录失败次数过多，该账户或本机已被暂时锁定" in body and "2026-03-02 09:30（北京时间）" in body
    assert checked_passwords() == 5
    assert LoginEvent.objects.filter(kind=Kind.REFUSED_LOCKED, username="staff_admin").count() == 1


def test_attempts_per_minute_without_a_limit(client, staff_user):
    """What the attack got before the lockout (as if there were no limit): every try is a password guess."""
    with override_settings(LOGIN_MAX_FAILURES=10**6, LOGIN_MAX_FAILURES_PER_IP=10**6):
        brute_force(client, LOGIN, "staff_admin")
    assert checked_passwords() == 93


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_attempts_per_minute_with_the_lockout(client, staff_user, url):
    """The same minute of tries now gets 5 guesses; the other 88 are refused without a password check."""
    brute_force(client, url, "staff_admin")
    assert checked_passwords() == 5
    assert LoginEvent.objects.filter(kind=Kind.REFUSED_LOCKED).count() == 88


def test_one_address_is_locked_across_accounts(client, mediator_a):
    with time_machine.travel(START, tick=False):
        for name in ["zhang", "wang", "li", "zhao", "qian"]:  # one guess at each of five names
            post(client, LOGIN, name, "123456", ip="203.0.113.5")
        refused = post(client, LOGIN, "mediator_a", PASSWORD, ip="203.0.113.5")
        elsewhere = post(client, LOGIN, "mediator_a", PASSWORD, ip="192.0.2.44")
    assert "已被暂时锁定" in refused.content.decode()
    assert elsewhere.status_code == 302 and elsewhere["Location"] == reverse("cases:list")
    assert LoginThrottle.objects.get(scope="ip", key="203.0.113.5").failures == 5


def test_an_account_is_locked_from_every_address(client, mediator_a):
    with time_machine.travel(START, tick=False):
        for i in range(5):
            post(client, LOGIN, "mediator_a", "wrong", ip=f"192.0.2.{i + 1}")  # five addresses, one try each
        response = post(client, LOGIN, "mediator_a", PASSWORD, ip="192.0.2.99")
        # Any spelling of the name is the same account name for the count.
        other_case = post(client, LOGIN, "Mediator_A", PASSWORD, ip="192.0.2.98")
    assert "已被暂时锁定" in response.content.decode() and "已被暂时锁定" in other_case.content.decode()


def test_the_lock_ends_after_the_lockout_time(client, mediator_a):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            post(client, LOGIN, "mediator_a", "wrong")
        clock.shift(dt.timedelta(minutes=29, seconds=59))
        assert post(client, LOGIN, "mediator_a", PASSWORD).status_code == 200
        clock.shift(dt.timedelta(seconds=2))
        assert post(client, LOGIN, "mediator_a", PASSWORD).status_code == 302


def test_failures_spread_beyond_the_window_do_not_lock(client, mediator_a):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(8):
            post(client, LOGIN, "mediator_a", "wrong")
            clock.shift(dt.timedelta(minutes=4))  # four tries fit in any 15-minute window
        assert post(client, LOGIN, "mediator_a", PASSWORD).status_code == 302


def test_a_successful_login_starts_the_account_count_again(client, mediator_a):
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            post(client, LOGIN, "mediator_a", "wrong", ip="192.0.2.1")
        assert post(client, LOGIN, "mediator_a", PASSWORD, ip="192.0.2.2").status_code == 302
        client.logout()
        for _ in range(4):
            post(client, LOGIN, "mediator_a", "wrong", ip="192.0.2.3")
        assert post(client, LOGIN, "mediator_a", PASSWORD, ip="192.0.2.4").status_code == 302


def test_client_login_is_counted_too(client, mediator_a):
    """Paths without a request (the test client's login) go through the same backend: the name is counted."""
    for _ in range(5):
        assert not client.login(username="mediator_a", password="wrong")
    assert not client.login(username="mediator_a", password=PASSWORD)


def test_an_admin_unlocks_from_the_lock_list(client, admin_client, mediator_a):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            post(client, LOGIN, "mediator_a", "wrong")
        throttles = LoginThrottle.objects.filter(locked_until__isnull=False)
        assert throttles.count() == 2  # the name and the address
        response = admin_client.post(
            reverse("admin:accounts_loginthrottle_changelist"),
            {"action": "unlock", "_selected_action": [t.pk for t in throttles]},
        )
        assert response.status_code == 302
        assert post(client, LOGIN, "mediator_a", PASSWORD).status_code == 302
    unlocked = LoginEvent.objects.filter(kind=Kind.UNLOCKED)
    assert unlocked.count() == 2 and {e.actor.username for e in unlocked} == {"admin"}


def test_an_admin_unlocks_a_user(client, admin_client, mediator_a):
    with time_machine.travel(START, tick=False):
        for i in range(5):
            post(client, LOGIN, "mediator_a", "wrong", ip=f"192.0.2.{i + 1}")
        response = admin_client.post(
            reverse("admin:accounts_user_changelist"), {"action": "unlock_logins", "_selected_action": [mediator_a.pk]}
        )
        assert response.status_code == 302
        assert post(client, LOGIN, "mediator_a", PASSWORD, ip="192.0.2.50").status_code == 302
    assert LoginEvent.objects.get(kind=Kind.UNLOCKED).user == mediator_a


def test_a_user_without_the_permission_cannot_unlock(client, mediator_a):
    viewer = UserFactory(username="viewer", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_loginthrottle"))
    for _ in range(5):
        post(client, LOGIN, "mediator_a", "wrong")
    other = client.__class__()
    other.force_login(viewer)
    throttles = list(LoginThrottle.objects.values_list("pk", flat=True))
    other.post(reverse("admin:accounts_loginthrottle_changelist"), {"action": "unlock", "_selected_action": throttles})
    assert LoginThrottle.objects.filter(locked_until__isnull=False).count() == 2


def test_the_audit_rows_never_hold_the_password(client, mediator_a):
    post(client, LOGIN, "mediator_a", "Secret-Guess-9", ip="192.0.2.1")
    post(client, LOGIN, "mediator_a", PASSWORD, ip="192.0.2.1")
    rows = list(LoginEvent.objects.order_by("seq").values_list("kind", "username", "ip_address", "user_id"))
    assert rows == [
        (Kind.LOGIN_FAILURE, "mediator_a", "192.0.2.1", mediator_a.pk),
        (Kind.LOGIN_SUCCESS, "mediator_a", "192.0.2.1", mediator_a.pk),
    ]
    text = " ".join(str(v) for row in LoginEvent.objects.values() for v in row.values())
    assert "Secret-Guess-9" not in text and PASSWORD not in text


def test_a_locked_page_says_so_for_a_name_that_does_not_exist(client):
    """Lock and message are the same for a name with no account: the page reveals no account names."""
    for _ in range(5):
        post(client, LOGIN, "nobody-here", "x")
    assert "已被暂时锁定" in post(client, LOGIN, "nobody-here", "x", ip="192.0.2.9").content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers (PostgreSQL)")
def test_parallel_failures_are_each_counted(transactional_db):
    """Ten workers failing at the same instant: every failure counts, none is lost to a lost update."""
    UserFactory(username="target")
    barrier = threading.Barrier(10)

    def fail():
        try:
            barrier.wait()
            actions.do_record_login_failure(username="target", request=None)
        finally:
            connection.close()

    with override_settings(LOGIN_MAX_FAILURES=100):
        threads = [threading.Thread(target=fail) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert LoginThrottle.objects.get(scope="username", key="target").failures == 10
    assert User.objects.filter(username="target").exists()
