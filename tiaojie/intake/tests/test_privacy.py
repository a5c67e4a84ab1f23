"""The public privacy notice (PIPL arts 17 and 30): reachable without an account at /apply/privacy/, not taken for a
wizard step, and stating the configured retention period and contact."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from tiaojie.intake.privacy_views import privacy_notice

pytestmark = pytest.mark.django_db


def test_the_notice_is_its_own_page_not_a_wizard_step(client):
    assert reverse("public:privacy") == "/apply/privacy/"
    assert resolve("/apply/privacy/").func is privacy_notice
    response = client.get("/apply/privacy/")
    assert response.status_code == 200
    text = response.content.decode()
    for heading in ("我们收集哪些信息", "为什么要身份证号码", "谁能看到您的信息", "保存多久", "您的权利", "联系我们"):
        assert heading in text


def test_the_notice_states_the_configured_period_version_and_contact(client, settings):
    settings.RETENTION_YEARS = 5
    settings.PRIVACY_NOTICE_VERSION = "2027-01"
    settings.PRIVACY_CONTACT = "示例市总工会法律工作部 0571-12345678"
    text = client.get("/apply/privacy/").content.decode()
    assert "再保存5年" in text and "2027-01" in text and "示例市总工会法律工作部" in text
    settings.PRIVACY_CONTACT = ""
    assert "也可以联系" not in client.get("/apply/privacy/").content.decode()


def test_the_notice_only_answers_get(client):
    assert client.post("/apply/privacy/").status_code == 405
