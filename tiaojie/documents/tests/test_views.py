"""The documents pages: the case-page panel (preview, issue), the document page (versions, regenerate, service),
downloads, the public verification page and the letterhead settings."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.documents import kinds
from tiaojie.documents.content import Content, Para
from tiaojie.documents.kinds.common import worker_fields
from tiaojie.documents.models import Document, DocumentVersion, Kind, Letterhead, Service
from tiaojie.documents.tests.factories import WORKER_NAME, accepted_case, issue, seal_png
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation.tests.factories import PDF

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def stored(relative: str) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / relative


def page(response) -> str:
    return response.content.decode()


def beijing_local(moment: dt.datetime) -> str:
    return moment.astimezone(LEGAL_TZ).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def pii_kind(monkeypatch):
    """A kind that prints the workers' full ID and phone numbers (as the 申请书 does), whatever is registered."""

    def build(case, subject):
        content = Content(kind=Kind.APPLICATION, title="劳动争议调解申请书", blocks=[])
        content.blocks += worker_fields(case, content)
        return content

    spec = kinds.KindSpec(
        kind=Kind.APPLICATION, build=build, subjects=lambda case: [""], served=False, order=10, basis="测试"
    )
    monkeypatch.setitem(kinds.REGISTRY, str(Kind.APPLICATION), spec)
    return spec


@pytest.fixture
def receipt_kind(monkeypatch):
    """A 送达回证 for every served document of the case, whatever is registered."""

    def subjects(case):
        return [f"doc:{d.pk}" for d in case.documents.exclude(kind=Kind.SERVICE_RECEIPT)]

    def build(case, subject):
        return Content(kind=Kind.SERVICE_RECEIPT, title="送达回证", blocks=[Para(f"送达文书：{subject}")])

    spec = kinds.KindSpec(
        kind=Kind.SERVICE_RECEIPT, build=build, subjects=subjects, served=False, order=90, basis="测试"
    )
    monkeypatch.setitem(kinds.REGISTRY, str(Kind.SERVICE_RECEIPT), spec)
    return spec


# --- the panel: preview and issue -------------------------------------------------------------------------


def test_issue_from_the_panel_numbers_the_document_and_the_panel_shows_it(client, mediator_a, accepted_case):
    client.force_login(mediator_a)
    case_url = reverse("cases:detail", args=[accepted_case.pk])
    before = page(client.get(case_url))
    row = before.split('data-kind="acceptance"')[1].split("</li>")[0]
    assert "未出具" in row and "预览样稿" in row and "出具" in row
    assert reverse("documents:preview", args=[accepted_case.pk, "acceptance"]) in row

    response = client.post(reverse("documents:issue", args=[accepted_case.pk]), {"kind": "acceptance", "subject": ""})
    assert response.status_code == 302 and response["Location"] == case_url + "#documents"
    document = Document.objects.get(case=accepted_case, kind="acceptance")
    assert re.fullmatch(r"调\d+〔20\d\d〕1号", document.number) and document.current_version == 1

    after = page(client.get(case_url))
    assert f"已出具受理通知书，编号 {document.number}" in after
    row = after.split('data-kind="acceptance"')[1].split("</li>")[0]
    assert document.number in row and "第1版" in row and "未送达" in row and "预览样稿" not in row
    assert reverse("documents:download", args=[document.pk, 1, "pdf"]) in row
    assert reverse("documents:download", args=[document.pk, 1, "docx"]) in row
    assert reverse("documents:detail", args=[document.pk]) in row

    # Issuing twice is refused with a message, not a second number.
    response = client.post(reverse("documents:issue", args=[accepted_case.pk]), {"kind": "acceptance"}, follow=True)
    assert "该文书已经出具" in page(response) and Document.objects.count() == 1


