"""The case list read per division for a county supervisor (queries.case_page with `divisions`) gives exactly
the pages of the plain read, filters and cursors included; scope_divisions picks who gets it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tiaojie.cases.access import cases_visible_to
from tiaojie.cases.models import Status
from tiaojie.cases.queries import CaseFilters, case_page, filter_cases, scope_divisions
from tiaojie.cases.tests.factories import make_case
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory


def walk(qs, divisions, limit):
    pages, cursor = [], ""
    while True:
        page = case_page(qs, cursor=cursor, limit=limit, divisions=divisions)
        pages.append([c.pk for c in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


@pytest.mark.django_db
def test_per_division_pages_equal_the_plain_pages(supervisor_county, mediator_a):
    # Three organisations of the county at three levels (a township, another township, the county itself), with
    # cases interleaved in time and some received at the same instant (the id breaks the tie).
    orgs = [
        mediator_a.memberships.get().organisation,
        OrganisationFactory(name="良渚街道调解中心", division_id="330110005"),
        OrganisationFactory(name="余杭区仲裁院调解中心", division_id="330110"),
    ]
    for org in orgs[1:]:
        MembershipFactory(user=mediator_a, organisation=org)
    start = timezone.now() - dt.timedelta(days=30)
    for i in range(17):
        make_case(orgs[i % 3], mediator_a, received_at=start + dt.timedelta(hours=(i // 2) * 7))
    divisions = scope_divisions(supervisor_county)
    assert divisions is not None and {"330110", "330110005", "330110012"} <= set(divisions)
    qs = cases_visible_to(supervisor_county)
    for limit in (1, 4, 50):
        assert walk(qs, divisions, limit) == walk(qs, None, limit)
    accepted = filter_cases(qs, CaseFilters(status=Status.RECEIVED))
    assert walk(accepted, divisions, 3) == walk(accepted, None, 3)
    assert sum(len(p) for p in walk(qs, divisions, 4)) == 17


@pytest.mark.django_db
def test_who_gets_the_per_division_read(supervisor_county, supervisor_national, mediator_a):
    assert scope_divisions(supervisor_national) is None  # the whole country: the plain read is fast
    assert scope_divisions(mediator_a) is None  # an organisation is one index range
    codes = scope_divisions(supervisor_county)
    assert codes is not None and all(code.startswith("330110") for code in codes)
