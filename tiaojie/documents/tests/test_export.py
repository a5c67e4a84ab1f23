"""The JSON export of a case (documents:export, schema "tiaojie.case-export/1", docs/documents.md)."""

from __future__ import annotations

import datetime as dt
import json
import re

from django.urls import reverse
from django.utils import timezone

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.documents.actions import ServiceInput, do_record_service, do_request_case_file, verify_url
from tiaojie.documents.casefile import run_case_file_job
from tiaojie.documents.models import CaseFileJob, Service
from tiaojie.documents.tests.factories import accepted_case, anonymous_workers, issue

DOCUMENT_KEYS = {
    "number",
    "kind",
    "kind_label",
    "subject",
    "issued_on",
    "organisation",
    "verification_code",
    "verify_url",
    "current_version",
    "versions",
    "services",
}
VERSION_KEYS = {"version", "template_version", "generated_at", "pdf_sha256", "pdf_pages", "docx_sha256"}
SERVICE_KEYS = {
    "method",
    "served_at",
    "receiver",
    "receiver_relation",
    "outcome",
    "refusal_reason",
    "witness",
    "server_name",
    "tracking_number",
}
BEIJING_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$")


def worker_numbers(case) -> tuple[str, str]:
    worker = case.case_workers.get().worker
    return worker.reveal("id_number"), worker.reveal("phone")


def test_export_schema_and_fields_masked_by_default(client, org_a, mediator_a, settings):
    case = accepted_case(org_a, mediator_a)
    document = issue(case, mediator_a)
    do_record_service(
        document=document,
        data=ServiceInput(
            method=Service.Method.POST,
            served_at=timezone.now() - dt.timedelta(minutes=1),
            receiver="张三",
            outcome=Service.Outcome.DELIVERED,
            server_name="调解员甲",
            tracking_number="SF1234567890",
            address="杭州市余杭区某路1号",
        ),
        user=mediator_a,
    )
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=False)
    assert run_case_file_job(job.pk)
    job.refresh_from_db()
    client.force_login(mediator_a)
    before = PiiAccessLog.objects.count()

    response = client.get(reverse("documents:export", args=[case.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert "受理通知书" in body  # ensure_ascii=False: Chinese as it is, not \\u escapes
    data = json.loads(body)
    assert set(data) == {"schema", "generated_at", "handoff", "documents", "case_files"}
    assert data["schema"] == "tiaojie.case-export/1"
    assert BEIJING_INSTANT.match(data["generated_at"])
    assert data["handoff"]["schema"] == "tiaojie.handoff/1" and data["handoff"]["pii"] == "masked"
    assert data["handoff"]["case"]["id"] == case.pk

    [doc] = data["documents"]
    assert set(doc) == DOCUMENT_KEYS
    assert doc["number"] == document.number and doc["kind"] == "acceptance" and doc["kind_label"] == "受理通知书"
    assert doc["subject"] == "" and doc["issued_on"] == document.issued_on.isoformat()
    assert doc["organisation"] == org_a.name and doc["current_version"] == 1
    assert doc["verification_code"] == document.verification_code
    assert doc["verify_url"] == verify_url(document.verification_code)
    [version] = doc["versions"]
    assert set(version) == VERSION_KEYS
    v1 = document.versions.get()
    assert (version["version"], version["pdf_sha256"], version["pdf_pages"], version["docx_sha256"]) == (
        1,
        v1.pdf_sha256,
        v1.pdf_pages,
        v1.docx_sha256,
    )
    assert BEIJING_INSTANT.match(version["generated_at"])
    [served] = doc["services"]
    assert set(served) == SERVICE_KEYS  # the address (a phone or e-mail for electronic service) stays out
    assert (served["method"], served["tracking_number"], served["outcome"]) == ("post", "SF1234567890", "delivered")
    assert BEIJING_INSTANT.match(served["served_at"])
    [case_file] = data["case_files"]
    assert (case_file["id"], case_file["pdf_sha256"], case_file["pdf_pages"]) == (
        job.pk,
        job.pdf_sha256,
        job.pdf_pages,
    )

    id_number, phone = worker_numbers(case)
    assert id_number not in body and phone not in body
    assert data["handoff"]["parties"]["workers"][0]["id_number"] == case.case_workers.get().worker.id_number_masked
    assert PiiAccessLog.objects.count() == before  # masked: nothing to log


def test_full_numbers_only_on_request_and_logged(client, org_a, mediator_a, supervisor_county):
    case = accepted_case(org_a, mediator_a)
    url = reverse("documents:export", args=[case.pk])
    id_number, phone = worker_numbers(case)
    client.force_login(mediator_a)
    response = client.get(url + "?full=1")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["handoff"]["pii"] == "full"
    assert data["handoff"]["parties"]["workers"][0]["id_number"] == id_number
    assert data["handoff"]["parties"]["workers"][0]["phone"] == phone
    logged = PiiAccessLog.objects.filter(user=mediator_a, purpose=f"handoff case {case.pk}")
    assert sorted(logged.values_list("field", flat=True)) == ["id_number", "phone"]
    assert data["documents"] == [] and data["case_files"] == []

    # A supervisor reads the case, and so the masked export, but not the full numbers.
    client.force_login(supervisor_county)
    assert client.get(url).status_code == 200
    assert client.get(url + "?full=1").status_code == 403
    assert not PiiAccessLog.objects.filter(user=supervisor_county).exists()


def test_other_organisation_gets_404_and_anonymous_is_sent_to_log_in(client, org_a, mediator_a, mediator_b):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    url = reverse("documents:export", args=[case.pk])
    client.force_login(mediator_b)
    assert client.get(url).status_code == 404
    assert client.get(url + "?full=1").status_code == 404
    assert client.get(reverse("documents:export", args=[999999])).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not CaseFileJob.objects.exists()
