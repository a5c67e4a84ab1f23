"""Sending: claim before send, retries with backoff, crashes between claim and send, restarts, interleavings.

Every test ends by counting what actually reached the transports (the SMS outbox and Django's mail outbox):
exactly one delivery per notification, whatever happened in between."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from tiaojie.lib import sms
from tiaojie.notifications import watcher
from tiaojie.notifications.actions import Outcome, backoff, do_deliver_notification
from tiaojie.notifications.models import Channel, Notification
from tiaojie.notifications.tests.conftest import WORKER_PHONE, beijing

pytestmark = pytest.mark.django_db

REMIND = beijing(2025, 3, 16, 0, 0)  # clock A (last day 18 March) two days before


class SimulatedCrash(BaseException):
    """The worker process dying (kill -9, power loss): nothing in the delivery code may catch it."""


class FlakySms:
    """An SMS backend whose calls fail as scripted: `plan` maps call numbers (1-based) to an exception."""

    plan: dict[int, BaseException] = {}
    calls = 0

    def send(self, phone: str, text: str) -> None:
        FlakySms.calls += 1
        error = FlakySms.plan.get(FlakySms.calls)
        if error is not None:
            raise error
        sms.outbox.append((phone, text))


@pytest.fixture
def flaky(settings):
    settings.SMS_BACKEND = f"{__name__}.FlakySms"
    FlakySms.plan = {}
    FlakySms.calls = 0
    return FlakySms


@pytest.fixture
def reminded(case, travel):
    """Clock A's two-days-before reminder recorded: an email (mediator), a page note (admin), an SMS (worker)."""
    travel(REMIND)
    assert watcher.scan().reminders == 1
    return case


def sms_notification() -> Notification:
    return Notification.objects.get(channel=Channel.SMS)


def test_web_notifications_are_delivered_on_creation(reminded):
    web = Notification.objects.get(channel=Channel.WEB)
    assert web.recipient_user.username == "admin_a"
    assert web.state == Notification.State.SENT and web.sent_at == REMIND
    assert do_deliver_notification(notification_id=web.pk) == Outcome.SKIPPED


def test_deliver_once_each_channel(reminded, _sms_outbox):
    result = watcher.sweep(grace_seconds=0)
    assert result.outcomes == {Outcome.SENT: 2}
    assert _sms_outbox == [(WORKER_PHONE, sms_notification().text)]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mediator_a@example.org"]
    assert mail.outbox[0].subject.startswith("【期限提醒】")
    assert set(Notification.objects.values_list("state", flat=True)) == {Notification.State.SENT}
    # Again, and again later: nothing is sent twice.
    assert watcher.sweep(grace_seconds=0).outcomes == {}
    for notification in Notification.objects.all():
        assert do_deliver_notification(notification_id=notification.pk) == Outcome.SKIPPED
    assert len(_sms_outbox) == 1 and len(mail.outbox) == 1


def test_sweep_leaves_fresh_work_to_the_task_worker(reminded, travel, settings, _sms_outbox):
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 120
    assert watcher.sweep().outcomes == {}
    travel(REMIND + dt.timedelta(seconds=119))
    assert watcher.sweep().outcomes == {}
    travel(REMIND + dt.timedelta(seconds=120))
    assert watcher.sweep().outcomes == {Outcome.SENT: 2}
    assert len(_sms_outbox) == 1


def test_failure_is_retried_with_backoff_then_sent_once(reminded, travel, flaky, settings, _sms_outbox):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    flaky.plan = {1: RuntimeError("gateway 503"), 2: RuntimeError("gateway 503")}
    note = sms_notification()
    assert do_deliver_notification(notification_id=note.pk) == Outcome.RETRY
    note.refresh_from_db()
    assert note.state == Notification.State.QUEUED and note.attempts == 1
    assert note.last_error == "RuntimeError: gateway 503"
    assert note.next_attempt_at == REMIND + dt.timedelta(seconds=60)
    travel(REMIND + dt.timedelta(seconds=59))
    assert do_deliver_notification(notification_id=note.pk) == Outcome.SKIPPED  # not due yet
    travel(REMIND + dt.timedelta(seconds=60))
    assert do_deliver_notification(notification_id=note.pk) == Outcome.RETRY
    note.refresh_from_db()
    assert note.next_attempt_at == REMIND + dt.timedelta(seconds=60 + 120)  # doubled
    travel(REMIND + dt.timedelta(seconds=180))
    assert do_deliver_notification(notification_id=note.pk) == Outcome.SENT
    note.refresh_from_db()
    assert note.state == Notification.State.SENT and note.attempts == 3 and note.last_error == ""
    assert _sms_outbox == [(WORKER_PHONE, note.text)]


