"""Staff pages for negotiation and mediation, and the two token pages for people without an account (the
employer's answer to a negotiation request; a party's satisfaction rating). Thin: parse → access → action →
redirect back to the case page, where the panels (mediation/panels.py) show the result."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.access import Need, access_case
from tiaojie.cases.actions import Actor, CaseActionError
from tiaojie.cases.models import Case
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation import actions, rules
from tiaojie.mediation.access import (
    access_agreement,
    access_assignment,
    access_negotiation,
    access_negotiation_by_token,
    access_payment,
    access_rating_by_token,
    access_session,
    access_settlement,
    access_signature,
)
from tiaojie.mediation.files import FILE_TYPES, stored_path
from tiaojie.mediation.forms import (
    AgreementForm,
    AssignForm,
    ConfirmationForm,
    EmployerAnswerForm,
    EmployerContactForm,
    FailMediationForm,
    ItemFormSet,
    MinutesForm,
    OpenNegotiationForm,
    PaymentFormSet,
    PaymentPaidForm,
    RatingForm,
    ReasonForm,
    SessionForm,
    SettlementForm,
    SettlementPerformanceForm,
    SignatureBaseForm,
    SignCodeForm,
    SignScanForm,
    StaffAnswerForm,
)
from tiaojie.mediation.handoff import handoff_package
from tiaojie.mediation.models import Agreement, Negotiation, SignerRole
from tiaojie.mediation.payment_order import payment_order_context

BAD_INPUT = _("填写的内容有误，请检查后重试。")


def _staff(request: AuthedRequest) -> Actor:
    return Actor(ActorKind.STAFF, request.user)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _back(case: Case | int, anchor: str = "mediation") -> HttpResponse:
    case_id = case if isinstance(case, int) else case.pk
    return redirect(reverse("cases:detail", args=[case_id]) + f"#{anchor}")


def _error_text(exc: CaseActionError) -> str:
    details = "；".join(dict.fromkeys(v for v in exc.fields.values() if v and v not in exc.message))
    return f"{exc.message}（{details}）" if details else exc.message


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'，'.join(errors)}" if label else "，".join(errors))
    return BAD_INPUT + ("（" + "；".join(parts) + "）" if parts else "")


def _run(request: HttpRequest, case: Case | int, anchor: str, success: str, call: Callable[[], object]) -> HttpResponse:
    try:
        call()
    except CaseActionError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, success)
    return _back(case, anchor)


# --- negotiation ----------------------------------------------------------------------------------------


@login_required
@require_POST
def employer_contact(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    form = EmployerContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "mediation-negotiation")
    d = form.cleaned_data
    return _run(
        request,
        case,
        "mediation-negotiation",
        _("用人单位联系人已保存。"),
        lambda: actions.do_set_employer_contact(
            case=case, name=d["contact_name"], phone=d["contact_phone"], title=d["contact_title"], actor=_staff(request)
        ),
    )


@login_required
@require_POST
def negotiation_open(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    form = OpenNegotiationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "mediation-negotiation")
    d = form.cleaned_data
    try:
        negotiation = actions.do_open_negotiation(
            case=case,
            requested_by=d["requested_by"],
            actor=_staff(request),
            base_url=_base_url(request),
            contact_name=d["contact_name"],
            contact_phone=d["contact_phone"],
        )
    except CaseActionError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("已进入协商。对方应于%(due)s 24:00前答复。") % {"due": negotiation.answer_due.strftime("%Y-%m-%d")},
        )
    return _back(case, "mediation-negotiation")


@login_required
@require_POST
def negotiation_answer(request: AuthedRequest, case_id: int, negotiation_id: int) -> HttpResponse:
    negotiation = access_negotiation(request.user, case_id, negotiation_id)
    form = StaffAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(negotiation.case, "mediation-negotiation")
    d = form.cleaned_data
    return _run(
        request,
        negotiation.case,
        "mediation-negotiation",
        _("答复已记录。"),
        lambda: actions.do_answer_negotiation(
            negotiation=negotiation,
            accept=d["answer"] == "accept",
            channel=d["channel"],
            note=d["note"],
            actor=_staff(request),
        ),
    )


@login_required
@require_POST
def negotiation_fail(request: AuthedRequest, case_id: int, negotiation_id: int) -> HttpResponse:
    negotiation = access_negotiation(request.user, case_id, negotiation_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(negotiation.case, "mediation-negotiation")
    return _run(
        request,
        negotiation.case,
        "mediation-negotiation",
        _("协商不成，案件已转入调解受理。"),
        lambda: actions.do_fail_negotiation(
            negotiation=negotiation, reason=form.cleaned_data["reason"], actor=_staff(request)
        ),
    )


@login_required
@require_POST
def settlement_record(request: AuthedRequest, case_id: int, negotiation_id: int) -> HttpResponse:
    negotiation = access_negotiation(request.user, case_id, negotiation_id)
    form = SettlementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(negotiation.case, "mediation-negotiation")
    d = form.cleaned_data
    return _run(
        request,
        negotiation.case,
        "mediation-negotiation",
        _("和解协议已登记。"),
        lambda: actions.do_record_settlement(
            negotiation=negotiation,
            terms=d["terms"],
            signed_on=d["signed_on"],
            amount=d["amount"],
            perform_by=d["perform_by"],
            actor=_staff(request),
        ),
    )


@login_required
@require_POST
def settlement_performance(request: AuthedRequest, case_id: int, settlement_id: int) -> HttpResponse:
    settlement = access_settlement(request.user, case_id, settlement_id)
    form = SettlementPerformanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(settlement.case, "mediation-negotiation")
    d = form.cleaned_data
    return _run(
        request,
        settlement.case,
        "mediation-negotiation",
        _("履行情况已登记。"),
        lambda: actions.do_record_settlement_performance(
            settlement=settlement, performed=d["performed"] == "yes", note=d["note"], actor=_staff(request)
        ),
    )


def _employer_page(request: HttpRequest, negotiation: Negotiation, status: int = 200) -> HttpResponse:
    case = negotiation.case
    today = legal_date(timezone.now())
    context = {
        "negotiation": negotiation,
        "case": case,
        "claims": list(case.claims.order_by("id")),
        "worker": actions.applicant_workers(case)[0] if case.case_workers.exists() else None,
        "late": negotiation.state == Negotiation.State.AWAITING and today > negotiation.answer_due,
        "days_left": (negotiation.answer_due - today).days,
        "basis": rules.NEGOTIATION_ANSWER_BASIS,
    }
    response = render(request, "mediation/employer_negotiation.html", context, status=status)
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def employer_negotiation(request: HttpRequest, token: str) -> HttpResponse:
    """The employer's page: what negotiation and mediation are, what silence means, accept or decline."""
    negotiation = access_negotiation_by_token(token)
    if request.method == "POST":
        form = EmployerAnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择同意或不同意协商。"))
            return _employer_page(request, negotiation, status=400)
        try:
            actions.do_answer_negotiation(
                negotiation=negotiation,
                accept=form.cleaned_data["answer"] == "accept",
                channel=Negotiation.AnswerChannel.LINK,
                actor=Actor(ActorKind.SYSTEM, label=_("用人单位（答复链接）")),
            )
        except CaseActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("您的答复已记录，谢谢。调解组织会与您联系。"))
        return redirect("mediation:employer_negotiation", token=token)
    return _employer_page(request, negotiation)


