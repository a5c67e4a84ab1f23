"""Who may reach which documents endpoint (the pattern of mediation/tests/test_access.py): staff of the case's
organisation act; another organisation's mediator gets 404; the county supervisor reads and downloads but every
write (and the draft preview, which prints personal numbers for staff) is 404; the letterhead page is for the
organisation's admins only; anonymous visitors are sent to log in, except to the public verification page. And no
input gives a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tiaojie.documents.actions import ServiceInput, do_record_service
from tiaojie.documents.models import Letterhead
from tiaojie.documents.tests.factories import accepted_case, issue
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation.tests.factories import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, mediator_a, issued_acceptance):
    service = do_record_service(
        document=issued_acceptance,
        data=ServiceInput(
            method="in_person", served_at=timezone.now(), receiver="杭州示例电子有限公司", outcome="signed",
            server_name="王五",
        ),
        user=mediator_a,
        scan=(SimpleUploadedFile("回证.pdf", PDF), len(PDF), "回证.pdf"),
    )  # fmt: skip
    return {"case": issued_acceptance.case, "document": issued_acceptance, "service": service, "org": org_a}


def endpoints(w):
    """(name, kwargs, method, kind) — kind: write (staff who act) | read (whoever reads the case) | admin."""
    c, d = w["case"].pk, w["document"].pk
    return [
        ("case_documents", {"case_id": c}, "get", "read"),
        ("preview", {"case_id": c, "kind": "acceptance"}, "get", "write"),
        ("issue", {"case_id": c}, "post", "write"),
        ("detail", {"document_id": d}, "get", "read"),
        ("regenerate", {"document_id": d}, "post", "write"),
        ("download", {"document_id": d, "version": 1, "ext": "pdf"}, "get", "read"),
        ("download", {"document_id": d, "version": 1, "ext": "docx"}, "get", "read"),
        ("service", {"document_id": d}, "post", "write"),
        ("service_scan", {"service_id": w["service"].pk}, "get", "read"),
        ("letterhead", {"organisation_id": w["org"].pk}, "get", "admin"),
        ("letterhead", {"organisation_id": w["org"].pk}, "post", "admin"),
    ]


# Input every write would accept from someone allowed to make it: a refusal must come from access, not the form.
VALID = {
    "kind": "acceptance",
    "reason": "更正",
    "method": "in_person",
    "served_at": "2026-01-01T10:00",
    "receiver": "杭州示例电子有限公司",
    "outcome": "signed",
    "server_name": "王五",
    "header": "抬头",
    "number_prefix": "仓劳调",
}


def call(client, name, kwargs, method, data=None):
    url = reverse(f"documents:{name}", kwargs=kwargs)
    if data is None:
        # A service is recorded after its document was issued (moments ago, in these tests).
        data = VALID | {"served_at": timezone.now().astimezone(LEGAL_TZ).strftime("%Y-%m-%dT%H:%M")}
    # A supervisor's download states a purpose (test_supervisor_purpose.py refuses it without one).
    return client.get(url, {"purpose": "核查投诉"}) if method == "get" else client.post(url, data)


def test_other_organisation_mediator_gets_404_everywhere(client, world, mediator_b, supervisor_other_county):
    for user in (mediator_b, supervisor_other_county):
        client.force_login(user)
        for name, kwargs, method, _kind in endpoints(world):
            assert call(client, name, kwargs, method).status_code == 404, (user, name, method)


def test_anonymous_is_sent_to_log_in_except_to_the_verification_page(client, world):
    for name, kwargs, method, _kind in endpoints(world):
        response = call(client, name, kwargs, method)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    assert client.get(reverse("documents:verify", args=[world["document"].verification_code])).status_code == 200


def test_supervisor_reads_and_downloads_but_every_write_is_404(client, world, supervisor_county):
    client.force_login(supervisor_county)
    for name, kwargs, method, kind in endpoints(world):
        expected = 200 if kind == "read" else 404
        assert call(client, name, kwargs, method).status_code == expected, (name, method)
    html = client.get(reverse("documents:detail", args=[world["document"].pk])).content.decode()
    assert "<form" not in html.split("<main>")[1] and "重新生成" not in html and "登记送达" not in html
    assert world["document"].versions.count() == 1 and world["document"].services.count() == 1
    assert not Letterhead.objects.exists()


def test_intake_operator_of_the_same_organisation_reads_but_cannot_act(client, world, intake_a):
    client.force_login(intake_a)
    for name, kwargs, method, kind in endpoints(world):
        expected = 200 if kind == "read" else 404
        assert call(client, name, kwargs, method).status_code == expected, (name, method)


def test_staff_reach_every_endpoint_and_only_admins_the_letterhead(client, world, mediator_a, admin_a):
    client.force_login(mediator_a)
    for name, kwargs, method, kind in endpoints(world):
        expected = (404,) if kind == "admin" else (200, 302)
        assert call(client, name, kwargs, method).status_code in expected, (name, method)
    assert world["document"].versions.count() == 2 and world["document"].services.count() == 2
    client.force_login(admin_a)
    for name, kwargs, method, kind in endpoints(world):
        if kind == "admin":
            assert call(client, name, kwargs, method).status_code in (200, 302), (name, method)
    assert Letterhead.objects.get().number_prefix == "仓劳调"


def test_post_only_endpoints_refuse_get(client, world, mediator_a):
    client.force_login(mediator_a)
    for name, kwargs, method, _kind in endpoints(world):
        if method == "post" and name != "letterhead":
            assert client.get(reverse(f"documents:{name}", kwargs=kwargs)).status_code == 405, name
    for name, kwargs in (("download", {"document_id": world["document"].pk, "version": 1, "ext": "pdf"}),):
        assert client.post(reverse(f"documents:{name}", kwargs=kwargs)).status_code == 405


def test_ids_of_another_organisation_are_404_for_staff(client, world, org_b, mediator_b, mediator_a):
    theirs = issue(accepted_case(org_b, mediator_b), mediator_b)
    client.force_login(mediator_a)
    for name, kwargs, method in (
        ("detail", {"document_id": theirs.pk}, "get"),
        ("download", {"document_id": theirs.pk, "version": 1, "ext": "pdf"}, "get"),
        ("regenerate", {"document_id": theirs.pk}, "post"),
        ("service", {"document_id": theirs.pk}, "post"),
        ("case_documents", {"case_id": theirs.case_id}, "get"),
        ("issue", {"case_id": theirs.case_id}, "post"),
        ("preview", {"case_id": theirs.case_id, "kind": "acceptance"}, "get"),
        ("letterhead", {"organisation_id": org_b.pk}, "get"),
    ):
        assert call(client, name, kwargs, method).status_code == 404, name
    assert theirs.versions.count() == 1


GARBAGE = [
    {},
    {"kind": "'; drop table", "subject": "x" * 5000},
    {"kind": "acceptance", "subject": "doc:abc"},
    {"kind": "acceptance", "subject": "\x00", "reason": "a\x00b", "receiver": "\x00", "header": "\x00"},
    {"kind": "service_receipt", "subject": "doc:999999999999999999999"},
    {"reason": "", "method": "teleport", "served_at": "2026-02-30T25:61", "outcome": "maybe"},
    {"reason": "x" * 5000, "served_at": "99999-01-01T00:00", "receiver": "x" * 5000},
    {"served_at": "0001-01-01T00:00", "method": "electronic", "outcome": "refused", "witness": "x" * 1000},
    {"header": "x" * 500, "number_prefix": "〔〕号 " * 10, "remove_seal": "maybe"},
    {"scan": "not a file", "seal": "not a file", "file": "not a file"},
]


def test_no_input_gives_a_500(client, world, admin_a):
    client.force_login(admin_a)
    for name, kwargs, method, _kind in endpoints(world):
        if method != "post":
            continue
        for data in GARBAGE:
            assert call(client, name, kwargs, method, data).status_code < 500, (name, data)
        for field in ("scan", "seal", "file"):
            bad = SimpleUploadedFile("x.pdf", b"\x00\x01garbage", content_type="application/pdf")
            assert client.post(reverse(f"documents:{name}", kwargs=kwargs), {field: bad}).status_code < 500, name
    code = world["document"].verification_code
    for path in (f"/v/{code}x/", "/v/%00/", "/v/" + "A" * 500 + "/", "/v/%E4%B8%AD/"):
        assert client.get(path).status_code == 404, path
    for data in ({}, {"file": "text"}, {"file": SimpleUploadedFile("empty.pdf", b"")}):
        assert client.post(reverse("documents:verify", args=[code]), data).status_code == 400
    d = world["document"].pk
    for url in (
        reverse("documents:preview", args=[world["case"].pk, "acceptance"]) + "?subject=" + "x" * 500,
        reverse("documents:preview", args=[world["case"].pk, "service_receipt"]) + "?subject=doc:abc",
        reverse("documents:preview", args=[world["case"].pk, "acceptance"]) + "?subject=%00",
        f"/documents/case/{world['case'].pk}/preview/%00/",
        f"/documents/{d}/v99999999999999999999.pdf",
        f"/documents/{d}/v1.PDF",
        f"/documents/{d}/v1.pdf.exe",
    ):
        assert client.get(url).status_code in (400, 404), url
