"""The deadline scan at its edges: when each reminder appears, when a breach is marked, and never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from tiaojie.cases import deadlines as deadline_registry
from tiaojie.cases.actions import Actor, do_extend_clock_b, do_transition_case
from tiaojie.cases.models import Case, overdue_q
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib import crypto
from tiaojie.lib.workdays import legal_date
from tiaojie.notifications import watcher
from tiaojie.notifications.actions import DeadlineItem, do_record_breach, do_record_reminder
from tiaojie.notifications.models import Channel, DeadlineBreach, Notification, Reminder
from tiaojie.notifications.tests.conftest import WORKER_PHONE, beijing

pytestmark = pytest.mark.django_db


def reminders(case: Case, kind: str) -> list[int]:
    return sorted(Reminder.objects.filter(case=case, kind=kind).values_list("offset_days", flat=True))


def breaches(case: Case) -> list[str]:
    return sorted(DeadlineBreach.objects.filter(case=case).values_list("kind", flat=True))


def test_the_case_clocks_of_the_fixture(case):
    assert case.acceptance_due == dt.date(2025, 3, 6)
    assert case.clock_a_due == dt.date(2025, 3, 18)


class TestAcceptanceEdges:
    """Acceptance ends on Thursday 6 March 2025 (24:00 Beijing): reminders at 00:00 on 4 and 6 March."""

    def test_nothing_before_00_00_two_days_before(self, case, travel):
        travel(beijing(2025, 3, 3, 23, 59, 59))
        watcher.scan()
        assert reminders(case, "acceptance") == []

    def test_two_days_before_at_00_00(self, case, travel, staff):
        travel(beijing(2025, 3, 4, 0, 0, 0))
        result = watcher.scan()
        assert result.reminders == 1
        assert reminders(case, "acceptance") == [2]
        reminder = Reminder.objects.get(case=case, kind="acceptance")
        assert reminder.remind_at == beijing(2025, 3, 4)
        assert reminder.due == beijing(2025, 3, 7)
        # Staff only (mediator and admin of org A); the intake operator and org B hear nothing.
        users = set(Notification.objects.filter(reminder=reminder).values_list("recipient_user__username", flat=True))
        assert users == {"mediator_a", "admin_a"}
        assert not Notification.objects.filter(reminder=reminder, channel=Channel.SMS).exists()
        text = Notification.objects.filter(reminder=reminder).first().text
        assert case.number in text and "还有2天届满" in text and "2025年3月6日" in text

    def test_a_second_scan_the_same_day_adds_nothing(self, case, travel):
        travel(beijing(2025, 3, 4, 0, 0, 0))
        watcher.scan()
        count = Notification.objects.count()
        travel(beijing(2025, 3, 5, 23, 59, 59))
        assert watcher.scan().reminders == 0
        assert Notification.objects.count() == count

    def test_last_day_at_00_00_then_23_59_then_breach_at_00_00(self, case, travel):
        travel(beijing(2025, 3, 4))
        watcher.scan()
        travel(beijing(2025, 3, 5, 23, 59, 59))
        watcher.scan()
        assert reminders(case, "acceptance") == [2]
        travel(beijing(2025, 3, 6, 0, 0, 0))
        watcher.scan()
        assert reminders(case, "acceptance") == [0, 2]
        assert "今天届满" in Notification.objects.filter(reminder__offset_days=0).first().text
        travel(beijing(2025, 3, 6, 23, 59, 59))
        assert watcher.scan().breaches == 0
        assert breaches(case) == []
        assert not Case.objects.filter(overdue_q(legal_date(beijing(2025, 3, 6, 23, 59, 59))), pk=case.pk).exists()

        travel(beijing(2025, 3, 7, 0, 0, 0))
        result = watcher.scan()
        assert result.breaches == 1 and result.reminders == 0
        assert breaches(case) == ["acceptance"]
        breach = DeadlineBreach.objects.get(case=case)
        assert breach.case_status == "received"
        # The case lists agree that it is overdue now.
        assert Case.objects.filter(overdue_q(legal_date(beijing(2025, 3, 7))), pk=case.pk).exists()
        notes = Notification.objects.filter(breach=breach)
        assert {n.recipient_user.username for n in notes} == {"mediator_a", "admin_a"}
        assert "已于2025年3月6日届满" in notes[0].text

        travel(beijing(2025, 3, 7, 0, 1))
        assert watcher.scan().breaches == 0
        assert Notification.objects.filter(breach__isnull=False).count() == 2

    def test_a_late_watcher_sends_only_the_latest_reminder(self, case, travel):
        travel(beijing(2025, 3, 6, 10, 0))
        watcher.scan()
        assert reminders(case, "acceptance") == [0]

    def test_accepted_in_time_no_breach(self, case, travel, staff):
        travel(beijing(2025, 3, 6, 9, 0))
        do_transition_case(case=case, to="accepted", actor=Actor(ActorKind.STAFF, staff["mediator_a"]))
        travel(beijing(2025, 3, 7, 0, 0))
        watcher.scan()
        assert "acceptance" not in breaches(case)

    def test_lookback_limits_old_breaches(self, case, travel, settings):
        settings.DEADLINE_BREACH_LOOKBACK_DAYS = 7
        travel(beijing(2025, 3, 14, 0, 0, 1))  # acceptance passed 7 days and 1 second ago
        watcher.scan()
        assert "acceptance" not in breaches(case)
        travel(beijing(2025, 3, 13, 23, 59))
        watcher.scan()
        assert "acceptance" in breaches(case)


class TestClockA:
    """Clock A ends Tuesday 18 March 2025; reminders go to staff and, by SMS, to the worker."""

    def test_reminder_reaches_the_worker_by_sms_with_masked_encrypted_phone(self, case, travel):
        travel(beijing(2025, 3, 16, 0, 0))
        watcher.scan()
        assert reminders(case, "clock_a") == [2]
        sms = Notification.objects.get(reminder__kind="clock_a", channel=Channel.SMS)
        assert sms.recipient_user is None
        assert sms.recipient_phone_masked == "138****8000"
        assert sms.recipient_phone_encrypted != WORKER_PHONE
        assert crypto.decrypt(sms.recipient_phone_encrypted) == WORKER_PHONE
        assert sms.text.startswith("【劳动争议调解】")
        assert "申请劳动争议仲裁" in sms.text
        assert "张三" not in sms.text  # no names in an SMS
        # The dispute named as the party knows it, not by the case's database id (issue 13 item 10).
        assert f"您的调解案件（被申请人：{case.employer.name}）" in sms.text and "编号" not in sms.text
        # The plain number is stored nowhere on the row.
        row = Notification.objects.filter(pk=sms.pk).values().get()
        assert not any(WORKER_PHONE in str(value) for value in row.values())

    def test_clock_a_runs_while_mediating_and_breaches_at_00_00(self, case, travel, staff):
        actor = Actor(ActorKind.STAFF, staff["mediator_a"])
        travel(beijing(2025, 3, 4, 9, 0))
        do_transition_case(case=case, to="accepted", actor=actor)
        do_transition_case(case=case, to="mediating", actor=actor)
        travel(beijing(2025, 3, 18, 23, 59, 59))
        watcher.scan()
        assert reminders(case, "clock_a") == [0]
        assert "clock_a" not in breaches(case)
        travel(beijing(2025, 3, 19, 0, 0, 0))
        watcher.scan()
        assert "clock_a" in breaches(case)
        breach_text = Notification.objects.filter(breach__kind="clock_a").first().text
        assert "不得阻止" in breach_text and "「调解中」" in breach_text

    def test_ended_case_gets_no_reminder_and_no_breach(self, case, travel, staff):
        travel(beijing(2025, 3, 4, 9, 0))
        do_transition_case(case=case, to="withdrawn", actor=Actor(ActorKind.STAFF, staff["mediator_a"]), reason="撤回")
        for moment in (beijing(2025, 3, 16), beijing(2025, 3, 18), beijing(2025, 3, 19)):
            travel(moment)
            watcher.scan()
        assert Reminder.objects.filter(case=case).count() == 0
        assert breaches(case) == []


class TestClockB:
    def test_extension_moves_the_key_and_earns_new_reminders(self, case, travel, staff):
        actor = Actor(ActorKind.STAFF, staff["mediator_a"])
        travel(beijing(2025, 3, 4, 9, 0))
        do_transition_case(case=case, to="accepted", actor=actor)
        case.refresh_from_db()
        assert case.clock_b_due == dt.date(2025, 3, 18)  # organisation A is in Zhejiang: 15 days from receipt
        travel(beijing(2025, 3, 16, 8, 0))
        watcher.scan()
        assert reminders(case, "clock_b") == [2]
        do_extend_clock_b(case=case, days=5, actor=actor, reason="双方同意延长")
        case.refresh_from_db()
        assert case.clock_b_due == dt.date(2025, 3, 24)  # 18 March + 5 = 23 March, a Sunday
        travel(beijing(2025, 3, 19, 0, 0))  # the old last day has passed: no breach for it, case still open
        watcher.scan()
        assert "clock_b" not in breaches(case)
        travel(beijing(2025, 3, 22, 0, 0))
        watcher.scan()
        keys = sorted(Reminder.objects.filter(case=case, kind="clock_b").values_list("key", "offset_days"))
        assert keys == [(f"case:{case.pk}:clock_b:2025-03-18", 2), (f"case:{case.pk}:clock_b:2025-03-24", 2)]


def test_configurable_offsets(case, travel, settings):
    settings.REMINDER_OFFSETS_DAYS = [3, 1, 0]
    for moment in (beijing(2025, 3, 15), beijing(2025, 3, 17), beijing(2025, 3, 18)):
        travel(moment)
        watcher.scan()
    assert reminders(case, "clock_a") == [0, 1, 3]


class TestSources:
    @pytest.fixture
    def sources(self, monkeypatch):
        registry: list = []
        monkeypatch.setattr(deadline_registry, "_SOURCES", registry)
        return registry

    def test_each_app_registers_its_own_deadlines(self):
        from tiaojie.mediation.deadlines import mediation_deadlines

        assert set(deadline_registry.deadline_sources()) == {watcher.case_clock_deadlines, mediation_deadlines}

    def test_registration_is_idempotent(self, sources):
        deadline_registry.register_deadline_source(watcher.case_clock_deadlines)
        deadline_registry.register_deadline_source(watcher.case_clock_deadlines)
        assert sources == [watcher.case_clock_deadlines]

    def test_other_apps_deadlines_bad_items_and_broken_sources(self, case, travel, sources, caplog):
        due = beijing(2025, 3, 10, 15, 0)  # a deadline at 15:00, not midnight

        def good(now):
            return [
                {
                    "key": f"agreement:{case.pk}:review",
                    "case_id": case.pk,
                    "kind": "agreement_review",
                    "due": due,
                    "label": "仲裁审查确认申请期限",
                    "recipients": "parties",
                },
                {
                    "key": "bad",
                    "case_id": case.pk,
                    "kind": "x",
                    "due": dt.datetime(2025, 3, 10),
                    "label": "x",
                    "recipients": "staff",
                },
                {"key": "bad2", "case_id": case.pk},
            ]

        def broken(now):
            raise RuntimeError("source down")

        deadline_registry.register_deadline_source(broken)
        deadline_registry.register_deadline_source(good)
        travel(beijing(2025, 3, 10, 14, 59))
        result = watcher.scan()
        assert result.deadlines == 1 and result.reminders == 1
        reminder = Reminder.objects.get(key=f"agreement:{case.pk}:review")
        assert reminder.offset_days == 0 and reminder.recipients == "parties"
        assert Notification.objects.filter(reminder=reminder, channel=Channel.SMS).count() == 1
        assert not Notification.objects.filter(reminder=reminder, recipient_user__isnull=False).exists()
        assert "source down" in caplog.text and "naive" in caplog.text
        travel(beijing(2025, 3, 10, 15, 0))
        assert watcher.scan().breaches == 1


def test_insert_wins_second_recorder_creates_nothing(case, travel):
    """Two watchers that both decided to send the same reminder: the unique key lets only the first through."""
    travel(beijing(2025, 3, 16, 0, 0))
    item = DeadlineItem(
        key=f"case:{case.pk}:clock_a:2025-03-18",
        case_id=case.pk,
        kind="clock_a",
        due=beijing(2025, 3, 19),
        label="收到申请起15日的调解期限",
        recipients="both",
    )
    now = beijing(2025, 3, 16, 0, 0)
    first = do_record_reminder(item=item, offset_days=2, now=now)
    count = Notification.objects.count()
    assert first is not None and count == 3  # mediator (email), admin (page), worker (SMS)
    assert do_record_reminder(item=item, offset_days=2, now=now) is None
    assert Notification.objects.count() == count
    assert do_record_breach(item=item, now=beijing(2025, 3, 19)) is not None
    assert do_record_breach(item=item, now=beijing(2025, 3, 19)) is None
    assert DeadlineBreach.objects.count() == 1


def test_offsets_setting_fails_loudly(monkeypatch):
    from tiaojie.settings import _day_offsets

    monkeypatch.setenv("REMINDER_OFFSETS_DAYS", "3, 0,3")
    assert _day_offsets("REMINDER_OFFSETS_DAYS", ["2", "0"]) == [3, 0]
    for bad in ("2,x", "-1", " , "):
        monkeypatch.setenv("REMINDER_OFFSETS_DAYS", bad)
        with pytest.raises(ImproperlyConfigured):
            _day_offsets("REMINDER_OFFSETS_DAYS", ["2", "0"])
