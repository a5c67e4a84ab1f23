"""调解申请书 and 口头申请笔录: what the worker asked for, in writing or recorded from an oral application
(调解仲裁法 art 12)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tiaojie.cases.models import Case
from tiaojie.documents.content import Content, Fields, Heading, Para, Signatures, SignBox
from tiaojie.documents.kinds import KindSpec, NotApplicable, register
from tiaojie.documents.kinds.common import (
    applicant_names,
    claims_sentence,
    claims_table,
    day,
    employer_fields,
    paras,
    party_blocks,
    signers,
    total_claimed,
    worker_boxes,
    worker_fields,
)
from tiaojie.documents.models import Kind
from tiaojie.lib.cndates import chinese_datetime
from tiaojie.lib.money import both


def _always(case: Case) -> list[str]:
    return [""]


def build_application(case: Case, subject: str) -> Content:
    content = Content(kind=Kind.APPLICATION, title="劳动争议调解申请书", blocks=[])
    total = total_claimed(case)
    content.blocks += party_blocks(case, content)
    content.blocks += [
        Heading("请求事项"),
        claims_table(case, caption=""),
        Para(
            f"请求被申请人支付或者处理：{claims_sentence(case)}。" + (f"以上金额合计{both(total)}。" if total else "")
        ),
        Heading("事实和理由"),
        *(paras(case.facts) or [Para("（未填写）")]),
        Para(
            "申请人愿意接受调解。为此，特向贵组织申请调解，请依法处理。"
            "申请人知悉：调解遵循自愿原则，自贵组织收到本申请之日起十五日内未达成调解协议的，"
            "可以依法申请仲裁（《劳动争议调解仲裁法》第十四条第三款）。"
        ),
        Para("此致", indent=True),
        Para(case.organisation.name, indent=False),
        Para(
            f"（本组织于{day(case.received_at)}收到本申请，申请方式：{case.get_channel_display()}。）",
            indent=False,
            align="left",
        ),
        Signatures(boxes=tuple(worker_boxes(case, "申请人（签名）")), date_line=day(case.received_at)),
    ]
    content.key_fields = {
        "applicants": "、".join(link.worker.name for link in signers(case)),
        "employer": case.employer.name,
        "received": day(case.received_at),
        "facts": case.facts.strip()[:20],
    }
    if total:
        content.key_fields["total"] = both(total)
    return content


def _oral_subjects(case: Case) -> list[str]:
    from tiaojie.intake.models import OralApplicationRecord

    return [""] if OralApplicationRecord.objects.filter(case=case).exists() else []


def build_oral_record(case: Case, subject: str) -> Content:
    from tiaojie.intake.models import OralApplicationRecord

    record = OralApplicationRecord.objects.select_related("recorded_by").filter(case=case).first()
    if record is None:
        raise NotApplicable("本案不是口头申请，没有口头申请笔录")
    content = Content(kind=Kind.ORAL_RECORD, title="劳动争议调解口头申请笔录", blocks=[])
    recorder = str(record.recorded_by)
    # The worker whose particulars are printed: the one named in the record, else the first applicant.
    links = signers(case)
    named = [link for link in links if link.worker.name == record.applicant_name] or links[:1]
    content.blocks += [
        Fields(
            rows=(
                ("申请时间", chinese_datetime(record.applied_at)),
                ("地点", record.place),
                ("记录人", recorder),
            ),
        ),
        *worker_fields(case, content, links=named),
        employer_fields(case, content),
        Heading("申请事项"),
        *(paras(record.matters) or [Para(claims_sentence(case))]),
        Heading("事实和理由"),
        *paras(record.reasons),
        Para(
            f"申请人{record.applicant_name}于{chinese_datetime(record.applied_at)}以口头方式申请调解，"
            "本组织工作人员当场记录如上（《劳动争议调解仲裁法》第十二条）。"
        ),
        Para(
            f"确认方式：{record.get_confirmation_display()}；确认时间：{chinese_datetime(record.confirmed_at)}。"
            "申请人确认以上记录与其陈述一致。"
        ),
        Signatures(
            boxes=(
                SignBox(label="申请人（签名或捺印）", name=record.applicant_name),
                SignBox(label="记录人（签名）", name=recorder),
            ),
            date_line=day(record.confirmed_at),
        ),
    ]
    content.key_fields = {
        "applicant": record.applicant_name,
        "employer": case.employer.name,
        "applied": day(record.applied_at),
        "recorder": recorder,
        "applicants": applicant_names(case),
    }
    return content


register(
    KindSpec(
        kind=Kind.APPLICATION,
        build=build_application,
        subjects=_always,
        served=False,
        order=10,
        basis=gettext_noop("《劳动争议调解仲裁法》第十二条：当事人申请劳动争议调解可以书面申请，也可以口头申请"),
    )
)
register(
    KindSpec(
        kind=Kind.ORAL_RECORD,
        build=build_oral_record,
        subjects=_oral_subjects,
        served=False,
        order=11,
        basis=gettext_noop(
            "《劳动争议调解仲裁法》第十二条：口头申请的，调解组织应当当场记录申请人基本情况、申请调解的争议事项、"
            "理由和时间"
        ),
    )
)
