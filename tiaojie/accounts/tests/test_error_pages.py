"""The project's Chinese error pages, also with DEBUG on as under `make run` (issue 13 item 10); the browser
journeys are in tiaojie/tests/test_browser_plain_pages.py, these run in the fast suite too."""

import pytest
from django.test import Client
from django.urls import reverse

from tiaojie.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_another_organisations_case_is_the_chinese_404(debug, client, org_a, mediator_a, mediator_b):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_b)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "未找到该页面" in body and "Page not found" not in body and "Traceback" not in body


def test_permission_denied_is_the_chinese_403(debug, client, org_a, mediator_a, supervisor_county):
    case = make_case(org_a, mediator_a)
    client.force_login(supervisor_county)
    response = client.get(reverse("documents:export", args=[case.pk]), {"full": "1"})
    assert response.status_code == 403
    assert "无权访问该页面" in response.content.decode()


def test_a_refused_csrf_check_is_the_chinese_page(debug):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "提交未成功：页面已过期" in body and "CSRF验证失败" not in body and "CSRF verification" not in body
