"""The case list's full-text search (cases.search, docs/search.md): two-character terms, names, ranking, the
scope of the user, anonymised cases. Run on SQLite and on PostgreSQL (docs/testing.md)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tiaojie.cases.access import cases_visible_to, visibility_q
from tiaojie.cases.actions import Actor, EmployerInput, WorkerInput, do_transition_case
from tiaojie.cases.models import CaseSearchDocument, Channel, Status
from tiaojie.cases.queries import CaseFilters, document_filters, filter_cases
from tiaojie.cases.retention import do_anonymise_case
from tiaojie.cases.search import ranked_case_ids, refresh_search_document
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.workdays import LEGAL_TZ

pytestmark = pytest.mark.django_db(transaction=True)  # the document is rebuilt on commit

AT = dt.datetime(2026, 5, 11, 9, 0, tzinfo=LEGAL_TZ)


def found(user, text):
    """Both forms of ranked_case_ids: the scope on cases_case (a filtered list) and the candidates found on the
    documents' copies of the scope (an unfiltered list, `visible`): the same list, whichever the database."""
    scoped = [hit.case_id for hit in ranked_case_ids(cases_visible_to(user), text, limit=50)]
    by_documents = ranked_case_ids(cases_visible_to(user), text, limit=50, visible=visibility_q(user))
    assert [hit.case_id for hit in by_documents] == scoped
    return scoped


@pytest.fixture
def cases(org_a, mediator_a, org_b, mediator_b):
    with time_machine.travel(AT, tick=False):
        injury = make_case(
            org_a, mediator_a, facts="申请人在车间工作时受伤，已认定为工伤，被申请人未支付停工留薪期工资。",
            workers=[WorkerInput(name="欧阳明远", id_number=valid_id_number(), phone="13800138001")],
        )  # fmt: skip
        wages = make_case(
            org_a, mediator_a, facts="被申请人欠薪三个月，申请人多次催讨未果。",
            employer=EmployerInput(name="杭州华兴电子有限公司"),
        )  # fmt: skip
        theirs = make_case(org_b, mediator_b, facts="被申请人欠薪两个月，工伤待遇也未支付。")
    return {"injury": injury, "wages": wages, "theirs": theirs}


def test_two_character_terms_are_found_and_nothing_else(cases, mediator_a):
    assert found(mediator_a, "工伤") == [cases["injury"].pk]
    assert found(mediator_a, "欠薪") == [cases["wages"].pk]
    assert found(mediator_a, "工伤 欠薪") == []  # parts are ANDed
    assert found(mediator_a, "伤工") == []  # a phrase, in order


def test_names_of_workers_and_employers_are_found(cases, mediator_a):
    assert found(mediator_a, "欧阳明远") == [cases["injury"].pk]
    assert found(mediator_a, "明远") == [cases["injury"].pk]
    assert found(mediator_a, "华兴") == [cases["wages"].pk]
    assert found(mediator_a, "远") == [cases["injury"].pk]  # one character: a prefix, at the end of a run too


def test_another_organisations_case_is_never_ranked(cases, mediator_a, mediator_b, supervisor_county):
    assert cases["theirs"].pk not in found(mediator_a, "欠薪")
    assert found(mediator_b, "欠薪") == [cases["theirs"].pk]
    # The county supervisor of organisation A's county sees A's cases, not B's (another county).
    assert sorted(found(supervisor_county, "欠薪 申请人")) == [cases["wages"].pk]
    # One term takes the other query form on PostgreSQL (cases.search.ranked_case_ids): the same scope.
    assert found(supervisor_county, "欠薪") == [cases["wages"].pk]
    assert found(supervisor_county, "工伤") == [cases["injury"].pk]
    assert found(mediator_b, "工伤") == [cases["theirs"].pk]


def test_the_case_that_says_it_more_often_ranks_first(org_a, mediator_a):
    with time_machine.travel(AT, tick=False):
        once = make_case(org_a, mediator_a, facts="申请人要求支付加班费。双方就工资数额有争议，另有其他事项待查明。")
        often = make_case(org_a, mediator_a, facts="加班费未付：平日加班费、休息日加班费、法定节假日加班费。")
    assert found(mediator_a, "加班费") == [often.pk, once.pk]


