"""Real-browser journey of a legal document: a mediator previews the 受理通知书 draft, issues it, downloads the
PDF, records a refused service (after the page says a witness is missing), and a stranger with no account opens
the verification URL the detail page shows, on a phone.

The case's worker has no ID or phone number: nothing printed is a full personal number, so no row goes to the
append-only PiiAccessLog, which the SQLite flush after a live_server test could not delete (test_views covers the
logging).

Run: DEBUG=1 .venv/bin/python -m pytest tiaojie/documents/tests/test_browser.py -q
Fixtures (chromium, new_context, reference data under live_server) are in the root conftest.py.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.accounts.tests.browser import log_in
from tiaojie.documents.models import Document, Service
from tiaojie.documents.tests.factories import accepted_case, anonymous_workers
from tiaojie.lib.workdays import LEGAL_TZ

pytestmark = pytest.mark.browser
WORKER = "李四"
PHONE_360 = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "download.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def assert_fits(page: Page, width: int = 360) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_preview_issue_download_serve_and_verify(
    transactional_db, live_server, new_context, settings, tmp_path, org_a, mediator_a
):
    base = live_server.url
    settings.PUBLIC_BASE_URL = base  # the QR code and the page show the URL this server answers
    case = accepted_case(org_a, mediator_a, **anonymous_workers(WORKER))
    context = new_context(accept_downloads=True)
    page = context.new_page()
    log_in(page, base, "mediator_a")
    page.goto(f"{base}/cases/{case.pk}/")
    row = page.locator("#documents [data-kind=acceptance]")
    expect(row).to_contain_text("未出具")

    # The draft opens in a new tab as an inline PDF (chromium's viewer shows it), marked 样稿 and unnumbered.
    with context.expect_page() as popup_info:
        row.get_by_role("link", name="预览样稿").click()
    popup = popup_info.value
    expect(popup).to_have_url(re.compile(rf"/documents/case/{case.pk}/preview/acceptance/$"))
    response = context.request.get(popup.url)  # the same request with the tab's cookies, to read the bytes
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.headers["cache-control"] == "no-store"
    draft = response.body()
    assert draft.startswith(b"%PDF-") and "样稿" in pdf_text(draft, tmp_path)
    popup.close()
    assert not Document.objects.exists()

    # Issue it: the row now shows the number.
    row.get_by_role("button", name="出具").click()
    document = Document.objects.get(case=case, kind="acceptance")
    expect(page.get_by_role("status").first).to_contain_text(f"编号 {document.number}")
    row = page.locator("#documents [data-kind=acceptance]")
    expect(row.locator(".document-number")).to_have_text(document.number)
    expect(row.locator(".service-status")).to_have_text("未送达")

    # Download the PDF: a real PDF carrying the number, under its Chinese name.
    with page.expect_download() as download_info:
        row.get_by_role("link", name="下载 PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"受理通知书_{document.number}_第1版.pdf"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    assert document.number in text and "样稿" not in text

    # Record the service: a refusal without a witness is refused, in Chinese, keeping what was typed.
    row.get_by_role("link", name="详情、送达记录").click()
    expect(page.locator("#document-number")).to_have_text(document.number)
    page.locator("#record-service summary").click()
    form = page.locator("#record-service form")
    served_at = timezone.now().astimezone(LEGAL_TZ)  # served right after it was issued
    form.locator("select[name=method]").select_option("in_person")
    form.locator("input[name=served_at]").fill(served_at.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=receiver]").fill("杭州示例电子有限公司")
    form.locator("input[name=receiver_relation]").fill("人事经理")
    form.locator("select[name=outcome]").select_option("refused")
    form.locator("textarea[name=refusal_reason]").fill("称不同意调解，拒绝签字")
    form.locator("input[name=server_name]").fill("调解员王五")
    form.get_by_role("button", name="保存送达记录").click()
    form = page.locator("#record-service form")
    expect(form.locator("[data-field=witness] .field-error")).to_have_text("拒绝签收的，请填写见证人")
    expect(form.locator("input[name=receiver]")).to_have_value("杭州示例电子有限公司")
    expect(form.locator("textarea[name=refusal_reason]")).to_have_value("称不同意调解，拒绝签字")
    assert not Service.objects.exists()
    form.locator("input[name=witness]").fill("社区干部赵六")
    form.get_by_role("button", name="保存送达记录").click()
    expect(page.get_by_role("status").first).to_contain_text("送达记录已保存")
    service = page.locator(".service").first
    expect(service).to_contain_text("拒绝签收（留置送达）")
    expect(service).to_contain_text("社区干部赵六")
    expect(service).to_contain_text(served_at.strftime("%Y-%m-%d %H:%M"))

    # A stranger on a phone opens the verification URL shown on the page: the facts of the document, no names.
    verify_url = page.locator("#verify-url").get_attribute("href")
    assert verify_url == f"{base}/v/{document.verification_code}/"
    stranger = new_context(**PHONE_360).new_page()
    stranger.goto(verify_url)
    expect(stranger.locator("#verify-number")).to_have_text(document.number)
    expect(stranger.locator("#verify-kind")).to_have_text("受理通知书")
    expect(stranger.locator("#verify-organisation")).to_have_text(org_a.name)
    body = stranger.locator("body")
    expect(body).not_to_contain_text(WORKER)
    expect(body).not_to_contain_text("杭州示例电子有限公司")
    expect(body).not_to_contain_text("社区干部赵六")
    assert_fits(stranger)

    # The stranger checks the downloaded file against the stored fingerprint.
    stranger.locator("input[type=file]").set_input_files(download.path())
    stranger.get_by_role("button", name="核对文件", exact=True).click()
    expect(stranger.locator("#verify-result")).to_contain_text("与第 1 版 PDF 一致")
    assert_fits(stranger)
    assert not PiiAccessLog.objects.exists()


def test_the_documents_panel_fits_a_phone(transactional_db, live_server, new_context, org_a, mediator_a):
    case = accepted_case(org_a, mediator_a, **anonymous_workers(WORKER))
    page = new_context(**PHONE_360).new_page()
    log_in(page, live_server.url, "mediator_a")
    page.goto(f"{live_server.url}/documents/case/{case.pk}/")
    row = page.locator("#documents [data-kind=acceptance]")
    expect(row.get_by_role("button", name="出具")).to_be_visible()
    assert_fits(page)
    row.get_by_role("button", name="出具").click()
    expect(page.locator("#documents [data-kind=acceptance] .document-number")).to_have_text(
        re.compile(r"调\d+〔\d{4}〕1号")
    )
    page.goto(f"{live_server.url}/documents/{Document.objects.get().pk}/")
    expect(page.locator("#document-number")).to_be_visible()
    assert_fits(page)
