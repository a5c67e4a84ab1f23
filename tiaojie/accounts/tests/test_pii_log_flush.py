"""The append-only access log and transactional tests on SQLite (root conftest `_pii_log_flushable`): a
transactional test that logged a view can be cleaned up, and the next test still finds the guard in place."""

import pytest
from django.db import DatabaseError, transaction

from tiaojie.accounts.actions import do_log_pii_access
from tiaojie.accounts.models import PiiAccessLog


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_may_log_a_view(mediator_a) -> None:
    do_log_pii_access(user=mediator_a, record_type="cases.worker", record_id=1, field="id_number", request=None)
    assert PiiAccessLog.objects.count() == 1
    # The flush after this test must succeed: pytest reports an error in teardown otherwise.


@pytest.mark.django_db
def test_the_guard_is_back_for_the_next_test(mediator_a) -> None:
    row = do_log_pii_access(user=mediator_a, record_type="cases.worker", record_id=1, field="phone", request=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        PiiAccessLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        PiiAccessLog.objects.filter(pk=row.pk).update(field="x")
