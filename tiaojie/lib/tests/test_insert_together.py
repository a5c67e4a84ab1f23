"""lib.insert_together: the rows several bulk_creates would write, with their ids, in one statement on
PostgreSQL; all or none of them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tiaojie.cases.models import Case, CaseEvent, CaseSearchDocument, ClaimItem
from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.insert_together import insert_together

pytestmark = pytest.mark.django_db


def _claims(case, n):
    return [
        ClaimItem(case=case, type="wages", amount_claimed=Decimal(f"{i}00.50"), description=f"第{i}项")
        for i in range(n)
    ]


def _event(case):
    return CaseEvent(case=case, at=timezone.now(), kind="note", actor_label="test", reason="一并写入")


def test_the_rows_and_ids_are_those_bulk_create_writes(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    CaseSearchDocument.objects.filter(case=case).delete()
    claims, event = _claims(case, 3), _event(case)
    document = CaseSearchDocument(case=case, body="正文", search_text="正文", updated_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        insert_together(claims, [event], [document])
    # One round trip where the database runs INSERTs in WITH together; one bulk_create per group elsewhere.
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)
    stored = list(ClaimItem.objects.filter(case=case, description__startswith="第").order_by("id"))
    # Each object has its row's id, in the order given, and the row holds what the object held.
    assert [c.pk for c in claims] == [c.pk for c in stored]
    assert [(c.amount_claimed, c.description) for c in stored] == [(c.amount_claimed, c.description) for c in claims]
    assert CaseEvent.objects.get(pk=event.pk).reason == "一并写入"
    assert CaseSearchDocument.objects.get(case=case).body == "正文"
    for obj in (*claims, event, document):
        assert not obj._state.adding and obj._state.db == "default"


def test_one_failing_group_writes_nothing_of_the_others(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    before = ClaimItem.objects.filter(case=case).count(), CaseEvent.objects.filter(case=case).count()
    # The case has its search document already: a second one breaks the primary key.
    duplicate = CaseSearchDocument(case=case, body="重复", search_text="重复", updated_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(_claims(case, 2), [_event(case)], [duplicate])
    assert (ClaimItem.objects.filter(case=case).count(), CaseEvent.objects.filter(case=case).count()) == before


def test_groups_of_many_rows_get_every_id(org_a, mediator_a):
    cases = [make_case(org_a, mediator_a) for _ in range(2)]
    first, second = _claims(cases[0], 5), _claims(cases[1], 1)
    events = [_event(c) for c in cases]
    insert_together(first, [], second, events)
    ids = [c.pk for c in (*first, *second)]
    assert None not in ids and len(set(ids)) == 6 and ids[:5] == sorted(ids[:5])
    assert {e.pk for e in events} == set(
        CaseEvent.objects.filter(kind="note", reason="一并写入").values_list("pk", flat=True)
    )


def test_refused_shapes(org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    with pytest.raises(TypeError, match="one model per group"):
        insert_together([*_claims(case, 1), _event(case)], [_event(case)])
    # A row referring to a case not yet saved: refused before any SQL, as bulk_create refuses it.
    with pytest.raises(ValueError, match="unsaved"):
        insert_together(_claims(Case(received_at=timezone.now()), 1), [_event(case)])
    assert not ClaimItem.objects.filter(description__startswith="第").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_one_shape_is_prepared_once_and_reused(org_a, mediator_a):
    """Every intake sends the same few statements: each is planned once per connection. Django writes a group of
    several rows as an INSERT from UNNEST of one array a column, so its SQL does not change with the count."""
    cases = [make_case(org_a, mediator_a) for _ in range(3)]
    connection.ensure_connection()
    connection.connection.execute("DEALLOCATE ALL")
    for case in cases[:2]:
        insert_together(_claims(case, 2), [_event(case)])
    insert_together(_claims(cases[2], 3), [_event(cases[2])])  # three claims: the same statement
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'WITH tiaojie_insert_0%%'")
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) == 1 and "UNNEST" in prepared[0]
    assert ClaimItem.objects.filter(case__in=cases, description__startswith="第").count() == 7