def test_an_anonymised_case_is_no_longer_found_by_name(org_a, mediator_a):
    with time_machine.travel(AT, tick=False):
        case = make_case(
            org_a, mediator_a, facts="申请人诸葛青云被拖欠工资。",
            workers=[WorkerInput(name="诸葛青云", id_number=valid_id_number(), phone="13800138002")],
        )  # fmt: skip
        staff = Actor(ActorKind.STAFF, mediator_a)
        do_transition_case(case=case, to=Status.DECLINED, actor=staff, reason="不属于劳动争议")
        assert found(mediator_a, "诸葛青云") == [case.pk]
        do_anonymise_case(case_id=case.pk, on_request="本人申请删除")
    assert found(mediator_a, "诸葛青云") == []
    assert found(mediator_a, "青云") == []
    assert "诸葛" not in CaseSearchDocument.objects.get(case=case).body
    assert found(mediator_a, "拖欠工资") == [case.pk]  # the scrubbed facts still count


def test_id_and_phone_numbers_in_the_text_are_masked_and_not_indexed(org_a, mediator_a):
    id_number = valid_id_number()
    with time_machine.travel(AT, tick=False):
        case = make_case(org_a, mediator_a, facts=f"申请人身份证{id_number}，电话13912345678，工伤。")
    doc = CaseSearchDocument.objects.get(case=case)
    assert id_number not in doc.body and "13912345678" not in doc.body and "139****5678" in doc.body
    assert found(mediator_a, id_number[:12]) == [] and found(mediator_a, "13912345678") == []


def test_reindex_builds_missing_documents_in_batches(cases, mediator_a):
    CaseSearchDocument.objects.all().delete()
    assert found(mediator_a, "工伤") == []
    out, err = io.StringIO(), io.StringIO()
    call_command("reindex-cases", "--batch-size", "2", stdout=out, stderr=err)
    assert "3 cases indexed" in out.getvalue() and "2 cases indexed" in err.getvalue()
    assert found(mediator_a, "工伤") == [cases["injury"].pk]
    refresh_search_document(cases["injury"].pk)  # idempotent
    assert CaseSearchDocument.objects.count() == 3


def test_the_case_list_ranks_matches_shows_where_and_keeps_the_number_search(client, cases, mediator_a):
    client.force_login(mediator_a)
    response = client.get(reverse("cases:list"), {"q": "欠薪"})
    html = response.content.decode()
    assert response.status_code == 200
    assert cases["wages"].number in html and cases["injury"].number not in html
    assert cases["theirs"].number not in html
    assert "<mark>欠薪</mark>" in html and "事实和理由" in html
    response = client.get(reverse("cases:list"), {"q": cases["injury"].number})
    assert cases["injury"].number in response.content.decode()
    assert cases["wages"].number not in response.content.decode()


def test_a_snippet_is_escaped(client, org_a, mediator_a):
    with time_machine.travel(AT, tick=False):
        make_case(org_a, mediator_a, facts="<script>alert(1)</script>工伤")
    client.force_login(mediator_a)
    html = client.get(reverse("cases:list"), {"q": "工伤"}).content.decode()
    snippet = html.split('class="search-snippet"')[1].split("</tr>")[0]
    assert "<script>" not in snippet and "&lt;/script&gt;<mark>工伤</mark>" in snippet


def test_a_cursor_no_page_wrote_is_a_400_with_the_first_page(client, cases, mediator_a):
    client.force_login(mediator_a)
    response = client.get(reverse("cases:list"), {"q": "申请人", "cursor": "99999999"})
    assert response.status_code == 400 and cases["wages"].number in response.content.decode()


def test_another_organisations_case_is_absent_from_the_list_search(client, cases, mediator_b):
    client.force_login(mediator_b)
    html = client.get(reverse("cases:list"), {"q": "欧阳明远"}).content.decode()
    assert cases["injury"].number not in html
    assert client.get(reverse("cases:detail", args=[cases["injury"].pk])).status_code == 404


