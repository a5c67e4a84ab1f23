"""The write actions of the documents app: issue, regenerate, record service, letterhead, preview."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import stat
import subprocess
import uuid
from pathlib import Path

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.cases.models import CaseEvent
from tiaojie.documents.actions import (
    DocumentError,
    ServiceInput,
    do_record_service,
    do_regenerate_document,
    do_set_letterhead,
    preview,
    validate_service,
)
from tiaojie.documents.models import Document, DocumentCounter, DocumentVersion, Kind, Letterhead, Service
from tiaojie.documents.tests.factories import accepted_case, anonymous_workers, issue, seal_png
from tiaojie.lib.workdays import legal_date


def stored(settings, relative: str) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / relative


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- issue and regenerate -------------------------------------------------------------------------------------


def test_regenerate_keeps_version_one_and_adds_version_two(issued_acceptance, mediator_a, settings):
    document = issued_acceptance
    v1 = document.versions.get()
    v1_row = model_to_dict(v1)
    v1_pdf = stored(settings, v1.pdf_path).read_bytes()
    v1_docx = stored(settings, v1.docx_path).read_bytes()

    v2 = do_regenerate_document(document=document, user=mediator_a, reason="更正受送达地址")

    document.refresh_from_db()
    assert (v2.version, document.current_version) == (2, 2)
    assert (document.number, document.verification_code) == (
        issued_acceptance.number,
        issued_acceptance.verification_code,
    )
    v1.refresh_from_db()
    assert model_to_dict(v1) == v1_row  # the row is untouched
    assert stored(settings, v1.pdf_path).read_bytes() == v1_pdf  # and so are its files
    assert stored(settings, v1.docx_path).read_bytes() == v1_docx
    assert hashlib.sha256(v1_pdf).hexdigest() == v1.pdf_sha256
    assert {v2.pdf_path, v2.docx_path}.isdisjoint({v1.pdf_path, v1.docx_path})
    assert hashlib.sha256(stored(settings, v2.pdf_path).read_bytes()).hexdigest() == v2.pdf_sha256
    assert v2.reason == "更正受送达地址"
    event = CaseEvent.objects.filter(case=document.case, kind=CaseEvent.Kind.DOCUMENT).latest("pk")
    assert event.data == {"document": document.pk, "kind": Kind.ACCEPTANCE, "version": 2}
    assert "第2版" in event.reason and "更正受送达地址" in event.reason


def test_regenerate_needs_a_reason(issued_acceptance, mediator_a):
    with pytest.raises(DocumentError) as caught:
        do_regenerate_document(document=issued_acceptance, user=mediator_a, reason="  ")
    assert "reason" in caught.value.field_errors
    assert issued_acceptance.versions.count() == 1


def test_stored_files_are_read_only_and_never_overwritten(issued_acceptance, mediator_a, settings, monkeypatch):
    v1 = issued_acceptance.versions.get()
    for relative in (v1.pdf_path, v1.docx_path):
        assert stat.S_IMODE(stored(settings, relative).stat().st_mode) == 0o440
    before = stored(settings, v1.pdf_path).read_bytes()

    # Force the next file name to be v1's: the write refuses instead of replacing the file.
    taken = uuid.UUID(hex=Path(v1.pdf_path).stem)
    monkeypatch.setattr(uuid, "uuid4", lambda: taken)  # lib.uploads names the files
    with pytest.raises(FileExistsError):
        do_regenerate_document(document=issued_acceptance, user=mediator_a, reason="再生成")
    monkeypatch.undo()
    assert stored(settings, v1.pdf_path).read_bytes() == before
    assert issued_acceptance.versions.count() == 1
    issued_acceptance.refresh_from_db()
    assert issued_acceptance.current_version == 1


def test_issuing_writes_an_event_and_logs_the_numbers_it_prints(org_a, mediator_a):
    case = accepted_case(org_a, mediator_a)  # 张三 with ID and phone number
    worker = case.case_workers.get().worker
    document = issue(case, mediator_a, kind=Kind.APPLICATION)
    version = document.versions.get()
    assert sorted(map(tuple, version.pii_fields)) == [
        ("cases.worker", worker.pk, "id_number"),
        ("cases.worker", worker.pk, "phone"),
    ]
    logged = PiiAccessLog.objects.filter(user=mediator_a, record_type="cases.worker", record_id=str(worker.pk))
    assert sorted(logged.values_list("field", flat=True)) == ["id_number", "phone"]
    assert {row.purpose for row in logged} == {f"document {document.number}"}
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DOCUMENT)
    assert event.actor == mediator_a and document.number in event.reason
    assert event.data == {"document": document.pk, "kind": Kind.APPLICATION, "version": 1}


def test_only_staff_of_the_organisation_issue(org_a, mediator_a, mediator_b, supervisor_county):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    for user in (mediator_b, supervisor_county):
        with pytest.raises(DocumentError):
            issue(case, user)
    assert not Document.objects.exists()


def test_the_same_document_twice_is_refused(issued_acceptance, mediator_a):
    with pytest.raises(DocumentError) as caught:
        issue(issued_acceptance.case, mediator_a)
    assert "已经出具" in caught.value.message


# --- proof of service -----------------------------------------------------------------------------------------


def service(**overrides) -> ServiceInput:
    data = ServiceInput(
        method=Service.Method.IN_PERSON,
        served_at=timezone.now() - dt.timedelta(minutes=1),  # just after the document was issued
        receiver="张三",
        outcome=Service.Outcome.SIGNED,
        server_name="调解员甲",
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({}, set()),
        ({"outcome": Service.Outcome.REFUSED}, {"refusal_reason", "witness"}),  # 民诉法 art 89
        ({"outcome": Service.Outcome.REFUSED, "refusal_reason": "称不认可", "witness": "社区干部李某"}, set()),
        (
            {
                "outcome": Service.Outcome.REFUSED,
                "method": Service.Method.POST,
                "tracking_number": "SF100",
                "refusal_reason": "拒收",
                "witness": "王某",
            },
            {"outcome"},  # a refusal is recorded only where the receiver is met in person
        ),
        ({"method": Service.Method.POST}, {"tracking_number"}),
        ({"method": Service.Method.POST, "tracking_number": "SF1234567890"}, set()),
        ({"method": Service.Method.ELECTRONIC, "outcome": Service.Outcome.DELIVERED}, {"address"}),
        ({"method": Service.Method.ELECTRONIC, "outcome": Service.Outcome.DELIVERED, "address": "13800138000"}, set()),
        ({"served_at": timezone.now() + dt.timedelta(hours=2)}, {"served_at"}),
        ({"receiver": " ", "server_name": ""}, {"receiver", "server_name"}),
    ],
)
def test_service_validation(overrides, fields):
    # served_at in the parameters is computed at collection time; "now" here is later, never earlier.
    errors = validate_service(service(**overrides), timezone.now())
    assert set(errors) == fields, errors
    assert all(isinstance(message, str) and message for message in errors.values())


def test_a_valid_service_is_recorded_with_an_event(issued_acceptance, mediator_a):
    row = do_record_service(document=issued_acceptance, data=service(receiver_relation="本人"), user=mediator_a)
    assert row.document == issued_acceptance and row.recorded_by == mediator_a
    event = CaseEvent.objects.get(case=issued_acceptance.case, kind=CaseEvent.Kind.SERVICE)
    assert event.data == {"document": issued_acceptance.pk, "service": row.pk}
    assert issued_acceptance.number in event.reason and "直接送达" in event.reason


def test_an_invalid_service_is_refused_whole(issued_acceptance, mediator_a):
    with pytest.raises(DocumentError) as caught:
        do_record_service(document=issued_acceptance, data=service(outcome=Service.Outcome.REFUSED), user=mediator_a)
    assert set(caught.value.field_errors) == {"refusal_reason", "witness"}
    assert not Service.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.SERVICE).exists()


# --- letterhead -----------------------------------------------------------------------------------------------


def test_letterhead_is_for_the_organisation_admin(org_a, mediator_a, admin_a, mediator_b):
    for user in (mediator_a, mediator_b):
        with pytest.raises(DocumentError):
            do_set_letterhead(organisation=org_a, user=user, header="", number_prefix="西劳调")
    assert not Letterhead.objects.exists()
    letterhead = do_set_letterhead(
        organisation=org_a, user=admin_a, header="仓前街道劳动争议调解中心", number_prefix="仓劳调"
    )
    assert (letterhead.header, letterhead.number_prefix, letterhead.updated_by) == (
        "仓前街道劳动争议调解中心",
        "仓劳调",
        admin_a,
    )


@pytest.mark.parametrize("prefix", ["仓劳调〔", "仓[劳]调", "仓劳调号", "仓 劳调", "一二三四五六七八九十一二三"])
def test_letterhead_prefix_validation(org_a, admin_a, prefix):
    with pytest.raises(DocumentError) as caught:
        do_set_letterhead(organisation=org_a, user=admin_a, header="", number_prefix=prefix)
    assert "number_prefix" in caught.value.field_errors


def test_letterhead_seal_must_be_a_png(org_a, admin_a, settings):
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    with pytest.raises(DocumentError) as caught:
        do_set_letterhead(
            organisation=org_a, user=admin_a, header="", number_prefix="", seal=(io.BytesIO(jpeg), len(jpeg))
        )
    assert "seal" in caught.value.field_errors
    png = seal_png()
    letterhead = do_set_letterhead(
        organisation=org_a, user=admin_a, header="", number_prefix="", seal=(io.BytesIO(png), len(png))
    )
    path = stored(settings, letterhead.seal_path)
    assert path.read_bytes() == png and stat.S_IMODE(path.stat().st_mode) == 0o440
    assert letterhead.seal_sha256 == hashlib.sha256(png).hexdigest()


def test_the_prefix_appears_in_the_next_number(org_a, mediator_a, admin_a):
    year = legal_date(timezone.now()).year
    first = issue(accepted_case(org_a, mediator_a, **anonymous_workers()), mediator_a)
    do_set_letterhead(organisation=org_a, user=admin_a, header="", number_prefix="仓劳调")
    second = issue(accepted_case(org_a, mediator_a, **anonymous_workers()), mediator_a)
    assert first.number == f"调{org_a.pk}〔{year}〕1号"  # issued numbers never change
    assert second.number == f"仓劳调〔{year}〕2号"  # the sequence is the organisation's, whatever the prefix


# --- preview --------------------------------------------------------------------------------------------------


def test_preview_stores_nothing(org_a, mediator_a, settings, tmp_path):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    rendered = preview(case, Kind.ACCEPTANCE, user=mediator_a)
    assert rendered.pdf.startswith(b"%PDF") and rendered.pages >= 1
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not DocumentCounter.objects.exists()
    assert files_under(Path(settings.PRIVATE_MEDIA_ROOT)) == []
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.DOCUMENT).exists()
    pdf = tmp_path / "preview.pdf"
    pdf.write_bytes(rendered.pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "样稿" in text and "〔" not in text  # watermarked and unnumbered
