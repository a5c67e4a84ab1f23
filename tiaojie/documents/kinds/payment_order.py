"""支付令申请书 (调解仲裁法 art 16; 民事诉讼法 art 225): the worker alone asks the basic court to order the
employer to pay what an effective agreement promised for wages, injury medical costs, compensation or damages,
once a payment is overdue. The same content as the mediation app's printable page (mediation/payment_order.html).

Subject "payment:<id>": the earliest overdue payment. Should that one be paid and a later one fall overdue, the
case may need a new application, which is then a new document."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tiaojie.cases.models import Case
from tiaojie.documents.content import Content, Heading, Para, Signatures, SignBox, Table
from tiaojie.documents.kinds import KindSpec, NotApplicable, register
from tiaojie.documents.kinds.common import (
    applicants,
    county_name,
    day,
    employer_fields,
    today,
    worker_fields,
)
from tiaojie.documents.models import Kind
from tiaojie.lib.money import both, capitals, figures

PREFIX = "payment:"
BASIS = gettext_noop(
    "《劳动争议调解仲裁法》第十六条：因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，"
    "用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令；"
    "《民事诉讼法》第二百二十五条"
)


def _subjects(case: Case) -> list[str]:
    from tiaojie.mediation.models import AgreementItem, Payment
    from tiaojie.mediation.queries import payment_order_view

    payments = list(
        Payment.objects.filter(agreement__case=case, agreement__effective_at__isnull=False)
        .select_related("agreement")
        .order_by("seq")
    )
    if not payments:
        return []
    agreement = payments[0].agreement
    items = list(AgreementItem.objects.filter(agreement=agreement).order_by("position", "id"))
    view = payment_order_view(agreement, items, payments, today())
    if not (view.overdue and view.lines):
        return []
    first = min(view.overdue, key=lambda p: (p.due_date, p.seq))
    return [f"{PREFIX}{first.pk}"]


def build_payment_order(case: Case, subject: str) -> Content:
    from tiaojie.mediation.queries import mediation_state, payment_order_view

    state = mediation_state(case)
    agreement = state.agreement
    if agreement is None or agreement.effective_at is None:
        raise NotApplicable("本案没有已生效的调解协议书，不能申请支付令")
    view = payment_order_view(agreement, state.items, state.payments, today())
    if not view.overdue:
        raise NotApplicable("调解协议约定的款项尚未逾期，暂不能申请支付令")
    if not view.lines:
        raise NotApplicable("未付款项不属于可以申请支付令的事项（拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金）")
    unpaid = view.unpaid_total
    # The applicant is the worker alone: the representatives of a collective dispute, otherwise the first
    # worker, as on the mediation app's page.
    links = applicants(case)
    applicant_links = [link for link in links if link.is_representative] or links[:1]
    names = "、".join(link.worker.name for link in applicant_links)
    employer = case.employer
    county = county_name(employer.division if employer.division_id else case.division) or county_name(case.division)
    court = f"{county}人民法院" if county else "＿＿＿＿＿＿人民法院"
    schedule = "；".join(
        f"第{p.seq}期于{day(p.due_date)}前支付{figures(p.amount)}元"
        + (f"（已于{day(p.paid_on)}支付）" if p.paid_on else "")
        for p in state.payments
    )
    overdue = "；".join(f"第{p.seq}期{figures(p.amount)}元（应于{day(p.due_date)}前支付）" for p in view.overdue)
    content = Content(kind=Kind.PAYMENT_ORDER, title="支付令申请书", blocks=[])
    content.blocks += worker_fields(case, content, links=applicant_links)
    content.blocks.append(employer_fields(case, content))
    content.blocks += [
        Heading("请求事项"),
        Para(f"请求人民法院向被申请人发出支付令，督促被申请人向申请人支付下列款项，合计{both(unpaid)}："),
        Table(
            headers=("事项", "协议金额（元）", "已付冲抵（元）", "未付金额（元）"),
            rows=tuple(
                (
                    f"{line.item.get_type_display()}（{line.label}）",
                    figures(line.agreed),
                    figures(line.covered),
                    figures(line.unpaid),
                )
                for line in view.lines
            ),
            footer=("合计", "", "", figures(unpaid)),
        ),
        Heading("事实和理由"),
        Para(
            f"申请人与被申请人因劳动争议，经{case.organisation.name}调解，双方达成调解协议。调解协议书经双方当事人"
            f"签名或者盖章、调解员签名并加盖调解组织印章，于{day(agreement.effective_at)}生效，对双方具有约束力"
            "（《劳动争议调解仲裁法》第十四条第二款）。"
        ),
        Para(f"调解协议约定被申请人支付：{schedule or '（未约定分期）'}。"),
        Para(
            f"被申请人未在协议约定的期限内履行上述付款义务，逾期未付：{overdue}。已付款项按调解协议所列事项的顺序冲抵，"
            f"其中属于拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金的款项尚有{both(unpaid)}未付。"
            "申请人与被申请人之间没有其他债务纠纷，支付令能够送达被申请人。"
        ),
        Para(f"根据{BASIS}的规定，特向贵院申请支付令。"),
        Para("此致", indent=True),
        Para(court, indent=False),
        Signatures(
            boxes=tuple(SignBox(label="申请人（签名）", name=link.worker.name) for link in applicant_links),
            date_line=day(today()),
        ),
        Heading("附"),
        Para("1. 调解协议书副本一份；", indent=False),
        Para("2. 申请人身份证明；", indent=False),
        Para("3. 被申请人未履行的证明材料（如有）。", indent=False),
    ]
    content.key_fields = {
        "applicants": names,
        "employer": employer.name,
        "unpaid_figures": figures(unpaid),
        "unpaid_capitals": capitals(unpaid),
        "effective": day(agreement.effective_at),
        "court": court,
    }
    return content


register(
    KindSpec(
        kind=Kind.PAYMENT_ORDER,
        build=build_payment_order,
        subjects=_subjects,
        served=False,
        order=80,
        basis=BASIS,
    )
)
