"""仲裁审查确认申请书 and 司法确认申请书: the joint application of both parties to have an effective agreement
reviewed by the arbitration commission (15 days) or confirmed by a court (30 days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from tiaojie.cases.models import Case
from tiaojie.documents.content import Content, Heading, Para, Signatures, SignBox
from tiaojie.documents.kinds import KindSpec, NotApplicable, register
from tiaojie.documents.kinds.agreement import (
    JUDICIAL_BASIS,
    JUDICIAL_LABEL,
    REVIEW_BASIS,
    REVIEW_BASIS_UNVERIFIED,
    REVIEW_LABEL,
    deadline_text,
    items_table,
    load_state,
    payments_table,
    total_agreed,
)
from tiaojie.documents.kinds.common import (
    BLANK_DATE,
    applicant_names,
    county_name,
    day,
    party_blocks,
    today,
    worker_boxes,
)
from tiaojie.documents.models import Document, Kind
from tiaojie.lib.money import both, capitals, figures


@dataclass(frozen=True)
class Route:
    kind: Kind
    title: str
    body: str  # who decides: 仲裁委员会 / 人民法院
    addressee_suffix: str
    days: int
    request: str
    basis: str
    chosen_route: str  # mediation.Agreement.Route value the parties register for this application


REVIEW = Route(
    kind=Kind.REVIEW_APPLICATION,
    title="仲裁审查确认申请书",
    body="仲裁委员会",
    addressee_suffix="劳动人事争议仲裁委员会",
    days=15,
    request="请求贵委对双方当事人经调解达成的调解协议进行审查，经审查符合条件的，依法制作仲裁调解书。",
    basis=REVIEW_BASIS,
    chosen_route="arbitration_review",
)
JUDICIAL = Route(
    kind=Kind.JUDICIAL_APPLICATION,
    title="司法确认申请书",
    body="人民法院",
    addressee_suffix="人民法院",
    days=30,
    request="请求人民法院依法确认双方当事人经调解达成的调解协议有效。",
    basis=JUDICIAL_BASIS,
    chosen_route="judicial",
)


def _chosen(route_value: str) -> Callable[[Case], list[str]]:
    """The application applies once the agreement is effective AND the parties chose this route (登记在
    "调解协议确认"): an application is the parties' joint act, so it is never made for them by default."""

    def subjects(case: Case) -> list[str]:
        from tiaojie.mediation.models import Agreement

        chosen = Agreement.objects.filter(case=case, effective_at__isnull=False, confirmation_route=route_value)
        return [""] if chosen.exists() else []

    return subjects


def _route_not_chosen(case: Case, route: Route) -> str | None:
    from tiaojie.mediation.models import Agreement

    agreement = Agreement.objects.filter(case=case).only("confirmation_route").first()
    if agreement is not None and agreement.confirmation_route != route.chosen_route:
        return f"双方当事人尚未选择申请{route.title.removesuffix('申请书')}（请先在“调解协议确认”中登记双方的选择）"
    return None


