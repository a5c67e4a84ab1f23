import json

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
    assert refused.status_code == 422 and "不能变更为" in refused.json()["detail"]
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
    assert client.post("/api/v1/cases", "not json", content_type="application/json", **headers).status_code in (
        400,
        422,
    )
    assert Case.objects.count() == 0


def test_list_filters_and_cursor(client, org_a, mediator_a):
    headers = auth(mediator_a)
    cases = [make_case(org_a, mediator_a) for _ in range(3)]
    page = client.get("/api/v1/cases", {"limit": 2}, **headers).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = client.get("/api/v1/cases", {"limit": 2, "cursor": page["next_cursor"]}, **headers).json()
    assert [i["id"] for i in page["items"] + rest["items"]] == [c.pk for c in reversed(cases)]
    assert rest["next_cursor"] is None
    assert client.get("/api/v1/cases", {"cursor": "garbage"}, **headers).status_code == 422
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


def test_api_docs_fetch_nothing_from_outside(client):
    # Deployments sit on closed government networks: no CDN.
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in page and "https://" not in page
