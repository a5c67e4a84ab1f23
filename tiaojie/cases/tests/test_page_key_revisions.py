"""The revisions in a kept case page's key (cases.page_cache) are read together, in one statement per request
(lib.request_memo.preload), and again in the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tiaojie.knowledge.links import LIBRARY_REVISION
from tiaojie.lib.request_memo import preload, request_scope
from tiaojie.reference import calendar, rules
from tiaojie.reference.models import CalendarRevision


@pytest.mark.django_db
def test_scalar_memos_preloaded_together_cost_one_statement_and_are_read_again_in_the_next_request():
    with request_scope(), CaptureQueriesContext(connection) as first:
        preload(rules.REVISION, calendar.REVISION, LIBRARY_REVISION)
        values = (rules.revision(), calendar.revision(), LIBRARY_REVISION.read())
        preload(rules.REVISION, calendar.REVISION)  # read already: nothing more
    assert len(first.captured_queries) == 1
    assert values == (rules.current_revision(), calendar.current_revision(), LIBRARY_REVISION.load())

    CalendarRevision.objects.update_or_create(pk=1, defaults={"revision": values[1] + 5})
    with request_scope(), CaptureQueriesContext(connection) as second:
        preload(rules.REVISION, calendar.REVISION, LIBRARY_REVISION)
        assert calendar.revision() == values[1] + 5
    assert len(second.captured_queries) == 1


@pytest.mark.django_db
def test_outside_a_request_preload_reads_nothing_ahead():
    with CaptureQueriesContext(connection) as captured:
        preload(calendar.REVISION)
        calendar.revision()
        calendar.revision()
    assert len(captured.captured_queries) == 2