def test_a_document_carries_its_cases_scope_columns(cases):
    for case in cases.values():
        case.refresh_from_db()
        document = CaseSearchDocument.objects.get(case=case)
        assert (
            document.organisation_id,
            document.division_id,
            document.received_at,
            document.status,
            document.channel,
        ) == (case.organisation_id, case.division_id, case.received_at, case.status, case.channel)


def test_a_documents_status_follows_its_cases_transitions(cases, mediator_a):
    do_transition_case(case=cases["wages"], to=Status.ACCEPTED, actor=Actor(ActorKind.STAFF, mediator_a))
    assert CaseSearchDocument.objects.get(case=cases["wages"]).status == Status.ACCEPTED
    test_a_document_carries_its_cases_scope_columns(cases)


def test_an_out_of_region_supervisor_and_a_user_without_scope_find_nothing(cases, supervisor_other_county):
    from tiaojie.organisations.tests.factories import UserFactory

    # Organisation B's county (西湖区) holds only B's case; A's cases are in 余杭区.
    assert found(supervisor_other_county, "工伤") == [cases["theirs"].pk]
    assert found(supervisor_other_county, "华兴") == []
    nobody = UserFactory(username="nobody")
    assert ranked_case_ids(cases_visible_to(nobody), "工伤", limit=50, visible=visibility_q(nobody)) == []
    assert visibility_q(nobody) is None


def test_a_document_whose_copied_scope_is_stale_is_never_shown_outside_the_scope(cases, mediator_b):
    # Copies lag when a change bypassed the actions (a bulk edit): the candidates are checked against
    # cases_visible_to itself, so organisation B's mediator still cannot see A's case.
    CaseSearchDocument.objects.filter(case=cases["injury"]).update(organisation_id=cases["theirs"].organisation_id)
    hits = ranked_case_ids(cases_visible_to(mediator_b), "工伤", limit=50, visible=visibility_q(mediator_b))
    assert [hit.case_id for hit in hits] == [cases["theirs"].pk]


def test_the_fill_migration_copies_the_scope_onto_existing_documents(cases, mediator_a):
    import importlib

    migration = importlib.import_module("tiaojie.cases.migrations.0020_search_document_scope_fill_h29")
    CaseSearchDocument.objects.update(organisation_id=None, division_id=None, received_at=None)
    if connection.vendor == "postgresql":
        # A document not filled yet is not found through its copies (the filtered form still finds it).
        assert ranked_case_ids(cases_visible_to(mediator_a), "工伤", limit=50, visible=visibility_q(mediator_a)) == []
    migration.BATCH = 2  # several batches for three documents
    editor = type("Editor", (), {"connection": connection})()
    migration.fill(None, editor)
    test_a_document_carries_its_cases_scope_columns(cases)
    assert found(mediator_a, "工伤") == [cases["injury"].pk]


@pytest.mark.parametrize("walk_rows", [1, 5000])
def test_the_walk_over_the_newest_documents_finds_the_same_as_the_index(
    cases, mediator_a, mediator_b, supervisor_county, supervisor_other_county, monkeypatch, walk_rows
):
    # A small test database has no statistics, so its searches take the GIN index; force the walk (step 1 of
    # cases.search._ranked_by_documents), once stopping after one row (the index finishes the search).
    from tiaojie.cases import search

    monkeypatch.setattr(search, "_walk_first", lambda cur, parts: True)
    monkeypatch.setattr(search, "WALK_ROWS", walk_rows)
    assert found(mediator_a, "工伤") == [cases["injury"].pk]
    assert found(mediator_b, "工伤") == [cases["theirs"].pk]
    assert found(supervisor_county, "欠薪") == [cases["wages"].pk]
    assert found(supervisor_other_county, "欠薪") == [cases["theirs"].pk]
    assert found(supervisor_county, "华兴 欠薪") == [cases["wages"].pk]
    assert found(mediator_b, "华兴") == []


