"""The case file (卷宗) and the JSON export of a case (docs/documents.md).

- POST  documents/case/<id>/casefile/       request a case file (staff who may act); htmx gets the partial back
- GET   documents/casefile/<job>/           the partial, which polls itself every 2 s until done or failed
- GET   documents/casefile/<job>/file.pdf   the merged PDF (anyone who may read the case; each personal number in
                                            it is logged)
- GET   documents/case/<id>/export.json     the hand-off package plus every document, version, service and case
                                            file; personal numbers masked unless ?full=1 (staff who may act; logged)
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.access import Need, access_case, can_act_on
from tiaojie.cases.models import Case
from tiaojie.cases.purpose import purpose_or_refusal
from tiaojie.documents.access import access_case_file_job
from tiaojie.documents.actions import DocumentError, do_request_case_file, verify_url
from tiaojie.documents.casefile import do_log_case_file_download
from tiaojie.documents.models import CaseFileJob, Document
from tiaojie.documents.panels import unissued_labels
from tiaojie.lib.downloads import content_disposition, private_attachment
from tiaojie.lib.uploads import existing_file
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation.handoff import handoff_package

EXPORT_SCHEMA = "tiaojie.case-export/1"
PARTIAL = "documents/_casefile.html"


def _partial(request: AuthedRequest, case: Case, job: CaseFileJob | None, error: str = "") -> HttpResponse:
    context = {
        "case": case,
        "case_file_job": job,
        "can_act": can_act_on(request.user, case),
        "casefile_error": error,
        "casefile_missing": unissued_labels(case),
    }
    return render(request, PARTIAL, context)


@login_required
@require_POST
def request_case_file(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    # An unticked checkbox sends nothing, so absence means "no". The box is never ticked by default: issuing
    # numbers documents for good, so each one must be what someone chose (the form lists them).
    issue_missing = bool(request.POST.get("issue_missing"))
    error, job = "", None
    try:
        job = do_request_case_file(case=case, user=request.user, issue_missing=issue_missing)
    except DocumentError as exc:
        error = exc.message
    if request.htmx:
        if job is None:
            job = CaseFileJob.objects.filter(case=case).order_by("-requested_at", "-id").first()
        return _partial(request, case, job, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("已开始生成卷宗，完成后可在本页下载。"))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#casefile")


@login_required
@require_GET
def case_file_status(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = access_case_file_job(request.user, job_id)
    case = access_case(request.user, job.case_id)
    response = _partial(request, case, job)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def case_file_download(request: AuthedRequest, job_id: int) -> HttpResponseBase:
    job = access_case_file_job(request.user, job_id)
    if job.state != CaseFileJob.State.DONE or not job.pdf_path:
        raise Http404
    path = existing_file(job.pdf_path)
    if path is None:
        raise Http404
    purpose, refusal = purpose_or_refusal(
        request, request.user, job.case, what=_("卷宗"), back=reverse("cases:detail", args=[job.case_id]) + "#casefile"
    )
    if refusal is not None:
        return refusal
    do_log_case_file_download(job=job, user=request.user, request=request, purpose=purpose)
    name = _("卷宗-%(case)s.pdf") % {"case": job.case_id}
    return private_attachment(path, "application/pdf", name, f"casefile-{job.case_id}.pdf", no_store=True)


def _at(value: Any) -> str | None:
    return value.astimezone(LEGAL_TZ).isoformat() if value else None


def export_documents(case: Case) -> list[dict[str, Any]]:
    documents = (
        Document.objects.filter(case=case)
        .select_related("organisation")
        .prefetch_related("versions", "services")
        .order_by("issued_at", "pk")
    )
    return [
        {
            "number": d.number,
            "kind": d.kind,
            "kind_label": str(d.get_kind_display()),
            "subject": d.subject,
            "issued_on": d.issued_on.isoformat(),
            "organisation": d.organisation.name,
            "verification_code": d.verification_code,
            "verify_url": verify_url(d.verification_code),
            "current_version": d.current_version,
            "versions": [
                {
                    "version": v.version,
                    "template_version": v.template_version,
                    "generated_at": _at(v.generated_at),
                    "pdf_sha256": v.pdf_sha256,
                    "pdf_pages": v.pdf_pages,
                    "docx_sha256": v.docx_sha256,
                }
                for v in d.versions.all()
            ],
            "services": [
                {
                    "method": s.method,
                    "served_at": _at(s.served_at),
                    "receiver": s.receiver,
                    "receiver_relation": s.receiver_relation,
                    "outcome": s.outcome,
                    "refusal_reason": s.refusal_reason,
                    "witness": s.witness,
                    "server_name": s.server_name,
                    "tracking_number": s.tracking_number,
                }
                for s in d.services.all()
            ],
        }
        for d in documents
    ]


def export_case_files(case: Case) -> list[dict[str, Any]]:
    jobs = CaseFileJob.objects.filter(case=case, state=CaseFileJob.State.DONE).select_related("requested_by")
    return [
        {
            "id": j.pk,
            "requested_by": str(j.requested_by),
            "requested_at": _at(j.requested_at),
            "finished_at": _at(j.finished_at),
            "documents": j.total,
            "pdf_sha256": j.pdf_sha256,
            "pdf_pages": j.pdf_pages,
        }
        for j in jobs.order_by("requested_at", "pk")
    ]


@login_required
@require_GET
def case_export(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Everything recorded about the case and its documents, as one JSON file (schema in docs/documents.md)."""
    case = access_case(request.user, case_id)
    full = request.GET.get("full") == "1"
    if full and not can_act_on(request.user, case):
        raise PermissionDenied  # full personal numbers are for the staff handling the case
    payload = {
        "schema": EXPORT_SCHEMA,
        "generated_at": _at(timezone.now()),
        "handoff": handoff_package(case, user=request.user, request=request, reveal_pii=full),
        "documents": export_documents(case),
        "case_files": export_case_files(case),
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(
        "attachment", _("案件-%(case)s.json") % {"case": case.pk}, f"case-{case.pk}.json"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
