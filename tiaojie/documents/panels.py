"""The 法律文书 section of the case page (registered with cases.panels; DocumentsConfig.ready imports this).

One row per document that applies to the case now (kinds.applicable), plus any issued earlier that no longer
applies: issued ones show their number and downloads, the others a draft preview and, for staff, 出具."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from tiaojie.cases.models import Case
from tiaojie.cases.panels import Panel, factory_name, register_panel
from tiaojie.cases.state import case_state
from tiaojie.documents import kinds
from tiaojie.documents.models import CaseFileJob, Document, Kind
from tiaojie.lib.workdays import legal_date
from tiaojie.organisations.access import membership_in

CASEFILE_TEMPLATE = "documents/_casefile.html"
SERVICE_RECEIPT = str(Kind.SERVICE_RECEIPT)


@dataclass
class Row:
    kind: str
    label: str
    subject: str
    subject_label: str
    served: bool
    basis: str
    document: Document | None  # annotated with n_services


def receipt_subject(document: Document) -> str:
    """The subject of a document's 送达回证."""
    return f"doc:{document.pk}"


def _subject_label(subject: str, by_pk: Mapping[int, Document]) -> str:
    """What the subject names, for people: the served document for a 送达回证, else a short reference."""
    if not subject:
        return ""
    prefix, _sep, rest = subject.partition(":")
    if prefix == "doc" and rest.isdigit() and int(rest) in by_pk:
        target = by_pk[int(rest)]
        return f"{target.get_kind_display()} {target.number}"
    return f"#{rest}" if rest else subject


def document_rows(case: Case) -> list[Row]:
    """Every applicable (kind, subject) of the case, with its Document if issued, then issued documents that no
    longer apply (kept visible: an issued document never disappears from the case)."""
    issued = list(
        Document.objects.filter(case=case)
        .select_related("issued_by")
        .annotate(n_services=Count("services"))
        .order_by("issued_at", "pk")
    )
    by_key = {(d.kind, d.subject): d for d in issued}
    by_pk = {d.pk: d for d in issued}
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for spec, subject in kinds.applicable(case):
        key = (str(spec.kind), subject)
        seen.add(key)
        rows.append(
            Row(
                kind=key[0],
                label=str(spec.kind.label),
                subject=subject,
                subject_label=_subject_label(subject, by_pk),
                served=spec.served,
                basis=spec.basis,
                document=by_key.get(key),
            )
        )
    for d in issued:
        if (d.kind, d.subject) in seen:
            continue
        registered = kinds.REGISTRY.get(d.kind)
        rows.append(
            Row(
                kind=d.kind,
                label=d.get_kind_display(),
                subject=d.subject,
                subject_label=_subject_label(d.subject, by_pk),
                served=bool(registered and registered.served),
                basis=registered.basis if registered else "",
                document=d,
            )
        )
    return rows


def unissued_labels(case: Case, rows: list[Row] | None = None) -> list[str]:
    """What "同时出具尚未出具的文书" would number, named for the person deciding whether to tick it (of `rows`,
    the case's document_rows, if the caller has them)."""
    rows = document_rows(case) if rows is None else rows
    return [f"{r.label} {r.subject_label}".strip() for r in rows if r.document is None]


def is_served(kind: str) -> bool:
    spec = kinds.REGISTRY.get(kind)
    return spec is not None and spec.served


def receipt_of(document: Document) -> tuple[Document | None, bool]:
    """The document's 送达回证 if issued, and whether one can be issued now (the kind may not be registered)."""
    subject = receipt_subject(document)
    existing = Document.objects.filter(case_id=document.case_id, kind=SERVICE_RECEIPT, subject=subject).first()
    spec = kinds.REGISTRY.get(SERVICE_RECEIPT)
    return existing, existing is None and spec is not None and subject in spec.subjects(document.case)


def casefile_template() -> str:
    """The case-file section's template name, or "" while it does not exist yet (written separately)."""
    try:
        get_template(CASEFILE_TEMPLATE)
    except TemplateDoesNotExist:
        return ""
    return CASEFILE_TEMPLATE


def panel_context(request: HttpRequest, case: Case, can_act: bool) -> dict[str, Any]:
    membership = membership_in(request.user, case.organisation_id) if request.user.is_authenticated else None
    return {
        "can_act": can_act,
        "rows": _rows(request, case),
        "casefile_panel": factory_name(casefile_panel) if casefile_template() else "",
        "can_manage_letterhead": membership is not None and membership.can_manage_organisation,
    }


def _rows(request: HttpRequest, case: Case) -> list[Row]:
    # Issuing, regenerating and serving a document each write an event (cases.state); what applies can also
    # change with the date (a payment falling overdue), hence the day in the name.
    today = legal_date(timezone.now())
    return case_state(request, case).cached(f"documents:{today.isoformat()}", lambda: document_rows(case))


# Kept with the page (cases.page_cache): the rows change only with an event of the case or the date.
@register_panel
def documents_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    return Panel("documents/_panel.html", panel_context(request, case, can_act), 85)


# Live, inside the documents panel: the case file's background job moves on, and falls stale, without an event.
@register_panel(live=True, inline=True)
def casefile_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    template = casefile_template()
    if not template:
        return None
    return Panel(
        "documents/_casefile_live.html",
        {
            "template": template,
            "job": _latest_job(request, case),
            "missing": unissued_labels(case, _rows(request, case)),
        },
        86,
    )


def _latest_job(request: HttpRequest, case: Case) -> CaseFileJob | None:
    # Whether the case has a job changes only by do_request_case_file, which renews the state version; the job
    # itself moves on in the worker without one, so it is read on each view, when there is one.
    state = case_state(request, case)
    if not state.cached("casefile-job-exists", lambda: CaseFileJob.objects.filter(case=case).exists()):
        return None
    return CaseFileJob.objects.filter(case=case).order_by("-requested_at", "-id").first()
