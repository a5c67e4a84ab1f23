"""Every write of the documents app: issue, regenerate, record service, set the letterhead, request a case
file. Each is one transaction with a CaseEvent; files are written before the rows that name them and removed
again if the transaction fails, so a failed render leaves neither a number used nor a file behind.

Numbers: one sequence per organisation and year in DocumentCounter. The counter row is incremented with an
UPDATE inside the issuing transaction, which holds its row lock until commit: concurrent issuers queue on it,
and a rollback gives the number back, so the sequence has no gaps.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import secrets
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.accounts.actions import do_log_pii_access
from tiaojie.accounts.models import User
from tiaojie.cases.access import can_act_on
from tiaojie.cases.actions import pii_purpose, record_case_event, renew_state_version
from tiaojie.cases.models import Case, CaseEvent
from tiaojie.documents import kinds
from tiaojie.documents.content import Content
from tiaojie.documents.models import (
    CaseFileJob,
    Document,
    DocumentCounter,
    DocumentVersion,
    Kind,
    Letterhead,
    Service,
)
from tiaojie.documents.render import Letter, Rendered, clean_text, render, template_version
from tiaojie.lib.uploads import (
    BadUpload,
    StoredFile,
    UploadRules,
    existing_file,
    remove_stored,
    save_upload,
    store_bytes,
)
from tiaojie.lib.workdays import LEGAL_TZ, legal_date
from tiaojie.organisations.models import Organisation

logger = logging.getLogger(__name__)

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
CODE_LENGTH = 10  # 50 bits: not guessable, and the page it opens shows no personal data anyway


class DocumentError(Exception):
    def __init__(self, message: str, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


def _require_staff(user: User, case: Case) -> None:
    if not can_act_on(user, case):
        raise DocumentError(_("您无权为本案出具文书"))


def verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verify_url(code: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("documents:verify", args=[code])


DEFAULT_PREFIX = re.compile(r"调\d+")


def default_prefix(organisation: Organisation) -> str:
    return f"调{organisation.pk}"


def number_prefix(organisation: Organisation) -> str:
    letterhead = Letterhead.objects.filter(organisation=organisation).first()
    if letterhead and letterhead.number_prefix:
        return letterhead.number_prefix
    return default_prefix(organisation)


def format_number(prefix: str, year: int, seq: int) -> str:
    """GB/T 9704 发文字号 style: prefix〔year〕seq号, the year in hexagonal brackets, no leading zeros."""
    return f"{prefix}〔{year}〕{seq}号"


def allocate_number(organisation: Organisation, year: int) -> int:
    """The next sequence number; call inside the issuing transaction (see the module docstring)."""
    try:
        with transaction.atomic():
            DocumentCounter.objects.get_or_create(organisation=organisation, year=year)
    except IntegrityError:
        pass  # another transaction created it first; the UPDATE below waits for it
    DocumentCounter.objects.filter(organisation=organisation, year=year).update(last=F("last") + 1)
    return DocumentCounter.objects.get(organisation=organisation, year=year).last


def document_header(organisation: Organisation) -> str:
    """The header line of the organisation's documents: its letterhead's, else its name."""
    letterhead = Letterhead.objects.filter(organisation=organisation).first()
    return (letterhead.header if letterhead else "") or organisation.name


def letter_for(document: Document) -> Letter:
    letterhead = Letterhead.objects.filter(organisation_id=document.organisation_id).first()
    path = existing_file(letterhead.seal_path) if letterhead else None
    seal = path.read_bytes() if path else None
    return Letter(
        header=document_header(document.organisation),
        number=document.number,
        code=document.verification_code,
        verify_url=verify_url(document.verification_code),
        seal_png=seal,
    )


def draft_letter(case: Case) -> Letter:
    return Letter(header=document_header(case.organisation), number=None)


def _render_or_explain(content: Content, letter: Letter) -> Rendered:
    """Render, or a DocumentError the page can show: the transaction rolls back, no number is used."""
    try:
        return render(content, letter)
    except Exception as exc:  # WeasyPrint, python-docx and Pillow raise many kinds; none may become a 500
        logger.exception("rendering %s failed", content.kind)
        raise DocumentError(_("文书生成失败，请检查案件中的文字内容或联系系统管理员")) from exc


def _keep(data: bytes, folder: str, suffix: str, written: list[StoredFile]) -> StoredFile:
    """Store a generated file (lib.uploads) and note it in `written`, removed if the transaction fails."""
    stored = store_bytes(data, folder=folder, suffix=suffix)
    written.append(stored)
    return stored


def _store_version(
    document: Document,
    version: int,
    rendered: Rendered,
    tv: str,
    pii: list[tuple[str, int, str]],
    user: User | None,
    reason: str,
    written: list[StoredFile],
) -> DocumentVersion:
    folder = f"documents/{document.case_id}"
    pdf = _keep(rendered.pdf, folder, ".pdf", written)
    docx = _keep(rendered.docx, folder, ".docx", written)
    return DocumentVersion.objects.create(
        document=document,
        version=version,
        template_version=tv,
        pdf_path=pdf.path,
        pdf_sha256=pdf.sha256,
        pdf_pages=rendered.pages,
        pdf_size=pdf.size,
        docx_path=docx.path,
        docx_sha256=docx.sha256,
        docx_size=docx.size,
        pii_fields=[list(x) for x in pii],
        reason=reason,
        generated_at=timezone.now(),
        generated_by=user,
    )


def log_pii(
    user: User | None, pii: list[tuple[str, int, str]] | list[list[object]], purpose: str, request: HttpRequest | None
) -> None:
    if user is None:
        return
    for record_type, record_id, field in pii:
        do_log_pii_access(
            user=user,
            record_type=str(record_type),
            record_id=record_id,
            field=str(field),
            request=request,
            purpose=purpose,
        )


def _refuse_unsettled(content: Content, kind: str) -> None:
    """Refuse to issue while a date in the content is uncertain (kinds.common.deadline_day): a document once
    numbered and served cannot take a wrong date back, so staff are told what to wait for instead."""
    if content.unsettled:
        raise DocumentError(
            _(
                "%(kind)s中的%(dates)s落在尚未录入节假日安排的年份，日期尚不确定，暂不能出具。"
                "请管理员在“节假日安排”中录入该年的安排后再出具。"
            )
            % {"kind": Kind(kind).label, "dates": "、".join(content.unsettled)}
        )


def do_issue_document(
    *, case: Case, kind: str, subject: str = "", user: User, request: HttpRequest | None = None, check: bool = True
) -> Document:
    """Number the document, render version 1 (PDF and .docx) and store it. `check=False` is for the case-file
    worker, which runs with the requesting user's authority already checked."""
    if check:
        _require_staff(user, case)
    if Document.objects.filter(case=case, kind=kind, subject=subject).exists():
        raise DocumentError(_("该文书已经出具；如内容有变化，请重新生成新版本"))
    try:
        content = kinds.build(case, kind, subject)
    except kinds.NotApplicable as exc:
        raise DocumentError(exc.message) from exc
    _refuse_unsettled(content, kind)
    now = timezone.now()
    year = legal_date(now).year
    written: list[StoredFile] = []
    try:
        with transaction.atomic():
            seq = allocate_number(case.organisation, year)
            document = Document.objects.create(
                case=case,
                kind=kind,
                subject=subject,
                organisation=case.organisation,
                number=format_number(number_prefix(case.organisation), year, seq),
                year=year,
                seq=seq,
                verification_code=verification_code(),
                issued_on=legal_date(now),
                issued_at=now,
                issued_by=user,
                current_version=1,
            )
            rendered = _render_or_explain(content, letter_for(document))
            _store_version(document, 1, rendered, template_version(content), content.pii, user, _("首次出具"), written)
            log_pii(user, content.pii, f"document {document.number}", request)
            record_case_event(
                case=case,
                at=now,
                kind=CaseEvent.Kind.DOCUMENT,
                actor=user,
                reason=_("出具%(kind)s %(number)s") % {"kind": Kind(kind).label, "number": document.number},
                data={"document": document.pk, "kind": kind, "version": 1},
            )
    except IntegrityError as exc:
        remove_stored(*written)
        raise DocumentError(_("该文书刚刚已由他人出具，请刷新页面")) from exc
    except BaseException:
        remove_stored(*written)
        raise
    return document


