"""The SMS outbox (docs/notifications.md, "SMS outbox"): every party SMS is a stored notification, delivered by
the task worker after commit and retried there, so a gateway that is down never turns a saved write into an
error page, and the message is not lost.

The gateway here is `Gateway`, an SMS backend that raises while it is down and delivers to the in-memory outbox
once it is back. The HTTP tests commit for real and run tasks at once (ImmediateBackend), so the failing
gateway is called inside the request, at its commit: the harshest case. `test_production_path_*` uses the
database queue and `db_worker`, as production does, where the request never reaches the gateway at all."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tiaojie.cases.models import Case
from tiaojie.cases.tests.factories import valid_id_number
from tiaojie.intake.models import TrackingCode
from tiaojie.lib import crypto, sms
from tiaojie.mediation import actions as mediation_actions
from tiaojie.mediation.models import Signature, SignatureCode
from tiaojie.mediation.tests.factories import draft_agreement, in_days, mediating_case
from tiaojie.mediation.tests.factories import staff as staff_actor
from tiaojie.notifications import watcher
from tiaojie.notifications.actions import Outcome, do_queue_sms
from tiaojie.notifications.models import Channel, Notification
from tiaojie.notifications.tests.conftest import beijing

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
NOW = beijing(2025, 6, 10, 10, 0)  # a Tuesday
TEXT = "【测试】案件查询码 ABCD-EFGH-JKMN。"


class Gateway:
    """An SMS backend that fails while `down` (a carrier outage, a timeout), and delivers once it is back."""

    down = True
    calls = 0

    def send(self, phone: str, text: str) -> None:
        Gateway.calls += 1
        if Gateway.down:
            raise ConnectionError("SMS gateway unreachable")
        sms.outbox.append((phone, text))


@pytest.fixture
def gateway(settings):
    settings.SMS_BACKEND = f"{__name__}.Gateway"
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    Gateway.down, Gateway.calls = True, 0
    return Gateway


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run at enqueue time, inside the request's commit (this directory's conftest uses the database)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def user_client() -> Client:
    """A client that gets a server error as the 500 page the user would see, instead of raising it."""
    return Client(raise_request_exception=False)


def intake_form(org, phone=PHONE):
    return {
        "organisation": str(org.pk), "destination": "here", "channel": "walk_in", "received_at": "",
        "employer_name": "杭州示例有限公司", "employer_credit_code": "", "employer_division": "",
        "facts": "单位拖欠工资三个月。", "workers-TOTAL_FORMS": "1", "workers-INITIAL_FORMS": "0",
        "workers-0-name": "王五", "workers-0-id_number": valid_id_number(), "workers-0-phone": phone,
        "claims-TOTAL_FORMS": "1", "claims-INITIAL_FORMS": "0", "claims-0-type": "wages", "claims-0-amount": "15000",
    }  # fmt: skip


# --- the action ---------------------------------------------------------------------------------------------


def test_queue_sms_stores_the_number_encrypted_and_masked_and_sends_after_commit(
    org_a, mediator_a, immediate_tasks, _sms_outbox, django_capture_on_commit_callbacks, travel
):
    travel(NOW)
    case = mediating_case(org_a, mediator_a)
    worker = case.case_workers.get().worker
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            note = do_queue_sms(
                phone=PHONE, text="【测试】案件查询码 ABCD-EFGH-JKMN。", template_key="t", case=case, worker=worker
            )
            assert _sms_outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    note.refresh_from_db()
    assert note.channel == Channel.SMS and note.template_key == "t" and note.case == case
    assert note.recipient_worker == worker and note.recipient_user is None
    assert note.recipient_phone_masked == "138****8000" and crypto.decrypt(note.recipient_phone_encrypted) == PHONE
    assert PHONE not in note.recipient_phone_encrypted
    assert note.state == Notification.State.SENT and note.attempts == 1 and note.sent_at == NOW
    assert _sms_outbox == [(PHONE, TEXT)]


def test_a_rolled_back_write_queues_and_sends_nothing(org_a, mediator_a, immediate_tasks, _sms_outbox):
    case = mediating_case(org_a, mediator_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        do_queue_sms(phone=PHONE, text="x", template_key="t", case=case)
        raise RuntimeError("the write failed")
    assert not Notification.objects.filter(channel=Channel.SMS).exists() and _sms_outbox == []


# --- a failing gateway during an application submission ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # real commits: the failing send runs inside the request
def test_application_with_the_gateway_down_succeeds_and_the_code_arrives_after_recovery(
    user_client, org_a, mediator_a, gateway, immediate_tasks, _sms_outbox, travel
):
    travel(NOW)
    user_client.force_login(mediator_a)
    response = user_client.post(reverse("intake:new"), intake_form(org_a), follow=True)
    # The user sees the normal success page, tracking code included; the case exists once.
    assert response.status_code == 200
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", response.content.decode()).group(0)
    assert TrackingCode.objects.filter(case=case).count() == 1
    # The SMS is stored, tried once inside the commit, and waiting for its retry.
    note = Notification.objects.get(channel=Channel.SMS)
    assert (note.template_key, note.case_id, note.recipient_phone_masked) == ("tracking_code", case.pk, "138****8000")
    assert note.state == Notification.State.QUEUED and note.attempts == 1
    assert note.last_error == "ConnectionError: SMS gateway unreachable"
    assert note.next_attempt_at == NOW + dt.timedelta(seconds=60)
    assert gateway.calls == 1 and _sms_outbox == []
    # The gateway comes back; the watcher's sweep retries when the backoff has passed, once.
    gateway.down = False
    travel(NOW + dt.timedelta(seconds=59))
    assert watcher.sweep(grace_seconds=0).outcomes == {}
    travel(NOW + dt.timedelta(seconds=60))
    assert watcher.sweep(grace_seconds=0).outcomes == {Outcome.SENT: 1}
    assert watcher.sweep(grace_seconds=0).outcomes == {}
    note.refresh_from_db()
    assert note.state == Notification.State.SENT and note.attempts == 2 and note.last_error == ""
    assert _sms_outbox == [(PHONE, note.text)] and code in note.text
    assert Case.objects.count() == 1 and gateway.calls == 2


@pytest.mark.django_db(transaction=True)
def test_many_applications_while_the_gateway_is_down(
    user_client, org_a, mediator_a, gateway, immediate_tasks, _sms_outbox, travel
):
    """Five submissions during an outage: five normal pages, five cases, five SMS kept; one sweep still inside
    the outage (retry, backoff doubled), one after it delivers each once."""
    travel(NOW)
    user_client.force_login(mediator_a)
    phones = [f"1380013{n:04d}" for n in range(5)]
    statuses = []
    for phone in phones:
        statuses.append(user_client.post(reverse("intake:new"), intake_form(org_a, phone), follow=True).status_code)
    assert statuses == [200] * 5 and Case.objects.count() == 5
    notes = Notification.objects.filter(channel=Channel.SMS)
    assert sorted(notes.values_list("state", "attempts")) == [("queued", 1)] * 5
    travel(NOW + dt.timedelta(seconds=60))
    assert watcher.sweep(grace_seconds=0).outcomes == {Outcome.RETRY: 5}  # still down: backoff doubles
    assert set(notes.values_list("next_attempt_at", flat=True)) == {NOW + dt.timedelta(seconds=60 + 120)}
    gateway.down = False
    travel(NOW + dt.timedelta(seconds=180))
    assert watcher.sweep(grace_seconds=0).outcomes == {Outcome.SENT: 5}
    assert sorted(p for p, _t in _sms_outbox) == phones and gateway.calls == 15
    assert Case.objects.count() == 5


# --- a failing gateway during a signing request -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_signing_code_with_the_gateway_down_succeeds_and_the_code_works_after_recovery(
    user_client, org_a, mediator_a, admin_a, gateway, immediate_tasks, _sms_outbox, travel
):
    travel(NOW)
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=in_days(30))
    mediation_actions.do_assign_mediator(case=case, user_id=mediator_a.pk, actor=staff_actor(admin_a))
    user_client.force_login(mediator_a)
    version = str(agreement.version)
    response = user_client.post(
        reverse("mediation:sign_send_code", args=[case.pk]), {"role": "worker", "version": version}, follow=True
    )
    assert gateway.calls == 1  # tried inside the request, and failed
    assert response.status_code == 200 and response.redirect_chain[-1][0].endswith("#sign-worker")
    code_row = SignatureCode.objects.get(agreement=agreement)
    note = Notification.objects.get(channel=Channel.SMS)
    assert note.template_key == "signing_code" and note.expires_at == code_row.expires_at
    assert note.state == Notification.State.QUEUED and note.attempts == 1 and _sms_outbox == []
    gateway.down = False
    travel(NOW + dt.timedelta(seconds=60))
    assert watcher.sweep(grace_seconds=0).outcomes == {Outcome.SENT: 1}
    [(_phone, text)] = _sms_outbox
    code = re.search(r"验证码(\d{6})", text).group(1)
    user_client.post(
        reverse("mediation:sign_code", args=[case.pk]), {"role": "worker", "version": version, "code": code}
    )
    assert Signature.objects.filter(agreement=agreement, role="worker").count() == 1
    assert SignatureCode.objects.count() == 1  # one request, one code: the retry did not ask for another


def test_a_signing_code_that_could_not_be_sent_in_time_is_dropped(
    org_a, mediator_a, admin_a, gateway, immediate_tasks, _sms_outbox, django_capture_on_commit_callbacks, travel
):
    travel(NOW)
    case = mediating_case(org_a, mediator_a)
    agreement = draft_agreement(case, mediator_a, due=in_days(30))
    with django_capture_on_commit_callbacks(execute=True):
        mediation_actions.do_send_signature_code(
            agreement=agreement, role="worker", version=agreement.version, actor=staff_actor(mediator_a)
        )
    gateway.down = False
    travel(SignatureCode.objects.get().expires_at)
    assert watcher.sweep(grace_seconds=0).outcomes == {Outcome.FAILED: 1}
    assert _sms_outbox == [] and Notification.objects.get(channel=Channel.SMS).state == Notification.State.FAILED


# --- the production path: the database queue and db_worker ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # db_worker closes the connection when its batch is done
def test_production_path_the_request_never_calls_the_gateway(client, org_a, mediator_a, gateway, _sms_outbox, travel):
    from django_tasks_db.models import DBTaskResult

    travel(NOW)
    client.force_login(mediator_a)
    response = client.post(reverse("intake:new"), intake_form(org_a), follow=True)  # commits for real
    assert response.status_code == 200 and Case.objects.count() == 1 and gateway.calls == 0
    note = Notification.objects.get(channel=Channel.SMS)
    task = DBTaskResult.objects.get(task_path="tiaojie.notifications.tasks.deliver_notification")
    assert task.args_kwargs["args"] == [note.pk]
    # The worker tries while the gateway is down: the notification is queued again, with its retry task.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    note.refresh_from_db()
    assert note.state == Notification.State.QUEUED and note.attempts == 1 and gateway.calls == 1
    retry = DBTaskResult.objects.filter(task_path=task.task_path).exclude(pk=task.pk).get()
    assert retry.run_after == NOW + dt.timedelta(seconds=60)
    gateway.down = False
    travel(NOW + dt.timedelta(seconds=60))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    note.refresh_from_db()
    assert note.state == Notification.State.SENT and _sms_outbox == [(PHONE, note.text)] and gateway.calls == 2


# --- staff never see the codes ------------------------------------------------------------------------------------


def test_admin_shows_sms_texts_redacted(
    client, org_a, mediator_a, immediate_tasks, django_capture_on_commit_callbacks, _sms_outbox
):
    from tiaojie.organisations.tests.factories import UserFactory

    client.force_login(mediator_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:new"), intake_form(org_a), follow=True)  # the page shows the code to staff
    case = Case.objects.get()
    agreement = draft_agreement(mediating_case(org_a, mediator_a), mediator_a, due=in_days(30))
    with django_capture_on_commit_callbacks(execute=True):
        mediation_actions.do_send_signature_code(
            agreement=agreement, role="worker", version=agreement.version, actor=staff_actor(mediator_a)
        )
    secrets = [
        re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", _sms_outbox[0][1]).group(0),
        re.search(r"验证码(\d{6})", _sms_outbox[1][1]).group(1),
    ]
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    pages = [client.get(reverse("admin:notifications_notification_changelist")).content.decode()]
    for note in Notification.objects.filter(channel=Channel.SMS):
        page = client.get(reverse("admin:notifications_notification_change", args=[note.pk])).content.decode()
        assert "****" in page and "138****8000" in page
        pages.append(page)
    for page in pages:
        for secret in secrets:
            assert secret not in page
        assert PHONE not in page
    assert case.pk  # the application was saved
