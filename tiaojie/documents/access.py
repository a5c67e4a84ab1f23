"""The only way views fetch documents: through the case they belong to (cases.access), so a user of another
organisation or region gets 404 exactly as for the case itself."""

from __future__ import annotations

from tiaojie.accounts.models import User
from tiaojie.cases.access import Need, access_case, cases_visible_to
from tiaojie.documents.models import CaseFileJob, Document, DocumentVersion, Service
from tiaojie.lib.lookup import first_or_404, pk_or_404


def access_document(user: User, document_id: int | str, *, need: Need = Need.READ) -> Document:
    pk = pk_or_404(document_id)
    document = first_or_404(
        Document.objects.select_related("case", "organisation").filter(pk=pk, case__in=cases_visible_to(user))
    )
    access_case(user, document.case_id, need=need)  # the case-level rule (e.g. ACT) decides the rest
    return document


def access_version(user: User, document_id: int | str, version: int) -> DocumentVersion:
    document = access_document(user, document_id)
    return first_or_404(document.versions.filter(version=version))


def access_service(user: User, service_id: int | str) -> Service:
    """A proof-of-service record (and its scan) through its document's case."""
    pk = pk_or_404(service_id)
    service = first_or_404(Service.objects.filter(pk=pk, document__case__in=cases_visible_to(user)))
    service.document = access_document(user, service.document_id)
    return service


def access_case_file_job(user: User, job_id: int | str) -> CaseFileJob:
    pk = pk_or_404(job_id)
    return first_or_404(CaseFileJob.objects.filter(pk=pk, case__in=cases_visible_to(user)))
