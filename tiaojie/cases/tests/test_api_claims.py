"""Claim items through the API (issue 13 item 2): add, edit, remove until the case's claims are locked, each
with its event, the same actions and refusals as the case page; another organisation gets 404."""

import json

import pytest

from tiaojie.cases.actions import do_transition_case
from tiaojie.cases.models import CaseEvent
from tiaojie.cases.tests.factories import make_case

from .test_api import auth, post
from .test_claims import staff

pytestmark = pytest.mark.django_db


def patch(client, url, payload, headers):
    return client.patch(url, json.dumps(payload, ensure_ascii=False), content_type="application/json", **headers)


def test_add_edit_remove_with_events(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    headers = auth(mediator_a)
    claim = case.claims.get()
    added = post(client, f"/api/v1/cases/{case.pk}/claims", {"type": "overtime", "amount": "3000.00"}, headers)
    assert added.status_code == 201, added.content
    assert [(c["type"], c["amount"]) for c in added.json()["claims"]] == [
        ("wages", "12500.00"),
        ("overtime", "3000.00"),
    ]
    new_id = added.json()["claims"][1]["id"]

    described = patch(client, f"/api/v1/cases/{case.pk}/claims/{claim.pk}", {"description": "按工资条核对"}, headers)
    assert described.status_code == 200 and described.json()["claims"][0]["amount"] == "12500.00"  # amount kept
    edited = patch(client, f"/api/v1/cases/{case.pk}/claims/{claim.pk}", {"amount": "9000.50"}, headers)
    assert edited.status_code == 200, edited.content
    assert edited.json()["claims"][0]["amount"] == "9000.50"
    claim.refresh_from_db()
    assert claim.description == "按工资条核对"  # a field not sent is left as it was
    stale = patch(
        client,
        f"/api/v1/cases/{case.pk}/claims/{claim.pk}",
        {"amount": "1.00", "expected_amount": "12500.00"},  # what the client saw before its own edit
        headers,
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    bad = patch(client, f"/api/v1/cases/{case.pk}/claims/{claim.pk}", {"amount": "1.001"}, headers)
    assert bad.status_code == 422

    removed = client.delete(f"/api/v1/cases/{case.pk}/claims/{new_id}", **headers)
    assert removed.status_code == 200 and len(removed.json()["claims"]) == 1
    last = client.delete(f"/api/v1/cases/{case.pk}/claims/{claim.pk}", **headers)
    assert last.status_code == 409 and "至少保留一项" in last.json()["detail"]
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count(CaseEvent.Kind.CLAIM_ADDED) == 1
    assert kinds.count(CaseEvent.Kind.CLAIM_EDITED) == 2 and kinds.count(CaseEvent.Kind.CLAIM_REMOVED) == 1


def test_a_closed_case_refuses_with_409_and_nothing_changes(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    claim = case.claims.get()
    do_transition_case(case=case, to="declined", reason="不属于调解范围", actor=staff(mediator_a))
    headers = auth(mediator_a)
    refused = patch(client, f"/api/v1/cases/{case.pk}/claims/{claim.pk}", {"amount": "1.00"}, headers)
    assert refused.status_code == 409 and "案件已结束" in refused.json()["detail"]
    claim.refresh_from_db()
    assert str(claim.amount_claimed) == "12500.00"


def test_another_organisation_and_a_foreign_claim_get_404(client, org_a, mediator_a, org_b, mediator_b):
    case = make_case(org_a, mediator_a)
    other = make_case(org_b, mediator_b)
    claim = case.claims.get()
    headers_b = auth(mediator_b)
    assert post(client, f"/api/v1/cases/{case.pk}/claims", {"type": "overtime"}, headers_b).status_code == 404
    assert patch(client, f"/api/v1/cases/{case.pk}/claims/{claim.pk}", {"amount": "1"}, headers_b).status_code == 404
    assert client.delete(f"/api/v1/cases/{case.pk}/claims/{claim.pk}", **headers_b).status_code == 404
    # A claim of another case through a case the user may act on: 404, never edited.
    headers_a = auth(mediator_a)
    foreign = other.claims.get()
    assert patch(client, f"/api/v1/cases/{case.pk}/claims/{foreign.pk}", {"amount": "1"}, headers_a).status_code == 404
    foreign.refresh_from_db()
    assert str(foreign.amount_claimed) == "12500.00"
