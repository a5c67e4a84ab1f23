"""调解终止书: why mediation ended and the right to arbitrate, with the limitation and its interruption
(调解仲裁法 arts 14, 15, 27). Built from the notice the mediation app issued when the case failed."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tiaojie.cases.models import Case
from tiaojie.documents.content import Content, Heading, Para
from tiaojie.documents.kinds import KindSpec, NotApplicable, register
from tiaojie.documents.kinds.common import (
    CLOCK_A_LABEL,
    applicant_names,
    claims_sentence,
    day,
    deadline_day,
    organisation_seal,
    party_blocks,
)
from tiaojie.documents.models import Kind

NOTICE_KIND = "arbitration_right"


def _subjects(case: Case) -> list[str]:
    return [""] if case.notices.filter(kind=NOTICE_KIND).exists() else []


def build_termination(case: Case, subject: str) -> Content:
    from tiaojie.mediation.texts import claim_assertion_dates

    notice = case.notices.filter(kind=NOTICE_KIND).first()
    if notice is None:
        raise NotApplicable("本案没有调解终止的记录")
    category = str(notice.get_category_display()) if notice.category else "其他"
    assertions = "、".join(day(d) for d in claim_assertion_dates(case)) or day(case.received_at)
    accepted = f"本组织于{day(case.accepted_at)}受理。" if case.accepted_at else ""
    content = Content(kind=Kind.TERMINATION, title="劳动争议调解终止书", blocks=[])
    clock_a = deadline_day(content, case.clock_a_due, case.clock_a_due_uncertain, CLOCK_A_LABEL)
    content.blocks += party_blocks(case, content)
    content.blocks += [
        Heading("争议事项"),
        Para(
            f"申请人与被申请人因劳动争议，申请人于{day(case.received_at)}向本组织申请调解。{accepted}"
            f"请求事项：{claims_sentence(case)}。"
        ),
        Heading("调解终止的原因"),
        Para(f"{category}。{notice.reason}"),
        Para("本组织决定终止调解，本案调解不成。"),
        Heading("申请仲裁的权利"),
        Para(
            "当事人可以依法向有管辖权的劳动人事争议仲裁委员会申请仲裁（《劳动争议调解仲裁法》第十四条第三款、"
            f"第十五条）。自本组织收到调解申请之日起十五日内（{clock_a}二十四时前）"
            "未达成调解协议的，任何一方当事人均可申请仲裁，不受调解的影响。"
        ),
        Para(
            "劳动争议申请仲裁的时效期间为一年，从当事人知道或者应当知道其权利被侵害之日起计算（同法第二十七条"
            "第一款）。申请调解属于向有关部门请求权利救济，使仲裁时效中断，从中断时起，时效期间重新计算"
            f"（同条第二款）。本案申请人主张权利的日期：{assertions}。"
        ),
        Para(
            "劳动关系存续期间因拖欠劳动报酬发生争议的，申请仲裁不受一年时效期间的限制；劳动关系终止的，"
            "应当自劳动关系终止之日起一年内提出（同条第四款）。劳动争议仲裁不收费（同法第五十三条）。"
        ),
        Para("特此证明。"),
        organisation_seal(case, notice.issued_on),
    ]
    content.key_fields = {
        "applicants": applicant_names(case),
        "employer": case.employer.name,
        "reason": notice.reason,
        "date": day(notice.issued_on),
        "received": day(case.received_at),
    }
    return content


register(
    KindSpec(
        kind=Kind.TERMINATION,
        build=build_termination,
        subjects=_subjects,
        served=True,
        order=60,
        basis=gettext_noop("《劳动争议调解仲裁法》第十四条第三款、第十五条、第二十七条"),
    )
)
