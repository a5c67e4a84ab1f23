import json

import pytest

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.cases.models import Case
from tiaojie.cases.tests.factories import valid_id_number
from tiaojie.intake.models import Referral
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def court_system(db):
    """A court's system account: an intake operator of the county arbitration centre."""
    centre = OrganisationFactory(name="余杭区仲裁院调解中心", type_id="arbitration_centre", division_id="330110")
    user = MembershipFactory(user=UserFactory(username="court_api"), organisation=centre, role="intake_operator").user
    return {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=user)}"}


def referral(**overrides):
    body = {
        "sender_type": "court",
        "sender_name": "杭州市余杭区人民法院",
        "reference_number": "（2026）浙0110民诉前调1234号",
        "employer": {"name": "杭州委派测试有限公司"},
        "employer_division_code": "330110012",
        "workers": [{"name": "钱八", "id_number": valid_id_number(), "phone": "13500001111"}],
        "claims": [{"type": "wages", "amount": "20000"}],
        "facts": "诉前委派调解。",
    }
    body.update(overrides)
    return body


def post(client, body, headers):
    return client.post("/api/v1/referrals", json.dumps(body), content_type="application/json", **headers)


def test_referral_is_routed_and_idempotent(client, org_a, mediator_a, court_system):
    body = referral()
    first = post(client, body, court_system)
    assert first.status_code == 201, first.content
    receipt = first.json()
    assert receipt["created"] and receipt["organisation_id"] == org_a.pk and receipt["status"] == "received"
    again = post(client, body, court_system)
    assert again.status_code == 200 and again.json()["case_id"] == receipt["case_id"] and not again.json()["created"]
    assert Case.objects.count() == 1 and Referral.objects.count() == 1
    case = Case.objects.get()
    assert case.channel == "referral"
    # The routed organisation sees it in its own list.
    mediator_headers = {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=mediator_a)}"}
    assert [c["id"] for c in client.get("/api/v1/cases", **mediator_headers).json()["items"]] == [case.pk]
    assert "钱八" not in again.content.decode()  # the receipt carries no personal data


def test_other_reference_number_is_a_new_case(client, org_a, court_system):
    post(client, referral(), court_system)
    other = post(client, referral(reference_number="（2026）浙0110民诉前调9999号"), court_system)
    assert other.status_code == 201 and Case.objects.count() == 2


def test_bad_referral_is_422_and_writes_nothing(client, org_a, court_system):
    assert post(client, referral(employer_division_code="999999"), court_system).status_code == 422
    assert post(client, referral(sender_type="police"), court_system).status_code == 422
    bad_id = referral(workers=[{"name": "钱八", "id_number": "110101199001011230"}])
    response = post(client, bad_id, court_system)
    assert response.status_code == 422 and "校验位" in response.json()["errors"]["workers.0.id_number"]
    assert not Referral.objects.exists() and not Case.objects.exists()


def test_referral_needs_a_token_and_an_intake_membership(client, org_a, org_b, no_role_user, court_system):
    assert post(client, referral(), {}).status_code == 401
    nobody = {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=no_role_user)}"}
    assert post(client, referral(), nobody).status_code == 422
    # Naming an organisation the sender does not belong to is a 404, as everywhere.
    assert post(client, referral(organisation_id=org_b.pk), court_system).status_code == 404