def do_regenerate_document(
    *, document: Document, user: User, reason: str, request: HttpRequest | None = None
) -> DocumentVersion:
    """A new version from the current case data with the same number and code; earlier versions stay."""
    case = document.case
    _require_staff(user, case)
    if not reason.strip():
        raise DocumentError(_("请说明重新生成的原因"), {"reason": _("请说明重新生成的原因")})
    try:
        content = kinds.build(case, document.kind, document.subject)
    except kinds.NotApplicable as exc:
        raise DocumentError(exc.message) from exc
    _refuse_unsettled(content, document.kind)
    written: list[StoredFile] = []
    try:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            version = locked.current_version + 1
            rendered = _render_or_explain(content, letter_for(locked))
            row = _store_version(
                locked, version, rendered, template_version(content), content.pii, user, reason.strip()[:200], written
            )
            Document.objects.filter(pk=locked.pk).update(current_version=version)
            log_pii(user, content.pii, f"document {locked.number}", request)
            record_case_event(
                case=case,
                at=timezone.now(),
                kind=CaseEvent.Kind.DOCUMENT,
                actor=user,
                reason=_("重新生成%(kind)s %(number)s 第%(version)d版：%(reason)s")
                % {
                    "kind": locked.get_kind_display(),
                    "number": locked.number,
                    "version": version,
                    "reason": reason.strip(),
                },
                data={"document": locked.pk, "kind": locked.kind, "version": version},
            )
    except BaseException:
        remove_stored(*written)
        raise
    document.current_version = version
    return row


