"""The deadline watcher's SMS to a worker are in the language the worker applied in (docs/i18n.md), though the
watcher runs with no request and so in Chinese."""

from __future__ import annotations

import re

from tiaojie.notifications import watcher
from tiaojie.notifications.models import Channel, Notification
from tiaojie.notifications.tests.conftest import beijing


def test_a_reminder_to_a_worker_who_applied_in_english_is_english(case, travel):
    Case = type(case)
    Case.objects.filter(pk=case.pk).update(language="en")
    travel(beijing(2025, 3, 16, 0, 0))
    watcher.scan()
    sms = Notification.objects.get(reminder__kind="clock_a", channel=Channel.SMS)
    assert sms.text.startswith("[Labour dispute mediation] The 15-day mediation period from receipt")
    assert re.search(r"ends in 2 days \(last day \d{1,2} Mar 2025\)", sms.text)  # an English date
    assert "you can apply for labour dispute arbitration" in sms.text
    # Chinese only where it is data: the employer's name, which the worker knows the dispute by.
    assert not re.search(r"[\u4e00-\u9fff]", sms.text.replace(case.employer.name, ""))
    # The staff's in-app reminder of the same deadline is unchanged (Chinese, the watcher's language).
    staff_note = Notification.objects.filter(reminder__kind="clock_a").exclude(channel=Channel.SMS).first()
    assert staff_note is not None and staff_note.text.startswith(f"案件{Case.objects.get(pk=case.pk).number}")
