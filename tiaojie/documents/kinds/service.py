"""送达回证: proof that an issued document reached a party (民事诉讼法 arts 87–90, applied by analogy). One per
served document (subject "doc:<Document.pk>"); filled from its recorded services, or left blank to fill by hand
when nothing is recorded yet."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tiaojie.cases.models import Case
from tiaojie.documents.content import Content, Fields, Para
from tiaojie.documents.kinds import REGISTRY, KindSpec, NotApplicable, register
from tiaojie.documents.kinds.common import BLANK, applicant_names
from tiaojie.documents.models import Document, Kind, Service
from tiaojie.lib.cndates import chinese_datetime

PREFIX = "doc:"
BASIS = gettext_noop(
    "《民事诉讼法》第八十七条：送达诉讼文书必须有送达回证，由受送达人在送达回证上记明收到日期，签名或者盖章；"
    "第八十八条至第九十条（直接送达、留置送达、电子送达），参照适用"
)


def served_kinds() -> list[str]:
    return [kind for kind, spec in REGISTRY.items() if spec.served]


def _subjects(case: Case) -> list[str]:
    ids = (
        Document.objects.filter(case=case, kind__in=served_kinds())
        .order_by("issued_at", "id")
        .values_list("pk", flat=True)
    )
    return [f"{PREFIX}{pk}" for pk in ids]


def _filled(document: Document, service: Service) -> Fields:
    method = str(service.get_method_display())
    if service.tracking_number:
        method += f"（邮件单号：{service.tracking_number}）"
    if service.outcome == Service.Outcome.SIGNED:
        signed = f"已签收（{service.receiver}）"
    elif service.outcome == Service.Outcome.REFUSED:
        signed = "拒绝签收，已留置送达"
    else:
        signed = str(service.get_outcome_display())
    relation = service.receiver_relation.strip()
    proxy = f"由{relation}代收" if relation and relation != "本人" else "—"
    refusal = f"拒收事由：{service.refusal_reason}；见证人：{service.witness}" if service.outcome == "refused" else "—"
    notes = [service.note] if service.note else []
    if service.file_path:
        notes.append("签收回证扫描件已存档")
    return Fields(
        rows=(
            ("送达文书名称及编号", f"{document.get_kind_display()}（{document.number}）"),
            ("受送达人", service.receiver),
            ("送达地址", service.address_masked or "—"),
            ("送达方式", method),
            ("送达时间", chinese_datetime(service.served_at)),
            ("受送达人签名或盖章", signed),
            ("代收人及代收理由", proxy),
            ("拒收事由及见证人", refusal),
            ("送达人", service.server_name),
            ("备注", "；".join(notes) or "—"),
        )
    )


def _blank(document: Document, receiver: str, address: str) -> Fields:
    return Fields(
        rows=(
            ("送达文书名称及编号", f"{document.get_kind_display()}（{document.number}）"),
            ("受送达人", receiver),
            ("送达地址", address or BLANK),
            ("送达方式", "□直接送达　□邮寄送达　□电子送达"),
            ("送达时间", "　　　　年　　月　　日　　时　　分"),
            ("受送达人签名或盖章", BLANK),
            ("代收人及代收理由", BLANK),
            ("拒收事由及见证人", BLANK),
            ("送达人", BLANK),
            ("备注", BLANK),
        )
    )


def build_service_receipt(case: Case, subject: str) -> Content:
    pk = subject.removeprefix(PREFIX)
    document = (
        Document.objects.filter(case=case, pk=pk, kind__in=served_kinds()).first()
        if subject.startswith(PREFIX) and pk.isdigit()
        else None
    )
    if document is None:
        raise NotApplicable("没有需要送达的已出具文书")
    services = list(document.services.order_by("served_at", "id"))
    content = Content(kind=Kind.SERVICE_RECEIPT, title="送达回证", blocks=[])
    if services:
        content.blocks += [_filled(document, s) for s in services]
    else:
        # Nothing recorded yet: one blank form per party the document goes to (a decline only to the applicant).
        content.blocks.append(_blank(document, applicant_names(case), ""))
        if document.kind != Kind.DECLINE:
            content.blocks.append(_blank(document, case.employer.name, case.employer.address))
    content.blocks.append(
        Para(
            "说明：受送达人应在本回证上记明收到日期并签名或者盖章；受送达人拒绝签收的，送达人应记明拒收事由和日期，"
            "由送达人、见证人签名或者盖章。",
            indent=False,
            align="left",
        )
    )
    content.blocks.append(Para(f"依据：{BASIS}。", indent=False, align="left"))
    content.key_fields = {"document": str(document.get_kind_display()), "number": document.number}
    if services:
        content.key_fields["receiver"] = services[0].receiver
    return content


register(
    KindSpec(
        kind=Kind.SERVICE_RECEIPT,
        build=build_service_receipt,
        subjects=_subjects,
        served=False,
        order=90,
        basis=BASIS,
    )
)
