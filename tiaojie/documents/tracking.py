"""The documents served on the worker, on the tracking page (registered with cases.tracking in
DocumentsConfig.ready), and their download by the tracking session that opened that case.

"Served on the worker": a document with a proof-of-service record (送达回证) whose receiver is one of the
case's workers. Only the document's current version is offered, as a PDF. The case comes from the tracking
session (intake.access), never from the request: another case's document id answers 404, as does a document
of this case served only on the employer."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tiaojie.cases.actions import Actor, record_case_event
from tiaojie.cases.models import Case, CaseEvent
from tiaojie.cases.panels import Panel
from tiaojie.cases.tracking import register_tracking_section
from tiaojie.cases.transitions import ActorKind
from tiaojie.documents.models import Document, DocumentVersion
from tiaojie.intake.access import access_case_for_tracking_session
from tiaojie.intake.public_views import TRACK_KEY
from tiaojie.lib.downloads import private_attachment
from tiaojie.lib.uploads import existing_file

APPLICANT = Actor(ActorKind.APPLICANT, None, "applicant")


def documents_served_on_worker(case: Case) -> QuerySet[Document]:
    names = [link.worker.name for link in case.case_workers.select_related("worker")]
    return (
        Document.objects.filter(case=case, current_version__gt=0, services__receiver__in=names)
        .distinct()
        .order_by("issued_at", "id")
    )


@register_tracking_section
def documents_tracking(case: Case) -> Panel | None:
    rows = []
    for document in documents_served_on_worker(case).prefetch_related("services"):
        services = sorted(document.services.all(), key=lambda s: (s.served_at, s.pk))
        rows.append({"document": document, "served_at": services[0].served_at if services else None})
    return Panel("documents/track_section.html", {"rows": rows}, 40)


@require_GET
def track_download(request: HttpRequest, document_id: int) -> HttpResponseBase:
    case = access_case_for_tracking_session(request.session, TRACK_KEY)
    if case is None:
        raise Http404
    document = documents_served_on_worker(case).filter(pk=document_id).first()
    if document is None:
        raise Http404
    version = DocumentVersion.objects.filter(document=document, version=document.current_version).first()
    path = existing_file(version.pdf_path) if version is not None else None
    if version is None or path is None:
        raise Http404
    # The file prints the worker's own personal numbers; the case's events say it was fetched from the page.
    record_case_event(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        actor=APPLICANT,
        reason=_("申请人在查询页下载了%(kind)s %(number)s 第%(version)d版")
        % {"kind": document.get_kind_display(), "number": document.number, "version": version.version},
        data={"app": "documents", "step": "track_download", "document": document.pk},
    )
    name = _("%(kind)s_%(number)s.pdf") % {"kind": document.get_kind_display(), "number": document.number}
    fallback = f"{document.kind}-{document.year}-{document.seq}.pdf"
    return private_attachment(path, "application/pdf", name, fallback, no_store=True)
