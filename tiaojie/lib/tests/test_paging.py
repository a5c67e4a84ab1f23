"""lib.paging: keyset pages of real cases (lib itself knows no model; its tests borrow the cases app's)."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tiaojie.cases.models import Case
from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.paging import BadCursor, Keyset

NEWEST = Keyset("-received_at", "-id")


@pytest.fixture
def cases(org_a, mediator_a):
    """Seven cases, three of them received at the same instant (only the id orders those)."""
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=10)
    hour = dt.timedelta(hours=1)
    moments = [start, start + hour, *[start + 2 * hour] * 3, start + 3 * hour, start + 5 * hour]
    return [make_case(org_a, mediator_a, received_at=m) for m in moments]


def newest_first(cases):
    return [c.pk for c in sorted(cases, key=lambda c: (c.received_at, c.pk), reverse=True)]


def walk(keyset, qs, limit):
    pages, cursor = [], ""
    while True:
        page = keyset.page(qs, cursor=cursor, limit=limit)
        pages.append([c.pk for c in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_first_page(cases):
    page = NEWEST.page(Case.objects.all(), limit=3)
    assert [c.pk for c in page.items] == newest_first(cases)[:3]
    assert page.next_cursor == NEWEST.cursor(page.items[-1])


def test_next_page_continues_after_the_cursor(cases):
    first = NEWEST.page(Case.objects.all(), limit=3)
    second = NEWEST.page(Case.objects.all(), cursor=first.next_cursor, limit=3)
    assert [c.pk for c in second.items] == newest_first(cases)[3:6]


@pytest.mark.parametrize("limit", [1, 2, 3, 6, 7, 50])
def test_pages_cover_every_row_once_and_the_last_says_so(cases, limit):
    pages = walk(NEWEST, Case.objects.all(), limit)
    assert [pk for page in pages for pk in page] == newest_first(cases)
    assert all(len(page) == limit for page in pages[:-1]) and 1 <= len(pages[-1]) <= limit  # no empty last page


def test_an_empty_list_is_one_empty_last_page(db):
    page = NEWEST.page(Case.objects.none(), limit=5)
    assert page.items == [] and page.next_cursor is None


def test_ties_are_ordered_by_id_and_none_is_skipped(cases):
    tied = [c.pk for c in cases[2:5]]
    assert len({c.received_at for c in cases[2:5]}) == 1
    pages = walk(NEWEST, Case.objects.all(), 1)  # a cursor on each tied row in turn
    flat = [pk for page in pages for pk in page]
    assert [pk for pk in flat if pk in tied] == sorted(tied, reverse=True)
    ascending = walk(Keyset("received_at", "id"), Case.objects.all(), 2)
    assert [pk for page in ascending for pk in page] == list(reversed(newest_first(cases)))


def test_the_cursor_format_is_the_one_links_already_carry(cases):
    case = cases[0]
    old = base64.urlsafe_b64encode(f"{case.received_at.isoformat()}|{case.pk}".encode()).decode().rstrip("=")
    assert NEWEST.cursor(case) == old
    assert NEWEST.decode(old, Case) == (case.received_at, case.pk)
    plain = Keyset("-id", opaque=False)
    assert plain.cursor(case) == str(case.pk) and plain.decode(str(case.pk), Case) == (case.pk,)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


TAMPERED = [
    "%%%",
    "not base64 at all!",
    _b64("2025-01-01T00:00:00+08:00"),  # no id
    _b64("2025-01-01T00:00:00+08:00|1|2"),  # one value too many: the id is "1|2"
    _b64("2025-01-01T00:00:00|1"),  # no offset: which instant?
    _b64("yesterday|1"),
    _b64("2025-01-01T00:00:00+08:00|abc"),
    _b64(f"2025-01-01T00:00:00+08:00|{10**30}"),  # beyond any integer column: the database would raise
    _b64("0001-01-01T00:00:00+14:00|1"),  # before year 1 in UTC
    base64.urlsafe_b64encode(b"\xff\xfe|1").decode(),  # not UTF-8
]


@pytest.mark.parametrize("cursor", TAMPERED)
def test_a_tampered_cursor_is_a_clear_error(cases, cursor):
    with pytest.raises(BadCursor):
        NEWEST.page(Case.objects.all(), cursor=cursor, limit=3)


@pytest.mark.parametrize("cursor", ["abc", "-1x", str(10**30), "1|2"])
def test_a_tampered_plain_cursor_is_a_clear_error(cases, cursor):
    with pytest.raises(BadCursor):
        Keyset("-id", opaque=False).page(Case.objects.all(), cursor=cursor, limit=3)


@pytest.mark.parametrize("cursor", [TAMPERED[0], TAMPERED[7], TAMPERED[8]])
def test_tampered_cursors_in_the_lists_are_never_a_500(client, mediator_a, cursor):
    """The case list and the notifications go back to the first page, the API says 422 (the hotline console's
    own tests try it there)."""
    from tiaojie.accounts.actions import do_create_api_token

    token = {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=mediator_a)}"}
    assert client.get("/api/v1/cases", {"cursor": cursor}, **token).status_code == 422
    client.force_login(mediator_a)
    assert client.get("/cases/", {"cursor": cursor}).status_code == 200
    assert client.get("/notifications/", {"before": str(10**30)}).status_code == 200


def test_a_deep_page_bounds_the_scan_at_the_cursor_and_reads_ids_first(cases):
    first = NEWEST.page(Case.objects.all(), limit=2)
    with CaptureQueriesContext(connection) as queries:
        NEWEST.page(Case.objects.all(), cursor=first.next_cursor, limit=2)
    ids_sql, rows_sql = (q["sql"] for q in queries.captured_queries)
    assert "<=" in ids_sql and "OFFSET" not in ids_sql.upper()
    assert " IN (" in rows_sql and "<=" not in rows_sql  # the rows by id, the filters already applied


def test_the_rows_keep_what_the_queryset_loads(cases, django_assert_num_queries):
    qs = Case.objects.select_related("organisation__type").prefetch_related("claims")
    with django_assert_num_queries(3):  # ids, rows with their organisations and types, claims
        page = NEWEST.page(qs, limit=5)
        assert all(c.organisation.type.name and list(c.claims.all()) for c in page.items)


def test_an_order_that_can_tie_is_refused(db):
    with pytest.raises(ValueError, match="unique"):
        Keyset("-received_at").page(Case.objects.all(), limit=3)
    with pytest.raises(ValueError, match="no field"):
        Keyset("-recieved_at", "-id").page(Case.objects.all(), limit=3)
