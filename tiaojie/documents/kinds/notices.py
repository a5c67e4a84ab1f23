"""受理通知书 and 不予受理通知书 (issued by the organisation; served on the parties)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tiaojie.cases.clock_b import citation_of
from tiaojie.cases.clock_b import stored_terms as clock_b_terms
from tiaojie.cases.models import Case
from tiaojie.documents.content import Content, Para
from tiaojie.documents.kinds import KindSpec, NotApplicable, register
from tiaojie.documents.kinds.common import (
    CLOCK_A_LABEL,
    CLOCK_B_LABEL,
    applicant_names,
    claims_sentence,
    day,
    deadline_day,
    organisation_seal,
)
from tiaojie.documents.models import Kind
from tiaojie.lib.cndates import chinese_number
from tiaojie.lib.workdays import legal_date


def _acceptance_subjects(case: Case) -> list[str]:
    return [""] if case.accepted_at else []


def build_acceptance(case: Case, subject: str) -> Content:
    if case.accepted_at is None:
        raise NotApplicable("案件尚未受理")
    content = Content(kind=Kind.ACCEPTANCE, title="劳动争议调解受理通知书", blocks=[])
    accepted = legal_date(case.accepted_at)
    terms = clock_b_terms(case)
    assert terms is not None  # accepted
    clock_a = deadline_day(content, case.clock_a_due, case.clock_a_due_uncertain, CLOCK_A_LABEL)
    clock_b = (
        deadline_day(content, case.clock_b_due, case.clock_b_due_uncertain, CLOCK_B_LABEL) if case.clock_b_due else ""
    )
    content.blocks += [
        Para(f"{applicant_names(case)}、{case.employer.name}：", indent=False),
        Para(
            f"申请人{applicant_names(case)}于{day(case.received_at)}向本组织提出的与{case.employer.name}之间的劳动争议"
            f"调解申请（请求事项：{claims_sentence(case)}），经审查，属于劳动争议调解范围，本组织决定予以受理。"
        ),
        Para(
            # Where the period runs from, for how long and under which rule: the terms stored at acceptance from
            # the organisation's provincial rule (cases.clock_b, docs/law.md §3).
            f"本组织将自{'收到调解申请之日' if terms.from_receipt else '受理之日'}（{day(terms.start)}）起"
            f"{chinese_number(terms.days)}日内结束调解，即于{clock_b}前结束；"
            f"经双方当事人同意，可以延长调解期限（{citation_of(terms.basis)}）。"
            "调解期间，当事人应当如实陈述事实、提供证据，遵守调解秩序。"
        ),
        Para(
            f"自本组织收到调解申请之日起十五日内（{clock_a}二十四时前）未达成调解协议的，"
            "当事人可以依法申请仲裁，不受调解期限延长的影响（《劳动争议调解仲裁法》第十四条第三款）。"
            "申请调解使仲裁时效中断（同法第二十七条第二款）。"
        ),
        Para("特此通知。"),
        organisation_seal(case, accepted),
    ]
    content.key_fields = {
        "applicants": applicant_names(case),
        "employer": case.employer.name,
        "accepted": day(accepted),
    }
    return content


def _decline_subjects(case: Case) -> list[str]:
    return [""] if case.notices.filter(kind="decline").exists() else []


def build_decline(case: Case, subject: str) -> Content:
    notice = case.notices.filter(kind="decline").first()
    if notice is None:
        raise NotApplicable("本案没有不予受理决定")
    content = Content(kind=Kind.DECLINE, title="劳动争议调解不予受理通知书", blocks=[])
    content.blocks += [
        Para(f"{applicant_names(case)}：", indent=False),
        Para(
            f"你（们）于{day(case.received_at)}向本组织提出的与{case.employer.name}之间的劳动争议调解申请，"
            "经审查，本组织决定不予受理。"
        ),
        Para(f"理由：{notice.reason}"),
        Para(
            "你（们）可以依法向劳动人事争议仲裁委员会申请仲裁，或者向其他依法设立的劳动争议调解组织申请调解。"
            "申请仲裁的时效期间为一年；申请调解使仲裁时效中断，从中断时起重新计算（《劳动争议调解仲裁法》第二十七条）。"
            "劳动争议仲裁不收费（同法第五十三条）。"
        ),
        Para("特此通知。"),
        organisation_seal(case, notice.issued_on),
    ]
    content.key_fields = {"applicants": applicant_names(case), "reason": notice.reason, "date": day(notice.issued_on)}
    return content


register(
    KindSpec(
        kind=Kind.ACCEPTANCE,
        build=build_acceptance,
        subjects=_acceptance_subjects,
        served=True,
        order=30,
        basis=gettext_noop("《企业劳动争议协商调解规定》第二十二条；《劳动争议调解仲裁法》第十四条"),
    )
)
register(
    KindSpec(
        kind=Kind.DECLINE,
        build=build_decline,
        subjects=_decline_subjects,
        served=True,
        order=31,
        basis=gettext_noop("《企业劳动争议协商调解规定》第二十二条"),
    )
)
