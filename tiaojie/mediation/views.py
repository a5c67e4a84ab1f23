"""Staff pages for negotiation and mediation, and the two token pages for people without an account (the
employer's answer to a negotiation request; a party's satisfaction rating). Thin: parse → access → action →
redirect back to the case page, where the panels (mediation/panels.py) show the result."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.access import Need, access_case
from tiaojie.cases.actions import Actor, CaseActionError
from tiaojie.cases.models import Case
from tiaojie.cases.post import refusal_text, report_action
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.uploads import stored_attachment
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
    case_for_staff,
)
from tiaojie.mediation.files import FILE_TYPES
from tiaojie.mediation.forms import (
    AgreementForm,
    AssignForm,
    CancelSessionForm,
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
    RescheduleForm,
    SessionForm,
    SettlementForm,
    SettlementPerformanceForm,
    SignatureBaseForm,
    SignCodeForm,
    SignScanForm,
    StaffAnswerForm,
)
from tiaojie.mediation.handoff import handoff_package
from tiaojie.mediation.models import Agreement, MediatorAssignment, Negotiation, Settlement, SignerRole
from tiaojie.mediation.panels import BOUND_FORMS
from tiaojie.mediation.payment_order import payment_order_context
from tiaojie.mediation.similar import cached_similar_cases_panel

# Lazy: module-level texts are built at import, before any request has chosen its language.
BAD_INPUT = gettext_lazy("填写的内容有误，请检查后重试。")


def _staff(request: AuthedRequest) -> Actor:
    return Actor(ActorKind.STAFF, request.user)


def _base_url() -> str:
    """Links sent by SMS go to the configured public address, never to the request's Host header: the client
    chooses that header, and a forged one would put a phishing host into the party's SMS (docs/security.md)."""
    return settings.PUBLIC_BASE_URL


def _back(case: Case | int, anchor: str = "mediation") -> HttpResponse:
    case_id = case if isinstance(case, int) else case.pk
    return redirect(reverse("cases:detail", args=[case_id]) + f"#{anchor}")


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'，'.join(errors)}" if label else "，".join(errors))
    return str(BAD_INPUT) + ("（" + "；".join(parts) + "）" if parts else "")


Data = dict[str, Any]
Action = Callable[[AuthedRequest, Any, Data], "str | Promise | None"]


def case_action(
    fetch: Callable[..., Any],
    *,
    anchor: str,
    form: type[forms.Form] | None = None,
    form_kwargs: Callable[[Any], Data] | None = None,
    invalid: str | Promise | None = None,
    success: str | Promise | None = None,
    done_anchor: str | Callable[[Data], str] | None = None,
) -> Callable[[Action], Callable[..., HttpResponse]]:
    """Turns an action into a staff POST view on a case, so that every such view fetches, validates, reports
    and redirects the same way.

    `fetch` is the access function, called with the user and the URL's ids (it 404s for other organisations
    and for readers who may not act). The decorated function gets (request, the fetched row, the form's
    cleaned data) and returns the success message when the message depends on the outcome, else None for
    `success`. A CaseActionError becomes an error message. An invalid form shows `invalid` (default: the
    form's errors) and goes back to `anchor`; after acting the case page opens at `done_anchor` (default
    `anchor`), which may depend on the data."""

    def decorate(act: Action) -> Callable[..., HttpResponse]:
        @login_required
        @require_POST
        @wraps(act)
        def view(request: AuthedRequest, **ids: int) -> HttpResponse:
            row = fetch(request.user, **ids)
            case = row if isinstance(row, Case) else row.case
            data: Data = {}
            if form is not None:
                bound = form(request.POST, request.FILES, **(form_kwargs(row) if form_kwargs else {}))
                if not bound.is_valid():
                    messages.error(request, str(invalid) if invalid is not None else _form_errors(bound))
                    return _back(case, anchor)
                data = bound.cleaned_data
            report_action(
                request, lambda: act(request, row, data), lambda done: str(done if done is not None else success)
            )
            return _back(case, done_anchor(data) if callable(done_anchor) else done_anchor or anchor)

        return view

    return decorate


# --- negotiation ----------------------------------------------------------------------------------------


@case_action(
    case_for_staff,
    form=EmployerContactForm,
    anchor="mediation-negotiation",
    success=gettext_lazy("用人单位联系人已保存。"),
)
def employer_contact(request: AuthedRequest, case: Case, d: Data) -> None:
    actions.do_set_employer_contact(
        case=case, name=d["contact_name"], phone=d["contact_phone"], title=d["contact_title"], actor=_staff(request)
    )


