"""Staff idle timeout (issue 12 item 4c; 等保 2.0 8.1.4.1 b 登录连接超时自动退出), password change (4d),
and the password rules (4e)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tiaojie.accounts.models import LoginEvent
from tiaojie.intake.public_views import STEP_SLUGS
from tiaojie.lib.workdays import LEGAL_TZ

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LEGAL_TZ)
Kind = LoginEvent.Kind


def test_a_staff_session_ends_after_30_idle_minutes(client, mediator_a):
    with time_machine.travel(START, tick=False) as clock:
        client.post(reverse("accounts:login"), {"username": "mediator_a", "password": PASSWORD})
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("cases:list")).status_code == 200
        clock.shift(dt.timedelta(minutes=29))  # 58 minutes since the login, 29 since the last page
        assert client.get(reverse("cases:list")).status_code == 200
        clock.shift(dt.timedelta(minutes=30, seconds=1))
        response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"] == f"{reverse('accounts:login')}?next=/cases/"
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(kind=Kind.IDLE_LOGOUT, user=mediator_a).count() == 1
    assert not LoginEvent.objects.filter(kind=Kind.LOGOUT).exists()  # one row for the one logout
    page = client.get(response["Location"]).content.decode()
    assert "分钟未操作，为保护数据已自动退出" in page


def test_an_htmx_request_after_the_timeout_moves_the_whole_page(client, mediator_a):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(mediator_a)
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("cases:list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_the_public_pages_keep_their_longer_sessions(client):
    """A worker filling in the application (no account) is not logged out or cleared after 30 minutes."""
    with time_machine.travel(START, tick=False) as clock:
        session = client.session
        session["public_marker"] = "draft"
        session.save()
        clock.shift(dt.timedelta(minutes=50))
        first_step = reverse("public:apply_step", args=[STEP_SLUGS[0]])
        assert client.get(first_step).status_code == 200
        assert client.session["public_marker"] == "draft"


def test_the_idle_limit_cannot_be_set_above_30_minutes(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import tiaojie.settings as settings_module

    monkeypatch.setenv("STAFF_IDLE_TIMEOUT_MINUTES", "45")
    with pytest.raises(ImproperlyConfigured, match="at most 30"):
        importlib.reload(settings_module)
    monkeypatch.delenv("STAFF_IDLE_TIMEOUT_MINUTES")
    importlib.reload(settings_module)


def test_a_user_changes_their_own_password(client, mediator_a):
    client.force_login(mediator_a)
    page = client.get(reverse("cases:list")).content.decode()
    assert reverse("accounts:password_change") in page  # the link in the header
    new = "Lang-Ren-2026!"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:security")
    assert client.get(reverse("cases:list")).status_code == 200  # this session stays
    mediator_a.refresh_from_db()
    assert mediator_a.check_password(new) and not mediator_a.check_password(PASSWORD)
    assert LoginEvent.objects.filter(kind=Kind.PASSWORD_CHANGED, user=mediator_a).count() == 1
    assert new not in " ".join(str(v) for row in LoginEvent.objects.values() for v in row.values())


def test_a_wrong_old_password_changes_nothing(client, mediator_a):
    client.force_login(mediator_a)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "Lang-Ren-2026!", "new_password2": "Lang-Ren-2026!"},
    )
    assert response.status_code == 200 and "error" in response.content.decode()
    mediator_a.refresh_from_db()
    assert mediator_a.check_password(PASSWORD)


@pytest.mark.parametrize(
    "password",
    [settings.DEMO_PASSWORD, settings.DEMO_PASSWORD.upper() + "-2026!", f"Xy1!{settings.DEMO_PASSWORD}"],
)
def test_the_published_demo_password_is_refused(client, mediator_a, password):
    client.force_login(mediator_a)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert "不能使用公开的演示密码" in response.content.decode()
    mediator_a.refresh_from_db()
    assert mediator_a.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short1A!", False),  # under 10 characters
        ("alllowercaseletters", False),  # one class
        ("lowercase-and-symbols", False),  # two classes
        ("12345678901234", False),  # digits only
        ("Lang-Ren-2026!", True),
        ("tiaojie2026Strong", True),  # lower, upper, digits: three classes
    ],
)
def test_password_rules(password, ok, mediator_a):
    if ok:
        validate_password(password, mediator_a)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, mediator_a)
