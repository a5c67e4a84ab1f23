"""Entering a holiday year recounts a work order's limit stored as uncertain, from the day it was opened with the
limit it was opened with, and writes a "recounted" event on the call (docs/law.md §6, §11)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tiaojie.hotline.actions import do_close_work_order, do_open_work_order
from tiaojie.hotline.models import ComplexityTier, HotlineEvent
from tiaojie.hotline.tests.factories import make_call
from tiaojie.lib.workdays import working_days_deadline
from tiaojie.reference.calendar import work_calendar
from tiaojie.reference.tests.factories import LONG_NEW_YEAR_DAYS, enter_year, last_configured_december

pytestmark = pytest.mark.django_db

UNCERTAIN_NOTE = "该期限超出已配置节假日的年份"


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_user(username="root", password="x", is_staff=True, is_superuser=True)


def test_entering_the_year_recounts_the_work_order_and_writes_an_event(client, hotline, operator, root):
    december = last_configured_december()
    year = december.year + 1
    with time_machine.travel(december, tick=False):
        call = make_call(hotline, operator)
        order = do_open_work_order(call=call, tier_code="general", actor=operator)
        client.force_login(operator)
        response = client.get(reverse("hotline:detail", args=[call.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert order.due_uncertain and order.due_date.year == year
    assert UNCERTAIN_NOTE in page
    before = order.due_date
    # The limit it was opened with counts, not the tier's current one (an administrator's later change).
    ComplexityTier.objects.filter(code="general").update(working_days=order.working_days + 10)

    with time_machine.travel(december + dt.timedelta(hours=5), tick=False):
        entered = enter_year(year, root)
        client.force_login(operator)  # hours later: yesterday's idle session has lapsed
        response = client.get(reverse("hotline:detail", args=[call.pk]))
    assert response.status_code == 200
    page = response.content.decode()

    order.refresh_from_db()
    assert entered.recomputed == 1
    assert not order.due_uncertain
    assert order.due_date == working_days_deadline(december.date(), order.working_days, work_calendar()).last_day
    assert order.due_date > before and order.due_date > dt.date(year, 1, LONG_NEW_YEAR_DAYS)
    assert UNCERTAIN_NOTE not in page

    event = HotlineEvent.objects.get(call=call, kind=HotlineEvent.Kind.WORK_ORDER_RECOUNTED)
    assert event.actor == root
    assert event.data["year"] == year
    assert event.data["recounted"] == {
        "due_date": {"from": before.isoformat(), "to": order.due_date.isoformat(), "uncertain": False}
    }
    assert event.data["reason"] in page and "办理期限" in event.data["reason"]  # shown in the call's timeline


def test_a_closed_order_is_recounted_too_and_a_certain_one_is_not(hotline, operator, root):
    """The stored limit is what the statistics compare the closing day with, so it is made right even after
    the order was closed; an order counted inside the configured years is left alone."""
    december = last_configured_december()
    with time_machine.travel(december.replace(day=1), tick=False):
        certain = do_open_work_order(call=make_call(hotline, operator), tier_code="simple", actor=operator)
    with time_machine.travel(december, tick=False):
        uncertain = do_open_work_order(call=make_call(hotline, operator), tier_code="complex", actor=operator)
        do_close_work_order(call=uncertain.call, note="已答复来电人", actor=operator)
    assert uncertain.due_uncertain and not certain.due_uncertain
    with time_machine.travel(december + dt.timedelta(hours=5), tick=False):
        assert enter_year(december.year + 1, root).recomputed == 1
    uncertain.refresh_from_db()
    assert uncertain.status == "closed" and not uncertain.due_uncertain
    assert not HotlineEvent.objects.filter(call=certain.call, kind=HotlineEvent.Kind.WORK_ORDER_RECOUNTED).exists()
