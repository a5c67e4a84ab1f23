"""The HTTP SMS gateway backend (lib/sms_http.py) against a local fake gateway that fails, times out and answers
nonsense, and the delivery receipts it calls back with (docs/notifications.md, "SMS gateway")."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

from tiaojie.lib.sms_fake_gateway import FakeGateway
from tiaojie.lib.sms_http import GatewayConfig, HttpSmsBackend, SmsGatewayError, signed_headers
from tiaojie.notifications.actions import Outcome, do_deliver_notification, do_queue_sms
from tiaojie.notifications.models import Delivery, Notification

PHONE = "13800138000"
SECRET = "gateway-secret-for-tests"
RECEIPTS = "/notifications/sms-receipts/"


@pytest.fixture
def gateway():
    fake = FakeGateway(key_id="tiaojie", secret=SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture
def http_sms(settings, gateway):
    settings.SMS_BACKEND = "tiaojie.lib.sms_http.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_KEY_ID = "tiaojie"
    settings.SMS_GATEWAY_SECRET = SECRET
    settings.SMS_GATEWAY_SIGN_NAME = "某县调解中心"
    settings.SMS_GATEWAY_TEMPLATES = {"default": "SMS_0001", "tracking_code": "SMS_0002"}
    settings.SMS_GATEWAY_TIMEOUT = 1
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    return gateway


def backend(gateway, **overrides) -> HttpSmsBackend:
    config = {
        "url": gateway.url,
        "key_id": "tiaojie",
        "secret": SECRET,
        "sign_name": "某县调解中心",
        "templates": {"default": "SMS_0001", "tracking_code": "SMS_0002"},
        "timeout": 1.0,
    }
    return HttpSmsBackend(GatewayConfig(**{**config, **overrides}))


def test_a_message_goes_out_signed_under_its_template_with_the_signature_first(gateway):
    message_id = backend(gateway).send_message(
        PHONE, "您的查询码是 ABCD。", template_key="tracking_code", reference="r1"
    )
    [sent] = gateway.messages
    assert message_id == sent["message_id"]
    assert sent["phone"] == PHONE
    assert sent["template_id"] == "SMS_0002"
    assert sent["content"] == "【某县调解中心】您的查询码是 ABCD。"
    assert sent["params"] == {"content": "您的查询码是 ABCD。"}
    backend(gateway).send_message(PHONE, "【劳动争议调解】已受理。", template_key="accepted", reference="r2")
    assert gateway.messages[1]["template_id"] == "SMS_0001"  # the default template
    # The messages' generic signature gives way to the registered one: the phone shows one, not two.
    assert gateway.messages[1]["content"] == "【某县调解中心】已受理。"
    assert gateway.messages[1]["params"] == {"content": "已受理。"}


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ("refuse", "BUSINESS_LIMIT_CONTROL"),
        ("http500", "HTTP 500"),
        ("not_json", "not JSON"),
        ("timeout", "too slow"),
    ],
)
def test_every_kind_of_gateway_failure_raises_so_the_worker_retries(gateway, behaviour, message):
    gateway.behaviour, gateway.delay = behaviour, 2.5
    with pytest.raises(SmsGatewayError, match=message):
        backend(gateway).send_message(PHONE, "x", reference="r")


def test_a_wrong_secret_is_refused_by_the_gateway(gateway):
    with pytest.raises(SmsGatewayError, match="HTTP 401"):
        backend(gateway, secret="not-the-secret").send_message(PHONE, "x", reference="r")
    assert gateway.messages == []


def test_a_key_without_template_and_no_default_fails_before_sending(gateway):
    with pytest.raises(SmsGatewayError, match="no gateway template"):
        backend(gateway, templates={"tracking_code": "SMS_0002"}).send_message(PHONE, "x", template_key="other")
    assert gateway.requests == 0


@pytest.mark.django_db
def test_a_retry_after_a_lost_answer_is_not_sent_twice(http_sms, travel):
    from tiaojie.notifications.tests.conftest import beijing

    travel(beijing(2026, 3, 2, 10, 0))
    notification = do_queue_sms(phone=PHONE, text="您的案件已受理。", template_key="accepted")
    http_sms.behaviour, http_sms.delay = "timeout", 2.5  # the gateway takes it, but its answer comes too late
    assert do_deliver_notification(notification_id=notification.pk) == Outcome.RETRY
    notification.refresh_from_db()
    assert notification.state == Notification.State.QUEUED
    assert "too slow" in notification.last_error

    http_sms.behaviour = "ok"
    travel(beijing(2026, 3, 2, 10, 5))
    assert do_deliver_notification(notification_id=notification.pk) == Outcome.SENT
    notification.refresh_from_db()
    assert http_sms.requests == 2
    assert len(http_sms.messages) == 1  # the same request_id both times: the phone gets one SMS
    assert notification.gateway_message_id == http_sms.messages[0]["message_id"]
    assert http_sms.messages[0]["request_id"] == f"tiaojie-{notification.pk}"


def _signed_post(client: Client, payload: dict, *, secret: str = SECRET):
    body = json.dumps(payload).encode()
    headers = signed_headers(secret, "tiaojie", method="POST", path=RECEIPTS, body=body)
    return client.post(RECEIPTS, data=body, content_type="application/json", headers={k: v for k, v in headers.items()})


@pytest.mark.django_db(transaction=True)
def test_the_gateway_calls_back_and_the_message_shows_delivered(http_sms, live_server):
    notification = do_queue_sms(phone=PHONE, text="您的案件已受理。", template_key="accepted")
    assert do_deliver_notification(notification_id=notification.pk) == Outcome.SENT
    answer = http_sms.send_receipts(live_server.url + RECEIPTS)
    assert answer == {"code": "OK", "recorded": 1}
    notification.refresh_from_db()
    assert notification.delivery_state == Delivery.DELIVERED
    assert notification.delivered_at is not None


@pytest.mark.django_db
def test_an_undelivered_receipt_records_why_and_never_undoes_a_delivery(http_sms):
    notification = do_queue_sms(phone=PHONE, text="x", template_key="accepted")
    do_deliver_notification(notification_id=notification.pk)
    notification.refresh_from_db()
    mid = notification.gateway_message_id
    client = Client()
    response = _signed_post(client, {"receipts": [{"message_id": mid, "status": "UNDELIVERED", "error": "停机"}]})
    assert response.json() == {"code": "OK", "recorded": 1}
    notification.refresh_from_db()
    assert (notification.delivery_state, notification.delivery_error) == (Delivery.UNDELIVERED, "停机")
    _signed_post(client, {"receipts": [{"message_id": mid, "status": "DELIVERED", "at": "2026-03-02T10:00:00+08:00"}]})
    _signed_post(client, {"receipts": [{"message_id": mid, "status": "UNDELIVERED", "error": "late noise"}]})
    notification.refresh_from_db()
    assert notification.delivery_state == Delivery.DELIVERED


@pytest.mark.django_db
def test_the_callback_refuses_a_forged_or_malformed_receipt(http_sms):
    notification = do_queue_sms(phone=PHONE, text="x", template_key="accepted")
    do_deliver_notification(notification_id=notification.pk)
    notification.refresh_from_db()
    client = Client()
    forged = _signed_post(
        client,
        {"receipts": [{"message_id": notification.gateway_message_id, "status": "DELIVERED"}]},
        secret="guessed",
    )
    assert forged.status_code == 403
    unsigned = client.post(RECEIPTS, data=b"{}", content_type="application/json")
    assert unsigned.status_code == 403
    assert _signed_post(client, {"receipts": [{"message_id": 1, "status": "MAYBE"}]}).status_code == 400
    assert client.get(RECEIPTS).status_code == 405
    notification.refresh_from_db()
    assert notification.delivery_state == ""


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    from cryptography.fernet import Fernet

    base = {k: v for k, v in os.environ.items() if not k.startswith(("SMS_", "DEBUG"))}
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "k" * 60,
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "tiaojie.example",
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.SMS_BACKEND)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "tiaojie.settings", **production, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_the_console_backend_and_an_incomplete_gateway():
    console = _start({})
    assert console.returncode != 0
    assert "SMS_BACKEND must be a real gateway when DEBUG is off" in console.stderr
    incomplete = _start(
        {"SMS_BACKEND": "tiaojie.lib.sms_http.HttpSmsBackend", "SMS_GATEWAY_URL": "https://sms.example"}
    )
    assert incomplete.returncode != 0
    assert "SMS_GATEWAY_KEY_ID must be set" in incomplete.stderr
    complete = _start(
        {
            "SMS_BACKEND": "tiaojie.lib.sms_http.HttpSmsBackend",
            "SMS_GATEWAY_URL": "https://sms.example/send",
            "SMS_GATEWAY_KEY_ID": "k",
            "SMS_GATEWAY_SECRET": "s",
            "SMS_GATEWAY_TEMPLATES": "default=SMS_1,tracking_code=SMS_2",
        }
    )
    assert complete.returncode == 0, complete.stderr[-2000:]
    assert complete.stdout.strip() == "tiaojie.lib.sms_http.HttpSmsBackend"


def test_the_fake_gateway_logs_every_send_so_a_double_send_can_be_counted(tmp_path):
    """scripts/scaleout-check counts sends in the requests log: a repeated request id is there twice, while the
    message log (and the phone) has it once."""
    fake = FakeGateway(
        key_id="tiaojie", secret=SECRET, log_path=tmp_path / "sms.jsonl", requests_log_path=tmp_path / "req.jsonl"
    ).start()
    try:
        sms = backend(fake)
        first = sms.send_message("13900000001", "调解期限提醒", reference="tiaojie-7")
        again = sms.send_message("13900000001", "调解期限提醒", reference="tiaojie-7")
    finally:
        fake.stop()
    assert first == again
    sent = [json.loads(line) for line in (tmp_path / "req.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["request_id"] for r in sent] == ["tiaojie-7", "tiaojie-7"]
    assert len((tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_a_late_answer_the_caller_gave_up_on_ends_with_the_fake_and_prints_nothing(capfd):
    import threading
    import urllib.error
    import urllib.request

    before = set(threading.enumerate())
    fake = FakeGateway(key_id="tiaojie", secret=SECRET, behaviour="timeout", delay=30).start()
    body = json.dumps({"request_id": "r1", "phone": PHONE, "content": "x"}).encode()
    headers = signed_headers(SECRET, "tiaojie", method="POST", path="/sms/send", body=body)
    request = urllib.request.Request(fake.url, data=body, headers=headers, method="POST")
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        urllib.request.urlopen(request, timeout=0.3)
    fake.stop()
    # Nothing of the fake is left running to print into a later test (its traceback once raced ast.parse there).
    assert [t for t in threading.enumerate() if t not in before] == []
    assert capfd.readouterr().err == ""
