from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tiaojie.notifications import watcher
from tiaojie.notifications.actions import do_notify_user
from tiaojie.notifications.models import Notification
from tiaojie.notifications.tests.conftest import beijing

pytestmark = pytest.mark.django_db
URL = reverse("notifications:list")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_staff_see_their_own_notifications_only(client, case, travel, staff):
    travel(beijing(2025, 3, 16))
    watcher.scan()
    client.force_login(staff["mediator_a"])
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "【期限提醒】" in body and case.number in body
    # The row's link to the case carries its number, not the id.
    assert f'/cases/{case.pk}/">{case.number}</a>' in body and f">#{case.pk}<" not in body
    assert list(response.context["items"]) == list(Notification.objects.filter(recipient_user=staff["mediator_a"]))
    assert all(n.recipient_user_id == staff["mediator_a"].pk for n in response.context["items"])
    assert "138****8000" not in body  # parties' SMS are not staff's notifications

    client.force_login(staff["admin_a"])
    assert {n.recipient_user_id for n in client.get(URL).context["items"]} == {staff["admin_a"].pk}


@pytest.mark.parametrize("who", ["mediator_b", "intake_a"])
def test_another_user_gets_none(client, case, travel, staff, who):
    travel(beijing(2025, 3, 16))
    watcher.scan()
    assert Notification.objects.exists()
    client.force_login(staff[who])
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["items"] == []
    assert "暂无通知" in response.content.decode()


def test_nav_link(client, staff):
    client.force_login(staff["mediator_a"])
    body = client.get(URL).content.decode()
    assert f'href="{URL}"' in body and "通知" in body


def test_keyset_paging_and_constant_queries(client, staff, case):
    user = staff["admin_a"]
    for i in range(3):
        do_notify_user(user=user, template_key="breach.staff", context=_context(case, i), case=case)
    client.force_login(user)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for i in range(3, 60):
        do_notify_user(user=user, template_key="breach.staff", context=_context(case, i), case=case)
    with CaptureQueriesContext(connection) as many:
        first = client.get(URL)
    assert len(many) == len(few)
    items = first.context["items"]
    assert len(items) == 50 and items[0].pk > items[-1].pk
    second = client.get(URL, {"before": first.context["next_before"]})
    assert len(second.context["items"]) == 10 and second.context["next_before"] is None
    assert {n.pk for n in items}.isdisjoint(n.pk for n in second.context["items"])


@pytest.mark.parametrize("before", ["abc", "-1", "0", " 5", "05", "1.0", str(2**63), "5|6", "x" * 300])
def test_a_cursor_no_page_wrote_is_a_400_with_the_newest(client, staff, case, before):
    user = staff["admin_a"]
    newest = do_notify_user(user=user, template_key="breach.staff", context=_context(case, 0), case=case)
    client.force_login(user)
    response = client.get(URL, {"before": before})
    assert response.status_code == 400 and "翻页参数无效" in response.content.decode()
    assert [n.pk for n in response.context["items"]] == [newest.pk]


def _context(case, i):
    return {
        "case_id": case.pk,
        "employer": "某公司",
        "label": f"期限{i}",
        "last_day": "2025年3月6日",
        "status": "已收到申请",
    }


def test_admin_is_read_only_and_shows_masked_phones_only(client, case, travel):
    from tiaojie.organisations.tests.factories import UserFactory

    travel(beijing(2025, 3, 16))
    watcher.scan()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    sms = Notification.objects.get(channel="sms")
    for model in ("notification", "reminder", "deadlinebreach"):
        assert client.get(reverse(f"admin:notifications_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:notifications_{model}_add")).status_code == 403
    page = client.get(reverse("admin:notifications_notification_change", args=[sms.pk])).content.decode()
    assert "138****8000" in page
    assert sms.recipient_phone_encrypted not in page and "13800138000" not in page