def test_gives_up_after_max_attempts(reminded, travel, flaky, settings, _sms_outbox):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    flaky.plan = {n: RuntimeError("no route") for n in range(1, 10)}
    note = sms_notification()
    outcomes = []
    for _ in range(5):
        outcomes.append(do_deliver_notification(notification_id=note.pk))
        travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=7))
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.FAILED, Outcome.SKIPPED, Outcome.SKIPPED]
    note.refresh_from_db()
    assert note.state == Notification.State.FAILED and note.attempts == 3
    assert flaky.calls == 3 and _sms_outbox == []


def test_backoff_doubles_and_is_capped(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert backoff(30) == dt.timedelta(hours=6)


def test_crash_between_claim_and_send_is_retried_only_after_the_lease(reminded, travel, flaky, settings, _sms_outbox):
    settings.NOTIFICATION_CLAIM_LEASE_SECONDS = 300
    flaky.plan = {1: SimulatedCrash()}
    note = sms_notification()
    with pytest.raises(SimulatedCrash):
        do_deliver_notification(notification_id=note.pk)
    note.refresh_from_db()
    assert note.state == Notification.State.SENDING and note.attempts == 1 and note.claim_token
    assert _sms_outbox == []
    # A restarted worker, or a second one, right away and just inside the lease: the claim is respected.
    for seconds in (0, 299):
        travel(REMIND + dt.timedelta(seconds=seconds))
        assert do_deliver_notification(notification_id=note.pk) == Outcome.SKIPPED
        watcher.sweep(grace_seconds=0)  # sends the mediator's email, not the claimed SMS
        assert _sms_outbox == []
    assert len(mail.outbox) == 1
    # After the lease the dead claim is taken over, once.
    travel(REMIND + dt.timedelta(seconds=301))
    assert watcher.sweep(grace_seconds=0).outcomes == {Outcome.SENT: 1}
    note.refresh_from_db()
    assert note.state == Notification.State.SENT and note.attempts == 2
    assert _sms_outbox == [(WORKER_PHONE, note.text)]
    travel(REMIND + dt.timedelta(hours=1))
    assert watcher.sweep(grace_seconds=0).outcomes == {}
    assert len(_sms_outbox) == 1


def test_restart_mid_batch(case, staff, travel, flaky, settings, _sms_outbox):
    """Three SMS in one sweep; the process dies while sending the second. The restarted watcher sends the
    third at once and the second after the lease; each number gets exactly one message."""
    from tiaojie.cases.tests.factories import make_case

    travel(beijing(2025, 3, 3, 11, 0))
    others = [
        make_case(case.organisation, staff["mediator_a"], received_at=beijing(2025, 3, 3, 11, 0)) for _ in range(2)
    ]
    for i, other in enumerate(others, start=1):
        worker = other.workers.get()
        worker.set_phone(f"1390000000{i}")
        worker.save(update_fields=["phone_encrypted", "phone_index", "phone_masked"])
    travel(REMIND)
    assert watcher.scan().reminders == 3
    phones = {WORKER_PHONE, "13900000001", "13900000002"}
    flaky.plan = {2: SimulatedCrash()}
    with pytest.raises(SimulatedCrash):
        watcher.sweep(grace_seconds=0)
    assert len(_sms_outbox) == 1
    states = sorted(Notification.objects.filter(channel=Channel.SMS).values_list("state", flat=True))
    assert states == ["queued", "sending", "sent"]

    travel(REMIND + dt.timedelta(seconds=5))  # restart
    watcher.sweep(grace_seconds=0)
    assert len(_sms_outbox) == 2
    travel(REMIND + dt.timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS + 6))
    watcher.sweep(grace_seconds=0)
    travel(REMIND + dt.timedelta(hours=2))
    watcher.sweep(grace_seconds=0)
    assert sorted(phone for phone, _ in _sms_outbox) == sorted(phones)
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}


def test_a_dead_claim_on_the_last_attempt_is_given_up(reminded, travel, flaky, settings, _sms_outbox):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    flaky.plan = {1: SimulatedCrash()}
    note = sms_notification()
    with pytest.raises(SimulatedCrash):
        do_deliver_notification(notification_id=note.pk)
    travel(REMIND + dt.timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS + 1))
    result = watcher.sweep(grace_seconds=0)
    note.refresh_from_db()
    assert note.state == Notification.State.FAILED and "中断" in note.last_error
    assert result.outcomes.get(Outcome.FAILED) == 1
    assert _sms_outbox == []


