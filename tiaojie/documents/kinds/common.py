"""Blocks every kind uses: the parties' particulars, the claims, the organisation's seal block, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tiaojie.cases.models import Case, CaseWorker
from tiaojie.cases.queries import case_parties
from tiaojie.documents.content import Content, Fields, Signatures, SignBox, Table
from tiaojie.lib.cndates import chinese_date
from tiaojie.lib.money import both, figures
from tiaojie.lib.workdays import legal_date


def today() -> dt.date:
    return legal_date(timezone.now())


def day(moment: dt.datetime | dt.date | None) -> str:
    """二〇二六年三月十日 for a date or an aware datetime (Beijing date), '' for None."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        return chinese_date(legal_date(moment))
    return chinese_date(moment)


def applicants(case: Case) -> list[CaseWorker]:
    """The workers of the case, representatives first (a collective dispute is led by them, art 7)."""
    links = case_parties(case)
    return sorted(links, key=lambda link: (not link.is_representative, link.pk))


def applicant_names(case: Case) -> str:
    return "、".join(link.worker.name for link in applicants(case))


def worker_fields(case: Case, content: Content, *, full: bool = True, caption: str = "申请人") -> list[Fields]:
    """One particulars table per worker. With `full`, the full ID and phone numbers are printed (a legal
    document must identify the party) and recorded in `content.pii` for the access log."""
    out = []
    for link in applicants(case):
        w = link.worker
        id_number, phone = w.id_number_masked, w.phone_masked
        if full and w.id_number_encrypted:
            id_number = w.reveal("id_number")
            content.pii.append(("cases.worker", w.pk, "id_number"))
        if full and w.phone_encrypted:
            phone = w.reveal("phone")
            content.pii.append(("cases.worker", w.pk, "phone"))
        rows = [
            ("姓名", w.name + ("（代表人）" if link.is_representative else "")),
            ("性别", w.get_sex_display() if w.sex else ""),
            ("公民身份号码", id_number),
            ("住址", w.address),
            ("联系电话", phone),
        ]
        out.append(Fields(rows=tuple(rows), caption=caption))
    return out


def employer_fields(case: Case, content: Content, *, caption: str = "被申请人") -> Fields:
    e = case.employer
    rows = [
        ("单位名称", e.name),
        ("统一社会信用代码", e.credit_code or ""),
        ("住所", e.address),
        ("法定代表人", e.legal_representative),
    ]
    contact = getattr(case, "employer_contact", None)
    if contact is not None:
        phone = contact.reveal_phone()
        if phone:
            content.pii.append(("mediation.employercontact", contact.pk, "phone"))
        rows.append(("联系人及电话", f"{contact.name}{'（' + contact.title + '）' if contact.title else ''} {phone}"))
    return Fields(rows=tuple(rows), caption=caption)


def claims_table(case: Case, caption: str = "请求事项") -> Table:
    rows = []
    total = Decimal("0")
    for c in case.claims.order_by("id"):
        amount = figures(c.amount_claimed) if c.amount_claimed is not None else "—"
        total += c.amount_claimed or 0
        rows.append((str(c.get_type_display()), c.description or "", amount))
    return Table(
        headers=("请求事项", "说明", "请求金额（元）"),
        rows=tuple(rows),
        footer=("合计", "", figures(total)) if rows else (),
        caption=caption,
    )


def claims_sentence(case: Case) -> str:
    parts = []
    for c in case.claims.order_by("id"):
        text = str(c.get_type_display())
        if c.amount_claimed is not None:
            text += both(c.amount_claimed)
        parts.append(text)
    return "；".join(parts) or "（未列明）"


def organisation_seal(case: Case, on: dt.date | None, *, sealed: bool = True) -> Signatures:
    """The organisation signs notices it issues: its name and seal, and the date."""
    return Signatures(
        boxes=(SignBox(label="调解组织（盖章）", name=case.organisation.name, seal=True, sealed=sealed),),
        date_line=chinese_date(on or today()),
    )
