"""Case data for the document kinds, built through the real actions (cases, intake, mediation, documents), and
helpers that read rendered files back: `pdftotext`/`pdfinfo` for the PDF, python-docx for the Word file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx import Document as WordDocument

from tiaojie.accounts.models import User
from tiaojie.cases.actions import ClaimInput, EmployerInput, WorkerInput, do_transition_case
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.documents.actions import ServiceInput, do_issue_document, do_record_service
from tiaojie.documents.models import Document
from tiaojie.intake.actions import do_record_oral_application
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation import actions as mediation
from tiaojie.mediation.models import Agreement, Notice, SignerRole
from tiaojie.mediation.tests.factories import pdf_upload, staff
from tiaojie.organisations.models import Organisation

WORKER = "张三丰"
WORKER_PHONE = "13800138000"
WORKER_ADDRESS = "杭州市余杭区仓前街道良睦路1号"
EMPLOYER = "杭州示例电子有限公司"
CREDIT_CODE = "91330110MA2H7Q8K32"  # invented, with a valid check character
LEGAL_REP = "王五"
CONTACT = "李四"
CONTACT_PHONE = "13900139000"
FACTS = "申请人于2024年3月入职被申请人处任操作工，被申请人拖欠申请人2025年11月至12月工资，经多次催要未果。"


def bj(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LEGAL_TZ)  # type: ignore[misc]


def worker(name: str = WORKER, phone: str = WORKER_PHONE, address: str = WORKER_ADDRESS) -> WorkerInput:
    return WorkerInput(name=name, id_number=valid_id_number(), phone=phone, address=address)


def employer() -> EmployerInput:
    return EmployerInput(
        name=EMPLOYER, credit_code=CREDIT_CODE, address="杭州市余杭区文一西路998号", legal_representative=LEGAL_REP
    )


def default_claims() -> list[ClaimInput]:
    return [
        ClaimInput(type="wages", amount=Decimal("12500.00"), description="2025年11月至12月工资"),
        ClaimInput(type="overtime", amount=Decimal("3000.00")),
    ]


def received_case(
    org: Organisation,
    user: User,
    *,
    received_at: dt.datetime,
    workers: list[WorkerInput] | None = None,
    claims: list[ClaimInput] | None = None,
    channel: str = "walk_in",
) -> Case:
    return make_case(
        org,
        user,
        received_at=received_at,
        workers=workers or [worker()],
        claims=claims or default_claims(),
        employer=employer(),
        channel=channel,
        facts=FACTS,
    )


def record_oral(case: Case, user: User) -> None:
    do_record_oral_application(
        case=case,
        actor=staff(user),
        applicant_name=WORKER,
        matters="要求被申请人支付拖欠的工资12500元及加班费3000元。",
        reasons=FACTS,
        applied_at=case.received_at,
        place="本中心接待窗口",
        confirmation="signed",
    )


def accept_and_mediate(case: Case, user: User, admin: User, *, at: dt.datetime) -> None:
    do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(user), at=at)
    do_transition_case(case=case, to=Status.MEDIATING, actor=staff(user), at=at + dt.timedelta(hours=1))
    mediation.do_assign_mediator(case=case, user_id=user.pk, actor=staff(admin))
    mediation.do_set_employer_contact(case=case, name=CONTACT, title="人事经理", phone=CONTACT_PHONE, actor=staff(user))


def hold_session(case: Case, user: User, *, at: dt.datetime) -> None:
    session = mediation.do_schedule_session(
        case=case,
        data=mediation.SessionInput(
            mode="in_person",
            starts_at=at,
            participants=f"申请人{WORKER}；被申请人人事经理{CONTACT}",
            place="第一调解室",
            already_held=True,
        ),
        actor=staff(user),
    )
    mediation.do_record_minutes(
        session=session,
        data=mediation.MinutesInput(
            statements="申请人称：被申请人拖欠两个月工资。\n被申请人称：资金紧张，同意分两期支付。",
            proposals="被申请人分两期支付工资12000元、加班费2000元。",
            signatures="双方当事人及调解员已在笔录上签名",
        ),
        actor=staff(user),
    )


def draft(case: Case, user: User, *, due: dt.date, agreed: list[Decimal] | None = None) -> Agreement:
    """An agreement paying the agreed amounts (default: 12000 + 2000 for the two default claims) in two
    instalments, the first due on `due`."""
    agreement = mediation.do_create_agreement(case=case, actor=staff(user))
    items = list(agreement.items.all())
    amounts = agreed or [Decimal("12000.00"), Decimal("2000.00")]
    if len(amounts) != len(items):
        amounts = [i.amount_agreed for i in items]
    total = sum(amounts, Decimal("0"))
    first = (total / 2).quantize(Decimal("0.01"))
    data = mediation.AgreementInput(
        items=[mediation.ItemInput(item_id=i.pk, amount_agreed=a) for i, a in zip(items, amounts, strict=True)],
        payments=[
            mediation.PaymentInput(due_date=due, amount=first),
            mediation.PaymentInput(due_date=due + dt.timedelta(days=30), amount=total - first),
        ],
        payment_method=Agreement.Method.BANK_TRANSFER,
        payment_method_note="转入申请人工资卡",
        tax_note="上述款项为税前金额，个人所得税由被申请人依法代扣代缴。",
        waived_note="申请人放弃其余加班费请求。",
    )
    return mediation.do_update_agreement(
        agreement=agreement, data=data, expected_version=agreement.version, actor=staff(user)
    )


def sign_every_way(
    agreement: Agreement,
    user: User,
    admin: User,
    *,
    commit: Callable[[], AbstractContextManager[Any]],
    outbox: list[tuple[str, str]],
) -> Agreement:
    """The worker by SMS code, the employer by a scanned page, the mediator and the seal in person: one of each
    method, so the signature notes of the agreement show them all."""
    agreement.refresh_from_db()
    with commit():
        mediation.do_send_signature_code(
            agreement=agreement, role=SignerRole.WORKER, version=agreement.version, actor=staff(user)
        )
    match = re.search(r"验证码(\d{6})", outbox[-1][1])
    assert match is not None
    mediation.do_sign_with_code(
        agreement=agreement,
        role=SignerRole.WORKER,
        code=match.group(1),
        signer_name="",
        version=agreement.version,
        actor=staff(user),
    )
    upload = pdf_upload()
    mediation.do_sign_with_scan(
        agreement=agreement,
        role=SignerRole.EMPLOYER,
        upload=upload,
        name=upload.name,
        size=upload.size,
        signer_name="",
        version=agreement.version,
        actor=staff(user),
    )
    mediation.do_sign_in_person(
        agreement=agreement, role=SignerRole.MEDIATOR, version=agreement.version, actor=staff(user)
    )
    mediation.do_sign_in_person(
        agreement=agreement, role=SignerRole.ORGANISATION, version=agreement.version, actor=staff(admin)
    )
    agreement.refresh_from_db()
    agreement.case.refresh_from_db()
    return agreement


def declined_case(org: Organisation, user: User, *, received_at: dt.datetime, reason: str) -> Case:
    case = received_case(org, user, received_at=received_at, channel="online")
    do_transition_case(case=case, to=Status.DECLINED, actor=staff(user), reason=reason)
    mediation.do_issue_decline_notice(case=case, reason=reason, actor_user=user)
    return case


def failed_case(org: Organisation, user: User, *, received_at: dt.datetime, reason: str) -> tuple[Case, Notice]:
    case = received_case(org, user, received_at=received_at)
    do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(user), at=received_at + dt.timedelta(days=1))
    do_transition_case(case=case, to=Status.MEDIATING, actor=staff(user), at=received_at + dt.timedelta(days=2))
    notice = mediation.do_fail_mediation(case=case, category="refused", reason=reason, actor=staff(user))
    return case, notice


def issue(case: Case, kind: str, user: User, subject: str = "") -> Document:
    return do_issue_document(case=case, kind=kind, subject=subject, user=user)


def serve_in_person(document: Document, user: User, *, at: dt.datetime, receiver: str = WORKER) -> None:
    do_record_service(
        document=document,
        data=ServiceInput(
            method="in_person",
            served_at=at,
            receiver=receiver,
            outcome="signed",
            server_name="调解员甲",
            address=WORKER_ADDRESS,
            receiver_relation="本人",
        ),
        user=user,
    )


# --- reading rendered files back ------------------------------------------------------------------------------


def squeeze(text: str) -> str:
    """Without whitespace: a line break inside a name or an amount in the PDF must not fail a search. The
    draft watermark (样稿 未编号, one rotated glyph per line in pdftotext's output) lands between body lines, so
    lines holding a single watermark glyph go too."""
    return re.sub(r"\s+", "", re.sub(r"(?m)^\s*[样稿未编号]\s*$", "", text))


def pdf_text(pdf: bytes | Path, tmp: Path, *, page: int | None = None) -> str:
    path = pdf if isinstance(pdf, Path) else tmp / "doc.pdf"
    if not isinstance(pdf, Path):
        path.write_bytes(pdf)
        dump(pdf, "pdf")
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def pdf_pages(pdf: bytes | Path, tmp: Path) -> int:
    path = pdf if isinstance(pdf, Path) else tmp / "info.pdf"
    if not isinstance(pdf, Path):
        path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    assert match is not None, out
    return int(match.group(1))


def dump(data: bytes, suffix: str) -> None:
    """With TIAOJIE_DOCUMENTS_DUMP=<dir>, keep every file a test reads there, to look at by eye."""
    folder = os.environ.get("TIAOJIE_DOCUMENTS_DUMP")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(data).hexdigest()[:12]
        (Path(folder) / f"{digest}.{suffix}").write_bytes(data)


def docx_text(data: bytes | Path) -> str:
    """Every paragraph and table cell of the Word file, tables nested in cells included."""
    if isinstance(data, bytes):
        dump(data, "docx")
    doc = WordDocument(io.BytesIO(data if isinstance(data, bytes) else data.read_bytes()))
    parts = [p.text for p in doc.paragraphs]

    def tables(items: list) -> None:
        for table in items:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    tables(cell.tables)

    tables(doc.tables)
    return "\n".join(parts)


def assert_contains(text: str, wanted: dict[str, str] | list[str], where: str) -> None:
    flat = squeeze(text)
    values = wanted.values() if isinstance(wanted, dict) else wanted
    missing = [v for v in values if v and squeeze(v) not in flat]
    assert not missing, f"{where}: missing {missing}"