@case_action(case_for_staff, form=OpenNegotiationForm, anchor="mediation-negotiation")
def negotiation_open(request: AuthedRequest, case: Case, d: Data) -> str:
    negotiation = actions.do_open_negotiation(
        case=case,
        requested_by=d["requested_by"],
        actor=_staff(request),
        base_url=_base_url(),
        contact_name=d["contact_name"],
        contact_phone=d["contact_phone"],
    )
    return _("已进入协商。对方应于%(due)s 24:00前答复。") % {"due": negotiation.answer_due.strftime("%Y-%m-%d")}


@case_action(
    access_negotiation, form=StaffAnswerForm, anchor="mediation-negotiation", success=gettext_lazy("答复已记录。")
)
def negotiation_answer(request: AuthedRequest, negotiation: Negotiation, d: Data) -> None:
    actions.do_answer_negotiation(
        negotiation=negotiation,
        accept=d["answer"] == "accept",
        channel=d["channel"],
        note=d["note"],
        actor=_staff(request),
    )


@case_action(
    access_negotiation,
    form=ReasonForm,
    anchor="mediation-negotiation",
    success=gettext_lazy("协商不成，案件已转入调解受理。"),
)
def negotiation_fail(request: AuthedRequest, negotiation: Negotiation, d: Data) -> None:
    actions.do_fail_negotiation(negotiation=negotiation, reason=d["reason"], actor=_staff(request))


@case_action(
    access_negotiation, form=SettlementForm, anchor="mediation-negotiation", success=gettext_lazy("和解协议已登记。")
)
def settlement_record(request: AuthedRequest, negotiation: Negotiation, d: Data) -> None:
    actions.do_record_settlement(
        negotiation=negotiation,
        terms=d["terms"],
        signed_on=d["signed_on"],
        amount=d["amount"],
        perform_by=d["perform_by"],
        actor=_staff(request),
    )


@case_action(
    access_settlement,
    form=SettlementPerformanceForm,
    anchor="mediation-negotiation",
    success=gettext_lazy("履行情况已登记。"),
)
def settlement_performance(request: AuthedRequest, settlement: Settlement, d: Data) -> None:
    actions.do_record_settlement_performance(
        settlement=settlement, performed=d["performed"] == "yes", note=d["note"], actor=_staff(request)
    )


