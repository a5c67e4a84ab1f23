"""/metrics, the real client address behind nginx, and JSON logs without personal data (docs/deployment.md)."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client, RequestFactory, override_settings

from tiaojie.cases.tests.factories import valid_id_number
from tiaojie.intake.tests.test_public import PHONE, apply_online, post_submit
from tiaojie.lib.jsonlog import JsonFormatter, redact_personal
from tiaojie.lib.proxy import RealClientIpMiddleware
from tiaojie.lib.request_metrics import RequestMetricsMiddleware
from tiaojie.notifications.actions import do_queue_sms


def seen_address(**meta) -> str:
    request = RequestFactory().get("/", **meta)
    RealClientIpMiddleware(lambda r: None)(request)  # type: ignore[arg-type,return-value]
    return request.META["REMOTE_ADDR"]


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_proxy_the_client_is_the_address_nginx_saw():
    assert seen_address(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5") == "203.0.113.5"
    # A client reaching gunicorn directly cannot pick its address (a lockout or rate limit would be dodged).
    assert seen_address(REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="203.0.113.5") == "198.51.100.7"
    assert seen_address(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="not-an-address") == "127.0.0.1"


@override_settings(SECURE_PROXY_SSL_HEADER=None)
def test_without_a_proxy_the_header_is_ignored():
    assert seen_address(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5") == "127.0.0.1"


@pytest.mark.django_db
def test_metrics_count_requests_by_route_and_read_the_queues(mediator_a):
    do_queue_sms(phone="13800138000", text="x", template_key="t")
    series = 'tiaojie_http_requests_total{method="GET",route="/cases/",status="200"}'

    def answered() -> float:
        # The counters live as long as the process: other tests in this worker count too, so compare.
        rows = [row for row in Client().get("/metrics").content.decode().splitlines() if row.startswith(series)]
        return float(rows[0].rsplit(" ", 1)[1]) if rows else 0.0

    before = answered()
    client = Client()
    client.force_login(mediator_a)
    client.get("/cases/")
    client.get("/cases/")
    assert answered() - before == 2
    body = Client().get("/metrics").content.decode()
    assert 'tiaojie_http_request_duration_seconds_bucket{le="0.01",route="/cases/"}' in body
    assert 'tiaojie_notifications{state="queued"} 1.0' in body
    assert "tiaojie_task_queue_depth" in body
    assert 'tiaojie_deadline_breaches{window="24h"} 0.0' in body
    assert "13800138000" not in body


@pytest.mark.django_db
def test_metrics_answer_only_the_configured_addresses(settings):
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 404
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 404


def test_a_log_record_loses_phones_ids_codes_and_emails():
    id_number = valid_id_number()
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "call %s about %s", ("13912345678", id_number), None)
    record.code = "ABCD-EFGH-JKMN"
    record.contact = "li.si@example.com"
    try:
        raise ValueError(f"bad id {id_number}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "call [手机号] about [身份证号]"
    assert (entry["code"], entry["contact"]) == ("[查询码]", "[邮箱]")
    for secret in ("13912345678", id_number, "ABCD-EFGH-JKMN", "li.si@example.com"):
        assert secret not in line
    assert redact_personal("案号 仓调〔2026〕12号，金额 15000 元") == "案号 仓调〔2026〕12号，金额 15000 元"


@pytest.mark.django_db
def test_the_json_log_of_an_online_application_holds_no_personal_data(settings, org_a):
    settings.LOG_FORMAT = "json"
    # The verification SMS goes out at once, as the worker would send it (this directory keeps tasks queued).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    id_number = valid_id_number()
    try:
        client = Client()
        apply_online(client, id_number=id_number)
        assert post_submit(client).status_code == 302
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    requests = [entry for entry in lines if entry["message"] == "request"]
    assert {entry["route"] for entry in requests} >= {"/apply/<slug:step>/"}
    assert all(set(entry) >= {"ts", "level", "route", "status", "ms"} for entry in requests)
    text = stream.getvalue()
    assert PHONE not in text and id_number not in text and "李四" not in text


def test_the_access_log_is_off_for_plain_logs(settings):
    settings.LOG_FORMAT = "plain"
    assert RequestMetricsMiddleware(lambda r: None).access_log is False  # type: ignore[arg-type,return-value]


@pytest.mark.django_db
def test_the_system_status_page_shows_an_administrator_the_same_facts_in_chinese(mediator_a):
    from tiaojie.accounts.models import User

    admin = User.objects.create_user(username="site_admin", password="x", is_staff=True)
    client = Client()
    client.force_login(admin)
    page = client.get("/notifications/system/").content.decode()
    assert "系统状态" in page
    assert "有异常" in page  # no watcher or worker ran in this test
    assert "从未运行" in page
    assert "所有迁移均已执行" in page
    other = Client()
    other.force_login(mediator_a)  # an organisation's staff, not a site administrator
    assert other.get("/notifications/system/").status_code == 404