def test_a_search_with_another_filter_keeps_to_the_filter(client, cases, mediator_a):
    # The filtered list takes the scoped form (the filters are not on the document): only accepted cases.
    do_transition_case(case=cases["wages"], to=Status.ACCEPTED, actor=Actor(ActorKind.STAFF, mediator_a))
    client.force_login(mediator_a)
    html = client.get(reverse("cases:list"), {"q": "申请人", "status": Status.ACCEPTED}).content.decode()
    assert cases["wages"].number in html and cases["injury"].number not in html
    html = client.get(reverse("cases:list"), {"q": "申请人"}).content.decode()
    assert cases["wages"].number in html and cases["injury"].number in html


def test_a_filtered_list_ranks_the_same_cases_whichever_table_finds_them(cases, mediator_a, mediator_b):
    # A list filtered besides the search (a status) finds its candidates on the documents and joins the filter
    # to them (`filtered`), or applies the scope and the filter on cases_case: the same list either way.
    do_transition_case(case=cases["wages"], to=Status.ACCEPTED, actor=Actor(ActorKind.STAFF, mediator_a))

    def both(user, text, status):
        scope = cases_visible_to(user).filter(status=status)
        on_cases = [hit.case_id for hit in ranked_case_ids(scope, text, limit=50)]
        on_documents = ranked_case_ids(scope, text, limit=50, visible=visibility_q(user), filtered=True)
        assert [hit.case_id for hit in on_documents] == on_cases
        return on_cases

    assert both(mediator_a, "申请人", Status.ACCEPTED) == [cases["wages"].pk]
    assert both(mediator_a, "申请人", Status.RECEIVED) == [cases["injury"].pk]
    assert both(mediator_a, "欠薪", Status.RECEIVED) == []  # the filter, not only the text
    assert both(mediator_b, "欠薪", Status.RECEIVED) == [cases["theirs"].pk]  # never another organisation's


def test_a_candidate_with_a_phrases_bigrams_out_of_order_is_dropped_when_ranked(org_a, mediator_a, supervisor_county):
    # The GIN step is given every bigram ANDed; the ranking statement tests the phrase on each candidate it reads
    # by primary key (cases.search._ranked_by_documents, step 3), so 加班…班费 apart is not 加班费.
    apart = make_case(org_a, mediator_a, facts="申请人加班时间长，值班费未支付。")
    together = make_case(org_a, mediator_a, facts="被申请人未支付加班费。")
    assert found(mediator_a, "加班费") == [together.pk]
    assert found(supervisor_county, "加班费") == [together.pk]
    assert apart.pk in found(mediator_a, "加班 班费")


@pytest.fixture
def narrowed(cases, org_a, mediator_a):
    """Organisation A's cases at three statuses, two channels and two days, all matching 申请人."""
    do_transition_case(case=cases["wages"], to=Status.ACCEPTED, actor=Actor(ActorKind.STAFF, mediator_a))
    with time_machine.travel(AT + dt.timedelta(days=3), tick=False):
        hotline = make_case(org_a, mediator_a, facts="申请人来电称被申请人拖欠工伤待遇。", channel=Channel.HOTLINE)
    return {**cases, "hotline": hotline}


NARROWINGS = [
    CaseFilters(status=Status.ACCEPTED),
    CaseFilters(status=Status.RECEIVED),
    CaseFilters(status=Status.CLOSED),  # none
    CaseFilters(channel=Channel.HOTLINE),
    CaseFilters(channel=Channel.WALK_IN, status=Status.RECEIVED),
    CaseFilters(received_from=AT.date() + dt.timedelta(days=1)),
    CaseFilters(received_to=AT.date()),
    CaseFilters(received_from=AT.date(), received_to=AT.date(), status=Status.ACCEPTED),
]