def log_download(*, version: DocumentVersion, user: User, request: HttpRequest | None, purpose: str = "") -> None:
    """A download of a file that prints full personal numbers is a view of them: log each one, with the purpose
    a supervisor stated (cases.actions.require_stated_purpose)."""
    base = f"download {version.document.number} v{version.version}"
    log_pii(user, version.pii_fields, pii_purpose(base, purpose), request)


@dataclass
class ServiceInput:
    method: str
    served_at: dt.datetime
    receiver: str
    outcome: str
    server_name: str
    receiver_relation: str = ""
    address: str = ""
    refusal_reason: str = ""
    witness: str = ""
    tracking_number: str = ""
    note: str = ""


def validate_service(data: ServiceInput, now: dt.datetime, issued_at: dt.datetime | None = None) -> dict[str, str]:
    """The rules of a service record; `issued_at` is the document's: it cannot be served before it existed."""
    errors: dict[str, str] = {}
    if data.method not in Service.Method.values:
        errors["method"] = _("请选择送达方式")
    if data.outcome not in Service.Outcome.values:
        errors["outcome"] = _("请选择送达结果")
    if not data.receiver.strip():
        errors["receiver"] = _("请填写受送达人")
    if not data.server_name.strip():
        errors["server_name"] = _("请填写送达人")
    if data.served_at > now + dt.timedelta(minutes=5):
        errors["served_at"] = _("送达时间不能晚于现在")
    elif issued_at is not None and data.served_at < issued_at - dt.timedelta(minutes=5):
        errors["served_at"] = _("送达时间不能早于文书出具时间（%(at)s）") % {
            "at": issued_at.astimezone(LEGAL_TZ).strftime("%Y-%m-%d %H:%M")
        }
    if data.outcome == Service.Outcome.REFUSED:
        # 民事诉讼法 art 89: 留置送达 needs the reason and a witness (or photos/video) recorded.
        if data.method != Service.Method.IN_PERSON:
            errors["outcome"] = _("只有直接送达时才可能拒绝签收（留置送达）")
        if not data.refusal_reason.strip():
            errors["refusal_reason"] = _("拒绝签收的，请记明拒收事由")
        if not data.witness.strip():
            errors["witness"] = _("拒绝签收的，请填写见证人")
    if data.method == Service.Method.POST and not data.tracking_number.strip():
        errors["tracking_number"] = _("邮寄送达请填写邮件单号")
    if data.method == Service.Method.ELECTRONIC and not data.address.strip():
        errors["address"] = _("电子送达请填写送达的手机号码或电子邮箱")
    return errors


