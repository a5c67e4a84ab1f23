"""What the staff case page costs, and that it still shows what a mediator relies on (issue 17 item 2): the
panels read one prepared state (cases.state), the timeline shows the newest events with a link to the earlier
ones, and the similar cases come in a request of their own."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tiaojie.cases.actions import record_case_event
from tiaojie.cases.models import Case, CaseEvent
from tiaojie.cases.queries import TIMELINE_PAGE
from tiaojie.mediation import actions
from tiaojie.mediation.tests.factories import agreed_case, in_days, pdf_upload, staff

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _with_events(case: Case, user, total: int) -> Case:
    """Notes until the case has `total` events, numbered in their text (回访1, 回访2, …)."""
    for i in range(case.events.count(), total):
        record_case_event(case=case, kind=CaseEvent.Kind.NOTE, actor=staff(user), reason=f"电话回访{i + 1}号")
    return case


@pytest.fixture
def overdue_agreed(org_a, mediator_a):
    """The heaviest state: an effective agreement whose first instalment is overdue, so the page shows the
    agreement, the schedule, the 支付令 guidance and the confirmation windows."""
    return agreed_case(org_a, mediator_a, due=in_days(3), instalments=2)


@pytest.mark.parametrize("events", [5, 50, 200])
def test_the_case_page_costs_at_most_twelve_queries_whatever_the_number_of_events(
    client, mediator_a, overdue_agreed, events, django_assert_max_num_queries
):
    # Reaching the agreed state writes a dozen events already: "5" is that, with one note.
    events = max(events, overdue_agreed.events.count() + 1)
    case = _with_events(overdue_agreed, mediator_a, events)
    url = f"/cases/{case.pk}/"
    with time_machine.travel(timezone.now() + dt.timedelta(days=10), tick=False):
        client.force_login(mediator_a)  # a session of that day
        assert client.get(url).status_code == 200  # the first view of this state of the case fills the cache
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
    html = response.content.decode()
    assert 'id="mediation-agreement"' in html and 'id="agreement-total"' in html
    assert 'id="payment-order-guidance"' in html  # the instalment fell overdue
    assert 'data-deadline="arbitration_review"' in html and 'data-deadline="judicial_confirmation"' in html
    assert f"电话回访{events}号" in html  # the latest event
    if events > TIMELINE_PAGE:
        assert 'id="timeline-earlier"' in html
        assert f"电话回访{events - TIMELINE_PAGE}号" not in html  # older than the newest page
    else:
        assert 'id="timeline-earlier"' not in html


def test_a_change_of_the_case_shows_at_once(client, mediator_a, overdue_agreed):
    """What the page keeps of the case is keyed by its state version, which every event renews: a payment
    recorded after the page was seen shows on the next view."""
    client.force_login(mediator_a)
    url = f"/cases/{overdue_agreed.pk}/"
    payment = overdue_agreed.agreement.payments.order_by("seq").first()
    assert f'data-payment="{payment.pk}" class="payment pending"' in client.get(url).content.decode()
    upload = pdf_upload("receipt.pdf")
    actions.do_mark_payment_paid(
        payment=payment, paid_on=timezone.localdate(), upload=upload, name=upload.name, size=upload.size,
        actor=staff(mediator_a),
    )  # fmt: skip
    assert Case.objects.get(pk=overdue_agreed.pk).state_version != overdue_agreed.state_version
    assert f'data-payment="{payment.pk}" class="payment paid"' in client.get(url).content.decode()


def test_the_earlier_events_page_by_page_without_javascript(client, mediator_a, overdue_agreed):
    total = TIMELINE_PAGE + 10
    case = _with_events(overdue_agreed, mediator_a, total)
    client.force_login(mediator_a)
    first = client.get(f"/cases/{case.pk}/events/").content.decode()
    assert f"电话回访{total}号" in first and 'href="?page=2"' in first
    earlier = client.get(f"/cases/{case.pk}/events/?page=2").content.decode()
    assert f"电话回访{total}号" not in earlier and 'id="timeline-later"' in earlier
    assert earlier.count("<li>") == 10  # the ten oldest, the first of them the case's registration
    assert 'id="timeline-earlier"' not in earlier  # nothing older


def test_the_events_and_the_similar_cases_of_another_organisation_are_404(client, mediator_b, overdue_agreed):
    client.force_login(mediator_b)
    assert client.get(f"/cases/{overdue_agreed.pk}/events/").status_code == 404
    assert client.get(f"/mediation/cases/{overdue_agreed.pk}/similar/").status_code == 404
