import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.accounts.models import ApiToken
from tiaojie.cases.models import Case
from tiaojie.cases.tests.factories import make_case, valid_id_number

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=user)}"}


def post(client, url, payload, headers):
    return client.post(url, json.dumps(payload, ensure_ascii=False), content_type="application/json", **headers)


def payload(org, **overrides):
    data = {
        "organisation_id": org.pk,
        "channel": "referral",
        "employer": {"name": "杭州接口测试有限公司"},
        "workers": [{"name": "孙七", "id_number": valid_id_number(), "phone": "13600001111"}],
        "claims": [{"type": "wages", "amount": "8000.00"}, {"type": "labour_relationship"}],
        "facts": "仲裁院委派调解。",
    }
    data.update(overrides)
    return data


def test_create_read_list_transition(client, org_a, mediator_a):
    headers = auth(mediator_a)
    created = post(client, "/api/v1/cases", payload(org_a), headers)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "received" and body["status_label"] == "已收到申请"
    assert body["workers"][0]["id_number_masked"].count("*") == 8
    assert body["clock_a_deadline"]["last_day"] and body["clock_b_deadline"] is None
    assert "孙七" in created.content.decode()  # ensure_ascii=False: readable Chinese
    case_id = body["id"]
    assert client.get(f"/api/v1/cases/{case_id}", **headers).json()["id"] == case_id
    listed = client.get("/api/v1/cases", **headers).json()
    assert [item["id"] for item in listed["items"]] == [case_id]
    moved = post(client, f"/api/v1/cases/{case_id}/transitions", {"to": "accepted"}, headers)
    assert moved.status_code == 200 and moved.json()["clock_b_deadline"]["last_day"]
    refused = post(client, f"/api/v1/cases/{case_id}/transitions", {"to": "closed"}, headers)
    assert refused.status_code == 409 and "不能变更为" in refused.json()["detail"]  # not from 已受理
    stale = post(
        client,
        f"/api/v1/cases/{case_id}/transitions",
        {"to": "declined", "reason": "x", "expected_status": "received"},
        headers,
    )
    assert stale.status_code == 409


def test_bad_input_is_422_with_chinese_field_messages(client, org_a, mediator_a):
    headers = auth(mediator_a)
    bad_id = payload(org_a, workers=[{"name": "孙七", "id_number": "110101199001011230"}])
    response = post(client, "/api/v1/cases", bad_id, headers)
    assert response.status_code == 422
    assert "校验位" in response.json()["errors"]["workers.0.id_number"]
    for broken in (
        payload(org_a, claims=[]),
        payload(org_a, channel="fax"),
        payload(org_a, claims=[{"type": "wages", "amount": "-5"}]),
        payload(org_a, received_at="2026-03-01T10:00:00"),
        {"nonsense": True},
    ):
        assert post(client, "/api/v1/cases", broken, headers).status_code == 422, broken
    not_json = client.post("/api/v1/cases", "not json", content_type="application/json", **headers)
    assert not_json.status_code == 400 and not_json.json() == {"detail": "请求体不是有效的 JSON", "errors": {}}
    assert Case.objects.count() == 0


def test_list_filters_and_cursor(client, org_a, mediator_a):
    headers = auth(mediator_a)
    cases = [make_case(org_a, mediator_a) for _ in range(3)]
    page = client.get("/api/v1/cases", {"limit": 2}, **headers).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = client.get("/api/v1/cases", {"limit": 2, "cursor": page["next_cursor"]}, **headers).json()
    assert [i["id"] for i in page["items"] + rest["items"]] == [c.pk for c in reversed(cases)]
    assert rest["next_cursor"] is None
    assert client.get("/api/v1/cases", {"cursor": "garbage"}, **headers).status_code == 400
    assert client.get("/api/v1/cases", {"status": "nope"}, **headers).status_code == 422
    assert client.get("/api/v1/cases", {"claim_type": "work_injury"}, **headers).json()["items"] == []


def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/cases" in paths and "/api/v1/cases/{case_id}/transitions" in paths
    assert client.get("/api/v1/docs").status_code == 200


def test_create_api_token_command_prints_a_working_token(client, mediator_a, capsys):
    call_command("create-api-token", "mediator_a")
    token = capsys.readouterr().out.strip()
    assert token.startswith("tj_")
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert ApiToken.objects.get().key_hash != token  # only the hash is stored


def test_revoked_token_is_refused(client, mediator_a):
    headers = auth(mediator_a)
    from django.utils import timezone

    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/cases", **headers).status_code == 401


def test_a_token_revoked_or_its_user_deactivated_is_refused_on_the_very_next_request(client, org_a, mediator_a):
    """Nothing about a token is remembered between requests: each is looked up again, so a revocation (or a
    user switched off) in any process stops it at once, also where the previous request just used it."""
    from django.utils import timezone

    from tiaojie.accounts.models import User

    case = make_case(org_a, mediator_a)
    headers = auth(mediator_a)
    assert client.get(f"/api/v1/cases/{case.pk}", **headers).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    refused = client.get(f"/api/v1/cases/{case.pk}", **headers)
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Bearer"
    other = auth(mediator_a)
    assert client.get(f"/api/v1/cases/{case.pk}", **other).status_code == 200
    User.objects.filter(pk=mediator_a.pk).update(is_active=False)
    assert client.get(f"/api/v1/cases/{case.pk}", **other).status_code == 401
    assert post(client, "/api/v1/cases", payload(org_a), other).status_code == 401