# --- mediators and sessions -----------------------------------------------------------------------------


@login_required
@require_POST
def assign(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    choices = [(m.user_id, str(m.user)) for m in actions.eligible_mediators(case)]
    form = AssignForm(request.POST, choices=choices)
    if not form.is_valid():
        messages.error(request, _("请选择本组织的调解员。"))
        return _back(case, "mediation-mediators")
    return _run(
        request,
        case,
        "mediation-mediators",
        _("调解员已指派。"),
        lambda: actions.do_assign_mediator(case=case, user_id=form.cleaned_data["user"], actor=_staff(request)),
    )


@login_required
@require_POST
def unassign(request: AuthedRequest, case_id: int, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, case_id, assignment_id)
    return _run(
        request,
        assignment.case,
        "mediation-mediators",
        _("已取消指派。"),
        lambda: actions.do_unassign_mediator(assignment=assignment, actor=_staff(request)),
    )


@login_required
@require_POST
def session_new(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "mediation-mediators")
    d = form.cleaned_data
    data = actions.SessionInput(
        mode=d["mode"],
        starts_at=d["starts_at"],
        participants=d["participants"],
        place=d["place"],
        link=d["link"],
        notify_parties=d["notify_parties"],
    )
    return _run(
        request,
        case,
        "mediation-mediators",
        _("调解已安排。"),
        lambda: actions.do_schedule_session(case=case, data=data, actor=_staff(request)),
    )


@login_required
@require_POST
def minutes(request: AuthedRequest, case_id: int, session_id: int) -> HttpResponse:
    session = access_session(request.user, case_id, session_id)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(session.case, "mediation-mediators")
    d = form.cleaned_data
    data = actions.MinutesInput(
        statements=d["statements"],
        signatures=d["signatures"],
        proposals=d["proposals"],
        participants=d["participants"],
        place=d["place"],
        held_at=d["held_at"],
    )
    return _run(
        request,
        session.case,
        "mediation-mediators",
        _("调解笔录已保存。"),
        lambda: actions.do_record_minutes(session=session, data=data, actor=_staff(request)),
    )


@login_required
@require_POST
def fail(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    form = FailMediationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "mediation-mediators")
    d = form.cleaned_data
    return _run(
        request,
        case,
        "mediation-notices",
        _("已登记调解不成，并制作了调解终止书（申请仲裁权利告知）。"),
        lambda: actions.do_fail_mediation(case=case, category=d["category"], reason=d["reason"], actor=_staff(request)),
    )


# --- the agreement --------------------------------------------------------------------------------------


@login_required
@require_POST
def agreement_create(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    try:
        actions.do_create_agreement(case=case, actor=_staff(request))
    except CaseActionError as exc:
        messages.error(request, _error_text(exc))
        return _back(case, "mediation-agreement")
    return redirect("mediation:agreement_edit", case_id=case.pk)


def _agreement_forms(agreement: Agreement, data=None, more: int = 0):
    items = list(agreement.items.order_by("position", "id"))
    payments = list(agreement.payments.order_by("seq"))
    form = AgreementForm(
        data,
        initial={
            "version": agreement.version,
            "payment_method": agreement.payment_method,
            "payment_method_note": agreement.payment_method_note,
            "tax_note": agreement.tax_note,
            "waived_note": agreement.waived_note,
            "other_terms": agreement.other_terms,
        },
    )
    item_forms = ItemFormSet(
        data,
        prefix="items",
        initial=[{"item_id": i.pk, "type": i.type, "amount_agreed": i.amount_agreed, "note": i.note} for i in items],
    )
    # Bound, the schedule is exactly what was posted: a row left blank is dropped, not "required".
    payment_set = PaymentFormSet(
        data,
        prefix="payments",
        initial=None if data is not None else [{"due_date": p.due_date, "amount": p.amount} for p in payments],
    )
    if data is None and more:
        payment_set.extra = more
    return form, item_forms, payment_set, items


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthedRequest, case_id: int) -> HttpResponse:
    agreement = access_agreement(request.user, case_id)
    try:
        more = max(0, min(int(request.GET.get("more", "0")), 24))
    except ValueError:
        more = 0
    if request.method == "POST":
        form, item_forms, payment_set, items = _agreement_forms(agreement, request.POST)
        if form.is_valid() and item_forms.is_valid() and payment_set.is_valid():
            d = form.cleaned_data
            data = actions.AgreementInput(
                items=[
                    actions.ItemInput(
                        item_id=f.get("item_id"),
                        amount_agreed=f["amount_agreed"],
                        note=f.get("note", ""),
                        type=f.get("type", ""),
                    )
                    for f in item_forms.cleaned_data
                    if f and f.get("amount_agreed") is not None
                ],
                payments=[
                    actions.PaymentInput(due_date=f["due_date"], amount=f["amount"])
                    for f in payment_set.cleaned_data
                    if f and not f.get("DELETE")
                ],
                payment_method=d["payment_method"],
                payment_method_note=d["payment_method_note"],
                tax_note=d["tax_note"],
                waived_note=d["waived_note"],
                other_terms=d["other_terms"],
            )
            try:
                actions.do_update_agreement(
                    agreement=agreement, data=data, expected_version=d["version"], actor=_staff(request)
                )
            except CaseActionError as exc:
                _attach(exc, form, item_forms, payment_set)
                messages.error(request, exc.message)
            else:
                messages.success(request, _("调解协议书已保存。请双方当事人核对后签署。"))
                return _back(agreement.case, "mediation-agreement")
        else:
            messages.error(request, BAD_INPUT)
    else:
        form, item_forms, payment_set, items = _agreement_forms(
            agreement, more=(3 if not agreement.payments.exists() else 1) + more
        )
    context = {
        "case": agreement.case,
        "agreement": agreement,
        "form": form,
        "item_forms": item_forms,
        "payment_set": payment_set,
        "items": items,
        "signed": agreement.signatures.exists(),
        "basis": rules.AGREEMENT_BASIS,
        "more": more + 3,
    }
    return render(request, "mediation/agreement_edit.html", context)


def _attach(exc: CaseActionError, form, item_forms, payment_set) -> None:
    for key, message in exc.fields.items():
        parts = key.split(".")
        if parts[0] in ("items", "payments") and len(parts) == 3 and parts[1].isdigit():
            formset = item_forms if parts[0] == "items" else payment_set
            index = int(parts[1])
            if index < len(formset.forms):
                formset.forms[index].add_error(parts[2] if parts[2] in formset.forms[index].fields else None, message)
                continue
        if key in form.fields:
            form.add_error(key, message)
        else:
            form.add_error(None, message)


def _sign_base(request: AuthedRequest, case_id: int, form_class):
    agreement = access_agreement(request.user, case_id)
    form = form_class(request.POST, request.FILES)
    return agreement, form


@login_required
@require_POST
def sign_send_code(request: AuthedRequest, case_id: int) -> HttpResponse:
    agreement, form = _sign_base(request, case_id, SignatureBaseForm)
    if not form.is_valid():
        messages.error(request, BAD_INPUT)
        return _back(agreement.case, "mediation-agreement")
    d = form.cleaned_data
    try:
        row = actions.do_send_signature_code(
            agreement=agreement, role=d["role"], version=d["version"], actor=_staff(request)
        )
    except CaseActionError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("验证码已发送至 %(phone)s，%(m)d分钟内有效。请当事人核对协议内容后输入验证码。")
            % {"phone": row.phone_masked, "m": rules.SIGNATURE_CODE_MINUTES},
        )
    return _back(agreement.case, f"sign-{d['role']}")


