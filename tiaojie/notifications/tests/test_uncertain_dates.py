"""The deadline watcher on a date counted past the configured holiday years: its reminders and breach say the date
may still move (never as if it were settled), and once the year is entered the recounted date is a new deadline
with its own reminders (docs/notifications.md, docs/law.md §6)."""

from __future__ import annotations

import datetime as dt
import importlib

import django.apps
import pytest

from tiaojie.cases.tests.factories import make_case
from tiaojie.notifications import watcher
from tiaojie.notifications.message_templates import PARTY_UNCERTAIN, STAFF_UNCERTAIN
from tiaojie.notifications.models import Channel, DeadlineBreach, Notification, Reminder
from tiaojie.notifications.tests.conftest import beijing
from tiaojie.reference.tests.factories import enter_year, last_configured_december

pytestmark = pytest.mark.django_db


def texts(**filters: object) -> list[str]:
    return list(Notification.objects.filter(**filters).values_list("text", flat=True))


def test_reminders_and_breach_on_an_uncertain_date_say_so_and_the_recounted_date_is_reminded_afresh(
    staff, org_a, travel, django_user_model
):
    december = last_configured_december()
    year = december.year + 1
    travel(december)
    case = make_case(org_a, staff["mediator_a"])
    assert case.acceptance_due_uncertain and case.clock_a_due_uncertain
    uncertain_day = case.acceptance_due

    # Two days before the uncertain last day: the staff reminder carries the caveat.
    travel(beijing(year, 1, 1) + dt.timedelta(days=(uncertain_day - dt.date(year, 1, 1)).days - 2))
    assert watcher.scan().reminders == 1
    [reminder] = Reminder.objects.filter(case=case, kind="acceptance")
    assert reminder.key.endswith(uncertain_day.isoformat())
    assert texts(reminder=reminder) and all(str(STAFF_UNCERTAIN) in t for t in texts(reminder=reminder))

    # It passes uncertain: the breach says so too.
    travel(beijing(year, 1, 1) + dt.timedelta(days=(uncertain_day - dt.date(year, 1, 1)).days + 1))
    watcher.scan()
    breach = DeadlineBreach.objects.get(case=case, kind="acceptance")
    assert all(str(STAFF_UNCERTAIN) in t for t in texts(breach=breach))

    # Clock A reaches the parties: their SMS carries the public caveat.
    travel(beijing(year, 1, 1) + dt.timedelta(days=(case.clock_a_due - dt.date(year, 1, 1)).days - 2))
    watcher.scan()
    clock_a = Reminder.objects.get(case=case, kind="clock_a")
    [sms] = texts(reminder=clock_a, channel=Channel.SMS)
    assert str(PARTY_UNCERTAIN) in sms

    # The year is entered: the acceptance period moves past the holiday, a new deadline, reminded without caveat.
    root = django_user_model.objects.create_user(username="root", password="x", is_staff=True, is_superuser=True)
    travel(december + dt.timedelta(hours=5))
    enter_year(year, root)
    case.refresh_from_db()
    assert not case.acceptance_due_uncertain and case.acceptance_due > uncertain_day
    travel(beijing(year, 1, 1) + dt.timedelta(days=(case.acceptance_due - dt.date(year, 1, 1)).days - 2))
    watcher.scan()
    fresh = Reminder.objects.get(case=case, kind="acceptance", key__endswith=case.acceptance_due.isoformat())
    assert texts(reminder=fresh) and not any(str(STAFF_UNCERTAIN) in t for t in texts(reminder=fresh))


def test_the_migration_puts_the_last_day_into_the_old_mediation_keys(case):
    migration = importlib.import_module("tiaojie.notifications.migrations.0002_mediation_keys_with_day_h3")
    due = beijing(2025, 3, 10)  # 00:00 after the last day, 9 March
    common = {"case": case, "kind": "k", "label": "l", "due": due, "remind_at": due, "recipients": "both"}
    old = Reminder.objects.create(key="mediation:negotiation:7:answer", offset_days=2, **common)
    window = Reminder.objects.create(key="mediation:agreement:3:judicial", offset_days=0, **common)
    payment = Reminder.objects.create(key="mediation:payment:5", offset_days=2, **common)
    new = Reminder.objects.create(key="mediation:negotiation:8:answer:2025-03-09", offset_days=2, **common)
    breach = DeadlineBreach.objects.create(
        key="mediation:agreement:3:arbitration_review", case=case, kind="k", label="l", due=due, case_status="agreed"
    )

    migration.add_last_day(django.apps.apps, None)

    keys = {r.pk: r.key for r in Reminder.objects.all()}
    assert keys[old.pk] == "mediation:negotiation:7:answer:2025-03-09"
    assert keys[window.pk] == "mediation:agreement:3:judicial:2025-03-09"
    assert keys[payment.pk] == "mediation:payment:5"  # a payment's date is agreed, not counted: no day
    assert keys[new.pk] == "mediation:negotiation:8:answer:2025-03-09"  # already new: untouched
    assert DeadlineBreach.objects.get(pk=breach.pk).key == "mediation:agreement:3:arbitration_review:2025-03-09"
