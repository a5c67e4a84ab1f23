"""Blocks every kind uses: the parties' particulars, the claims, the organisation's seal block, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tiaojie.cases.models import Case, CaseWorker
from tiaojie.cases.queries import case_parties
from tiaojie.documents.content import Block, Content, Fields, Para, Signatures, SignBox, Table
from tiaojie.lib.cndates import chinese_date
from tiaojie.lib.money import both, figures
from tiaojie.lib.workdays import legal_date
from tiaojie.reference.models import Division


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


def worker_fields(
    case: Case,
    content: Content,
    *,
    full: bool = True,
    caption: str = "申请人",
    links: list[CaseWorker] | None = None,
    service_address: bool = False,
) -> list[Fields]:
    """One particulars table per worker (`links`, default all of them). With `full`, the full ID and phone
    numbers are printed (a legal document must identify the party) and recorded in `content.pii` for the
    access log. `service_address` adds the 送达地址 row a confirmation application asks for."""
    out = []
    for link in applicants(case) if links is None else links:
        w = link.worker
        id_number, phone = w.id_number_masked, w.phone_masked
        if full and w.id_number_encrypted:
            id_number = w.reveal("id_number")
            content.pii.append(("cases.worker", w.pk, "id_number"))
        if full and w.phone_encrypted:
            phone = w.reveal("phone")
            content.pii.append(("cases.worker", w.pk, "phone"))
        rows = [
            ("姓名", w.name + ("（代表人）" if link.is_representative and case.is_collective else "")),
            ("性别", w.get_sex_display() if w.sex else ""),
            ("公民身份号码", id_number),
            ("住址", w.address),
            ("联系电话", phone),
        ]
        if service_address:
            rows.append(("送达地址", w.address))
        out.append(Fields(rows=tuple(rows), caption=caption))
    return out


def employer_fields(
    case: Case, content: Content, *, caption: str = "被申请人", service_address: bool = False
) -> Fields:
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
    if service_address:
        rows.append(("送达地址", e.address))
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


# --- helpers of the builders in this package -----------------------------------------------------------------

# A date line the signer fills in by hand.
BLANK_DATE = "　　　　年　　月　　日"
CLOCK_A_LABEL = "收到调解申请起十五日的期限"
CLOCK_B_LABEL = "调解期限"


def deadline_day(content: Content, last_day: dt.date, uncertain: bool, label: str) -> str:
    """The last day of a period in words, or a blank while it is uncertain (counting looked past the years
    the holiday table holds). The blank is recorded in `content.unsettled`, which blocks issuing: a legal
    document shows a date only once it is certain, and never a note for staff."""
    if uncertain:
        content.unsettled.append(f"{label}（{last_day.isoformat()}）")
        return BLANK_DATE
    return day(last_day)


# An empty form cell with room to write in (ideographic spaces survive HTML white-space collapsing).
BLANK = "　\n　"


def paras(text: str) -> list[Para]:
    """Free text typed by staff, one paragraph per line."""
    return [Para(line.strip()) for line in text.splitlines() if line.strip()]


def signers(case: Case) -> list[CaseWorker]:
    """The workers who sign for the applicant side: every worker, but in a collective dispute (ten or more,
    调解仲裁法 art 7) only the elected representatives, so a document does not carry a page of signature lines;
    its table of all workers (`workers_table`) names the rest."""
    links = applicants(case)
    if case.is_collective:
        return [link for link in links if link.is_representative] or links[:1]
    return links


def workers_table(case: Case, content: Content) -> Table:
    """Every worker of a collective dispute, one row each, with the full numbers that identify them."""
    rows = []
    for i, link in enumerate(applicants(case), start=1):
        w = link.worker
        id_number = w.id_number_masked
        if w.id_number_encrypted:
            id_number = w.reveal("id_number")
            content.pii.append(("cases.worker", w.pk, "id_number"))
        rows.append((str(i), w.name + ("（代表人）" if link.is_representative else ""), id_number))
    return Table(
        headers=("序号", "姓名", "公民身份号码"), rows=tuple(rows), caption=f"全体申请人名册（共{len(rows)}人）"
    )


def party_blocks(
    case: Case,
    content: Content,
    *,
    worker_caption: str = "申请人",
    employer_caption: str = "被申请人",
    service_address: bool = False,
) -> list[Block]:
    """The applicants' and the employer's particulars; a collective dispute lists its representatives in full
    and every worker in a table."""
    blocks: list[Block] = []
    caption = f"{worker_caption}（代表人）" if case.is_collective else worker_caption
    blocks += worker_fields(case, content, caption=caption, links=signers(case), service_address=service_address)
    if case.is_collective:
        blocks.append(workers_table(case, content))
    blocks.append(employer_fields(case, content, caption=employer_caption, service_address=service_address))
    content.pii[:] = list(dict.fromkeys(content.pii))  # a representative is in both tables: log each number once
    return blocks


def worker_boxes(case: Case, label: str = "申请人（签名）", note: str = "") -> list[SignBox]:
    return [SignBox(label=label, name=link.worker.name, note=note) for link in signers(case)]


def total_claimed(case: Case) -> Decimal:
    return sum((c.amount_claimed or Decimal("0") for c in case.claims.all()), Decimal("0"))


def county_name(division: Division | None) -> str:
    """The county-level area a division lies in, as courts and arbitration commissions are named after it:
    a city district carries its city (杭州市余杭区), a county or county-level city stands alone (淳安县).
    '' when the division is above county level."""
    if division is None:
        return ""
    chain = [*division.ancestors(), division]
    county = next((d for d in chain if d.level == Division.Level.COUNTY), None)
    if county is None:
        return ""
    # Districts of a municipality (北京市朝阳区) have a placeholder city: the province is the city.
    city = next((d for d in chain if d.level == Division.Level.CITY), None) or next(
        (d for d in chain if d.level == Division.Level.PROVINCE and d.name.endswith("市")), None
    )
    if county.name.endswith("区") and city is not None:
        return city.name + county.name
    return county.name


def blank_if_empty(text: str, width: int = 12) -> str:
    return text or "＿" * width
