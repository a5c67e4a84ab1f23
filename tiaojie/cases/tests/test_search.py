"""The case list's one search box (cases.queries.search_cases): every kind of term finds its case, within the
user's scope only; the other organisation's case with the same worker, employer and even the same number text
is never found. The page (search_page: the identifier arms, then the full-text ranking, which finds the names)
and the API's list filter (every arm of search_cases) find the same case for each kind of term."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from tiaojie.cases.actions import EmployerInput, WorkerInput
from tiaojie.cases.models import CaseSearchDocument
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.lib.idnumbers import id_check_char
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.tests.factories import valid_credit_code

WORKER_ID = "33011019850307" + "123"
WORKER_ID += id_check_char(WORKER_ID)
ROWS = re.compile(r'class="case-number">([^<]+)</a>')


@pytest.fixture
def world(org_a, mediator_a, org_b, mediator_b):
    code = valid_credit_code()
    hua_xing = EmployerInput(name="杭州华兴电子有限公司", credit_code=code)
    li_si = WorkerInput(name="李四", id_number=WORKER_ID, phone="13900001111")
    when = dt.datetime(2025, 3, 1, 10, tzinfo=LEGAL_TZ)
    a1 = make_case(org_a, mediator_a, received_at=when, employer=hua_xing, workers=[li_si])
    a2 = make_case(
        org_a,
        mediator_a,
        received_at=when + dt.timedelta(days=1),
        employer=EmployerInput(name="宁波远达物流有限公司"),
        workers=[WorkerInput(name="王五", id_number=valid_id_number(), phone="13700002222")],
    )
    # The same worker against the same employer at organisation B: same Worker and Employer rows, and as both
    # organisations' names start with 组, the same number text 组调〔2025〕1号.
    b1 = make_case(
        org_b,
        mediator_b,
        received_at=when,
        employer=EmployerInput(name="杭州华兴电子有限公司", credit_code=code),
        workers=[WorkerInput(name="李四", id_number=WORKER_ID, phone="13900001111")],
    )
    assert a1.number == b1.number and a1.employer_id == b1.employer_id
    return {"a1": a1, "a2": a2, "b1": b1, "code": code}


def found(client, user, q: str, **params: str) -> list[str]:
    """The case numbers the case list page shows."""
    client.force_login(user)
    response = client.get("/cases/", {"q": q, **params})
    assert response.status_code == 200
    return ROWS.findall(response.content.decode())


def listed(client, user, q: str) -> list[str]:
    """The case numbers the API's list gives for `q`: search_cases's exact arms alone, no full-text ranking."""
    from tiaojie.cases.tests.test_api import auth

    response = client.get("/api/v1/cases", {"q": q}, **auth(user))
    assert response.status_code == 200
    return [c["number"] for c in response.json()["items"]]


@pytest.mark.parametrize(
    "term",
    [
        "number",
        "组调[2025]1",
        "〔2025〕1号",
        "2025年第1号",
        "2025-1",
        "李四",
        "id",
        "id_lower",
        "139 0000 1111",
        "+8613900001111",
        "华兴",
        "华兴电子有限",
        "code",
    ],
)
def test_each_kind_of_term_finds_the_case_in_the_users_organisation_only(client, world, mediator_a, mediator_b, term):
    text = {
        "number": world["a1"].number,
        "id": WORKER_ID,
        "id_lower": WORKER_ID.lower(),
        "code": world["code"],
    }.get(term, term)
    assert found(client, mediator_a, text) == listed(client, mediator_a, text) == [world["a1"].number]
    # B's own case, never A's.
    assert found(client, mediator_b, text) == listed(client, mediator_b, text) == [world["b1"].number]


def test_terms_of_another_kind_match_nothing(client, world, mediator_a):
    assert listed(client, mediator_a, "李") == []  # a name is matched whole by the exact arm
    assert found(client, mediator_a, "李") == [world["a1"].number]  # the full text finds 李 in 李四 (a prefix)
    for text in [
        "13900001112",  # a phone is matched whole
        WORKER_ID[:-1] + ("0" if WORKER_ID[-1] != "0" else "1"),  # a bad check digit
        "2025-3",
        "仓调〔2025〕1号",  # another prefix: another organisation's number
    ]:
        assert found(client, mediator_a, text) == listed(client, mediator_a, text) == [], text
    assert found(client, mediator_a, "远达") == listed(client, mediator_a, "远达") == [world["a2"].number]


def test_the_page_finds_names_by_the_full_text_without_scanning_the_employers(client, world, mediator_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(mediator_a)
    with CaptureQueriesContext(connection) as queries:
        assert found(client, mediator_a, "华兴") == [world["a1"].number]
    # The employer arm's `icontains` read every employer for a two-character text (no trigram to look up).
    scans = [q["sql"] for q in queries.captured_queries if "organisations_employer" in q["sql"] and "LIKE" in q["sql"]]
    assert scans == []
    # Without its search document (not yet rebuilt after a bulk import) a case is found by the identifiers only.
    CaseSearchDocument.objects.all().delete()
    assert found(client, mediator_a, "华兴") == []
    assert found(client, mediator_a, WORKER_ID) == [world["a1"].number]


def test_a_bare_number_is_this_years_case_number(client, world, org_a, mediator_a):
    with time_machine.travel(dt.datetime(2025, 6, 1, 12, tzinfo=LEGAL_TZ), tick=False):
        assert listed(client, mediator_a, "2") == listed(client, mediator_a, "2号") == [world["a2"].number]
        # The page shows it first, then what the full text finds of a 2 (in the other case's number, 〔2025〕).
        assert found(client, mediator_a, "2")[0] == found(client, mediator_a, "2号")[0] == world["a2"].number
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=LEGAL_TZ), tick=False):
        assert listed(client, mediator_a, "2") == []  # 2026's second case does not exist


def test_a_supervisor_finds_only_within_the_county(client, world, supervisor_county):
    # org_a is in 余杭区 (330110), the county's scope; org_b is in 西湖区.
    assert found(client, supervisor_county, WORKER_ID) == [world["a1"].number]
    assert found(client, supervisor_county, "华兴") == [world["a1"].number]


def test_the_search_combines_with_the_filters(client, world, mediator_a):
    assert found(client, mediator_a, "有限公司") == [world["a2"].number, world["a1"].number]
    assert found(client, mediator_a, "有限公司", status="accepted") == []
    assert found(client, mediator_a, "有限公司", channel="walk_in") == [world["a2"].number, world["a1"].number]


def test_a_too_long_term_is_refused_with_a_message_and_the_other_filters_stay(client, world, mediator_a):
    client.force_login(mediator_a)
    response = client.get("/cases/", {"q": "长" * 61, "status": "received"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "查找内容不超过60个字" in page
    assert 'value="received" selected' in page  # the status filter the user chose is kept and applied
    assert ROWS.findall(page) == [world["a2"].number, world["a1"].number]


def test_no_match_says_what_to_type(client, world, mediator_a):
    client.force_login(mediator_a)
    page = client.get("/cases/", {"q": "张三丰"}).content.decode()
    assert ROWS.findall(page) == []
    assert "没有找到与“张三丰”相符的案件" in page


def test_searching_costs_a_fixed_number_of_queries(client, world, org_a, mediator_a, django_assert_max_num_queries):
    client.force_login(mediator_a)
    for i in range(5):
        make_case(org_a, mediator_a, employer=EmployerInput(name=f"华兴第{i}分公司"))
    # On PostgreSQL the full-text arm reads the term statistics, the scoped candidates, their check against
    # cases_visible_to and their ranks: four queries whatever the matches (cases.search.ranked_case_ids).
    with django_assert_max_num_queries(15):
        response = client.get("/cases/", {"q": "华兴"})
    assert len(ROWS.findall(response.content.decode())) == 6


def test_the_api_searches_the_same_way_within_the_tokens_scope(client, world, mediator_a, mediator_b):
    from tiaojie.cases.tests.test_api import auth

    listed = client.get("/api/v1/cases", {"q": WORKER_ID}, **auth(mediator_a)).json()
    assert [c["number"] for c in listed["items"]] == [world["a1"].number]
    assert [c["id"] for c in listed["items"]] == [world["a1"].pk]
    other = client.get("/api/v1/cases", {"q": WORKER_ID}, **auth(mediator_b)).json()
    assert [c["id"] for c in other["items"]] == [world["b1"].pk]
    # Another organisation's case stays a 404 when fetched by id, whatever its number.
    assert client.get(f"/api/v1/cases/{world['a1'].pk}", **auth(mediator_b)).status_code == 404
    too_long = client.get("/api/v1/cases", {"q": "长" * 61}, **auth(mediator_a))
    assert too_long.status_code == 422
