"""The only way views fetch documents: through the case they belong to (cases.access), so a user of another
organisation or region gets 404 exactly as for the case itself."""

from __future__ import annotations

from django.http import Http404

from tiaojie.accounts.models import User
from tiaojie.cases.access import Need, access_case, cases_visible_to
from tiaojie.documents.models import CaseFileJob, Document, DocumentVersion, Service


def access_document(user: User, document_id: int | str, *, need: Need = Need.READ) -> Document:
    try:
        pk = int(document_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    document = (
        Document.objects.select_related("case", "organisation").filter(pk=pk, case__in=cases_visible_to(user)).first()
    )
    if document is None:
        raise Http404
    access_case(user, document.case_id, need=need)  # the case-level rule (e.g. ACT) decides the rest
    return document


def access_version(user: User, document_id: int | str, version: int) -> DocumentVersion:
    document = access_document(user, document_id)
    row = document.versions.filter(version=version).first()
    if row is None:
        raise Http404
    return row


def access_service(user: User, service_id: int | str) -> Service:
    """A proof-of-service record (and its scan) through its document's case."""
    try:
        pk = int(service_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    service = Service.objects.filter(pk=pk, document__case__in=cases_visible_to(user)).first()
    if service is None:
        raise Http404
    service.document = access_document(user, service.document_id)
    return service


def access_case_file_job(user: User, job_id: int | str) -> CaseFileJob:
    try:
        pk = int(job_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    job = CaseFileJob.objects.filter(pk=pk, case__in=cases_visible_to(user)).first()
    if job is None:
        raise Http404
    return job
