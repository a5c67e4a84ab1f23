import datetime as dt

import pytest
import time_machine

from tiaojie.demo import HOTLINE_CALLS, build_demo
from tiaojie.hotline.models import HotlineCall, HotlineEvent, ServiceRating, WorkOrder
from tiaojie.hotline.queries import CallFilters, filter_calls
from tiaojie.lib.workdays import LEGAL_TZ

pytestmark = pytest.mark.django_db


def test_demo_has_a_week_of_calls_for_operator_12351():
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, 0, tzinfo=LEGAL_TZ), tick=False):
        build_demo(seed=5, cases=3)
        calls = HotlineCall.objects.filter(operator__username="operator_12351", organisation__type_id="hotline")
        assert calls.count() == len(HOTLINE_CALLS)
        assert set(calls.values_list("kind", flat=True)) == {"consultation", "dispute", "complaint"}
        assert WorkOrder.objects.filter(status="closed").count() == 2
        assert filter_calls(calls, CallFilters(work_order="overdue")).exists()
        assert ServiceRating.objects.count() == 4
        assert HotlineEvent.objects.filter(kind="logged").count() == len(HOTLINE_CALLS)
        assert all(c.caller_phone_masked and "****" in c.caller_phone_masked for c in calls)
