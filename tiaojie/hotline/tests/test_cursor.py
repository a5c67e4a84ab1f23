"""The console's "load more" cursor: one it did not write is a 400 with a message, never a 500 nor a silent page
(lib/tests/test_paging.py tries the same cursors on the case list and the API)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiaojie.hotline.tests.factories import make_call
from tiaojie.lib.tests.test_paging import REPORTED, TAMPERED
from tiaojie.lib.workdays import LEGAL_TZ


def test_a_tampered_cursor_is_a_400_with_the_first_page(client, hotline, operator):
    base = dt.datetime(2026, 1, 5, 9, 0, tzinfo=LEGAL_TZ)
    newest = [make_call(hotline, operator, started_at=base + dt.timedelta(minutes=i)) for i in range(3)][-1]
    client.force_login(operator)
    for cursor in [REPORTED, *TAMPERED]:
        response = client.get(reverse("hotline:console"), {"cursor": cursor})
        body = response.content.decode()
        assert response.status_code == 400, cursor
        assert "翻页参数无效" in body and f'href="/hotline/calls/{newest.pk}/"' in body
        more = client.get(reverse("hotline:console"), {"cursor": cursor}, HTTP_HX_REQUEST="true")
        assert more.status_code == 400


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cursor=st.text(min_size=1, max_size=120))
def test_random_cursors_are_a_400(client, operator, cursor):
    client.force_login(operator)
    assert client.get(reverse("hotline:console"), {"cursor": cursor}).status_code == 400