def test_preview_is_an_unstored_inline_pdf_never_cached(client, mediator_a, accepted_case):
    client.force_login(mediator_a)
    response = client.get(reverse("documents:preview", args=[accepted_case.pk, "acceptance"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store" and response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF-")
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_bad_kinds_give_404_or_a_chinese_message_never_500(client, mediator_a, accepted_case):
    client.force_login(mediator_a)
    issue_url = reverse("documents:issue", args=[accepted_case.pk])
    assert client.get(reverse("documents:preview", args=[accepted_case.pk, "nonsense"])).status_code == 404
    assert client.post(issue_url, {"kind": "nonsense"}).status_code == 404
    assert client.post(issue_url, {}).status_code == 404
    # A real kind that does not apply to this case (no decline decision): said in Chinese.
    response = client.get(reverse("documents:preview", args=[accepted_case.pk, "decline"]))
    assert response.status_code == 400 and ("不能出具" in page(response) or "未知的文书类型" in page(response))
    response = client.post(issue_url, {"kind": "decline"}, follow=True)
    assert response.status_code == 200 and ("不能出具" in page(response) or "未知的文书类型" in page(response))
    response = client.post(issue_url, {"kind": "acceptance", "subject": "doc:999"}, follow=True)
    assert "不能出具" in page(response) and not Document.objects.exists()
    assert client.get(issue_url).status_code == 405


def test_a_supervisor_sees_the_documents_but_no_preview_or_issue(client, supervisor_county, accepted_case):
    client.force_login(supervisor_county)
    html = page(client.get(reverse("cases:detail", args=[accepted_case.pk])))
    section = html.split('id="documents"')[1].split("</section>")[0]
    assert "受理通知书" in section and "预览样稿" not in section and "<form" not in section
    assert "文书样式设置" not in section and "导出案件数据" not in section


def test_the_letterhead_link_is_for_the_organisations_admins(client, mediator_a, admin_a, accepted_case):
    url = reverse("documents:letterhead", args=[accepted_case.organisation_id])
    client.force_login(mediator_a)
    assert url not in page(client.get(reverse("cases:detail", args=[accepted_case.pk])))
    client.force_login(admin_a)
    assert url in page(client.get(reverse("cases:detail", args=[accepted_case.pk])))
    assert url in page(client.get(reverse("documents:case_documents", args=[accepted_case.pk])))


# --- versions and downloads ---------------------------------------------------------------------------------


def test_regenerate_adds_version_2_and_leaves_version_1_untouched(client, settings, mediator_a, issued_acceptance):
    settings.TIME_ZONE = "UTC"  # the page still shows Beijing time
    document = issued_acceptance
    v1 = document.versions.get()
    v1_pdf, v1_docx = stored(v1.pdf_path).read_bytes(), stored(v1.docx_path).read_bytes()
    client.force_login(mediator_a)
    url = reverse("documents:regenerate", args=[document.pk])

    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400 and "请说明重新生成的原因" in page(response)
    assert document.versions.count() == 1

    response = client.post(url, {"reason": "更正请求事项"})
    assert response.status_code == 302 and response["Location"].endswith("#versions")
    document.refresh_from_db()
    assert document.current_version == 2
    v1.refresh_from_db()
    v2 = document.versions.get(version=2)
    assert v2.reason == "更正请求事项" and v2.pdf_path != v1.pdf_path and v2.docx_path != v1.docx_path
    assert stored(v1.pdf_path).read_bytes() == v1_pdf and stored(v1.docx_path).read_bytes() == v1_docx
    assert hashlib.sha256(v1_pdf).hexdigest() == v1.pdf_sha256
    assert hashlib.sha256(v1_docx).hexdigest() == v1.docx_sha256

    html = page(client.get(reverse("documents:detail", args=[document.pk])))
    assert "已生成第2版" in html
    for v in (v1, v2):
        assert v.pdf_sha256 in html and v.docx_sha256 in html and v.template_version in html
        assert timezone.localtime(v.generated_at, LEGAL_TZ).strftime("%Y-%m-%d %H:%M") in html
    assert reverse("documents:download", args=[document.pk, 1, "pdf"]) in html
    assert client.get(reverse("documents:download", args=[document.pk, 1, "pdf"])).getvalue() == v1_pdf


def test_downloads_are_attachments_with_a_chinese_name_and_log_each_printed_number(
    client, mediator_a, accepted_case, pii_kind
):
    document = issue(accepted_case, mediator_a, kind=Kind.APPLICATION)
    version = document.versions.get()
    assert {tuple(x)[2] for x in version.pii_fields} == {"id_number", "phone"}
    client.force_login(mediator_a)
    logged = PiiAccessLog.objects.count()

    response = client.get(reverse("documents:download", args=[document.pk, 1, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="application-')
    name = re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)
    from urllib.parse import unquote

    assert unquote(name) == f"劳动争议调解申请书_{document.number}_第1版.pdf"
    assert disposition.split('filename="')[1].split('"')[0].isascii()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue() == stored(version.pdf_path).read_bytes()
    rows = list(PiiAccessLog.objects.order_by("pk")[logged:])
    worker = accepted_case.case_workers.get().worker
    assert {(r.record_type, r.record_id, r.field) for r in rows} == {
        ("cases.worker", str(worker.pk), "id_number"),
        ("cases.worker", str(worker.pk), "phone"),
    }
    assert len(rows) == 2 and all(r.user == mediator_a and document.number in r.purpose for r in rows)

    response = client.get(reverse("documents:download", args=[document.pk, 1, "docx"]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert response.getvalue()[:2] == b"PK" and PiiAccessLog.objects.count() == logged + 4

    for bad in ((document.pk, 2, "pdf"), (document.pk, 1, "exe"), (document.pk + 1, 1, "pdf")):
        assert client.get(reverse("documents:download", args=bad)).status_code == 404
    assert PiiAccessLog.objects.count() == logged + 4


# --- service ---------------------------------------------------------------------------------------------------


def test_a_refusal_needs_reason_and_witness_and_a_valid_service_is_saved_and_shown(
    client, mediator_a, issued_acceptance
):
    document = issued_acceptance
    client.force_login(mediator_a)
    url = reverse("documents:service", args=[document.pk])
    served_at = timezone.now().replace(second=0, microsecond=0)  # the minute the document was issued in
    data = {
        "method": "in_person",
        "served_at": beijing_local(served_at),
        "receiver": "杭州示例电子有限公司",
        "receiver_relation": "人事经理",
        "address": "杭州市余杭区仓前街道文一西路1号",
        "outcome": "refused",
        "refusal_reason": "",
        "witness": "",
        "server_name": "调解员王五",
        "note": "当面送达",
    }
    response = client.post(url, data)
    html = page(response)
    assert response.status_code == 400
    assert "拒绝签收的，请记明拒收事由" in html and "拒绝签收的，请填写见证人" in html
    assert "送达记录未保存" in html
    assert 'value="调解员王五"' in html and 'value="杭州市余杭区仓前街道文一西路1号"' in html
    assert f'value="{beijing_local(served_at)}"' in html
    assert not Service.objects.exists()

    data |= {"refusal_reason": "称未收到仲裁材料，拒绝签字", "witness": "村委会干部赵六"}
    scan = SimpleUploadedFile("回证.pdf", PDF, content_type="application/pdf")
    response = client.post(url, data | {"scan": scan})
    assert response.status_code == 302 and response["Location"].endswith("#services")
    service = Service.objects.get()
    assert service.served_at == served_at and service.outcome == "refused" and service.witness == "村委会干部赵六"
    assert service.file_kind == "pdf" and service.file_name == "回证.pdf"

    html = page(client.get(reverse("documents:detail", args=[document.pk])))
    assert "拒绝签收（留置送达）" in html and "村委会干部赵六" in html and "称未收到仲裁材料" in html
    assert served_at.astimezone(LEGAL_TZ).strftime("%Y-%m-%d %H:%M") in html
    scan_url = reverse("documents:service_scan", args=[service.pk])
    assert scan_url in html
    response = client.get(scan_url)
    assert response.status_code == 200 and response.getvalue() == PDF
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]

    case_page = page(client.get(reverse("cases:detail", args=[document.case_id])))
    assert "已送达 1 次" in case_page.split('data-kind="acceptance"')[1].split("</li>")[0]


def NOW_LOCAL() -> str:
    return timezone.now().astimezone(LEGAL_TZ).strftime("%Y-%m-%dT%H:%M")


def test_service_input_errors_are_shown_and_nothing_500s(client, mediator_a, issued_acceptance):
    client.force_login(mediator_a)
    url = reverse("documents:service", args=[issued_acceptance.pk])
    for data in (
        {},
        {"served_at": "not a time", "method": "king", "outcome": "x"},
        {
            "served_at": "2999-01-01T10:00",
            "method": "post",
            "outcome": "delivered",
            "receiver": "甲",
            "server_name": "乙",
        },
        {"served_at": NOW_LOCAL(), "receiver": "甲" * 500},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert "送达记录未保存" in page(response)
    response = client.post(
        url,
        {
            "served_at": NOW_LOCAL(),
            "method": "post",
            "outcome": "delivered",
            "receiver": "甲",
            "server_name": "乙",
        },
    )
    assert "邮寄送达请填写邮件单号" in page(response)
    # A missing time and the rules of a refusal are reported together.
    response = client.post(url, {"method": "in_person", "outcome": "refused", "receiver": "甲", "server_name": "乙"})
    html = page(response)
    assert "请填写送达时间" in html and "拒绝签收的，请填写见证人" in html and "拒绝签收的，请记明拒收事由" in html
    scan = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(
        url,
        {
            "served_at": NOW_LOCAL(),
            "method": "in_person",
            "outcome": "signed",
            "receiver": "甲",
            "server_name": "乙",
            "scan": scan,
        },
    )
    assert response.status_code == 400 and "只接受 PDF、JPEG 或 PNG" in page(response)
    assert not Service.objects.exists()
    assert client.get(url).status_code == 405


def test_the_service_receipt_button_issues_and_then_opens_it(client, mediator_a, issued_acceptance, receipt_kind):
    client.force_login(mediator_a)
    detail = reverse("documents:detail", args=[issued_acceptance.pk])
    html = page(client.get(detail))
    assert 'id="receipt-issue"' in html and f'value="doc:{issued_acceptance.pk}"' in html
    response = client.post(
        reverse("documents:issue", args=[issued_acceptance.case_id]),
        {"kind": "service_receipt", "subject": f"doc:{issued_acceptance.pk}", "open": "1"},
    )
    receipt = Document.objects.get(kind="service_receipt")
    assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[receipt.pk])
    html = page(client.get(detail))
    assert 'id="receipt-issue"' not in html and 'id="receipt-link"' in html
    assert reverse("documents:detail", args=[receipt.pk]) in html
    # On the case page the receipt names the document it serves.
    case_page = page(client.get(reverse("cases:detail", args=[issued_acceptance.case_id])))
    assert f"受理通知书 {issued_acceptance.number}" in case_page


def test_no_service_receipt_button_when_the_kind_is_not_registered(client, mediator_a, issued_acceptance, monkeypatch):
    monkeypatch.delitem(kinds.REGISTRY, "service_receipt", raising=False)
    client.force_login(mediator_a)
    assert 'id="receipt-issue"' not in page(client.get(reverse("documents:detail", args=[issued_acceptance.pk])))


# --- public verification ------------------------------------------------------------------------------------------


def test_the_verification_page_shows_the_document_and_no_personal_data(client, issued_acceptance):
    document = issued_acceptance
    case = document.case
    worker = case.case_workers.get().worker
    version = document.versions.get()
    for code in (document.verification_code, f" {document.verification_code.lower()} "):
        response = client.get(reverse("documents:verify", args=[code]))
        assert response.status_code == 200
        html = page(response)
        assert document.number in html and "受理通知书" in html and document.organisation.name in html
        assert f"{document.issued_on.year}年{document.issued_on.month}月{document.issued_on.day}日" in html
        assert version.pdf_sha256 in html and version.docx_sha256 in html and version.template_version in html
        for private in (
            WORKER_NAME,
            worker.reveal("id_number"),
            worker.reveal("phone"),
            worker.id_number_masked,
            case.employer.name,
            case.facts,
            "12500",
        ):
            assert private and private not in html, private


def test_an_unknown_code_is_404_with_a_chinese_message(client):
    response = client.get(reverse("documents:verify", args=["NOSUCHCODE"]))
    assert response.status_code == 404
    html = page(response)
    assert "未找到该核验码对应的文书" in html and "法律文书核验" in html
    assert client.post(reverse("documents:verify", args=["NOSUCHCODE"]), {}).status_code == 404


def test_a_file_is_checked_against_the_stored_hashes(client, issued_acceptance):
    version = issued_acceptance.versions.get()
    url = reverse("documents:verify", args=[issued_acceptance.verification_code.lower()])

    def check(content: bytes, name: str = "文书.pdf"):
        return client.post(url, {"file": SimpleUploadedFile(name, content)})

    html = page(check(stored(version.pdf_path).read_bytes()))
    assert "与第 1 版 PDF 一致" in html
    html = page(check(stored(version.docx_path).read_bytes(), "文书.docx"))
    assert "与第 1 版 Word 一致" in html
    tampered = stored(version.pdf_path).read_bytes() + b"\n"
    html = page(check(tampered))
    assert "不一致：该文件不是本系统出具的这份文书" in html and hashlib.sha256(tampered).hexdigest() in html

    response = check(b"x" * (20 * 1024 * 1024 + 1))
    assert response.status_code == 400 and "文件太大" in page(response)
    response = client.post(url, {})
    assert response.status_code == 400 and "请选择一个文件" in page(response)


# --- letterhead ----------------------------------------------------------------------------------------------------


def test_the_admin_sets_the_letterhead_and_others_get_404(client, org_a, admin_a, mediator_a, mediator_b):
    url = reverse("documents:letterhead", args=[org_a.pk])
    for user in (mediator_a, mediator_b):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"header": "x"}).status_code == 404
    assert not Letterhead.objects.exists()

    client.force_login(admin_a)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "header": "仓前街道劳动争议调解中心",
            "number_prefix": "仓劳调",
            "seal": SimpleUploadedFile("印章.png", seal_png()),
        },
    )
    assert response.status_code == 302
    letterhead = Letterhead.objects.get(organisation=org_a)
    assert letterhead.header == "仓前街道劳动争议调解中心" and letterhead.number_prefix == "仓劳调"
    assert stored(letterhead.seal_path).read_bytes() == seal_png() and letterhead.updated_by == admin_a
    html = page(client.get(url))
    assert 'id="seal-preview"' in html and "data:image/png;base64," in html and "仓劳调〔" in html

    response = client.post(
        url, {"header": "抬头", "number_prefix": "仓劳调", "seal": SimpleUploadedFile("seal.png", b"GIF89a not a png")}
    )
    assert response.status_code == 400 and "印章图片须为 PNG 格式（透明背景）" in page(response)
    response = client.post(url, {"header": "抬头", "number_prefix": "仓〔劳〕"})
    assert response.status_code == 400 and "编号前缀不超过12个字" in page(response)
    letterhead.refresh_from_db()
    assert letterhead.header == "仓前街道劳动争议调解中心" and letterhead.number_prefix == "仓劳调"

    response = client.post(url, {"header": "", "number_prefix": "仓劳调", "remove_seal": "on"})
    assert response.status_code == 302
    letterhead.refresh_from_db()
    assert letterhead.seal_path == "" and 'id="no-seal"' in page(client.get(url))


def _images(pdf: Path) -> list[str]:
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines()[2:] if line.strip()]


def test_the_seal_is_printed_on_a_notice_issued_after_it_is_set(client, org_a, admin_a, mediator_a):
    before = issue(accepted_case(org_a, mediator_a), mediator_a)
    client.force_login(admin_a)
    client.post(
        reverse("documents:letterhead", args=[org_a.pk]),
        {"header": "", "number_prefix": "仓劳调", "seal": SimpleUploadedFile("seal.png", seal_png())},
    )
    after = issue(accepted_case(org_a, mediator_a), mediator_a)
    assert after.number.startswith("仓劳调〔") and before.number.startswith("调")
    old, new = before.versions.get(), after.versions.get()
    assert len(_images(stored(new.pdf_path))) > len(_images(stored(old.pdf_path)))
    assert any("smask" in line for line in _images(stored(new.pdf_path)))  # the PNG's transparency came along
    assert new.pdf_size > old.pdf_size