def test_api_docs_fetch_nothing_from_outside(client):
    # Deployments sit on closed government networks: no CDN.
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in page and "https://" not in page


# --- the contract (docs/api.md): one error body, the declared codes, the schema's limits ------------------------


def test_every_refusal_has_the_one_error_body(client, org_a, mediator_a):
    headers = auth(mediator_a)
    missing = post(client, "/api/v1/cases", {"channel": "fax"}, headers)
    assert missing.status_code == 422
    body = missing.json()
    assert set(body) == {"detail", "errors"} and body["errors"]["facts"] == "必填"
    assert body["errors"]["channel"].startswith("须为以下之一")
    assert post(client, "/api/v1/cases", [], headers).json()["errors"]["facts"] == "必填"  # not an object: nothing
    assert client.get("/api/v1/cases", {"status": "nope"}, **headers).json()["errors"]["status"].startswith("须为")
    unknown = client.get("/api/v1/cases/999999", **headers)
    assert unknown.status_code == 404 and unknown.json() == {"detail": "未找到，或您无权查看", "errors": {}}
    anonymous = client.get("/api/v1/cases")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Bearer"
    assert set(anonymous.json()) == {"detail", "errors"}


def test_the_schema_declares_every_code_with_the_error_body(client):
    schema = client.get("/api/v1/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorOut"}
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["detail", "errors"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = operation["responses"]
            assert "401" in codes, (method, path)
            for code, response in codes.items():
                if code.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == error, (method, path, code)


def test_a_moment_or_an_id_the_database_cannot_hold_is_a_422_not_a_500(client, org_a, mediator_a):
    headers = auth(mediator_a)
    for moment in (
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+14:00",
        "2021-10-04T22:35:40-18:20",  # PostgreSQL: "time zone displacement out of range"
        "2026-03-01 10:00:00+08:00",
        0,
    ):
        response = post(client, "/api/v1/cases", payload(org_a, received_at=moment), headers)
        assert response.status_code == 422 and "received_at" in response.json()["errors"], moment
    assert post(client, "/api/v1/cases", payload(org_a, organisation_id=2**63), headers).status_code == 422
    assert client.get(f"/api/v1/cases/{2**63}", **headers).status_code == 422
    assert client.get("/api/v1/cases", {"received_to": "9999-12-31"}, **headers).status_code == 422
    assert client.get("/api/v1/cases", {"received_to": "0"}, **headers).status_code == 422  # not 1970-01-01
    assert client.get("/api/v1/cases", {"received_to": "2026-03-01"}, **headers).status_code == 200
    assert Case.objects.count() == 0


def test_what_the_action_requires_the_schema_requires(client, org_a, mediator_a):
    headers = auth(mediator_a)
    for broken, field in (
        (payload(org_a, employer={}), "employer.name"),
        (payload(org_a, employer={"name": "   "}), "employer.name"),
        (payload(org_a, workers=[{"name": ""}]), "workers.0.name"),
        (payload(org_a, facts=" "), "facts"),
        (payload(org_a, workers=[{"name": "孙七", "id_number": "123"}]), "workers.0.id_number"),
        (payload(org_a, workers=[{"name": "孙七", "phone": "12345"}]), "workers.0.phone"),
        # PostgreSQL cannot store NUL in a text column: a 500 there before, found by the schemathesis test
        (payload(org_a, workers=[{"name": "孙七", "address": "杭州\x00"}]), "workers.0.address"),
        (payload(org_a, employer={"name": "公司\x00"}), "employer.name"),
        (payload(org_a, claims=[{"type": "wages", "amount": "1e3"}]), "claims.0.amount"),
        (payload(org_a, claims=[{"type": "wages", "amount": 0.005}]), "claims.0.amount"),
        (payload(org_a, claims=[{"type": "wages", "amount": "1000000000000"}]), "claims.0.amount"),
    ):
        response = post(client, "/api/v1/cases", broken, headers)
        assert response.status_code == 422 and field in response.json()["errors"], (broken, response.content)
    number = post(client, "/api/v1/cases", payload(org_a, claims=[{"type": "wages", "amount": 8000.5}]), headers)
    assert number.status_code == 201 and number.json()["claims"][0]["amount"] == "8000.50"


def test_a_move_the_state_machine_refuses_is_409_and_a_missing_reason_422(client, org_a, mediator_a):
    headers = auth(mediator_a)
    case_id = post(client, "/api/v1/cases", payload(org_a), headers).json()["id"]
    url = f"/api/v1/cases/{case_id}/transitions"
    no_reason = post(client, url, {"to": "declined"}, headers)
    assert no_reason.status_code == 422 and no_reason.json()["errors"]["reason"] == "此操作需要填写原因"
    assert post(client, url, {"to": "agreed"}, headers).status_code == 422  # only the agreement's signatures
    assert post(client, url, {"to": "settled"}, headers).status_code == 409
    assert post(client, url, {"to": "declined", "reason": "不属于受理范围"}, headers).status_code == 200
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["TransitionIn"]
    assert "declined" in schema["if"]["properties"]["to"]["enum"] and "agreed" not in schema["properties"]["to"]["enum"]


def _read_queries(client, url, headers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_a_read_records_token_use_at_most_once_a_minute_and_loads_the_case_once(client, org_a, mediator_a):
    import datetime as dt

    import time_machine

    from tiaojie.cases.actions import ClaimInput, WorkerInput

    small = make_case(org_a, mediator_a)
    big = make_case(
        org_a,
        mediator_a,
        workers=[WorkerInput(name=f"工人{i}", id_number=valid_id_number(), phone="13800138000") for i in range(4)],
        claims=[ClaimInput(type="wages", amount=Decimal("100.00") * i) for i in range(1, 6)],
    )
    headers = auth(mediator_a)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        assert client.get(f"/api/v1/cases/{small.pk}", **headers).status_code == 200  # first use: recorded
        first = ApiToken.objects.get(user=mediator_a).last_used_at
        assert first is not None
        reads = [_read_queries(client, f"/api/v1/cases/{case.pk}", headers) for case in (small, big)]
        assert len(reads[1]) == len(reads[0])  # more claims and workers, no more queries (no N+1)
        sql = reads[0]
        # A read within the minute writes nothing: no token update, no session, no audit or history row.
        verbs = {q.lstrip().split()[0].upper() for q in sql}
        assert verbs == {"SELECT"}, sql
        assert len([q for q in sql if 'FROM "cases_case"' in q]) == 1  # one load of the case, the access check too
        # The token (with its user), the case with organisation and employer (the memberships and supervisor
        # scopes of the access check are subqueries of it: cases_visible_to_in_one_query), its claims, its
        # workers. It was 6 with the memberships and scopes read first.
        assert len(sql) == 4, sql
        assert not any("organisations_membership" in q and 'FROM "cases_case"' not in q for q in sql)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 1, 30, tzinfo=dt.UTC), tick=False):
        sql = _read_queries(client, f"/api/v1/cases/{small.pk}", headers)
    assert ApiToken.objects.get(user=mediator_a).last_used_at > first
    assert [q for q in sql if q.lstrip().upper().startswith("UPDATE")] == [
        q for q in sql if "accounts_apitoken" in q and q.lstrip().upper().startswith("UPDATE")
    ] and len([q for q in sql if q.lstrip().upper().startswith("UPDATE")]) == 1  # past the minute: that one write