def do_record_service(
    *, document: Document, data: ServiceInput, user: User, scan: tuple[IO[bytes], int, str] | None = None
) -> Service:
    """Record how the document reached a party; `scan` is an optional signed receipt (file, size, name)."""
    from tiaojie.mediation.files import SCAN_RULES

    case = document.case
    _require_staff(user, case)
    now = timezone.now()
    errors = validate_service(data, now, document.issued_at)
    if errors:
        raise DocumentError(_("请检查送达记录"), errors)
    stored = None
    if scan is not None:
        upload, size, name = scan
        try:
            stored = save_upload(upload, size, name=name, folder=f"documents/{case.pk}/service", rules=SCAN_RULES)
        except BadUpload as exc:
            raise DocumentError(exc.message, {"scan": exc.message}) from exc
    try:
        with transaction.atomic():
            service = Service.objects.create(
                document=document,
                method=data.method,
                served_at=data.served_at,
                receiver=data.receiver.strip(),
                receiver_relation=data.receiver_relation.strip(),
                address=data.address.strip(),
                outcome=data.outcome,
                refusal_reason=data.refusal_reason.strip(),
                witness=data.witness.strip(),
                server_name=data.server_name.strip(),
                tracking_number=data.tracking_number.strip(),
                note=data.note.strip(),
                file_path=stored.path if stored else "",
                file_kind=stored.kind if stored else "",
                file_name=stored.name if stored else "",
                file_sha256=stored.sha256 if stored else "",
                recorded_by=user,
                recorded_at=now,
            )
            record_case_event(
                case=case,
                at=now,
                kind=CaseEvent.Kind.SERVICE,
                actor=user,
                reason=_("%(kind)s %(number)s：%(method)s，%(receiver)s，%(outcome)s")
                % {
                    "kind": document.get_kind_display(),
                    "number": document.number,
                    "method": service.get_method_display(),
                    "receiver": service.receiver,
                    "outcome": service.get_outcome_display(),
                },
                data={"document": document.pk, "service": service.pk},
            )
    except BaseException:
        remove_stored(stored)
        raise
    return service


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SEAL_MAX_BYTES = 1024 * 1024
SEAL_RULES = UploadRules(
    kinds=("png",),
    wrong_kind=gettext_lazy("印章图片须为 PNG 格式（透明背景）"),
    too_big=gettext_lazy("印章图片不超过1 MB"),
    max_bytes=SEAL_MAX_BYTES,
)
SEAL_MAX_PIXELS = 1200  # a seal is printed 40 mm wide: 1200 px is 760 dpi, and renders stay cheap


def normalised_seal(data: bytes) -> bytes:
    """The seal as uploaded once it decodes completely within the size limit, or ValueError with a message: a
    file that only starts like a PNG, or one with huge dimensions, would otherwise break or slow every render."""
    from PIL import Image, UnidentifiedImageError

    if not data.startswith(PNG_MAGIC):
        raise ValueError(_("印章图片须为 PNG 格式（透明背景）"))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.width > SEAL_MAX_PIXELS or image.height > SEAL_MAX_PIXELS:
                raise ValueError(_("印章图片不超过 %(n)d×%(n)d 像素") % {"n": SEAL_MAX_PIXELS})
            image.load()  # decodes every pixel: a truncated or corrupt stream fails here, not at render time
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError(_("印章图片已损坏，无法读取")) from exc
    return data