def test_forced_interleaving_of_two_watchers(case, travel, monkeypatch, _sms_outbox):
    """Watcher A and watcher B on the same data, interleaved step by step: both scan, then B tries to send the
    very notification A is in the middle of sending. Exactly one SMS and one email go out."""
    travel(REMIND)
    assert watcher.scan().reminders == 1  # A
    assert watcher.scan().reminders == 0  # B: the reminder exists
    note = sms_notification()
    seen_by_b = []
    original = sms.LocmemSmsBackend.send

    def a_sends(self, phone, text):
        seen_by_b.append(do_deliver_notification(notification_id=note.pk))  # B, while A holds the claim
        seen_by_b.append(watcher.sweep(grace_seconds=0).outcomes.get(Outcome.SENT, 0))  # B's sweep: the email only
        original(self, phone, text)

    monkeypatch.setattr(sms.LocmemSmsBackend, "send", a_sends)
    assert do_deliver_notification(notification_id=note.pk) == Outcome.SENT  # A
    assert seen_by_b == [Outcome.SKIPPED, 1]
    monkeypatch.setattr(sms.LocmemSmsBackend, "send", original)
    assert watcher.run_tick(grace_seconds=0).outcomes == {}  # B again, later
    assert len(_sms_outbox) == 1 and len(mail.outbox) == 1


def test_reminder_not_sent_after_its_deadline(reminded, travel, _sms_outbox):
    travel(beijing(2025, 3, 19, 0, 0))
    note = sms_notification()
    assert do_deliver_notification(notification_id=note.pk) == Outcome.FAILED
    note.refresh_from_db()
    assert note.state == Notification.State.FAILED and note.last_error == "期限已过，提醒未发送"
    assert _sms_outbox == []


def test_email_without_address_fails_and_retries(reminded, staff, _sms_outbox):
    staff["mediator_a"].email = ""
    staff["mediator_a"].save(update_fields=["email"])
    note = Notification.objects.get(channel=Channel.EMAIL)
    assert do_deliver_notification(notification_id=note.pk) == Outcome.RETRY
    note.refresh_from_db()
    assert "no email address" in note.last_error


def test_new_notifications_are_queued_for_the_db_worker(case, travel, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    travel(REMIND)
    with django_capture_on_commit_callbacks(execute=True):
        watcher.scan()
    queued = Notification.objects.filter(state=Notification.State.QUEUED)
    tasks = DBTaskResult.objects.filter(task_path="tiaojie.notifications.tasks.deliver_notification")
    assert sorted(t.args_kwargs["args"][0] for t in tasks) == sorted(queued.values_list("pk", flat=True))


def test_the_task_delivers_through_the_same_claim(reminded, _sms_outbox):
    from tiaojie.notifications.tasks import deliver_notification

    note = sms_notification()
    assert deliver_notification.call(note.pk) == "sent"
    assert deliver_notification.call(note.pk) == "skipped"
    assert len(_sms_outbox) == 1


def test_command_once(case, travel, _sms_outbox):
    travel(REMIND)
    call_command("watch-deadlines", "--once", "--send-now")
    assert len(_sms_outbox) == 1 and len(mail.outbox) == 1
    call_command("watch-deadlines", "--once", "--send-now")
    assert len(_sms_outbox) == 1 and len(mail.outbox) == 1


def test_command_loop_stops_on_signal(case, travel, monkeypatch):
    """The loop runs ticks until SIGTERM/SIGINT; here the first sleep delivers the 'signal'."""
    import signal

    module = __import__("tiaojie.notifications.management.commands.watch-deadlines", fromlist=["Command"])
    handlers = {}
    monkeypatch.setattr(signal, "signal", lambda sig, handler: handlers.__setitem__(sig, handler))
    ticks = []
    monkeypatch.setattr(module, "run_tick", lambda **kw: ticks.append(kw) or watcher.TickResult())

    def sleep(seconds):
        handlers[signal.SIGTERM](signal.SIGTERM, None)

    monkeypatch.setattr(module.time, "sleep", sleep)
    travel(REMIND)
    call_command("watch-deadlines", "--interval", "5")
    assert ticks == [{"grace_seconds": None}]