def _build(case: Case, route: Route) -> Content:
    state = load_state(case)
    agreement = state.agreement
    if agreement is None or agreement.effective_at is None:
        raise NotApplicable("调解协议书尚未生效（需双方当事人、调解员签名并加盖调解组织印章），不能申请确认")
    not_chosen = _route_not_chosen(case, route)
    if not_chosen:
        raise NotApplicable(not_chosen)
    items, payments = state.items, state.payments
    total = total_agreed(items)
    if route is REVIEW:
        last_day, uncertain = agreement.review_due, agreement.review_due_uncertain
    else:
        last_day, uncertain = agreement.judicial_due, agreement.judicial_due_uncertain
    issued = Document.objects.filter(case=case, kind=Kind.AGREEMENT).values_list("number", flat=True).first()
    agreement_ref = f"（编号：{issued}）" if issued else ""
    county = county_name(case.division)
    addressee = f"{county}{route.addressee_suffix}" if county else f"＿＿＿＿＿＿{route.addressee_suffix}"
    content = Content(kind=route.kind, title=route.title, blocks=[])
    content.blocks += party_blocks(
        case,
        content,
        worker_caption="申请人一（劳动者）",
        employer_caption="申请人二（用人单位）",
        service_address=True,
    )
    content.blocks += [
        Heading("请求事项"),
        Para(route.request),
        Heading("事实和理由"),
        Para(
            f"申请人一{applicant_names(case)}与申请人二{case.employer.name}因劳动争议，于{day(case.received_at)}"
            f"向{case.organisation.name}申请调解。经调解，双方自愿达成调解协议{agreement_ref}，"
            f"调解协议书经双方当事人签名或者盖章、调解员签名并加盖调解组织印章，于{day(agreement.effective_at)}生效"
            "（《劳动争议调解仲裁法》第十四条第二款）。协议主要内容如下："
        ),
        items_table(items, caption="协议内容"),
        Para(f"申请人二向申请人一支付上列款项合计{both(total)}。"),
    ]
    if payments:
        content.blocks.append(payments_table(payments))
    content.blocks.append(
        Para(
            "双方当事人确认：上述调解协议是双方真实意思表示，系出于自愿，不存在恶意串通、规避法律的行为，"
            "不损害国家利益、社会公共利益和他人合法权益；如因虚假陈述等原因导致协议被撤销的，愿意承担相应的法律责任。"
        )
    )
    content.blocks.append(Para(deadline_para(content, route, last_day, uncertain)))
    content.blocks += [
        Para(f"依据：{route.basis}。", indent=False),
        Para("此致", indent=True),
        Para(addressee, indent=False),
        Signatures(
            boxes=(
                *worker_boxes(case, "申请人一（签名）"),
                SignBox(label="申请人二（盖章）", name=case.employer.name),
            ),
            date_line=BLANK_DATE,
        ),
        Heading("附"),
        Para("1. 调解协议书原件一份；", indent=False),
        Para("2. 申请人一的身份证明（居民身份证复印件）；", indent=False),
        Para(
            "3. 申请人二的营业执照（或者其他主体资格证明）复印件、法定代表人身份证明书；委托代理人的，另附授权委托书；",
            indent=False,
        ),
        Para("4. 与调解协议相关的其他证明材料。", indent=False),
    ]
    content.key_fields = {
        "applicants": applicant_names(case),
        "employer": case.employer.name,
        "addressee": addressee,
        "effective": day(agreement.effective_at),
        "total_figures": figures(total),
        "total_capitals": capitals(total),
    }
    if last_day:
        content.key_fields["due"] = day(last_day)
    return content


def deadline_para(content: Content, route: Route, last_day: dt.date | None, uncertain: bool) -> str:
    """The period and, once it has passed, a warning (the period is the parties' to keep, not ours to block)."""
    text = f"本申请应当由双方当事人自调解协议生效之日起{route.days}日内共同提出"
    if last_day is None:
        return text + "。"
    label = REVIEW_LABEL if route is REVIEW else JUDICIAL_LABEL
    text += f"，即{deadline_text(content, last_day, uncertain, label)}前。"
    if today() > last_day:
        text += f"注意：该期限已于{day(last_day)}届满，{route.body}可能不予受理，请核实后再提交。"
    return text


def build_review_application(case: Case, subject: str) -> Content:
    return _build(case, REVIEW)


def build_judicial_application(case: Case, subject: str) -> Content:
    return _build(case, JUDICIAL)


register(
    KindSpec(
        kind=Kind.REVIEW_APPLICATION,
        build=build_review_application,
        subjects=_chosen(REVIEW.chosen_route),
        served=False,
        order=70,
        basis=REVIEW_BASIS_UNVERIFIED,
    )
)
register(
    KindSpec(
        kind=Kind.JUDICIAL_APPLICATION,
        build=build_judicial_application,
        subjects=_chosen(JUDICIAL.chosen_route),
        served=False,
        order=71,
        basis=JUDICIAL_BASIS,
    )
)