@pytest.mark.parametrize("text", ["申请人", "工伤"])  # a phrase; one term, which walks the list's own cases
@pytest.mark.parametrize("walk,broad", [(False, False), (False, True), (True, False)])
@pytest.mark.parametrize("filters", NARROWINGS, ids=repr)
def test_a_list_narrowed_by_the_documents_copies_ranks_the_same_cases_as_on_cases_case(
    narrowed, mediator_a, mediator_b, supervisor_county, monkeypatch, filters, walk, broad, text
):
    # A status, a channel or dates besides the search are tested on the documents' copies (`narrow`), through
    # the walk over the newest documents or the GIN index (forced here: a small database takes the index),
    # looked up in the index or (a broad status) tested on the rows it gives.
    from tiaojie.cases import search

    monkeypatch.setattr(search, "_walk_first", lambda cur, parts: walk)
    monkeypatch.setattr(search, "_broad", lambda cur, narrow: broad)
    narrow = document_filters(filters)
    assert narrow is not None
    for user in (mediator_a, mediator_b, supervisor_county):
        scope = filter_cases(cases_visible_to(user), filters)
        on_cases = [hit.case_id for hit in ranked_case_ids(scope, text, limit=50)]
        on_documents = ranked_case_ids(scope, text, limit=50, visible=visibility_q(user), narrow=narrow)
        assert [hit.case_id for hit in on_documents] == on_cases


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk is PostgreSQL's; SQLite ranks in FTS5")
@pytest.mark.parametrize("deep", [0, 10000])
def test_a_walk_that_found_too_few_walks_on_when_the_rest_are_near(narrowed, mediator_a, monkeypatch, deep):
    # Four cases of the mediator's organisation, three saying 申请人 and 已收到 or 已受理: with room for two
    # candidates and one row walked first, the walk finds one and walks on (step 1b) for the second, or with
    # no room to walk on leaves the search to the GIN index; the page is the same either way.
    from django.test.utils import CaptureQueriesContext

    from tiaojie.cases import search

    monkeypatch.setattr(search, "_walk_first", lambda cur, parts: True)
    monkeypatch.setattr(search, "WALK_ROWS", 1)
    monkeypatch.setattr(search, "RANK_CANDIDATES", 2)
    monkeypatch.setattr(search, "DEEP_WALK_ROWS", deep)
    scope = cases_visible_to(mediator_a)
    expected = [hit.case_id for hit in ranked_case_ids(scope, "申请人", limit=50)]
    with CaptureQueriesContext(connection) as queries:
        hits = ranked_case_ids(scope, "申请人", limit=50, visible=visibility_q(mediator_a))
    assert [hit.case_id for hit in hits] == expected and len(expected) == 2
    walks = [q["sql"] for q in queries if re.search(r"OFFSET 1\b", q["sql"])]
    index = [q["sql"] for q in queries if "MATERIALIZED" in q["sql"]]
    assert (len(walks), len(index)) == ((1, 0) if deep else (0, 1))


def test_the_narrowed_lists_find_what_their_filters_say(narrowed, mediator_a):
    def listed(**filters):
        f = CaseFilters(**filters)
        scope = filter_cases(cases_visible_to(mediator_a), f)
        hits = ranked_case_ids(scope, "申请人", limit=50, visible=visibility_q(mediator_a), narrow=document_filters(f))
        return sorted(hit.case_id for hit in hits)

    assert listed(status=Status.ACCEPTED) == [narrowed["wages"].pk]
    assert listed(status=Status.RECEIVED) == sorted([narrowed["injury"].pk, narrowed["hotline"].pk])
    assert listed(channel=Channel.HOTLINE) == [narrowed["hotline"].pk]
    assert listed(channel=Channel.HOTLINE, status=Status.ACCEPTED) == []
    assert listed(received_from=AT.date() + dt.timedelta(days=1)) == [narrowed["hotline"].pk]
    assert listed(status=Status.CLOSED) == []


def test_a_claim_type_or_overdue_filter_is_not_tested_on_the_documents():
    # Neither is copied onto the document: the list joins its filters to the candidates instead (`filtered`).
    assert document_filters(CaseFilters(claim_type="wages", status=Status.RECEIVED)) is None
    assert document_filters(CaseFilters(overdue=True)) is None
    assert document_filters(CaseFilters()) is not None and not document_filters(CaseFilters())


