"""lib.paging: keyset pages of real cases (lib itself knows no model; its tests borrow the cases app's)."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    assert NEWEST.decode(old, Case) == (case.received_at, case.pk)  # the same instant (in UTC)
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
    _b64("9999-12-31T23:59:59-23:59|1"),  # after 9999 in UTC: the cursor of issue 12 item 8
    base64.urlsafe_b64encode(b"\xff\xfe|1").decode(),  # not UTF-8
    _b64("2025-01-01T00:00:00+08:00|1") + "!!",  # a valid cursor with stray characters the decoder would skip
    _b64("2025-01-01T00:00:00+08:00| 1"),  # parses, but no keyset wrote it
    _b64("2025-01-01T00:00:00Z|1"),  # the same: a keyset writes +00:00
    _b64("2025-01-01T00:00:00+08:00|-1"),
    "AAAAA",  # a length base64 cannot have
    _b64("2025-01-01T00:00:00+08:00|" + "1" * 300),  # longer than any cursor
]
# The cursor issue 12 item 8 reported, as its URL carried it.
REPORTED = "OTk5OS0xMi0zMVQyMzo1OTo1OS0yMzo1OXwx"


def test_a_moment_at_any_offset_is_the_same_instant_on_both_databases(cases):
    """PostgreSQL refuses an offset beyond ±15:59; the cursor's moment reaches it in UTC."""
    first = NEWEST.page(Case.objects.all(), limit=3)
    last = first.items[-1]
    far = last.received_at.astimezone(dt.timezone(-dt.timedelta(hours=18, minutes=20)))
    cursor = _b64(f"{far.isoformat()}|{last.pk}")
    again = NEWEST.page(Case.objects.all(), cursor=cursor, limit=3)
    assert [c.pk for c in again.items] == [
        c.pk for c in NEWEST.page(Case.objects.all(), cursor=first.next_cursor, limit=3).items
    ]


def test_the_reported_cursor_is_among_those_tested():
    assert REPORTED in TAMPERED


@pytest.mark.parametrize("cursor", TAMPERED)
def test_a_tampered_cursor_is_a_clear_error(cases, cursor):
    with pytest.raises(BadCursor):
        NEWEST.page(Case.objects.all(), cursor=cursor, limit=3)


@pytest.mark.parametrize("cursor", ["abc", "-1x", str(10**30), "1|2", " 1", "01", "1.0"])
def test_a_tampered_plain_cursor_is_a_clear_error(cases, cursor):
    with pytest.raises(BadCursor):
        Keyset("-id", opaque=False).page(Case.objects.all(), cursor=cursor, limit=3)


@pytest.mark.parametrize("cursor", [None, 12, b"MQ", ["MQ"]])
def test_a_cursor_that_is_not_text_is_a_clear_error(cursor):
    with pytest.raises(BadCursor):
        NEWEST.decode(cursor, Case)


def _moment_and_id(pair: tuple[dt.datetime, int]) -> str:
    return _b64(f"{pair[0].isoformat()}|{pair[1]}")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80),
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=80),
        st.text(max_size=60).map(_b64),
        st.tuples(st.datetimes(timezones=st.timezones()), st.integers()).map(_moment_and_id),
        st.tuples(st.text(max_size=30), st.text(max_size=30)).map(lambda t: _b64(f"{t[0]}|{t[1]}")),
    )
)
def test_decode_gives_what_a_keyset_wrote_or_refuses(cursor):
    """Whatever the text: BadCursor, or values the database can compare with, which re-encode to the same cursor."""
    try:
        moment, pk = NEWEST.decode(cursor, Case)
    except BadCursor:
        return
    assert moment.utcoffset() == dt.timedelta(0) and 1 <= pk <= 2**63 - 1  # in UTC, whatever the cursor's offset
    moment_text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")[0]
    assert dt.datetime.fromisoformat(moment_text) == moment


@pytest.fixture
def token(mediator_a):
    from tiaojie.accounts.actions import do_create_api_token

    return {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=mediator_a)}"}


def test_every_list_paged_by_a_keyset_answers_a_tampered_cursor_with_400(client, mediator_a, token):
    """The API and the staff case list (the hotline console: hotline/tests/test_cursor.py), for each cursor
    above and for random ones: a 400 saying what is wrong, never a 500 and never a page as if nothing happened."""
    client.force_login(mediator_a)
    for cursor in TAMPERED:
        api = client.get("/api/v1/cases", {"cursor": cursor}, **token)
        assert api.status_code == 400, (cursor, api.content)
        assert api.json()["errors"]["cursor"].startswith("翻页游标无效")
        page = client.get("/cases/", {"cursor": cursor})
        assert page.status_code == 400 and "翻页参数无效" in page.content.decode(), cursor
        assert client.get("/cases/", {"cursor": cursor}, HTTP_HX_REQUEST="true").status_code == 400


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cursor=st.text(min_size=1, max_size=120))
def test_random_cursors_get_400_from_the_api_and_the_case_list(client, mediator_a, token, cursor):
    client.force_login(mediator_a)
    assert client.get("/api/v1/cases", {"cursor": cursor}, **token).status_code == 400
    assert client.get("/cases/", {"cursor": cursor}).status_code == 400


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
