"""Issued documents and the case file print full ID and phone numbers and cannot be masked: a supervisor states
a purpose before downloading one, and it is logged with each number (docs/security.md §5). The attack: download
with no purpose, an empty one or one of blanks; each is refused with the form and nothing is sent or logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.documents.actions import do_request_case_file
from tiaojie.documents.casefile import run_case_file_job
from tiaojie.documents.models import Kind
from tiaojie.documents.tests.factories import accepted_case, issue

pytestmark = pytest.mark.django_db

REFUSED = ({}, {"purpose": ""}, {"purpose": "   "}, {"purpose": "查"})


@pytest.fixture
def application(org_a, mediator_a):
    document = issue(accepted_case(org_a, mediator_a), mediator_a, kind=Kind.APPLICATION)
    assert {tuple(x)[2] for x in document.versions.get().pii_fields} == {"id_number", "phone"}
    return document


def test_supervisor_document_download_needs_a_stated_purpose(client, application, supervisor_county):
    client.force_login(supervisor_county)
    url = reverse("documents:download", args=[application.pk, 1, "pdf"])
    issued = PiiAccessLog.objects.count()  # issuing logged the numbers for the mediator
    for data in REFUSED:
        response = client.get(url, data)
        assert response.status_code == 403, data
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert 'id="purpose-form"' in html and "个人信息保护法" in html
        assert ("请说明查看完整号码的目的" in html) == ("purpose" in data)
    assert PiiAccessLog.objects.count() == issued

    response = client.get(url, {"purpose": "核查群众投诉"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    rows = list(PiiAccessLog.objects.filter(user=supervisor_county))
    assert len(rows) == 2 and {r.field for r in rows} == {"id_number", "phone"}
    assert all(r.user == supervisor_county and r.purpose.endswith(": 核查群众投诉") for r in rows)
    assert all(application.number in r.purpose for r in rows)


def test_staff_download_without_a_purpose_as_before(client, application, mediator_a):
    client.force_login(mediator_a)
    issued = PiiAccessLog.objects.count()
    response = client.get(reverse("documents:download", args=[application.pk, 1, "docx"]))
    assert response.status_code == 200 and response.getvalue()[:2] == b"PK"
    assert PiiAccessLog.objects.count() == issued + 2


def test_supervisor_case_file_download_needs_a_stated_purpose(client, org_a, mediator_a, supervisor_county):
    case = accepted_case(org_a, mediator_a)
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    assert run_case_file_job(job.pk)
    before = PiiAccessLog.objects.count()
    client.force_login(supervisor_county)
    url = reverse("documents:casefile_download", args=[job.pk])
    for data in REFUSED:
        response = client.get(url, data)
        assert response.status_code == 403 and b"%PDF" not in response.content, data
    assert PiiAccessLog.objects.count() == before
    response = client.get(url, {"purpose": "年度案卷评查"})
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"%PDF"
    rows = PiiAccessLog.objects.filter(user=supervisor_county)
    assert rows.count() == 2 and all(r.purpose.endswith(": 年度案卷评查") for r in rows)
