"""Views of the documents app: thin — parse, access, action, render.

Staff pages (login required) reach documents only through documents.access / cases.access, so another
organisation gets 404. The public verification page (/v/<code>/) shows what a printed document's QR code
promises — number, type, date, issuer and file hashes — and never any personal data."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.access import Need, access_case, can_act_on
from tiaojie.cases.models import Case
from tiaojie.cases.purpose import purpose_or_refusal
from tiaojie.documents import actions
from tiaojie.documents.access import access_document, access_service, access_version
from tiaojie.documents.actions import (
    DocumentError,
    do_issue_document,
    do_record_service,
    do_regenerate_document,
    do_set_letterhead,
    log_download,
    validate_service,
    verify_url,
)
from tiaojie.documents.forms import IssueForm, LetterheadForm, RegenerateForm, ServiceForm, VerifyFileForm
from tiaojie.documents.models import Document, Kind, Letterhead
from tiaojie.documents.panels import casefile_panel, is_served, panel_context, receipt_of
from tiaojie.lib.downloads import content_disposition, private_attachment
from tiaojie.lib.uploads import existing_file, sha256_of, stored_attachment
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation.files import FILE_TYPES
from tiaojie.organisations.access import membership_in

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
CODE_SHAPE = re.compile(r"[A-Z0-9]{1,16}")


# --- helpers ------------------------------------------------------------------------------------------


def _private_file(relative: str) -> Path:
    path = existing_file(relative)
    if path is None:
        raise Http404
    return path


def attach_errors(form: Form, exc: DocumentError) -> None:
    """Put an action's field errors on the form's fields; the rest (or the message alone) above the form."""
    placed = False
    for name, message in exc.field_errors.items():
        if name in form.fields:
            form.add_error(name, message)
            placed = True
        else:
            form.add_error(None, message)
    if not placed:
        form.add_error(None, exc.message)


def _back_to_case(case: Case | int, anchor: str = "documents") -> HttpResponse:
    case_id = case if isinstance(case, int) else case.pk
    return redirect(reverse("cases:detail", args=[case_id]) + f"#{anchor}")


def _back_to_document(document: Document, anchor: str = "") -> HttpResponse:
    return redirect(reverse("documents:detail", args=[document.pk]) + (f"#{anchor}" if anchor else ""))


# --- the case's documents ------------------------------------------------------------------------------


@login_required
@require_GET
def case_documents(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The 法律文书 section on a page of its own (the same content as on the case page)."""
    case = access_case(request.user, case_id)
    can_act = can_act_on(request.user, case)
    casefile = casefile_panel(request, case, can_act)
    context = {"case": case, "panel": panel_context(request, case, can_act), "casefile": casefile and casefile.context}
    return render(request, "documents/case.html", context)


