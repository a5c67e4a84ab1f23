"""A supervisor (a SupervisorScope, no membership of the case's organisation) sees ID and phone numbers masked on
every page and in the API, and sees a full one only after stating a purpose, which goes into the access log
(个人信息保护法 art 6; docs/security.md §5). The attacks: read the page and the API and look for the numbers;
post the reveal with no purpose, an empty one, one of blanks or of one character."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.cases.access import reads_as_supervisor
from tiaojie.cases.actions import CaseActionError, WorkerInput, do_reveal_worker_field
from tiaojie.cases.tests.factories import make_case, valid_id_number

pytestmark = pytest.mark.django_db

ID = valid_id_number()
PHONE = "13712345678"


@pytest.fixture
def case(org_a, mediator_a):
    return make_case(org_a, mediator_a, workers=[WorkerInput(name="赵六", id_number=ID, phone=PHONE)])


def reveal(client, case, field, **data):
    worker = case.workers.get()
    return client.post(reverse("cases:reveal", args=[case.pk, worker.pk, field]), data, HTTP_HX_REQUEST="true")


def test_who_reads_as_supervisor(case, mediator_a, intake_a, supervisor_county, supervisor_national):
    assert not reads_as_supervisor(mediator_a, case) and not reads_as_supervisor(intake_a, case)
    assert reads_as_supervisor(supervisor_county, case) and reads_as_supervisor(supervisor_national, case)


@pytest.mark.parametrize("persona", ["supervisor_county", "supervisor_national"])
def test_supervisor_pages_and_api_carry_no_full_number(client, request, case, persona):
    from tiaojie.accounts.actions import do_create_api_token

    user = request.getfixturevalue(persona)
    client.force_login(user)
    worker = case.workers.get()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert ID not in page and PHONE not in page
    assert worker.id_number_masked in page and worker.phone_masked in page
    assert page.count('name="purpose"') == 2 and "查看目的" in page  # one reveal form per number
    listed = client.get(reverse("cases:list")).content.decode()
    assert f'href="/cases/{case.pk}/"' in listed and ID not in listed and PHONE not in listed

    headers = {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=user)}"}
    one = client.get(f"/api/v1/cases/{case.pk}", **headers)
    many = client.get("/api/v1/cases", **headers)
    assert one.status_code == 200 and many.status_code == 200
    for body in (one.content.decode(), many.content.decode()):
        assert ID not in body and PHONE not in body
    assert json.loads(one.content)["workers"][0]["id_number_masked"] == worker.id_number_masked
    assert not PiiAccessLog.objects.exists()


@pytest.mark.parametrize("purpose", [None, "", "   ", "查", " \n\t "])
def test_supervisor_reveal_without_a_purpose_is_refused(client, case, supervisor_county, purpose):
    client.force_login(supervisor_county)
    data = {} if purpose is None else {"purpose": purpose}
    for field in ("id_number", "phone"):
        response = reveal(client, case, field, **data)
        body = response.content.decode()
        assert response.status_code == 400
        assert "请说明查看完整号码的目的" in body  # the reason, in Chinese, where the number would have been
        assert ID not in body and PHONE not in body
        assert 'name="purpose"' in body  # the form again, to try with a purpose
    assert not PiiAccessLog.objects.exists()


def test_supervisor_reveal_with_a_purpose_shows_it_and_logs_the_purpose(client, case, supervisor_county):
    client.force_login(supervisor_county)
    response = reveal(client, case, "id_number", purpose="  核查群众投诉\n（编号 12）  ")
    assert response.status_code == 200 and ID in response.content.decode()
    log = PiiAccessLog.objects.get()
    worker = case.workers.get()
    assert (log.user, log.record_id, log.field) == (supervisor_county, str(worker.pk), "id_number")
    assert log.purpose == f"case {case.pk}: 核查群众投诉 （编号 12）"
    # A purpose longer than the form allows is cut, never a 500 (the log column holds 100 characters).
    response = reveal(client, case, "phone", purpose="复核" * 300)
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert len(PiiAccessLog.objects.latest("pk").purpose) <= 100


def test_staff_of_the_organisation_reveal_as_before_without_a_purpose(client, case, mediator_a):
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'name="purpose"' not in page and ID not in page
    response = reveal(client, case, "id_number")
    assert response.status_code == 200 and ID in response.content.decode()
    assert PiiAccessLog.objects.get().purpose == f"case {case.pk}"


def test_the_action_refuses_a_supervisor_without_purpose_whatever_the_door(case, supervisor_county, mediator_a):
    worker = case.workers.get()
    with pytest.raises(CaseActionError, match="目的"):
        do_reveal_worker_field(user=supervisor_county, case=case, worker=worker, field="phone", request=None)
    assert not PiiAccessLog.objects.exists()
    assert do_reveal_worker_field(user=mediator_a, case=case, worker=worker, field="phone", request=None) == PHONE


def test_other_county_supervisor_still_gets_404(client, case, supervisor_other_county):
    client.force_login(supervisor_other_county)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert reveal(client, case, "id_number", purpose="核查投诉").status_code == 404
    assert not PiiAccessLog.objects.exists()
