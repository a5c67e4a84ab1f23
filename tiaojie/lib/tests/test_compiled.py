"""lib.compiled: a lookup compiled once gives, for every later value, the rows the ORM gives for that value."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from tiaojie.cases.models import Case, ClaimItem
from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.compiled import CompiledLookup
from tiaojie.organisations.models import Membership, Organisation
from tiaojie.organisations.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _case_lookup(org_id, status):
    return (
        Case.objects.filter(organisation_id=org_id, status=status)
        .select_related("organisation", "organisation__type", "employer")
        .prefetch_related(Prefetch("claims", queryset=ClaimItem.objects.order_by("id"), to_attr="listed"))
        .order_by("id")
    )


CASES = CompiledLookup(_case_lookup, org_id=int, status=str)


def _same(compiled: list[Case], orm: list[Case]) -> None:
    assert [c.pk for c in compiled] == [c.pk for c in orm]
    for a, b in zip(compiled, orm, strict=True):
        assert a.organisation.name == b.organisation.name and a.organisation.type.name == b.organisation.type.name
        assert a.employer.name == b.employer.name
        assert [x.pk for x in a.listed] == [x.pk for x in b.listed]
        assert a.received_at == b.received_at and a.received_at.tzinfo is not None  # converters ran


def test_each_run_has_its_own_values_and_the_orm_rows(org_a, org_b, mediator_a, mediator_b):
    a1, a2 = make_case(org_a, mediator_a), make_case(org_a, mediator_a)
    b1 = make_case(org_b, mediator_b)
    for org in (org_a, org_b):
        _same(CASES.rows(org_id=org.pk, status="received"), list(_case_lookup(org.pk, "received")))
    assert [c.pk for c in CASES.rows(org_id=org_a.pk, status="received")] == [a1.pk, a2.pk]
    assert [c.pk for c in CASES.rows(org_id=org_b.pk, status="received")] == [b1.pk]
    assert CASES.rows(org_id=org_a.pk, status="closed") == []
    assert CASES.rows(org_id=10**12, status="received") == []


def test_the_sql_is_compiled_once_and_sent_with_the_values(org_a, mediator_a):
    make_case(org_a, mediator_a)
    CASES.rows(org_id=org_a.pk, status="received")
    with CaptureQueriesContext(connection) as queries:
        CASES.rows(org_id=org_a.pk + 1, status="closed")
    case_sql = queries.captured_queries[0]["sql"]
    assert str(org_a.pk + 1) in case_sql and "closed" in case_sql
    assert "stand-in" not in case_sql and "200000000" not in case_sql


def test_a_value_used_twice_is_put_in_both_places(org_a, org_b):
    lookup = CompiledLookup(
        lambda user_id: Membership.objects.filter(user_id=user_id) | Membership.objects.filter(user_id=user_id),
        user_id=int,
    )
    mine = MembershipFactory(user=UserFactory(), organisation=org_a)
    MembershipFactory(user=UserFactory(), organisation=org_b)
    assert [m.pk for m in lookup.rows(user_id=mine.user_id)] == [mine.pk]


def test_values_lists_come_back_as_the_orm_makes_them(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    numbers = CompiledLookup(lambda pk: Case.objects.filter(pk=pk).values_list("pk", "status"), pk=int)
    assert numbers.rows(pk=case.pk) == [(case.pk, "received")]


def test_a_value_the_orm_rewrites_is_refused_when_first_compiled():
    contains = CompiledLookup(lambda name: Organisation.objects.filter(name__contains=name), name=str)
    with pytest.raises(ValueError, match="not a parameter"):
        contains.rows(name="街道")


def test_values_of_another_type_or_name_are_refused():
    with pytest.raises(TypeError):
        CASES.rows(org_id="1", status="received")
    with pytest.raises(TypeError):
        CASES.rows(org_id=1)
    with pytest.raises(TypeError):
        CompiledLookup(lambda when: Case.objects.filter(received_at__gt=when), when=float)


def test_a_run_is_a_list_not_a_queryset_to_chain(org_a, mediator_a):
    """A queryset chained from a run would keep the compiled SQL and drop its own filter: rows() ends the chain."""
    make_case(org_a, mediator_a)
    rows = CASES.rows(org_id=org_a.pk, status="received")
    assert type(rows) is list and len(rows) == 1


def test_first_is_the_one_row_or_none(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    one = CompiledLookup(lambda pk: Case.objects.filter(pk=pk), pk=int)
    found = one.first(pk=case.pk)
    assert found is not None and found.pk == case.pk
    assert one.first(pk=case.pk + 1000) is None


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_lookup_is_prepared_and_nothing_else_is(org_a, org_b, mediator_a, mediator_b):
    """The lookup is planned once per connection; a list or search, whose best plan depends on its values, is
    still planned on each run (Django's client-side binding)."""
    a = make_case(org_a, mediator_a)
    make_case(org_b, mediator_b)
    connection.ensure_connection()
    connection.connection.execute("DEALLOCATE ALL")
    assert [c.pk for c in CASES.rows(org_id=org_a.pk, status="received")] == [a.pk]
    assert CASES.rows(org_id=org_a.pk, status="closed") == []  # the same statement, other values
    list(Case.objects.filter(organisation_id=org_a.pk, status="received"))
    prepared = _prepared_statements()
    cases = [s for s in prepared if '"cases_case"' in s]
    assert len(cases) == 1 and "$1" in cases[0] and "LIMIT" not in cases[0]
    assert not any(s.startswith('SELECT "cases_claimitem"') for s in prepared)  # the prefetch is the ORM's own


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_with_prepared_lookups_off_nothing_is_prepared(org_a, mediator_a, settings):
    """DB_PREPARED_LOOKUPS=0 for a transaction-pooling proxy, where a statement prepared in one transaction is
    gone in the next."""
    settings.DB_PREPARED_LOOKUPS = False
    case = make_case(org_a, mediator_a)
    connection.ensure_connection()
    connection.connection.execute("DEALLOCATE ALL")
    assert [c.pk for c in CASES.rows(org_id=org_a.pk, status="received")] == [case.pk]
    assert _prepared_statements() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_migration_that_changes_a_column_under_a_prepared_lookup_costs_no_request(org_a):
    """Workers hold their prepared statements while `tiaojie migrate` runs before their restart: a column whose
    type changed makes PostgreSQL refuse the old plan, and the lookup runs again unprepared instead of failing
    every request on that connection."""
    names = CompiledLookup(lambda pk: Organisation.objects.filter(pk=pk).values_list("name", flat=True), pk=int)
    assert names.rows(pk=org_a.pk) == [org_a.name]
    column = Organisation._meta.get_field("name")
    with connection.cursor() as cursor:
        cursor.execute('ALTER TABLE "organisations_organisation" ALTER COLUMN "name" TYPE text')
    try:
        assert names.rows(pk=org_a.pk) == [org_a.name]  # refused prepared, answered unprepared
        assert names.rows(pk=org_a.pk) == [org_a.name]  # prepared anew
        assert len([s for s in _prepared_statements() if '"organisations_organisation"' in s]) == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f'ALTER TABLE "organisations_organisation" ALTER COLUMN "name" TYPE varchar({column.max_length})'
            )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_other_statements_are_not_counted_by_psycopg(org_a, mediator_a):
    """psycopg keeps the text of each statement it counts toward preparing, values inlined: only the lookups'."""
    CASES.rows(org_id=org_a.pk, status="received")
    list(Organisation.objects.filter(name="某某街道"))
    connection.ensure_connection()
    counted = connection.connection._prepared._counts
    assert not any("某某街道".encode() in key[0] for key in counted)


def test_each_thread_converts_with_its_own_connection(transactional_db, org_a, mediator_a):
    """The converters are found once per connection (each server thread has its own) and applied on every run:
    a run in another thread, after this one's, still gets aware datetimes, related rows and prefetches."""
    import threading

    from django.db import connections

    make_case(org_a, mediator_a)
    orm = list(_case_lookup(org_a.pk, "received"))
    _same(CASES.rows(org_id=org_a.pk, status="received"), orm)
    found: list[list[Case]] = []

    def other() -> None:
        try:
            found.append(CASES.rows(org_id=org_a.pk, status="received"))
            found.append(CASES.rows(org_id=org_a.pk, status="received"))
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    for rows in found:
        _same(rows, orm)
    assert len(found) == 2
    _same(CASES.rows(org_id=org_a.pk, status="received"), orm)