@login_required
@require_GET
def preview(request: AuthedRequest, case_id: int, kind: str) -> HttpResponse:
    """The unnumbered draft (样稿) as an inline PDF, opened in a new tab. Rendered fresh, never stored or cached."""
    case = access_case(request.user, case_id, need=Need.ACT)
    if kind not in Kind.values:
        raise Http404
    subject = request.GET.get("subject", "")[:40]
    try:
        rendered = actions.preview(case, kind, subject, user=request.user, request=request)
    except DocumentError as exc:
        context = {"case": case, "title": Kind(kind).label, "message": exc.message}
        return render(request, "documents/message.html", context, status=400)
    response = HttpResponse(rendered.pdf, content_type=CONTENT_TYPES["pdf"])
    response["Content-Disposition"] = content_disposition(
        "inline", _("%(kind)s（样稿）.pdf") % {"kind": Kind(kind).label}, f"draft-{kind}.pdf"
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def issue(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    form = IssueForm(request.POST)
    if not form.is_valid():
        raise Http404  # an unknown kind: nothing to issue
    try:
        document = do_issue_document(
            case=case,
            kind=form.cleaned_data["kind"],
            subject=form.cleaned_data["subject"],
            user=request.user,
            request=request,
        )
    except DocumentError as exc:
        messages.error(request, exc.message)
        return _back_to_case(case)
    messages.success(
        request,
        _("已出具%(kind)s，编号 %(number)s。") % {"kind": document.get_kind_display(), "number": document.number},
    )
    if form.cleaned_data["open"]:
        return _back_to_document(document)
    return _back_to_case(case)


# --- one document ----------------------------------------------------------------------------------------


def _render_detail(
    request: AuthedRequest,
    document: Document,
    *,
    regenerate_form: RegenerateForm | None = None,
    service_form: ServiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    case = document.case
    can_act = can_act_on(request.user, case)
    receipt, receipt_issuable = receipt_of(document)
    context: dict[str, Any] = {
        "case": case,
        "document": document,
        "versions": list(document.versions.select_related("generated_by").order_by("-version")),
        "services": list(document.services.select_related("recorded_by").order_by("served_at", "pk")),
        "verify_url": verify_url(document.verification_code),
        "can_act": can_act,
        "served": is_served(document.kind),
        "receipt": receipt,
        "receipt_issuable": can_act and receipt is None and receipt_issuable,
        "regenerate_form": regenerate_form or RegenerateForm(),
        "service_form": service_form or ServiceForm(),
    }
    return render(request, "documents/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: AuthedRequest, document_id: int) -> HttpResponse:
    return _render_detail(request, access_document(request.user, document_id))


@login_required
@require_POST
def regenerate(request: AuthedRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id, need=Need.ACT)
    form = RegenerateForm(request.POST)
    if form.is_valid():
        try:
            row = do_regenerate_document(
                document=document, user=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except DocumentError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已生成第%(version)d版，此前的版本仍然保留。") % {"version": row.version})
            return _back_to_document(document, "versions")
    return _render_detail(request, document, regenerate_form=form, status=400)


@login_required
@require_GET
def download(request: AuthedRequest, document_id: int, version: int, ext: str) -> HttpResponseBase:
    if ext not in CONTENT_TYPES:
        raise Http404
    row = access_version(request.user, document_id, version)
    document = row.document
    path = _private_file(row.pdf_path if ext == "pdf" else row.docx_path)
    # The file prints full personal numbers: downloading it is a view of each one, which a supervisor must
    # justify first (cases.purpose).
    what = _("%(kind)s %(number)s 第%(version)d版") % {
        "kind": document.get_kind_display(),
        "number": document.number,
        "version": row.version,
    }
    purpose, refusal = purpose_or_refusal(
        request, request.user, document.case, what=what, back=reverse("documents:detail", args=[document.pk])
    )
    if refusal is not None:
        return refusal
    log_download(version=row, user=request.user, request=request, purpose=purpose)
    name = _("%(kind)s_%(number)s_第%(version)d版.%(ext)s") % {
        "kind": document.get_kind_display(),
        "number": document.number,
        "version": row.version,
        "ext": ext,
    }
    fallback = f"{document.kind}-{document.year}-{document.seq}-v{row.version}.{ext}"
    return private_attachment(path, CONTENT_TYPES[ext], name, fallback)


@login_required
@require_POST
def record_service(request: AuthedRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id, need=Need.ACT)
    form = ServiceForm(request.POST, request.FILES)
    upload = None
    if form.is_valid():
        upload = form.cleaned_data["scan"]
        scan = (upload, upload.size, upload.name) if upload else None
        try:
            service = do_record_service(document=document, data=form.service_input(), user=request.user, scan=scan)
        except DocumentError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("送达记录已保存：%(receiver)s，%(outcome)s。")
                % {"receiver": service.receiver, "outcome": service.get_outcome_display()},
            )
            return _back_to_document(document, "services")
    else:
        # Show every problem at once: the action's rules too, for the fields that did parse.
        now = timezone.now()
        for name, message in validate_service(form.service_input(served_at=now), now, document.issued_at).items():
            if name in form.fields and name not in form.errors:
                form.add_error(name, message)
        upload = request.FILES.get("scan")
    if upload and "scan" not in form.errors:
        # A browser never keeps a chosen file across a reload: say so, or the scan is silently lost.
        form.add_error("scan", _("请重新选择扫描件（页面重新显示后，已选的文件不会保留）"))
    return _render_detail(request, document, service_form=form, status=400)


@login_required
@require_GET
def service_scan(request: AuthedRequest, service_id: int) -> FileResponse:
    service = access_service(request.user, service_id)
    if service.file_kind not in FILE_TYPES:
        raise Http404
    document = service.document
    suffix = FILE_TYPES[service.file_kind][1]
    name = service.file_name or _("送达回证_%(number)s%(suffix)s") % {"number": document.number, "suffix": suffix}
    return stored_attachment(service.file_path, service.file_kind, name, f"service-{service.pk}{suffix}")


# --- the organisation's letterhead ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def letterhead(request: AuthedRequest, organisation_id: int) -> HttpResponse:
    membership = membership_in(request.user, organisation_id, lambda m: m.can_manage_organisation)
    if membership is None:
        raise Http404
    organisation = membership.organisation
    current = Letterhead.objects.filter(organisation_id=organisation.pk).first()
    status = 200
    if request.method == "POST":
        form = LetterheadForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                do_set_letterhead(
                    organisation=organisation,
                    user=request.user,
                    header=d["header"],
                    number_prefix=d["number_prefix"],
                    seal=(d["seal"], d["seal"].size) if d["seal"] else None,
                    remove_seal=d["remove_seal"],
                )
            except DocumentError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("文书样式已保存；此后出具或重新生成的文书使用新的样式。"))
                return redirect("documents:letterhead", organisation_id=organisation.pk)
        status = 400
    else:
        form = LetterheadForm(
            initial={"header": current.header, "number_prefix": current.number_prefix} if current else None
        )
    seal_uri = ""
    seal = existing_file(current.seal_path) if current else None
    if seal is not None:
        seal_uri = "data:image/png;base64," + base64.b64encode(seal.read_bytes()).decode()
    context = {
        "organisation": organisation,
        "letterhead": current,
        "form": form,
        "seal_uri": seal_uri,
        "example_number": actions.format_number(
            actions.number_prefix(organisation), legal_date(timezone.now()).year, 12
        ),
    }
    return render(request, "documents/letterhead.html", context, status=status)


# --- public verification ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a document's number, type, date and issuing organisation, and whether a file someone
    holds is one of its versions. No personal data: no names, no numbers, no case facts, no reasons."""
    code = code.strip().upper()
    document = None
    if CODE_SHAPE.fullmatch(code):  # anything else (a NUL byte, 500 characters) cannot be a code: not found
        document = Document.objects.select_related("organisation").filter(verification_code=code).first()
    versions = list(document.versions.order_by("version")) if document else []
    form = VerifyFileForm()
    result: dict[str, Any] | None = None
    status = 200 if document else 404
    if document is not None and request.method == "POST":
        form = VerifyFileForm(request.POST, request.FILES)
        if form.is_valid():
            digest = sha256_of(form.cleaned_data["file"])
            match = next(
                (
                    (v.version, label)
                    for v in versions
                    for label, sha in (("PDF", v.pdf_sha256), ("Word", v.docx_sha256))
                    if sha == digest
                ),
                None,
            )
            result = {"sha256": digest, "version": match[0] if match else None, "format": match[1] if match else ""}
        else:
            status = 400
    context = {"document": document, "versions": versions, "code": code, "form": form, "result": result}
    return render(request, "documents/verify.html", context, status=status)
