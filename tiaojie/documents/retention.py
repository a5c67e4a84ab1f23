"""Documents' part of the retention job (tiaojie.cases.retention, docs/privacy.md): registered from
DocumentsConfig.ready().

The rendered files print full names, ID and phone numbers, so every version's PDF and .docx and every case file
(卷宗) are deleted from disk (on commit); downloads then answer 404. The rows stay as they are (DocumentVersion
rows are never updated): the number, kind, dates and SHA-256 still let the public verification page confirm a
printed copy that someone holds. A document regenerated afterwards is rendered from the anonymised case.
Service records lose the receiver's name and address, the witness and any scanned receipt.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tiaojie.cases.models import Case
from tiaojie.cases.retention import Anonymisation
from tiaojie.documents.models import CaseFileJob, DocumentVersion, Service


def names(case: Case) -> dict[str, str]:
    found: dict[str, str] = {}
    for service in Service.objects.filter(document__case=case):
        found.setdefault(service.receiver, _("受送达人"))
        if service.witness:
            found.setdefault(service.witness, _("见证人"))
    return found


def anonymise(ctx: Anonymisation) -> None:
    for version in DocumentVersion.objects.filter(document__case=ctx.case):
        ctx.delete_file(version.pdf_path)
        ctx.delete_file(version.docx_path)
    for job in CaseFileJob.objects.filter(case=ctx.case).exclude(pdf_path=""):
        ctx.delete_file(job.pdf_path)
        CaseFileJob.objects.filter(pk=job.pk).update(pdf_path="", message=_("卷宗文件已按保存期限删除"))
    for service in Service.objects.filter(document__case=ctx.case):
        ctx.delete_file(service.file_path)
        Service.objects.filter(pk=service.pk).update(
            receiver=ctx.placeholder(service.receiver, _("受送达人")),
            receiver_relation="",
            address="",
            witness=ctx.placeholder(service.witness, _("见证人")) if service.witness else "",
            tracking_number="",
            refusal_reason=ctx.scrub(service.refusal_reason),
            note=ctx.scrub(service.note),
            file_path="",
            file_name="",
        )
