"""The access matrix: only members (any role) of a hotline organisation use the console and see their own
hotline's calls; everyone else gets 404; anonymous visitors are sent to the login page."""

import pytest
from django.http import Http404
from django.urls import reverse

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.cases.models import Case
from tiaojie.hotline.access import access_call, calls_visible_to, hotline_organisations
from tiaojie.hotline.models import HotlineCall, ServiceRating, WorkOrder
from tiaojie.hotline.tests.factories import make_call
from tiaojie.organisations.models import Membership
from tiaojie.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CALL_ENDPOINTS = [
    ("get", "hotline:detail", {}),
    ("post", "hotline:work_order_open", {"tier": "simple"}),
    ("post", "hotline:work_order_close", {"note": "已办结"}),
    ("get", "hotline:convert", {}),
    ("post", "hotline:convert", {"worker_name": "李四", "employer_name": "某公司", "employer_division": "330110012"}),
    ("post", "hotline:rate", {"score": "5"}),
    ("post", "hotline:reveal_phone", {}),
]
PAGE_ENDPOINTS = [("get", "hotline:console", {}), ("get", "hotline:new", {}), ("post", "hotline:new", {})]


def hit(client, method, name, data, call=None):
    url = reverse(name, args=[call.pk]) if call is not None else reverse(name)
    return getattr(client, method)(url, data)


@pytest.fixture
def call(hotline, operator):
    return make_call(hotline, operator)


def nothing_written(call):
    assert not WorkOrder.objects.exists() and not ServiceRating.objects.exists()
    assert not Case.objects.exists() and not PiiAccessLog.objects.exists()
    assert HotlineCall.objects.count() == 1 and call.events.count() == 1


def test_anonymous_is_sent_to_login(client, call):
    endpoints = [(e, call) for e in CALL_ENDPOINTS] + [(e, None) for e in PAGE_ENDPOINTS]
    for (method, name, data), target in endpoints:
        response = hit(client, method, name, data, target)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")) and "next=" in response["Location"]
    nothing_written(call)


@pytest.mark.parametrize("persona", ["operator_other", "mediator_a", "admin_a", "supervisor_county", "no_role_user"])
def test_everyone_but_the_hotlines_members_gets_404_for_a_call(client, call, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for method, name, data in CALL_ENDPOINTS:
        response = hit(client, method, name, data, call)
        assert response.status_code == 404, (method, name)
        assert "李四" not in response.content.decode()
    nothing_written(call)


@pytest.mark.parametrize(
    "persona", ["mediator_a", "admin_a", "supervisor_county", "supervisor_national", "no_role_user"]
)
def test_non_members_get_404_for_the_console(client, call, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for method, name, data in PAGE_ENDPOINTS:
        assert hit(client, method, name, data).status_code == 404, (method, name)
    assert HotlineCall.objects.count() == 1


def test_another_hotlines_operator_sees_only_their_own_calls(client, call, operator_other, hotline_other):
    own = make_call(hotline_other, operator_other, caller_name="宁波来电人")
    client.force_login(operator_other)
    body = client.get(reverse("hotline:console")).content.decode()
    assert "宁波来电人" in body and f'href="/hotline/calls/{own.pk}/"' in body
    assert "李四" not in body and f'href="/hotline/calls/{call.pk}/"' not in body
    assert list(calls_visible_to(operator_other)) == [own]


def test_the_hotlines_operator_is_let_in(client, call, operator):
    client.force_login(operator)
    for method, name, data in CALL_ENDPOINTS + PAGE_ENDPOINTS:
        response = hit(client, method, name, data, call if (method, name, data) in CALL_ENDPOINTS else None)
        assert response.status_code in (200, 302), (method, name)


@pytest.mark.parametrize("role", [Membership.Role.MEDIATOR, Membership.Role.ADMIN, Membership.Role.INTAKE])
def test_any_role_of_the_hotline(client, call, hotline, role):
    user = MembershipFactory(organisation=hotline, role=role).user
    client.force_login(user)
    assert client.get(reverse("hotline:console")).status_code == 200
    assert client.get(reverse("hotline:detail", args=[call.pk])).status_code == 200


def test_inactive_membership_or_hotline_is_404(client, call, operator, hotline):
    client.force_login(operator)
    Membership.objects.filter(user=operator).update(is_active=False)
    assert client.get(reverse("hotline:console")).status_code == 404
    Membership.objects.filter(user=operator).update(is_active=True)
    hotline.is_active = False
    hotline.save(update_fields=["is_active"])
    assert client.get(reverse("hotline:detail", args=[call.pk])).status_code == 404


def test_post_only_endpoints_refuse_get(client, call, operator):
    client.force_login(operator)
    for name in ("hotline:work_order_open", "hotline:work_order_close", "hotline:rate", "hotline:reveal_phone"):
        assert client.get(reverse(name, args=[call.pk])).status_code == 405
    assert client.post(reverse("hotline:console")).status_code == 405


def test_unknown_or_malformed_ids_are_404(client, operator):
    client.force_login(operator)
    assert client.get("/hotline/calls/99999999/").status_code == 404
    assert client.get("/hotline/calls/abc/").status_code == 404
    with pytest.raises(Http404):
        access_call(operator, "abc")


def test_hotline_organisations_only_counts_hotline_memberships(operator, hotline, org_a):
    MembershipFactory(user=operator, organisation=org_a)
    assert hotline_organisations(operator) == [hotline]


def test_nav_link_only_for_hotline_members(client, operator, mediator_a):
    client.force_login(operator)
    assert 'href="/hotline/"' in client.get(reverse("hotline:console")).content.decode()
    client.force_login(mediator_a)
    assert 'href="/hotline/"' not in client.get(reverse("cases:list")).content.decode()


def test_admin_marks_the_tier_limits_unconfirmed(admin_client):
    from tiaojie.hotline.models import ComplexityTier

    tier = ComplexityTier.objects.get(code="general")
    page = admin_client.get(reverse("admin:hotline_complexitytier_change", args=[tier.pk])).content.decode()
    assert "[U] 未经确认" in page and "本地设置" in page
    assert admin_client.get(reverse("admin:hotline_hotlinecall_changelist")).status_code == 200
