"""Entering a holiday year recounts the negotiation answer (5 calendar days from the request) stored as uncertain,
with a "recounted" event on the case, and the deadline watcher's item for it follows: flagged while uncertain, a
new key once the date moved (docs/law.md §6, docs/notifications.md)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from tiaojie.cases.models import CaseEvent
from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.workdays import calendar_days_deadline
from tiaojie.mediation import actions
from tiaojie.mediation.deadlines import mediation_deadlines
from tiaojie.mediation.models import Party
from tiaojie.mediation.tests.factories import staff
from tiaojie.reference.calendar import work_calendar
from tiaojie.reference.tests.factories import LONG_NEW_YEAR_DAYS, enter_year, last_configured_december

pytestmark = pytest.mark.django_db

STAFF_NOTE = "该期限超出已配置节假日的年份"
PUBLIC_NOTE = "这个日期可能因节假日调整而变化"


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_user(username="root", password="x", is_staff=True, is_superuser=True)


def answer_block(page: str) -> str:
    """The answer deadline on the case page, up to its basis (the uncertain note comes before it)."""
    start = page.index('data-deadline="negotiation_answer"')
    return page[start : page.index('class="basis"', start)]


def answer_item(now: dt.datetime) -> dict:
    [item] = [d for d in mediation_deadlines(now) if d["kind"] == "negotiation_answer"]
    return item


def test_entering_the_year_recounts_the_negotiation_answer_and_writes_an_event(
    client, org_a, mediator_a, root, _sms_outbox, commit
):
    december = last_configured_december()
    year = december.year + 1
    with time_machine.travel(december, tick=False):
        case = make_case(org_a, mediator_a)
        with commit():
            negotiation = actions.do_open_negotiation(
                case=case,
                requested_by=Party.WORKER,
                actor=staff(mediator_a),
                base_url="http://testserver/",
                contact_name="李经理",
                contact_phone="13900139000",
            )
        before = answer_item(december)
        client.force_login(mediator_a)
        staff_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        token = re.search(r"/mediation/n/([\w-]+)/", _sms_outbox[0][1]).group(1)
        client.logout()
        employer_page = client.get(reverse("mediation:employer_negotiation", args=[token])).content.decode()
    nominal = december.date() + dt.timedelta(days=5)
    assert negotiation.answer_due_uncertain and negotiation.answer_due >= nominal
    assert STAFF_NOTE in answer_block(staff_page)
    assert PUBLIC_NOTE in employer_page  # the employer, who must answer by it, is told too
    assert before["uncertain"] is True and before["key"].endswith(negotiation.answer_due.isoformat())
    before_due = negotiation.answer_due

    with time_machine.travel(december + dt.timedelta(hours=5), tick=False):
        entered = enter_year(year, root)
        after = answer_item(december + dt.timedelta(hours=5))
        client.force_login(mediator_a)
        staff_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    negotiation.refresh_from_db()
    assert entered.recomputed == 2  # the case (its acceptance period and clock A) and the negotiation
    assert not negotiation.answer_due_uncertain
    assert negotiation.answer_due == calendar_days_deadline(december.date(), 5, work_calendar()).last_day
    # 1–7 January are rest days now: the 5th day, 4 January, rolls to the first working day after them.
    assert negotiation.answer_due > before_due and negotiation.answer_due > dt.date(year, 1, LONG_NEW_YEAR_DAYS)
    assert after["uncertain"] is False and after["key"] != before["key"]
    assert STAFF_NOTE not in answer_block(staff_page)

    [event] = [
        e
        for e in case.events.filter(kind=CaseEvent.Kind.DEADLINE_RECOUNTED)
        if e.data.get("negotiation") == negotiation.pk
    ]
    assert event.actor == root
    assert event.data["recounted"] == {
        "answer_due": {"from": before_due.isoformat(), "to": negotiation.answer_due.isoformat(), "uncertain": False}
    }
    assert "协商请求答复期限" in event.reason