@login_required
@require_POST
def sign_code(request: AuthedRequest, case_id: int) -> HttpResponse:
    agreement, form = _sign_base(request, case_id, SignCodeForm)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(agreement.case, "mediation-agreement")
    d = form.cleaned_data
    return _run(
        request,
        agreement.case,
        "mediation-agreement",
        _("「%(role)s」已签署。") % {"role": SignerRole(d["role"]).label},
        lambda: actions.do_sign_with_code(
            agreement=agreement,
            role=d["role"],
            code=d["code"],
            signer_name=d["signer_name"],
            version=d["version"],
            actor=_staff(request),
        ),
    )


@login_required
@require_POST
def sign_scan(request: AuthedRequest, case_id: int) -> HttpResponse:
    agreement, form = _sign_base(request, case_id, SignScanForm)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(agreement.case, "mediation-agreement")
    d = form.cleaned_data
    upload = d["file"]
    return _run(
        request,
        agreement.case,
        "mediation-agreement",
        _("「%(role)s」已签署。") % {"role": SignerRole(d["role"]).label},
        lambda: actions.do_sign_with_scan(
            agreement=agreement,
            role=d["role"],
            upload=upload,
            name=upload.name,
            size=upload.size,
            signer_name=d["signer_name"],
            version=d["version"],
            actor=_staff(request),
        ),
    )


