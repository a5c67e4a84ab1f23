"""Staff pages for intake: assisted intake (walk-ins, stations, oral applications), re-routing, evidence,
and the collective-dispute alerts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.access import Need, access_case
from tiaojie.cases.actions import Actor, CaseActionError
from tiaojie.cases.forms import ClaimFormSet, WorkerFormSet, attach_action_errors, case_input_from_forms
from tiaojie.cases.models import Case, Status
from tiaojie.cases.panels import Panel, register_panel
from tiaojie.cases.post import form_action
from tiaojie.cases.state import case_state
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.access import access_evidence, alerts_visible_to
from tiaojie.intake.actions import (
    do_acknowledge_alert,
    do_add_evidence,
    do_record_oral_application,
    do_reroute_case,
    do_resolve_duplicate,
    do_submit_application,
)
from tiaojie.intake.forms import AssistedIntakeForm, DuplicateForm, EvidenceForm, RerouteForm
from tiaojie.intake.models import DuplicateSuspicion, OralApplicationRecord
from tiaojie.lib.uploads import KINDS, stored_attachment
from tiaojie.organisations.access import access_organisation_for_intake, intake_organisations, membership_in
from tiaojie.organisations.models import Organisation
from tiaojie.reference.models import Division


@login_required
def assisted_intake(request: AuthedRequest) -> HttpResponse:
    organisations = intake_organisations(request.user)
    if not organisations:
        raise Http404
    if request.method == "POST":
        form = AssistedIntakeForm(request.POST, organisations=organisations)
        workers = WorkerFormSet(request.POST, prefix="workers")
        claims = ClaimFormSet(request.POST, prefix="claims")
        if form.is_valid() and workers.is_valid() and claims.is_valid():
            return _submit(request, form, workers, claims)
        messages.error(request, _("申请内容有误，请按提示修改。"))
    else:
        form = AssistedIntakeForm(organisations=organisations)
        workers = WorkerFormSet(prefix="workers")
        claims = ClaimFormSet(prefix="claims")
    return render(request, "intake/assisted.html", {"form": form, "workers": workers, "claims": claims})


def _submit(request: AuthedRequest, form: AssistedIntakeForm, workers, claims) -> HttpResponse:
    d = form.cleaned_data
    home = access_organisation_for_intake(request.user, d["organisation"])
    data = case_input_from_forms(form, workers, claims)
    data.negotiation_first = d.get("negotiation_first", False)
    routed = d["destination"] == AssistedIntakeForm.ROUTE_RULES or not home.type.can_mediate
    division = None
    if routed:
        division = Division.objects.filter(code=d.get("employer_division") or home.division_id).first()
        if division is None:
            form.add_error("employer_division", _("区划代码不存在"))
            return render(request, "intake/assisted.html", {"form": form, "workers": workers, "claims": claims})
    actor = Actor(ActorKind.STAFF, request.user)
    try:
        result = do_submit_application(
            data=data, actor=actor, organisation=None if routed else home, employer_division=division
        )
        if d.get("oral"):
            do_record_oral_application(
                case=result.case, actor=actor, applicant_name=data.workers[0].name,
                matters="；".join(str(c) for c in result.case.claims.all()), reasons=data.facts,
                applied_at=data.received_at or result.case.received_at, place=d.get("oral_place", ""),
                confirmation=d["oral_confirmation"],
            )  # fmt: skip
    except CaseActionError as exc:
        attach_action_errors(exc.fields, form, workers, claims)
        messages.error(request, exc.message)
        return render(request, "intake/assisted.html", {"form": form, "workers": workers, "claims": claims})
    case = result.case
    if result.duplicate_of is not None:
        messages.warning(
            request,
            _("该劳动者对该用人单位已有在办案件%(id)s，新案件%(new)s已标记为疑似重复，请核实后合并或分别办理。")
            % {"id": result.duplicate_of.display_number, "new": case.display_number},
        )
    if result.route:
        messages.success(
            request,
            _("案件%(id)s已登记，分派至「%(org)s」：%(reason)s")
            % {"id": case.display_number, "org": case.organisation.name, "reason": result.route.reason},
        )
    else:
        messages.success(request, _("案件已登记，编号 %(number)s。") % {"number": case.display_number})
    if result.tracking_code:
        messages.info(
            request, _("查询码 %(code)s 已通过短信发送给申请人，请同时当面告知。") % {"code": result.tracking_code}
        )
    if membership_in(request.user, case.organisation_id, lambda m: m.can_register_cases) is not None:
        return redirect("cases:detail", case_id=case.pk)
    return redirect("intake:new")


@login_required
@require_http_methods(["GET", "POST"])
def reroute(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The form to hand a received case to another organisation: opened from the case page's 转交 section (htmx
    fetches it into the section when it is opened; without JavaScript it is a page of its own), and its POST.
    The form is not part of the kept case page: its choices are other organisations' rows, which change
    without an event of this case, and reading and drawing 200 of them on every view of every received case
    cost more than the rest of a kept page."""
    case = access_case(request.user, case_id, need=Need.ACT)
    if case.status != Status.RECEIVED:
        message = _("案件已受理或已办结，不能再转交。")
        if request.htmx:
            return HttpResponse(format_html('<p class="muted">{}</p>', message))
        messages.info(request, message)
        return redirect("cases:detail", case_id=case.pk)
    targets = _reroute_targets(case)
    form = RerouteForm(request.POST if request.method == "POST" else None, organisations=targets)
    if request.method == "GET":
        template = "intake/_reroute_form.html" if request.htmx else "intake/reroute.html"
        return render(request, template, {"case": case, "form": form})
    if not form.is_valid():
        # The page again with what was typed and why it was refused (a redirect would lose the reason).
        messages.error(request, _("请选择转交的组织并填写原因。"))
        return render(request, "intake/reroute.html", {"case": case, "form": form}, status=400)
    target = next(o for o in targets if o.pk == form.cleaned_data["organisation"])
    try:
        do_reroute_case(
            case=case, to=target, actor=Actor(ActorKind.STAFF, request.user), reason=form.cleaned_data["reason"]
        )
    except CaseActionError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", case_id=case.pk)
    messages.success(request, _("案件已转交「%(org)s」。") % {"org": target.name})
    return redirect("cases:list")


