"""调解协议书 (调解仲裁法 art 14): parties, requests, the agreed result per claim item, the payment schedule, the
legal effect and the four signatures (both parties, the mediator, the organisation's seal)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop

from tiaojie.cases.models import Case
from tiaojie.documents.content import Block, Content, Heading, Para, Signatures, SignBox, Table
from tiaojie.documents.kinds import KindSpec, NotApplicable, register
from tiaojie.documents.kinds.common import (
    BLANK_DATE,
    applicant_names,
    claims_sentence,
    day,
    deadline_day,
    party_blocks,
    signers,
)
from tiaojie.documents.models import Kind
from tiaojie.lib.cndates import chinese_datetime
from tiaojie.lib.money import both, capitals, figures
from tiaojie.lib.workdays import legal_date

if TYPE_CHECKING:
    from tiaojie.mediation.models import Agreement, AgreementItem, Payment, Signature
    from tiaojie.mediation.queries import MediationState

# Printed in documents without the review mark; KindSpec.basis (shown to staff) keeps it until checked.
REVIEW_BASIS = "《劳动人事争议仲裁办案规则》第七十四条、第七十八条"
# Spelt out, not REVIEW_BASIS + "…": the staff page translates it, which needs one literal msgid.
REVIEW_BASIS_UNVERIFIED = gettext_noop("《劳动人事争议仲裁办案规则》第七十四条、第七十八条〔二手资料，待核对原文〕")
JUDICIAL_BASIS = gettext_noop("《民事诉讼法》第二百零五条、第二百零六条")
SECTION_NUMBERS = "一二三四五六七八"


def load_state(case: Case) -> MediationState:
    from tiaojie.mediation.queries import mediation_state

    return mediation_state(case)


def items_table(items: list[AgreementItem], caption: str = "协议内容") -> Table:
    """Claimed and agreed amount per claim item, with the totals."""
    rows = []
    claimed = agreed = Decimal("0")
    for i, item in enumerate(items, start=1):
        claimed += item.amount_claimed or 0
        agreed += item.amount_agreed
        rows.append(
            (
                str(i),
                str(item.get_type_display()),
                figures(item.amount_claimed) if item.amount_claimed is not None else "—",
                figures(item.amount_agreed),
                item.note,
            )
        )
    return Table(
        headers=("序号", "事项", "请求金额（元）", "协议金额（元）", "说明"),
        rows=tuple(rows),
        footer=("", "合计", figures(claimed), figures(agreed), "") if rows else (),
        caption=caption,
    )


def payments_table(payments: list[Payment]) -> Table:
    return Table(
        headers=("期次", "支付期限", "金额（元）", "金额大写"),
        rows=tuple((f"第{p.seq}期", f"{day(p.due_date)}前", figures(p.amount), capitals(p.amount)) for p in payments),
        caption="支付安排",
    )


def total_agreed(items: list[AgreementItem]) -> Decimal:
    return sum((i.amount_agreed for i in items), Decimal("0"))


REVIEW_LABEL = "申请仲裁审查确认期限"
JUDICIAL_LABEL = "申请司法确认期限"


def deadline_text(content: Content, last_day: dt.date | None, uncertain: bool, label: str) -> str:
    if last_day is None:
        return ""
    return f"{deadline_day(content, last_day, uncertain, label)}二十四时"


def _signature_note(signature: Signature | None) -> str:
    """How and when a box was signed, so a printed copy shows what the system recorded."""
    from tiaojie.mediation.models import Signature as Sig
    from tiaojie.mediation.models import SignerRole

    if signature is None:
        return ""
    when = chinese_datetime(signature.signed_at)
    if signature.method == Sig.Method.SMS_CODE:
        how = "短信验证码确认"
    elif signature.method == Sig.Method.SCAN:
        how = "签字扫描件存档"
    elif signature.role == SignerRole.ORGANISATION:
        how = "管理员登录确认盖章"
    else:
        how = "本人登录确认"
    return f"{when} {how}"


def signature_block(case: Case, state: MediationState) -> Signatures:
    from tiaojie.mediation.models import SignerRole

    agreement = state.agreement
    assert agreement is not None
    by_role = {slot.role: slot.signature for slot in state.slots}
    worker_note = _signature_note(by_role.get(SignerRole.WORKER))
    mediator_sig = by_role.get(SignerRole.MEDIATOR)
    mediators = "、".join(str(a.user) for a in state.assignments)
    seal = by_role.get(SignerRole.ORGANISATION)
    boxes = [
        *(SignBox(label="申请人（签名）", name=link.worker.name, note=worker_note) for link in signers(case)),
        SignBox(
            label="被申请人（盖章）",
            name=case.employer.name,
            note=_signature_note(by_role.get(SignerRole.EMPLOYER)),
        ),
        SignBox(
            label="调解员（签名）",
            name=mediator_sig.signer_name if mediator_sig else mediators,
            note=_signature_note(mediator_sig),
        ),
        SignBox(
            label="调解组织（盖章）",
            name=case.organisation.name,
            note=_signature_note(seal),
            seal=True,
            sealed=seal is not None,
        ),
    ]
    effective = legal_date(agreement.effective_at) if agreement.effective_at else None
    return Signatures(boxes=tuple(boxes), date_line=day(effective) if effective else BLANK_DATE)


def _subjects(case: Case) -> list[str]:
    from tiaojie.mediation.models import Agreement

    return [""] if Agreement.objects.filter(case=case).exists() else []


def build_agreement(case: Case, subject: str) -> Content:
    state = load_state(case)
    agreement = state.agreement
    if agreement is None:
        raise NotApplicable("本案尚未起草调解协议书")
    items, payments = state.items, state.payments
    total = total_agreed(items)
    content = Content(kind=Kind.AGREEMENT, title="劳动争议调解协议书", subtitle="（一式三份）", blocks=[])
    content.blocks += party_blocks(case, content)
    accepted = f"，本组织于{day(case.accepted_at)}受理" if case.accepted_at else ""
    content.blocks += [
        Para(
            f"申请人与被申请人因劳动争议，申请人于{day(case.received_at)}向本组织申请调解{accepted}。"
            f"申请人的请求事项：{claims_sentence(case)}。"
        ),
        Para("经本组织主持调解，双方当事人在平等自愿的基础上，达成如下协议："),
    ]
    sections: list[tuple[str, list[Block]]] = [
        ("协议内容", [items_table(items, caption=""), Para(f"被申请人同意向申请人支付上列款项，合计{both(total)}。")]),
        ("履行期限和方式", performance_blocks(agreement, payments, total)),
    ]
    for heading, text in (
        ("税费", agreement.tax_note),
        ("放弃的请求事项", agreement.waived_note),
        ("其他约定", agreement.other_terms),
    ):
        if text.strip():
            sections.append((heading, [Para(line.strip()) for line in text.splitlines() if line.strip()]))
    sections.append(("协议的效力", effect_blocks(agreement, content)))
    for number, (heading, blocks) in zip(SECTION_NUMBERS, sections, strict=False):
        content.blocks += [Heading(f"{number}、{heading}"), *blocks]
    content.blocks.append(
        dataclasses.replace(signature_block(case, state), lead=("本协议书一式三份，双方当事人和调解组织各执一份。",))
    )
    content.key_fields = {
        "applicants": applicant_names(case),
        "employer": case.employer.name,
        "total_figures": figures(total),
        "total_capitals": capitals(total),
    }
    if agreement.effective_at:
        content.key_fields["effective"] = day(agreement.effective_at)
    return content


def performance_blocks(agreement: Agreement, payments: list[Payment], total: Decimal) -> list[Block]:
    method = str(agreement.get_payment_method_display())
    if agreement.payment_method_note:
        method += f"（{agreement.payment_method_note}）"
    out: list[Block] = []
    if payments:
        out.append(payments_table(payments))
        last = max(p.due_date for p in payments)
        out.append(
            Para(
                f"被申请人应按上表于各期期限届满前支付，最迟于{day(last)}前付清全部款项{both(total)}。"
                f"支付方式：{method}。"
            )
        )
    else:
        out.append(Para(f"本协议不涉及款项支付。履行方式：{method}。"))
    return out


def effect_blocks(agreement: Agreement, content: Content) -> list[Block]:
    confirm = (
        f"双方当事人可以自本协议生效之日起十五日内共同向有管辖权的劳动人事争议仲裁委员会申请仲裁审查确认（{REVIEW_BASIS}），"
        f"或者自生效之日起三十日内共同向人民法院申请司法确认（{JUDICIAL_BASIS}）。"
    )
    if agreement.effective_at:
        confirm += (
            f"本协议已于{day(agreement.effective_at)}生效，上述期限分别至"
            f"{deadline_text(content, agreement.review_due, agreement.review_due_uncertain, REVIEW_LABEL)}和"
            f"{deadline_text(content, agreement.judicial_due, agreement.judicial_due_uncertain, JUDICIAL_LABEL)}。"
        )
    return [
        Para(
            "本协议书由双方当事人签名或者盖章，经调解员签名并加盖调解组织印章后生效，对双方当事人具有约束力，"
            "当事人应当履行（《劳动争议调解仲裁法》第十四条第二款）。一方在协议约定期限内不履行的，另一方可以依法"
            "申请仲裁（同法第十五条）；因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，"
            "用人单位在协议约定期限内不履行的，劳动者可以持本协议书依法向人民法院申请支付令（同法第十六条）。"
        ),
        Para(confirm),
    ]


register(
    KindSpec(
        kind=Kind.AGREEMENT,
        build=build_agreement,
        subjects=_subjects,
        served=True,
        order=50,
        basis=gettext_noop(
            "《劳动争议调解仲裁法》第十四条第二款：调解协议书由双方当事人签名或者盖章，经调解员签名并加盖调解组织"
            "印章后生效，对双方当事人具有约束力，当事人应当履行"
        ),
    )
)