@login_required
@require_POST
def sign_in_person(request: AuthedRequest, case_id: int) -> HttpResponse:
    agreement, form = _sign_base(request, case_id, SignatureBaseForm)
    if not form.is_valid():
        messages.error(request, BAD_INPUT)
        return _back(agreement.case, "mediation-agreement")
    d = form.cleaned_data
    return _run(
        request,
        agreement.case,
        "mediation-agreement",
        _("「%(role)s」已签署。") % {"role": SignerRole(d["role"]).label},
        lambda: actions.do_sign_in_person(
            agreement=agreement, role=d["role"], version=d["version"], actor=_staff(request)
        ),
    )


@login_required
@require_POST
def void_signatures(request: AuthedRequest, case_id: int) -> HttpResponse:
    agreement = access_agreement(request.user, case_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(agreement.case, "mediation-agreement")
    return _run(
        request,
        agreement.case,
        "mediation-agreement",
        _("已撤销全部签署，可以修改协议内容。"),
        lambda: actions.do_void_signatures(
            agreement=agreement, reason=form.cleaned_data["reason"], actor=_staff(request)
        ),
    )


@login_required
@require_POST
def confirmation(request: AuthedRequest, case_id: int) -> HttpResponse:
    agreement = access_agreement(request.user, case_id)
    form = ConfirmationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(agreement.case, "mediation-confirmation")
    d = form.cleaned_data
    return _run(
        request,
        agreement.case,
        "mediation-confirmation",
        _("确认情况已登记。"),
        lambda: actions.do_record_confirmation(
            agreement=agreement,
            route=d["route"],
            outcome=d["outcome"],
            outcome_on=d["outcome_on"],
            note=d["note"],
            actor=_staff(request),
        ),
    )


# --- performance ----------------------------------------------------------------------------------------


@login_required
@require_POST
def payment_paid(request: AuthedRequest, case_id: int, payment_id: int) -> HttpResponse:
    payment = access_payment(request.user, case_id, payment_id)
    case = payment.agreement.case
    form = PaymentPaidForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "mediation-performance")
    d = form.cleaned_data
    upload = d["file"]
    try:
        actions.do_mark_payment_paid(
            payment=payment,
            paid_on=d["paid_on"],
            upload=upload,
            name=upload.name,
            size=upload.size,
            actor=_staff(request),
        )
    except CaseActionError as exc:
        messages.error(request, _error_text(exc))
        return _back(case, "mediation-performance")
    messages.success(request, _("第%(seq)d期款项已登记为已支付。") % {"seq": payment.seq})
    case.refresh_from_db(fields=["status"])
    if case.status == "closed":
        messages.success(request, _("全部款项已支付，案件已结案。"))
        actions.do_issue_rating_links(case=case)  # idempotent; usually already issued on commit
        actions.do_send_rating_sms(case=case, base_url=_base_url(request))
    return _back(case, "mediation-performance")


