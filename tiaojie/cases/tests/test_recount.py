"""Entering a holiday year recounts the case deadlines stored as uncertain (docs/law.md §6): the acceptance period
from the day it started (receipt, or the day the case came back from negotiation), clock A and clock B, each
recount with a "recounted" event. The situation is built in December of the calendar's last configured year,
whichever that is on the test's clock."""

from __future__ import annotations

import datetime as dt
import importlib

import django.apps
import pytest
import time_machine
from django.urls import reverse

from tiaojie.cases.actions import Actor, do_transition_case
from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.workdays import calendar_days_deadline, legal_date, working_days_deadline
from tiaojie.reference.calendar import work_calendar
from tiaojie.reference.tests.factories import LONG_NEW_YEAR_DAYS, enter_year, last_configured_december

pytestmark = pytest.mark.django_db

UNCERTAIN_NOTE = "该期限超出已配置节假日的年份"


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_user(username="root", password="x", is_staff=True, is_superuser=True)


def deadline_block(page: str, key: str) -> str:
    start = page.index(f'data-deadline="{key}"')
    end = page.find("data-deadline=", start + 1)
    return page[start : end if end != -1 else None]


def test_entering_the_year_recounts_the_acceptance_period_and_clock_a_and_writes_an_event(
    client, org_a, mediator_a, root
):
    december = last_configured_december()
    year = december.year + 1
    with time_machine.travel(december, tick=False):
        case = make_case(org_a, mediator_a)
        client.force_login(mediator_a)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert case.acceptance_from == december.date()
    assert case.acceptance_due_uncertain and case.clock_a_due_uncertain and case.acceptance_due.year == year
    assert UNCERTAIN_NOTE in deadline_block(page, "acceptance")
    before_acceptance, before_a = case.acceptance_due, case.clock_a_due

    with time_machine.travel(december + dt.timedelta(hours=5), tick=False):
        entered = enter_year(year, root)
        client.force_login(mediator_a)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert entered.recomputed == 1
    case.refresh_from_db()
    calendar = work_calendar()
    expected = working_days_deadline(december.date(), 3, calendar)
    assert not case.acceptance_due_uncertain and not case.clock_a_due_uncertain
    assert case.acceptance_due == expected.last_day
    # The holiday moved it: 1–7 January are rest days now, so the third working day is the 8th or later.
    assert case.acceptance_due > before_acceptance and case.acceptance_due > dt.date(year, 1, LONG_NEW_YEAR_DAYS)
    assert case.clock_a_due == calendar_days_deadline(december.date(), 15, calendar).last_day
    assert UNCERTAIN_NOTE not in deadline_block(page, "acceptance")

    event = case.events.get(kind=CaseEvent.Kind.DEADLINE_RECOUNTED)
    assert event.actor == root
    assert event.data["year"] == year
    assert event.data["recounted"]["acceptance_due"] == {
        "from": before_acceptance.isoformat(),
        "to": case.acceptance_due.isoformat(),
        "uncertain": False,
    }
    assert event.data["recounted"]["clock_a_due"]["from"] == before_a.isoformat()
    assert f"录入{year}年节假日安排后重新计算" in event.reason and "受理期限" in event.reason
    assert "重新计算期限" in page  # the timeline shows it


def test_a_restarted_acceptance_period_is_recounted_from_the_day_it_restarted(org_a, mediator_a, root):
    december = last_configured_december()
    year = december.year + 1
    staff = Actor(ActorKind.STAFF, mediator_a)
    with time_machine.travel(december.replace(day=1), tick=False):
        case = make_case(org_a, mediator_a)
        do_transition_case(case=case, to=Status.NEGOTIATING, actor=staff)
    assert not case.acceptance_due_uncertain
    with time_machine.travel(december, tick=False):
        do_transition_case(case=case, to=Status.RECEIVED, actor=staff, reason="协商不成")
    case.refresh_from_db()
    assert case.acceptance_from == december.date() and case.acceptance_due_uncertain

    with time_machine.travel(december + dt.timedelta(hours=5), tick=False):
        enter_year(year, root)
    case.refresh_from_db()
    assert not case.acceptance_due_uncertain
    # From the restart on 30 December, not from receipt on 1 December.
    assert case.acceptance_due == working_days_deadline(december.date(), 3, work_calendar()).last_day
    assert case.acceptance_due > dt.date(year, 1, LONG_NEW_YEAR_DAYS)
    assert set(case.events.get(kind=CaseEvent.Kind.DEADLINE_RECOUNTED).data["recounted"]) == {"acceptance_due"}


def test_clock_b_is_recounted_with_its_extension(org_a, mediator_a, admin_a, root):
    december = last_configured_december(day=20)
    year = december.year + 1
    staff = Actor(ActorKind.STAFF, mediator_a)
    with time_machine.travel(december, tick=False):
        case = make_case(org_a, mediator_a)
        do_transition_case(case=case, to=Status.ACCEPTED, actor=staff)
    case.refresh_from_db()
    assert case.clock_b_due_uncertain
    with time_machine.travel(december + dt.timedelta(days=1), tick=False):
        enter_year(year, root)
    case.refresh_from_db()
    assert not case.clock_b_due_uncertain
    assert case.clock_b_due == calendar_days_deadline(legal_date(case.accepted_at), 15, work_calendar()).last_day
    event = case.events.get(kind=CaseEvent.Kind.DEADLINE_RECOUNTED)
    assert {"clock_a_due", "clock_b_due"} <= set(event.data["recounted"])


def test_a_certain_deadline_is_left_alone_and_writes_no_event(org_a, mediator_a, root):
    december = last_configured_december(day=1)
    with time_machine.travel(december, tick=False):
        case = make_case(org_a, mediator_a)  # every period ends in December
    assert not (case.acceptance_due_uncertain or case.clock_a_due_uncertain)
    with time_machine.travel(december + dt.timedelta(hours=1), tick=False):
        assert enter_year(december.year + 1, root).recomputed == 0
    assert not case.events.filter(kind=CaseEvent.Kind.DEADLINE_RECOUNTED).exists()


def test_the_migration_fills_the_start_day_from_receipt_or_from_the_last_restart(org_a, mediator_a):
    migration = importlib.import_module("tiaojie.cases.migrations.0012_case_acceptance_from_h3")
    december = last_configured_december(day=10)
    staff = Actor(ActorKind.STAFF, mediator_a)
    with time_machine.travel(december.replace(day=1, hour=23, minute=30), tick=False):  # 23:30 Beijing, 15:30 UTC
        plain = make_case(org_a, mediator_a)
        restarted = make_case(org_a, mediator_a)
        do_transition_case(case=restarted, to=Status.NEGOTIATING, actor=staff)
    with time_machine.travel(december.replace(day=5, hour=0, minute=10), tick=False):  # just after midnight
        do_transition_case(case=restarted, to=Status.RECEIVED, actor=staff, reason="协商不成")
    with time_machine.travel(december.replace(day=8), tick=False):
        do_transition_case(case=restarted, to=Status.NEGOTIATING, actor=staff)
    with time_machine.travel(december, tick=False):
        do_transition_case(case=restarted, to=Status.RECEIVED, actor=staff, reason="再次协商不成")
    Case.objects.update(acceptance_from=dt.date(2000, 1, 1))  # as if the column were new

    migration.fill_acceptance_from(django.apps.apps, None)

    assert Case.objects.get(pk=plain.pk).acceptance_from == december.replace(day=1).date()  # Beijing, not UTC
    assert Case.objects.get(pk=restarted.pk).acceptance_from == december.date()  # the latest restart