def test_the_case_list_reads_a_fixed_number_of_queries_whatever_the_page_holds(client, org_a, mediator_a):
    from tiaojie.cases.actions import ClaimInput

    headers = auth(mediator_a)
    make_case(org_a, mediator_a)
    _read_queries(client, "/api/v1/cases", headers)  # the token's first use is recorded here
    one = _read_queries(client, "/api/v1/cases", headers)
    for _ in range(4):
        make_case(org_a, mediator_a, claims=[ClaimInput(type="wages", amount=Decimal("100.00"))] * 3)
    many = _read_queries(client, "/api/v1/cases", headers)
    assert client.get("/api/v1/cases", **headers).json()["items"].__len__() == 5
    assert len(many) == len(one), many


SAME_WORKER = {"name": "孙七", "id_number": valid_id_number(), "phone": "13600001111"}


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        # Amounts without their cents, a number, none; a moment in Beijing time; two workers, one known already.
        {
            "claims": [
                {"type": "wages", "amount": "8000", "known_on": "2026-01-05"},
                {"type": "overtime", "amount": 1234.5, "description": "周末加班"},
                {"type": "labour_relationship", "amount": None},
            ],
            "received_at": "2026-03-02T09:30:00+08:00",
            "workers": [
                SAME_WORKER,
                {"name": "周八", "phone": "13600002222"},
            ],
        },
    ],
)
def test_the_answer_to_an_intake_is_what_a_read_of_the_case_answers(client, org_a, mediator_a, overrides):
    """The intake answers with the case as written, without reading it back: it must be exactly what a GET of
    the case answers afterwards (amounts as stored, the moment in UTC, the workers in order)."""
    headers = auth(mediator_a)
    if overrides:  # 孙七 applied before: the intake finds the worker's row instead of writing one
        assert post(client, "/api/v1/cases", payload(org_a, workers=[SAME_WORKER]), headers).status_code == 201
    created = post(client, "/api/v1/cases", payload(org_a, **overrides), headers)
    assert created.status_code == 201, created.content
    read = client.get(f"/api/v1/cases/{created.json()['id']}", **headers)
    assert created.json() == read.json()
    if overrides:
        assert [c["amount"] for c in read.json()["claims"]] == ["8000.00", "1234.50", None]
        assert [w["name"] for w in read.json()["workers"]] == ["孙七", "周八"]