@login_required
@require_POST
def ratings_send(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    actions.do_issue_rating_links(case=case)
    sent = actions.do_send_rating_sms(case=case, base_url=_base_url(request))
    messages.success(request, _("已发送%(n)d条评价短信。") % {"n": sent})
    return _back(case, "mediation-ratings")


def _file_response(relative: str, kind: str, name: str) -> FileResponse:
    path = stored_path(relative)
    if not relative or kind not in FILE_TYPES or not path.exists():
        raise Http404
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=name or path.name, content_type=FILE_TYPES[kind][0]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def signature_file(request: AuthedRequest, case_id: int, signature_id: int) -> FileResponse:
    signature = access_signature(request.user, case_id, signature_id)
    return _file_response(signature.file_path, signature.file_kind, signature.file_name)


@login_required
@require_GET
def payment_file(request: AuthedRequest, case_id: int, payment_id: int) -> FileResponse:
    payment = access_payment(request.user, case_id, payment_id, need=Need.READ)
    return _file_response(payment.file_path, payment.file_kind, payment.file_name)


@login_required
@require_GET
def payment_order(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The prepared 支付令 application, as a page staff print (the PDF comes later). Shows full ID numbers, so
    each display is logged."""
    agreement = access_agreement(request.user, case_id)
    if agreement.effective_at is None:
        raise Http404
    context = payment_order_context(agreement, user=request.user, request=request)
    return render(request, "mediation/payment_order.html", context)


@login_required
@require_GET
def handoff(request: AuthedRequest, case_id: int) -> JsonResponse:
    """The hand-off package for the arbitration commission (docs/handoff.md). Staff only; full ID and phone
    numbers only with ?pii=1, and then every one shown is logged."""
    case = access_case(request.user, case_id, need=Need.ACT)
    reveal = request.GET.get("pii") == "1"
    package = handoff_package(case, user=request.user, request=request, reveal_pii=reveal)
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = f'inline; filename="handoff-{case.pk}.json"'
    return response


# --- satisfaction ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    rating = access_rating_by_token(token)
    form = RatingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_rate(rating=rating, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
            except CaseActionError as exc:
                messages.info(request, exc.message)
            else:
                messages.success(request, _("感谢您的评价！"))
            return redirect("mediation:rate", token=token)
        messages.error(request, _("请选择满意度（1到5分）。"))
    response = render(request, "mediation/rate.html", {"rating": rating, "case": rating.case, "form": form})
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
