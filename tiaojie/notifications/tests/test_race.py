"""Real concurrency: watchers and workers in threads, each with its own database connection, released together
by a barrier. These matter most on PostgreSQL (run the suite with DATABASE_URL=postgres://…)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections

from tiaojie.cases.tests.factories import make_case
from tiaojie.lib import sms
from tiaojie.notifications import watcher
from tiaojie.notifications.actions import DeadlineItem, Outcome, do_deliver_notification, do_record_reminder
from tiaojie.notifications.models import Channel, Notification, Reminder
from tiaojie.notifications.tests.conftest import beijing
from tiaojie.organisations.models import Membership
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the root conftest keeps the reference data

REMIND = beijing(2025, 3, 16, 0, 0)
CASES = 5


def run_together(count: int, fn: Callable[[int], Any]) -> list[Any]:
    """Run fn(0..count-1) in threads released at the same instant; re-raise the first error."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise errors[0]
    return results


class SlowSms:
    """Holds the line long enough for the other threads to try the same notification meanwhile."""

    lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        time.sleep(0.2)
        with SlowSms.lock:
            sms.outbox.append((phone, text))


@pytest.fixture
def cases(travel, settings):
    settings.SMS_BACKEND = f"{__name__}.SlowSms"
    org = OrganisationFactory(name="组织A", division_id="330110012")
    mediator = MembershipFactory(user=UserFactory(username="m_race", email="m@example.org"), organisation=org).user
    MembershipFactory(user=UserFactory(username="a_race"), organisation=org, role=Membership.Role.ADMIN)
    travel(beijing(2025, 3, 3, 10, 0))
    made = []
    for i in range(CASES):
        case = make_case(org, mediator, received_at=beijing(2025, 3, 3, 10, 0))
        worker = case.workers.get()
        worker.set_phone(f"1370000000{i}")
        worker.save(update_fields=["phone_encrypted", "phone_index", "phone_masked"])
        made.append(case)
    travel(REMIND)
    return made


def assert_each_delivered_once() -> None:
    phones = [phone for phone, _ in sms.outbox]
    assert sorted(phones) == sorted(f"1370000000{i}" for i in range(CASES))
    assert len(mail.outbox) == CASES
    assert set(Notification.objects.values_list("state", flat=True)) == {Notification.State.SENT}


def test_three_watchers_at_once(cases):
    results = run_together(3, lambda i: watcher.run_tick(grace_seconds=0))
    assert sum(r.reminders for r in results) == CASES
    assert Reminder.objects.count() == CASES
    assert Notification.objects.count() == 3 * CASES  # email, page, SMS per case
    # A loser of a claim race skips; anything left (claimed by a thread that was still sending) is swept.
    watcher.sweep(grace_seconds=0)
    assert_each_delivered_once()
    assert sum(r.outcomes.get(Outcome.SENT, 0) for r in results) == 2 * CASES


def test_insert_race_on_one_reminder(cases):
    case = cases[0]
    item = DeadlineItem(
        key=f"case:{case.pk}:clock_a:{case.clock_a_due.isoformat()}",
        case_id=case.pk,
        kind="clock_a",
        due=beijing(2025, 3, 19),
        label="收到申请起15日的调解期限",
        recipients="both",
    )
    results = run_together(4, lambda i: do_record_reminder(item=item, offset_days=2, now=REMIND))
    assert sum(r is not None for r in results) == 1
    assert Reminder.objects.count() == 1
    assert Notification.objects.count() == 3


def test_claim_race_on_one_notification(cases):
    watcher.scan()
    note = Notification.objects.filter(channel=Channel.SMS).first()
    results = run_together(4, lambda i: do_deliver_notification(notification_id=note.pk))
    assert sorted(results) == sorted([Outcome.SENT] + [Outcome.SKIPPED] * 3)
    assert len(sms.outbox) == 1


def test_db_worker_and_watcher_sweep_race(cases):
    """The task worker and a watcher's sweep deliver the same queue at the same time."""
    watcher.scan()  # on commit, each new notification is queued as a task
    from django_tasks_db.models import DBTaskResult

    # (the cases' statistics refreshes are queued too: tiaojie.analytics.tasks)
    assert (
        DBTaskResult.objects.filter(task_path="tiaojie.notifications.tasks.deliver_notification").count() == 2 * CASES
    )

    def go(i: int) -> None:
        if i == 0:
            watcher.sweep(grace_seconds=0)
        else:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    # db_worker installs signal handlers, which only the main thread may do: run it here, the sweep beside it.
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweeper() -> None:
        try:
            barrier.wait(timeout=30)
            go(0)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=sweeper)
    thread.start()
    barrier.wait(timeout=30)
    go(1)
    thread.join(timeout=120)
    assert not errors
    watcher.sweep(grace_seconds=0)
    assert_each_delivered_once()