def test_a_document_whose_copied_status_is_stale_never_puts_a_case_in_the_wrong_list(narrowed, mediator_a):
    # A copy that lags (a bulk edit bypassing the actions) is checked against cases_case: the injury case is
    # still 已收到, so a list of accepted cases never shows it, whatever its document says.
    CaseSearchDocument.objects.filter(case=narrowed["injury"]).update(status=Status.ACCEPTED, channel=Channel.HOTLINE)
    for filters in (CaseFilters(status=Status.ACCEPTED), CaseFilters(channel=Channel.HOTLINE)):
        scope = filter_cases(cases_visible_to(mediator_a), filters)
        hits = ranked_case_ids(
            scope, "申请人", limit=50, visible=visibility_q(mediator_a), narrow=document_filters(filters)
        )
        assert narrowed["injury"].pk not in [hit.case_id for hit in hits]


def test_the_filter_fill_migration_copies_status_and_channel_onto_existing_documents(narrowed, mediator_a):
    import importlib

    migration = importlib.import_module("tiaojie.cases.migrations.0023_search_document_filters_fill_h31")
    CaseSearchDocument.objects.update(status="", channel="")
    migration.BATCH = 2  # several batches for four documents
    editor = type("Editor", (), {"connection": connection})()
    migration.fill(None, editor)
    test_a_document_carries_its_cases_scope_columns(narrowed)


def test_the_list_searches_within_a_status_a_channel_and_dates(client, narrowed, mediator_a, mediator_b):
    client.force_login(mediator_a)

    def numbers(**params):
        html = client.get(reverse("cases:list"), {"q": "申请人", **params}).content.decode()
        # By link: the two organisations number their cases alike.
        return {key for key, case in narrowed.items() if reverse("cases:detail", args=[case.pk]) + '"' in html}

    assert numbers(status=Status.ACCEPTED) == {"wages"}
    assert numbers(channel=Channel.HOTLINE) == {"hotline"}
    assert numbers(status=Status.RECEIVED, channel=Channel.WALK_IN) == {"injury"}
    day = (AT + dt.timedelta(days=3)).date().isoformat()
    assert numbers(received_from=day) == {"hotline"}
    assert numbers(claim_type="wages") == {"injury", "wages", "hotline"}  # joined to the candidates instead
    client.force_login(mediator_b)
    assert numbers(status=Status.RECEIVED) == {"theirs"}


@pytest.mark.parametrize("walk,broad", [(False, False), (False, True), (True, False)])
def test_the_narrowing_picks_the_lists_own_newest_candidates(narrowed, mediator_a, monkeypatch, walk, broad):
    # With room for one candidate, a walk or an index scan that ignored the status would take the newest match
    # of every status (the hotline case, 已收到) and the final check would leave the accepted list empty.
    from tiaojie.cases import search

    monkeypatch.setattr(search, "_walk_first", lambda cur, parts: walk)
    monkeypatch.setattr(search, "_broad", lambda cur, narrow: broad)
    monkeypatch.setattr(search, "RANK_CANDIDATES", 1)
    f = CaseFilters(status=Status.ACCEPTED)
    scope = filter_cases(cases_visible_to(mediator_a), f)
    hits = ranked_case_ids(scope, "申请人", limit=50, visible=visibility_q(mediator_a), narrow=document_filters(f))
    assert [hit.case_id for hit in hits] == [narrowed["wages"].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_stats is PostgreSQL's")
def test_a_status_most_documents_hold_is_tested_on_the_rows_not_in_the_index(narrowed, monkeypatch):
    # Four documents, three of them 已收到 (ANALYZE lists it among the common values): that status is broad, and
    # so is it with dates beside it; an absent status and dates alone are not.
    from django.db.models import Q

    from tiaojie.cases import search

    with connection.cursor() as cur:
        cur.execute("ANALYZE cases_casesearchdocument")
        assert CaseSearchDocument.objects.filter(status=Status.RECEIVED).count() == 3
        assert search._broad(cur, Q(status=Status.RECEIVED))
        assert search._broad(cur, Q(status=Status.RECEIVED) & Q(received_at__gte=AT))
        assert not search._broad(cur, Q(status=Status.CLOSED))
        assert not search._broad(cur, Q(received_at__gte=AT))
        monkeypatch.setattr(search, "BROAD_FILTER", 0.99)
        assert not search._broad(cur, Q(status=Status.RECEIVED))
