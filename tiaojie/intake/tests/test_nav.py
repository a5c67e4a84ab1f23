"""The header's 登记案件 link is shown only to who may register cases (issue 13 item 10): a supervisor used to
see it and got a 404 for clicking it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def link():
    return f'href="{reverse("intake:new")}"'


def test_staff_who_register_see_the_link_and_may_open_it(client, mediator_a, intake_a):
    for user in (mediator_a, intake_a):
        client.force_login(user)
        assert link() in client.get(reverse("cases:list")).content.decode()
        assert client.get(reverse("intake:new")).status_code == 200


def test_a_supervisor_sees_no_link_to_a_page_they_cannot_open(client, supervisor_county):
    client.force_login(supervisor_county)
    assert link() not in client.get(reverse("cases:list")).content.decode()
    assert client.get(reverse("intake:new")).status_code == 404