def do_set_letterhead(
    *,
    organisation: Organisation,
    user: User,
    header: str,
    number_prefix: str,
    seal: tuple[IO[bytes], int] | None = None,
    remove_seal: bool = False,
) -> Letterhead:
    """An organisation administrator sets its header, number prefix and seal image (PNG with transparency).
    Documents already issued keep the look they were rendered with; new versions use the new one."""
    from tiaojie.organisations.access import membership_in

    membership = membership_in(user, organisation.pk)
    if membership is None or not membership.can_manage_organisation:
        raise DocumentError(_("只有本组织的管理员可以设置文书样式"))
    errors = {}
    header, number_prefix = header.strip(), number_prefix.strip()
    if len(header) > 100:
        errors["header"] = _("文书抬头不超过100个字")
    header = clean_text(header)
    if (
        len(number_prefix) > 12
        or any(c in number_prefix for c in "〔〕[]号 ")
        or clean_text(number_prefix) != number_prefix
    ):
        errors["number_prefix"] = _("编号前缀不超过12个字，不含括号、空格和“号”字")
    elif DEFAULT_PREFIX.fullmatch(number_prefix) and number_prefix != default_prefix(organisation):
        errors["number_prefix"] = _("“调”加数字的前缀留给未设置前缀的组织使用，请另选前缀")
    elif (
        number_prefix
        and Letterhead.objects.filter(number_prefix=number_prefix).exclude(organisation=organisation).exists()
    ):
        errors["number_prefix"] = _("该编号前缀已被其他调解组织使用，请另选前缀")
    seal_bytes = None
    if seal is not None:
        upload, size = seal
        try:  # size and kind as for any upload (lib.uploads), then decoded in full
            SEAL_RULES.check(upload, size)
            upload.seek(0)
            seal_bytes = normalised_seal(upload.read())
        except ValueError as exc:  # BadUpload is one, with its message
            errors["seal"] = str(exc)
    if errors:
        raise DocumentError(_("请检查文书样式"), errors)
    written: list[StoredFile] = []
    try:
        with transaction.atomic():
            letterhead, _created = Letterhead.objects.select_for_update().get_or_create(organisation=organisation)
            letterhead.header = header
            letterhead.number_prefix = number_prefix
            letterhead.updated_by = user
            fields = ["header", "number_prefix", "updated_by", "updated_at"]
            if seal_bytes is not None:
                stored = _keep(seal_bytes, f"letterheads/{organisation.pk}", ".png", written)
                letterhead.seal_path, letterhead.seal_sha256 = stored.path, stored.sha256
                fields += ["seal_path", "seal_sha256"]
            elif remove_seal:
                letterhead.seal_path, letterhead.seal_sha256 = "", ""
                fields += ["seal_path", "seal_sha256"]
            letterhead.save(update_fields=fields)
    except BaseException:
        remove_stored(*written)
        raise
    return letterhead


def do_request_case_file(*, case: Case, user: User, issue_missing: bool = False) -> CaseFileJob:
    """Queue a 卷宗 for the background worker; one job at a time per case."""
    _require_staff(user, case)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        active = CaseFileJob.objects.filter(case=case, state__in=[CaseFileJob.State.QUEUED, CaseFileJob.State.RUNNING])
        for running in active:
            if not running.stale:
                return running
        # Whatever is left lost its worker; give it up (a late finish then discards its file, casefile.py).
        active.update(state=CaseFileJob.State.FAILED, message=_("生成超时，已中止。"), finished_at=timezone.now())
        job = CaseFileJob.objects.create(
            case=case, requested_by=user, requested_at=timezone.now(), issue_missing=issue_missing
        )
        # A new state of the case, as an event would make: the kept case page knows from it whether the case
        # has a job at all (documents.panels.casefile_panel), and reads the job on each view only if so.
        renew_state_version(case)

        def enqueue() -> None:
            from tiaojie.documents.tasks import build_case_file

            build_case_file.enqueue(job.pk)

        transaction.on_commit(enqueue)
    return job


def preview(case: Case, kind: str, subject: str = "", *, user: User, request: HttpRequest | None = None) -> Rendered:
    """An unnumbered draft (watermarked 样稿) to look at before issuing; nothing is stored, but the personal
    numbers it prints are logged as viewed by `user`."""
    _require_staff(user, case)
    try:
        content = kinds.build(case, kind, subject)
    except kinds.NotApplicable as exc:
        raise DocumentError(exc.message) from exc
    rendered = render(content, draft_letter(case))
    log_pii(user, content.pii, f"preview {kind} case {case.pk}", request)
    return rendered
