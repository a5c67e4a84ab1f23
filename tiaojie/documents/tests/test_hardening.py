"""Odd input that once broke documents (a review of the app): control characters typed by the public, a seal
file that only starts like a PNG, a prefix another organisation uses, a service dated before the document,
personal numbers of electronic service, oversized requests, and WeasyPrint fetching resources."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tiaojie.documents.actions import (
    DocumentError,
    ServiceInput,
    do_issue_document,
    do_record_service,
    do_set_letterhead,
)
from tiaojie.documents.models import Kind, Service
from tiaojie.documents.render import url_fetcher
from tiaojie.documents.tests.factories import accepted_case, seal_png
from tiaojie.documents.tests.kind_fixtures import docx_text, pdf_text


def test_control_characters_in_public_text_do_not_break_a_document(org_a, mediator_a, tmp_path):
    case = accepted_case(org_a, mediator_a, facts="工资\x01未付\x1b，已催讨\ufffe三次")
    document = do_issue_document(case=case, kind=Kind.APPLICATION, user=mediator_a)
    version = document.versions.get()
    from django.conf import settings

    root = settings.PRIVATE_MEDIA_ROOT
    pdf = (root / version.pdf_path).read_bytes()
    docx = (root / version.docx_path).read_bytes()
    assert "工资未付，已催讨三次" in pdf_text(pdf, tmp_path).replace("\n", "")
    assert "工资未付，已催讨三次" in docx_text(docx)


def test_markup_in_text_is_printed_not_fetched_and_nothing_is_fetched_but_data_uris(org_a, mediator_a, tmp_path):
    case = accepted_case(org_a, mediator_a, facts='<img src="file:///etc/hostname"> {{ 7*7 }} {% if 1 %}x{% endif %}')
    document = do_issue_document(case=case, kind=Kind.APPLICATION, user=mediator_a)
    from django.conf import settings

    version = document.versions.get()
    text = pdf_text((settings.PRIVATE_MEDIA_ROOT / version.pdf_path).read_bytes(), tmp_path)
    assert "<img" in text and "{{ 7*7 }}" in text
    assert "{{ 7*7 }}" in docx_text((settings.PRIVATE_MEDIA_ROOT / version.docx_path).read_bytes())
    fetcher = url_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("file:///etc/hostname")  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("http://127.0.0.1:8000/")  # type: ignore[attr-defined]


def test_a_seal_that_only_starts_like_a_png_or_is_huge_is_refused(org_a, admin_a):
    fake = b"\x89PNG\r\n\x1a\n" + b"garbage" * 100
    with pytest.raises(DocumentError) as bad:
        do_set_letterhead(
            organisation=org_a, user=admin_a, header="", number_prefix="", seal=(io.BytesIO(fake), len(fake))
        )
    assert bad.value.field_errors["seal"] == "印章图片已损坏，无法读取"
    huge = seal_png(1300)
    with pytest.raises(DocumentError) as big:
        do_set_letterhead(
            organisation=org_a, user=admin_a, header="", number_prefix="", seal=(io.BytesIO(huge), len(huge))
        )
    assert "像素" in big.value.field_errors["seal"]
    good = seal_png(96)
    letterhead = do_set_letterhead(
        organisation=org_a, user=admin_a, header="", number_prefix="", seal=(io.BytesIO(good), len(good))
    )
    assert letterhead.seal_path


def test_a_prefix_is_one_organisations_and_the_default_pattern_is_reserved(org_a, org_b, admin_a, mediator_a):
    from tiaojie.organisations.models import Membership

    admin_b = mediator_a.__class__.objects.create_user(username="admin_b", password="pw-for-tests-1")
    Membership.objects.create(user=admin_b, organisation=org_b, role=Membership.Role.ADMIN)
    do_set_letterhead(organisation=org_b, user=admin_b, header="", number_prefix="西劳调")
    with pytest.raises(DocumentError) as taken:
        do_set_letterhead(organisation=org_a, user=admin_a, header="", number_prefix="西劳调")
    assert taken.value.field_errors["number_prefix"] == "该编号前缀已被其他调解组织使用，请另选前缀"
    with pytest.raises(DocumentError) as reserved:
        do_set_letterhead(organisation=org_a, user=admin_a, header="", number_prefix=f"调{org_b.pk}")
    assert "留给未设置前缀的组织" in reserved.value.field_errors["number_prefix"]
    # Its own default is no conflict.
    do_set_letterhead(organisation=org_a, user=admin_a, header="", number_prefix=f"调{org_a.pk}")


def test_same_number_in_two_organisations_does_not_block_either(org_a, org_b, mediator_a, mediator_b):
    """Numbers are unique within an organisation: even if two ended up alike (a prefix given up and taken by
    another), neither organisation is stopped from issuing."""
    from tiaojie.documents.models import Letterhead

    Letterhead.objects.create(organisation=org_a, number_prefix="同前缀")
    Letterhead.objects.create(organisation=org_b, number_prefix="同前缀")  # as if taken over later
    first = do_issue_document(case=accepted_case(org_b, mediator_b), kind=Kind.ACCEPTANCE, user=mediator_b)
    second = do_issue_document(case=accepted_case(org_a, mediator_a), kind=Kind.ACCEPTANCE, user=mediator_a)
    assert first.number == second.number
    assert first.verification_code != second.verification_code


def _service(**overrides: object) -> ServiceInput:
    data = {
        "method": Service.Method.ELECTRONIC,
        "served_at": timezone.now(),
        "receiver": "张三",
        "outcome": Service.Outcome.DELIVERED,
        "server_name": "调解员甲",
        "address": "13912345678",
    }
    data.update(overrides)
    return ServiceInput(**data)  # type: ignore[arg-type]


def test_a_service_cannot_predate_its_document(issued_acceptance, mediator_a):
    for when in (issued_acceptance.issued_at - dt.timedelta(days=1), dt.datetime(1, 1, 2, tzinfo=dt.UTC)):
        with pytest.raises(DocumentError) as early:
            do_record_service(document=issued_acceptance, data=_service(served_at=when), user=mediator_a)
        assert early.value.field_errors["served_at"].startswith("送达时间不能早于文书出具时间")


def test_the_year_one_in_the_form_is_a_message_not_a_500(client, issued_acceptance, mediator_a):
    client.force_login(mediator_a)
    response = client.post(
        reverse("documents:service", args=[issued_acceptance.pk]),
        {
            "method": "in_person",
            "served_at": "0001-01-01T00:00",
            "receiver": "张三",
            "outcome": "signed",
            "server_name": "调解员甲",
        },
    )
    assert response.status_code == 400
    assert not Service.objects.exists()


def test_electronic_service_numbers_are_masked_on_the_page_and_the_receipt(
    client, issued_acceptance, mediator_a, tmp_path
):
    do_record_service(document=issued_acceptance, data=_service(), user=mediator_a)
    client.force_login(mediator_a)
    page = client.get(reverse("documents:detail", args=[issued_acceptance.pk])).content.decode()
    assert "13912345678" not in page and "139****5678" in page
    receipt = do_issue_document(
        case=issued_acceptance.case, kind=Kind.SERVICE_RECEIPT, subject=f"doc:{issued_acceptance.pk}", user=mediator_a
    )
    from django.conf import settings

    text = pdf_text((settings.PRIVATE_MEDIA_ROOT / receipt.versions.get().pdf_path).read_bytes(), tmp_path)
    assert "13912345678" not in text and "139****5678" in text


def test_an_oversized_request_is_refused_before_its_body_is_read(client, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    response = client.generic(
        "POST", reverse("documents:verify", args=["ABCDEFGHJK"]), b"x", CONTENT_LENGTH=str(2 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "上传的内容太大" in response.content.decode()