def _reroute_targets(case: Case) -> list[Organisation]:
    """Mediating organisations in the same city (re-routing crosses counties, rarely cities)."""
    return list(
        Organisation.objects.filter(
            is_active=True, type__can_mediate=True, division__code__startswith=case.division_id[:4]
        )
        .exclude(pk=case.organisation_id)
        .select_related("type")
        .order_by("division_id", "name")[:200]
    )


@login_required
@require_POST
def upload_evidence(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    return form_action(
        request,
        EvidenceForm(request.POST, request.FILES),
        invalid=_("请选择要上传的文件。"),
        action=lambda d: do_add_evidence(
            case=case,
            upload=d["file"],
            name=d["file"].name,
            size=d["file"].size,
            actor=Actor(ActorKind.STAFF, request.user),
            description=d["description"],
        ),
        success=_("证据材料已上传。"),
        back=redirect("cases:detail", case_id=case.pk),
    )


@login_required
@require_GET
def download_evidence(request: AuthedRequest, case_id: int, evidence_id: int) -> FileResponse:
    evidence = access_evidence(request.user, case_id, evidence_id)
    # Always a download with the type detected at upload: a file never runs or renders as a page of this site.
    fallback = f"evidence-{evidence.pk}{KINDS[evidence.kind][1] if evidence.kind in KINDS else ''}"
    return stored_attachment(evidence.path, evidence.kind, evidence.original_name, fallback)


@login_required
@require_GET
def alert_list(request: AuthedRequest) -> HttpResponse:
    alerts = list(alerts_visible_to(request.user).order_by("-raised_at", "-id")[:200])
    # The first ten cases of each alert by their case numbers, read in one query (the alert keeps only ids).
    shown = {pk for a in alerts for pk in a.case_ids[:10]}
    numbers = dict(Case.objects.filter(pk__in=shown).values_list("pk", "number"))
    rows = [(a, [(pk, numbers.get(pk) or f"#{pk}") for pk in a.case_ids[:10]]) for a in alerts]
    return render(request, "intake/alerts.html", {"rows": rows, "now": timezone.now()})


@login_required
@require_POST
def alert_acknowledge(request: AuthedRequest, alert_id: int) -> HttpResponse:
    alert = alerts_visible_to(request.user).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    do_acknowledge_alert(alert=alert, user=request.user)
    messages.success(request, _("已确认该预警。"))
    return redirect("intake:alerts")


# --- sections of the case page --------------------------------------------------------------------------


@register_panel
def evidence_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel:
    # Adding evidence writes an event, so the list keeps until the case changes (cases.state).
    items = case_state(request, case).cached("evidence", lambda: list(case.evidence.order_by("uploaded_at", "id")))
    return Panel("intake/_evidence_panel.html", {"items": items, "form": EvidenceForm(), "can_act": can_act}, 30)


# Kept with the page: only the section's heading; the form comes on opening it (the reroute view).
@register_panel
def reroute_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    if not can_act or case.status != Status.RECEIVED:
        return None
    return Panel("intake/_reroute_panel.html", {}, 20)


@register_panel
def origin_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    oral, referral = case_state(request, case).cached(
        "origin",
        lambda: (
            OralApplicationRecord.objects.filter(case=case).select_related("recorded_by").first(),
            getattr(case, "referral", None),
        ),
    )
    if oral is None and referral is None:
        return None
    return Panel("intake/_origin_panel.html", {"oral": oral, "referral": referral}, 10)


@login_required
@require_POST
def resolve_duplicate(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Merge a suspected duplicate into the original case, or keep both, with the reason staff verified."""
    case = access_case(request.user, case_id, need=Need.ACT)
    suspicion = DuplicateSuspicion.objects.filter(case=case).select_related("case", "original").first()
    if suspicion is None:
        raise Http404
    return form_action(
        request,
        DuplicateForm(request.POST),
        invalid=_("请选择处理方式并填写核实情况。"),
        action=lambda d: do_resolve_duplicate(
            suspicion=suspicion,
            actor=Actor(ActorKind.STAFF, request.user),
            merge=d["decision"] == DuplicateForm.MERGE,
            reason=d["reason"],
        ),
        success=_("已处理疑似重复申请。"),
        back=redirect("cases:detail", case_id=case.pk),
    )


def _suspicions(case: Case) -> tuple[DuplicateSuspicion | None, list[DuplicateSuspicion]]:
    """The suspicion on `case` and the unresolved ones of later cases that may duplicate it, in one query."""
    rows = list(
        DuplicateSuspicion.objects.filter(Q(case=case) | Q(original=case, resolution=""))
        .select_related("original")
        .order_by("id")
    )
    return next((r for r in rows if r.case_id == case.pk), None), [r for r in rows if r.original_id == case.pk]


@register_panel
def duplicate_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    """On a case flagged as a possible duplicate, and on the original it may duplicate."""
    # Flagging and resolving a suspicion write an event on both cases (intake.actions): kept until they change.
    suspicion, later = case_state(request, case).cached("duplicates", lambda: _suspicions(case))
    if suspicion is None and not later:
        return None
    return Panel(
        "intake/_duplicate_panel.html",
        {"suspicion": suspicion, "later": later, "form": DuplicateForm(), "can_act": can_act},
        5,
    )
