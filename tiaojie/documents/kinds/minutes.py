"""调解笔录: one per recorded session (subject "minutes:<Minutes.pk>")."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tiaojie.cases.models import Case
from tiaojie.documents.content import Content, Fields, Heading, Para, Signatures, SignBox
from tiaojie.documents.kinds import KindSpec, NotApplicable, register
from tiaojie.documents.kinds.common import applicant_names, claims_sentence, day, paras, worker_boxes
from tiaojie.documents.models import Kind
from tiaojie.lib.cndates import chinese_datetime

PREFIX = "minutes:"


def _subjects(case: Case) -> list[str]:
    from tiaojie.mediation.models import Minutes

    ids = Minutes.objects.filter(case=case).order_by("held_at", "id").values_list("pk", flat=True)
    return [f"{PREFIX}{pk}" for pk in ids]


def mediator_names(case: Case) -> list[str]:
    from tiaojie.mediation.models import MediatorAssignment

    rows = MediatorAssignment.objects.filter(case=case, removed_at__isnull=True).select_related("user").order_by("id")
    return [str(a.user) for a in rows]


def build_minutes(case: Case, subject: str) -> Content:
    from tiaojie.mediation.models import Minutes

    pk = subject.removeprefix(PREFIX)
    minutes = (
        Minutes.objects.select_related("session", "recorded_by").filter(case=case, pk=pk).first()
        if subject.startswith(PREFIX) and pk.isdigit()
        else None
    )
    if minutes is None:
        raise NotApplicable("没有这份调解笔录")
    mediators = mediator_names(case)
    recorder = str(minutes.recorded_by)
    content = Content(kind=Kind.MINUTES, title="劳动争议调解笔录", blocks=[])
    content.blocks += [
        Fields(
            rows=(
                ("案由", f"{applicant_names(case)}与{case.employer.name}劳动争议"),
                ("时间", chinese_datetime(minutes.held_at)),
                ("地点", minutes.place),
                ("调解方式", minutes.session.get_mode_display()),
                ("调解员", "、".join(mediators) or "—"),
                ("记录人", recorder),
                ("参加人员", minutes.participants),
            )
        ),
        Para(f"申请人的请求事项：{claims_sentence(case)}。"),
        Heading("当事人陈述"),
        *paras(minutes.statements),
        Heading("调解意见和方案"),
        *(paras(minutes.proposals) or [Para("（无）")]),
        Heading("签名情况"),
        Para(minutes.signatures),
        Para("以上笔录经当事人阅读（或者向其宣读）无误后签名。", indent=True),
        Signatures(
            boxes=(
                *worker_boxes(case, "申请人（签名）"),
                SignBox(label="被申请人（签名或盖章）", name=case.employer.name),
                *(
                    [SignBox(label="调解员（签名）", name=name) for name in mediators]
                    or [SignBox(label="调解员（签名）")]
                ),
                SignBox(label="记录人（签名）", name=recorder),
            ),
            date_line=day(minutes.held_at),
        ),
    ]
    content.key_fields = {
        "applicants": applicant_names(case),
        "employer": case.employer.name,
        "held": day(minutes.held_at),
        "place": minutes.place,
        "recorder": recorder,
    }
    return content


register(
    KindSpec(
        kind=Kind.MINUTES,
        build=build_minutes,
        subjects=_subjects,
        served=False,
        order=40,
        basis=gettext_noop("《劳动争议调解仲裁法》第十三条：调解劳动争议，应当充分听取双方当事人对事实和理由的陈述"),
    )
)
