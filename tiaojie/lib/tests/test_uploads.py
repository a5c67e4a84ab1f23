"""lib.uploads: checking uploads by content, keeping files under PRIVATE_MEDIA_ROOT, and reading them back.
(The root test conftest points PRIVATE_MEDIA_ROOT at a temporary folder for every test.)"""

from __future__ import annotations

import hashlib
import io
import stat
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.http import Http404

from tiaojie.intake.actions import EVIDENCE_RULES
from tiaojie.lib.uploads import (
    BadUpload,
    UploadRules,
    existing_file,
    private_path,
    remove_stored,
    save_upload,
    sha256_of,
    store_bytes,
    store_upload,
    stored_attachment,
)
from tiaojie.mediation.files import SCAN_RULES

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def check(rules: UploadRules, data: bytes) -> str:
    return rules.check(io.BytesIO(data), len(data))


def test_the_kind_is_read_from_the_content():
    assert check(SCAN_RULES, PDF) == "pdf" and check(SCAN_RULES, PNG) == "png"
    assert check(EVIDENCE_RULES, docx()) == "docx"
    with pytest.raises(BadUpload) as refused:  # Word is evidence, not a scan
        check(SCAN_RULES, docx())
    assert refused.value.message == "只接受 PDF、JPEG 或 PNG 文件；该文件的内容不是这几种格式"
    with pytest.raises(BadUpload) as refused:
        check(EVIDENCE_RULES, b"<html><script>alert(1)</script>")
    assert refused.value.message == "只接受 PDF、JPEG、PNG 图片和 Word 文件；该文件的内容不是这几种格式"
    assert refused.value.field_message == "文件格式不支持"


def test_empty_and_too_big_files_are_refused_with_each_forms_words(settings):
    with pytest.raises(BadUpload, match="文件是空的"):
        check(SCAN_RULES, b"")
    settings.EVIDENCE_MAX_BYTES = 2 * 1024 * 1024  # read at each check, as a deployment sets it
    big = PDF + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(BadUpload) as refused:
        check(SCAN_RULES, big)
    assert refused.value.message == "文件太大：不超过 2 MB" and refused.value.field_message == refused.value.message
    with pytest.raises(BadUpload) as refused:
        check(EVIDENCE_RULES, big)
    assert refused.value.message == "文件太大：每个文件不超过 2 MB" and refused.value.field_message == "文件太大"
    own_limit = UploadRules(kinds=("png",), wrong_kind="PNG", too_big="不超过1 KB", max_bytes=1024)
    with pytest.raises(BadUpload, match="不超过1 KB"):
        check(own_limit, PNG + b"\x00" * 1024)


def test_an_upload_is_kept_under_a_random_name_read_only_with_its_hash():
    stored = store_upload(io.BytesIO(PDF), name="C:\\fakepath/../合同.pdf.exe", kind="pdf", folder="evidence/7")
    path = private_path(stored.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT) / "evidence" / "7")
    assert path.suffix == ".pdf" and uuid.UUID(hex=path.stem)  # the kind's extension, never the name's
    assert path.read_bytes() == PDF and stored.size == len(PDF)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest() == sha256_of(io.BytesIO(PDF))
    assert stat.S_IMODE(path.stat().st_mode) == 0o440  # never rewritten, never executable
    assert stored.name == "合同.pdf.exe" and stored.kind == "pdf"
    again = store_upload(io.BytesIO(PDF), name="合同.pdf", kind="pdf", folder="evidence/7")
    assert again.path != stored.path


def test_save_upload_checks_first_and_leaves_nothing_behind():
    with pytest.raises(BadUpload):
        save_upload(io.BytesIO(b"MZ\x90\x00"), 4, name="a.pdf", folder="scans", rules=SCAN_RULES)
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / "scans").exists()
    stored = save_upload(io.BytesIO(PNG), len(PNG), name="scan.png", folder="scans", rules=SCAN_RULES)
    assert stored.kind == "png" and existing_file(stored.path) is not None


def test_a_stored_file_is_never_overwritten(monkeypatch):
    first = store_bytes(b"version 1", folder="documents/1", suffix=".pdf")
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(hex=Path(first.path).stem))
    with pytest.raises(FileExistsError):
        store_bytes(b"version 2", folder="documents/1", suffix=".pdf")
    assert private_path(first.path).read_bytes() == b"version 1"  # the refused write removed nothing


def test_remove_stored_removes_what_a_failed_transaction_wrote():
    written = [store_bytes(b"a", folder="x", suffix=".pdf"), store_bytes(b"b", folder="x", suffix=".docx")]
    remove_stored(*written, None)
    assert all(existing_file(s.path) is None for s in written)
    remove_stored(*written)  # twice is harmless


@pytest.mark.parametrize("relative", ["", "/etc/passwd", "../settings.py", "evidence/../../x", "a\\..\\b"])
def test_a_path_that_leaves_the_root_is_refused(relative):
    with pytest.raises(ValueError):
        private_path(relative)
    assert existing_file(relative) is None
    with pytest.raises(Http404):
        stored_attachment(relative, "pdf", "x.pdf", "x.pdf")


def test_a_download_has_the_checked_type_and_is_never_rendered():
    stored = store_upload(io.BytesIO(PNG), name="收据.png", kind="png", folder="payments/1")
    response = stored_attachment(stored.path, stored.kind, stored.name, "payment-1.png")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith('attachment; filename="payment-1.png"; filename*=UTF-8')
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG
    response.file_to_stream.close()  # not response.close(): its request_finished signal would touch the database
    with pytest.raises(Http404):  # a kind no rule accepts
        stored_attachment(stored.path, "exe", stored.name, "x")
    private_path(stored.path).unlink()
    with pytest.raises(Http404):  # the file is gone
        stored_attachment(stored.path, stored.kind, stored.name, "x")