def _token_page_headers(response: HttpResponse) -> None:
    """Headers for the pages a party opens from an SMS link, whose token is in the URL. "same-origin" keeps the
    token out of the Referer sent to any other site; "no-referrer" would too, but Chrome then posts the page's
    own form with `Origin: null` and Django's CSRF check refuses the answer (issue 13 item 1)."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"


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
    _token_page_headers(response)
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
        report_action(
            request,
            lambda: actions.do_answer_negotiation(
                negotiation=negotiation,
                accept=form.cleaned_data["answer"] == "accept",
                channel=Negotiation.AnswerChannel.LINK,
                actor=Actor(ActorKind.SYSTEM, label=_("用人单位（答复链接）")),
            ),
            _("您的答复已记录，谢谢。调解组织会与您联系。"),
        )
        return redirect("mediation:employer_negotiation", token=token)
    return _employer_page(request, negotiation)


# --- mediators and sessions -----------------------------------------------------------------------------


def _mediator_choices(case: Case) -> Data:
    return {"choices": [(m.user_id, str(m.user)) for m in actions.eligible_mediators(case)]}


@case_action(
    case_for_staff,
    form=AssignForm,
    form_kwargs=_mediator_choices,
    invalid=gettext_lazy("请选择本组织的调解员。"),
    anchor="mediation-mediators",
    success=gettext_lazy("调解员已指派。"),
)
def assign(request: AuthedRequest, case: Case, d: Data) -> None:
    actions.do_assign_mediator(case=case, user_id=d["user"], actor=_staff(request))


@case_action(access_assignment, anchor="mediation-mediators", success=gettext_lazy("已取消指派。"))
def unassign(request: AuthedRequest, assignment: MediatorAssignment, d: Data) -> None:
    actions.do_unassign_mediator(assignment=assignment, actor=_staff(request))


# The session forms (schedule, reschedule, cancel, minutes) hold what a mediator typed during or after a
# meeting: a refusal answers with the case page itself, the form as it was posted and its errors beside the
# fields (panels.mediators_panel reads them from the request), never with a redirect that would lose the text.


def _session_form_view(
    request: AuthedRequest,
    case: Case,
    form: forms.Form,
    key: str,
    act: Callable[[Data], object],
    success: str | Promise,
    anchor: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except CaseActionError as exc:
            # The whole sentence beside the one field it is about; several fields get each their own word and
            # the sentence above the form.
            own = [name for name in exc.fields if name in form.fields]
            if len(own) == 1 and len(exc.fields) == 1:
                form.add_error(own[0], exc.message)
            else:
                for name in own:
                    form.add_error(name, exc.fields[name])
                form.add_error(None, exc.message)
        else:
            messages.success(request, str(success))
            return _back(case, anchor)
    # Imported here: cases.views renders the case page with every app's panels; importing it at module level
    # would load it while the URL modules are still being read.
    from tiaojie.cases.views import render_case_page

    setattr(request, BOUND_FORMS, {key: form})
    return render_case_page(request, case.pk, status=400)


@login_required
@require_POST
def session_new(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = case_for_staff(request.user, case_id=case_id)

    def act(d: Data) -> object:
        data = actions.SessionInput(
            mode=d["mode"],
            starts_at=d["starts_at"],
            participants=d["participants"],
            place=d["place"],
            link=d["link"],
            notify_parties=d["notify_parties"],
            already_held=d["already_held"],
        )
        return actions.do_schedule_session(case=case, data=data, actor=_staff(request))

    return _session_form_view(
        request, case, SessionForm(request.POST), "session", act, gettext_lazy("调解已安排。"), "mediation-mediators"
    )


@login_required
@require_POST
def session_reschedule(request: AuthedRequest, case_id: int, session_id: int) -> HttpResponse:
    session = access_session(request.user, case_id, session_id)

    def act(d: Data) -> object:
        data = actions.RescheduleInput(
            starts_at=d["starts_at"], mode=d["mode"], place=d["place"], link=d["link"], reason=d["reason"]
        )
        return actions.do_reschedule_session(session=session, data=data, actor=_staff(request))

    form = RescheduleForm(request.POST, auto_id=f"id_reschedule{session.pk}_%s")
    return _session_form_view(
        request,
        session.case,
        form,
        f"reschedule:{session.pk}",
        act,
        gettext_lazy("调解已改期，已短信通知双方当事人。"),
        f"session-{session.pk}",
    )


@login_required
@require_POST
def session_cancel(request: AuthedRequest, case_id: int, session_id: int) -> HttpResponse:
    session = access_session(request.user, case_id, session_id)
    form = CancelSessionForm(request.POST, auto_id=f"id_cancel{session.pk}_%s")
    return _session_form_view(
        request,
        session.case,
        form,
        f"cancel:{session.pk}",
        lambda d: actions.do_cancel_session(session=session, reason=d["reason"], actor=_staff(request)),
        gettext_lazy("调解已取消，已短信通知双方当事人。"),
        f"session-{session.pk}",
    )


@login_required
@require_POST
def minutes(request: AuthedRequest, case_id: int, session_id: int) -> HttpResponse:
    session = access_session(request.user, case_id, session_id)

    def act(d: Data) -> object:
        data = actions.MinutesInput(
            statements=d["statements"],
            signatures=d["signatures"],
            proposals=d["proposals"],
            participants=d["participants"],
            place=d["place"],
            held_at=d["held_at"],
        )
        return actions.do_record_minutes(session=session, data=data, actor=_staff(request))

    return _session_form_view(
        request,
        session.case,
        MinutesForm(request.POST, auto_id=f"id_minutes{session.pk}_%s"),
        f"minutes:{session.pk}",
        act,
        gettext_lazy("调解笔录已保存。"),
        f"session-{session.pk}",
    )


@case_action(
    case_for_staff,
    form=FailMediationForm,
    anchor="mediation-mediators",
    done_anchor="mediation-notices",  # the termination notice it made is what staff look at next
    success=gettext_lazy("已登记调解不成，并制作了调解终止书（申请仲裁权利告知）。"),
)
def fail(request: AuthedRequest, case: Case, d: Data) -> None:
    actions.do_fail_mediation(case=case, category=d["category"], reason=d["reason"], actor=_staff(request))


# --- the agreement --------------------------------------------------------------------------------------


@login_required
@require_POST
def agreement_create(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    try:
        actions.do_create_agreement(case=case, actor=_staff(request))
    except CaseActionError as exc:
        messages.error(request, refusal_text(exc))
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


def _signed(d: Data) -> str:
    return _("「%(role)s」已签署。") % {"role": SignerRole(d["role"]).label}


@case_action(
    access_agreement,
    form=SignatureBaseForm,
    invalid=BAD_INPUT,
    anchor="mediation-agreement",
    done_anchor=lambda d: f"sign-{d['role']}",  # back at the signer's block, where the code is typed in
)
def sign_send_code(request: AuthedRequest, agreement: Agreement, d: Data) -> str:
    row = actions.do_send_signature_code(
        agreement=agreement, role=d["role"], version=d["version"], actor=_staff(request)
    )
    return _("验证码已发送至 %(phone)s，%(m)d分钟内有效。请当事人核对协议内容后输入验证码。") % {
        "phone": row.phone_masked,
        "m": rules.SIGNATURE_CODE_MINUTES,
    }


@case_action(access_agreement, form=SignCodeForm, anchor="mediation-agreement")
def sign_code(request: AuthedRequest, agreement: Agreement, d: Data) -> str:
    actions.do_sign_with_code(
        agreement=agreement,
        role=d["role"],
        code=d["code"],
        signer_name=d["signer_name"],
        version=d["version"],
        actor=_staff(request),
    )
    return _signed(d)


@case_action(access_agreement, form=SignScanForm, anchor="mediation-agreement")
def sign_scan(request: AuthedRequest, agreement: Agreement, d: Data) -> str:
    upload = d["file"]
    actions.do_sign_with_scan(
        agreement=agreement,
        role=d["role"],
        upload=upload,
        name=upload.name,
        size=upload.size,
        signer_name=d["signer_name"],
        version=d["version"],
        actor=_staff(request),
    )
    return _signed(d)


@case_action(access_agreement, form=SignatureBaseForm, invalid=BAD_INPUT, anchor="mediation-agreement")
def sign_in_person(request: AuthedRequest, agreement: Agreement, d: Data) -> str:
    actions.do_sign_in_person(agreement=agreement, role=d["role"], version=d["version"], actor=_staff(request))
    return _signed(d)


@case_action(
    access_agreement,
    form=ReasonForm,
    anchor="mediation-agreement",
    success=gettext_lazy("已撤销全部签署，可以修改协议内容。"),
)
def void_signatures(request: AuthedRequest, agreement: Agreement, d: Data) -> None:
    actions.do_void_signatures(agreement=agreement, reason=d["reason"], actor=_staff(request))


@case_action(
    access_agreement, form=ConfirmationForm, anchor="mediation-confirmation", success=gettext_lazy("确认情况已登记。")
)
def confirmation(request: AuthedRequest, agreement: Agreement, d: Data) -> None:
    actions.do_record_confirmation(
        agreement=agreement,
        route=d["route"],
        outcome=d["outcome"],
        outcome_on=d["outcome_on"],
        note=d["note"],
        actor=_staff(request),
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
        messages.error(request, refusal_text(exc))
        return _back(case, "mediation-performance")
    messages.success(request, _("第%(seq)d期款项已登记为已支付。") % {"seq": payment.seq})
    case.refresh_from_db(fields=["status"])
    if case.status == "closed":
        messages.success(request, _("全部款项已支付，案件已结案。"))
        actions.do_issue_rating_links(case=case)  # idempotent; usually already issued on commit
        actions.do_send_rating_sms(case=case, base_url=_base_url())
    return _back(case, "mediation-performance")


@login_required
@require_POST
def ratings_send(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, need=Need.ACT)
    actions.do_issue_rating_links(case=case)
    sent = actions.do_send_rating_sms(case=case, base_url=_base_url())
    messages.success(request, _("已发送%(n)d条评价短信。") % {"n": sent})
    return _back(case, "mediation-ratings")


def _file_response(relative: str, kind: str, name: str, fallback: str) -> FileResponse:
    """A stored scan as a download; a kind that is not a scan's (PDF, JPEG, PNG) is a 404 like a missing file."""
    if kind not in FILE_TYPES:
        raise Http404
    return stored_attachment(relative, kind, name, fallback + FILE_TYPES[kind][1])


@login_required
@require_GET
def signature_file(request: AuthedRequest, case_id: int, signature_id: int) -> FileResponse:
    signature = access_signature(request.user, case_id, signature_id)
    return _file_response(signature.file_path, signature.file_kind, signature.file_name, f"signature-{signature.pk}")


@login_required
@require_GET
def payment_file(request: AuthedRequest, case_id: int, payment_id: int) -> FileResponse:
    payment = access_payment(request.user, case_id, payment_id, need=Need.READ)
    return _file_response(payment.file_path, payment.file_kind, payment.file_name, f"payment-{payment.pk}")


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
    _token_page_headers(response)
    return response


@login_required
@require_GET
def similar_cases(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The similar-cases panel of the case page, fetched after the page (htmx swaps it into its slot); opened
    without JavaScript, a page of its own. Another organisation's case is a 404 (access_case)."""
    case = access_case(request.user, case_id)
    found = cached_similar_cases_panel(request, case)
    if request.htmx:
        if found is None:
            return HttpResponse("")
        return render(request, "mediation/_similar_panel.html", {"panel": found.context})
    return render(request, "mediation/similar.html", {"case": case, "panel": found.context if found else None})
