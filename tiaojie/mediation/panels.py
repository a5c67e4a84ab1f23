"""The mediation sections of the case page (registered with cases.panels in MediationConfig.ready)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaojie.cases import clock_b
from tiaojie.cases.deadlines import DeadlineView
from tiaojie.cases.forms import ExtendClockBForm
from tiaojie.cases.models import Case, Status
from tiaojie.cases.page_cache import register_key_part
from tiaojie.cases.panels import Panel, factory_name, register_panel
from tiaojie.cases.state import case_state
from tiaojie.lib.workdays import Deadline, days_left, legal_date
from tiaojie.mediation import assistant, rules
from tiaojie.mediation.actions import eligible_mediators, negotiation_link, rating_link
from tiaojie.mediation.forms import (
    AssignForm,
    CancelSessionForm,
    ConfirmationForm,
    EmployerContactForm,
    FailMediationForm,
    MinutesForm,
    OpenNegotiationForm,
    PaymentPaidForm,
    ReasonForm,
    RescheduleForm,
    SessionForm,
    SettlementForm,
    SettlementPerformanceForm,
    StaffAnswerForm,
)
from tiaojie.mediation.limitation import claim_limitations
from tiaojie.mediation.models import EmployerContact, Negotiation, Settlement, SignerRole
from tiaojie.mediation.queries import MediationState, mediation_state, payment_order_view
from tiaojie.organisations.access import membership_in

SOON_DAYS = 2
# Where a view that answers a refused POST with the case page leaves its bound form for the panel.
BOUND_FORMS = "_mediation_bound_forms"


def _focus_first_error(form: forms.Form) -> None:
    """The first field with an error gets autofocus, which also scrolls it into view: the page answering a
    refused POST opens at its top, and the mediator must see what to fix without hunting for it."""
    for name in form.fields:
        if name in form.errors:
            attrs = form.fields[name].widget.attrs
            attrs["autofocus"] = True
            attrs["aria-invalid"] = "true"
            return


def _state(request: HttpRequest, case: Case) -> MediationState:
    """The mediation rows of the case, shared by the panels: loaded once per state of the case (each change
    writes an event, which gives the case a new state_version: cases.state)."""
    st = case_state(request, case).cached("mediation", lambda: mediation_state(case))
    st.case = case
    return st


def _contact(request: HttpRequest, case: Case) -> EmployerContact | None:
    return case_state(request, case).cached(
        "employer_contact", lambda: EmployerContact.objects.filter(case=case).first()
    )


def _findings(request: HttpRequest, case: Case) -> list[assistant.Finding]:
    """The assistant's findings on the agreement (mediation/assistant.py), once per request: the assistant
    panel lists them and the agreement panel counts them beside the signatures."""
    cache = getattr(request, "_assistant_findings", None)
    if cache is None or cache[0] != case.pk:
        st = _state(request, case)
        found = assistant.agreement_findings(st.agreement, st.items, st.payments, case) if st.agreement else []
        cache = (case.pk, found)
        request._assistant_findings = cache  # type: ignore[attr-defined]
    return cache[1]


def _deadline(key: str, label, deadline: Deadline, basis: str, running: bool) -> DeadlineView:
    left = days_left(deadline, timezone.now())
    state = "done" if not running else "overdue" if left < 0 else "soon" if left <= SOON_DAYS else "ok"
    return DeadlineView(key, label, deadline, basis, left, state)


@register_panel
def negotiation_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    st = _state(request, case)
    if not st.negotiations and not (can_act and case.status == Status.RECEIVED) and case.status != Status.NEGOTIATING:
        return None
    n = st.negotiation
    contact = _contact(request, case)
    link = ""
    if can_act and n is not None and n.is_open and n.token_encrypted:
        link = negotiation_link(settings.PUBLIC_BASE_URL, n.token)  # never the Host header (docs/security.md)
    answer_deadline = None
    if n is not None:
        answer_deadline = _deadline(
            "negotiation_answer",
            _("协商请求答复期限（5日）"),
            n.answer_deadline,
            rules.NEGOTIATION_ANSWER_BASIS,
            n.state == Negotiation.State.AWAITING,
        )
    settlement = st.settlement
    return Panel(
        "mediation/_negotiation_panel.html",
        {
            "can_act": can_act,
            "negotiation": n,
            "history": st.negotiations[1:],
            "settlement": settlement,
            "settlement_pending": settlement is not None
            and settlement.performance == Settlement.Performance.PENDING
            and case.status == Status.SETTLED,
            "contact": contact,
            "link": link,
            "answer_deadline": answer_deadline,
            "open_form": OpenNegotiationForm(initial={"contact_name": contact.name if contact else ""}),
            "contact_form": EmployerContactForm(
                initial={"contact_name": contact.name, "contact_title": contact.title} if contact else None
            ),
            "answer_form": StaffAnswerForm(),
            "reason_form": ReasonForm(),
            "settlement_form": SettlementForm(initial={"signed_on": legal_date(timezone.now())}),
            "performance_form": SettlementPerformanceForm(),
            "can_open": can_act
            and case.status in (Status.RECEIVED, Status.NEGOTIATING)
            and (n is None or not n.is_open),
            "settlement_basis": rules.SETTLEMENT_BASIS,
        },
        40,
    )


# Kept with the page (cases.page_cache): the assignments and sessions change with an event of the case. The
# list of mediators one may assign, and their conflicts, are memberships and employments of the organisation
# that change without one: that part is the inline live panel below, the only part rendered per request.
@register_panel
def mediators_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    st = _state(request, case)
    active = case.status in (Status.ACCEPTED, Status.MEDIATING)
    if not _mediators_shown(case, st):
        return None
    # A refused POST of one of these forms is answered with this page (mediation.views._session_form_view):
    # that form comes back bound, with its errors, open, its first wrong field focused.
    bound: dict[str, forms.Form] = getattr(request, BOUND_FORMS, {})
    for form in bound.values():
        _focus_first_error(form)
    today = legal_date(timezone.now())
    rows = []
    for s in st.sessions:
        changeable = can_act and active and s.cancelled_at is None and not hasattr(s, "minutes")
        rows.append(
            {
                "s": s,
                "changeable": changeable,
                "minutes_form": bound.get(f"minutes:{s.pk}") or MinutesForm(auto_id=f"id_minutes{s.pk}_%s"),
                "reschedule_form": bound.get(f"reschedule:{s.pk}")
                or RescheduleForm(
                    auto_id=f"id_reschedule{s.pk}_%s",
                    initial={
                        "mode": s.mode,
                        "starts_at": timezone.localtime(s.starts_at).strftime("%Y-%m-%dT%H:%M"),
                        "place": s.place,
                        "link": s.link,
                    },
                ),
                "cancel_form": bound.get(f"cancel:{s.pk}") or CancelSessionForm(auto_id=f"id_cancel{s.pk}_%s"),
                "open": next((k.split(":")[0] for k in bound if k.endswith(f":{s.pk}")), ""),
            }
        )
    return Panel(
        "mediation/_mediators_panel.html",
        {
            "can_act": can_act,
            "active": active,
            "assignments": st.assignments,
            "sessions": st.sessions,
            "session_rows": rows,
            "choices_panel": factory_name(mediator_choices_panel),
            "session_form": bound.get("session") or SessionForm(),
            "session_open": "session" in bound,
            "fail_form": FailMediationForm(),
            "can_extend": can_act and active and clock_b.may_extend(case, today),
            "extension_hint": clock_b.extension_hint(case, today),
            "extend_form": ExtendClockBForm(),
            "clock_b": case.clock_b_deadline,
            "failure_basis": rules.FAILURE_BASIS,
        },
        50,
    )


def _mediators_shown(case: Case, st: MediationState) -> bool:
    """Whether the mediators panel is on the page (and with it, for one who may act, the mark of its form)."""
    return case.status in (Status.ACCEPTED, Status.MEDIATING) or bool(st.assignments) or bool(st.sessions)


@register_panel(live=True, inline=True)
def mediator_choices_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    """The assign form of the mediators panel: who may be assigned now, and who may not for a conflict. Shown
    (its mark placed) exactly when the mediators panel is shown to someone who may act on an open case."""
    st = _state(request, case)
    if not (can_act and case.is_open and _mediators_shown(case, st)):
        return None
    assigned = {a.user_id for a in st.assignments}
    mediators = [m for m in eligible_mediators(case, with_conflicts=True) if m.user_id not in assigned]
    return Panel(
        "mediation/_mediator_choices.html",
        {
            "assign_form": AssignForm(choices=[(m.user_id, str(m.user)) for m in mediators]) if mediators else None,
            "conflicts": [m.user for m in mediators if m.conflicted],  # type: ignore[attr-defined]
        },
        51,
    )


@register_panel
def agreement_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    st = _state(request, case)
    if st.agreement is None and case.status != Status.MEDIATING:
        return None
    a = st.agreement
    signable = can_act and a is not None and a.effective_at is None and case.status == Status.MEDIATING
    membership = membership_in(request.user, case.organisation_id) if request.user.is_authenticated else None
    contact = _contact(request, case)
    phones = {
        SignerRole.WORKER: next(
            (link.worker.phone_masked for link in case_state(request, case).parties if link.worker.phone_masked),
            "",
        ),
        SignerRole.EMPLOYER: contact.phone_masked if contact else "",
    }
    return Panel(
        "mediation/_agreement_panel.html",
        {
            "can_act": can_act,
            "agreement": a,
            "items": st.items,
            "payments": st.payments,
            "slots": st.slots,
            "total": st.total_agreed,
            "total_claimed": st.total_claimed,
            # The items follow claim changes until the first signature, so a saved schedule can fall behind.
            "schedule_differs": bool(st.payments) and st.total_scheduled != st.total_agreed,
            "total_scheduled": st.total_scheduled,
            "signed_count": st.signed_count,
            "signable": signable,
            "phones": {str(k): v for k, v in phones.items()},
            "contact_form": EmployerContactForm(
                initial={"contact_name": contact.name, "contact_title": contact.title} if contact else None
            ),
            "void_form": ReasonForm(),
            # Who may sign in person: an assigned mediator for themselves, an organisation admin for the seal.
            "can_sign_as_mediator": any(x.user_id == request.user.pk for x in st.assignments),
            "can_seal": membership is not None and membership.can_manage_organisation,
            "basis": rules.AGREEMENT_BASIS,
            "code_minutes": rules.SIGNATURE_CODE_MINUTES,
            # Advice only: the signatures stay open whatever the assistant found (mediation/assistant.py).
            "findings_count": len(_findings(request, case)) if a is not None and a.effective_at is None else 0,
        },
        60,
    )


@register_key_part
def viewer_is_mediator(request: HttpRequest, case: Case) -> bool:
    """The agreement panel offers "sign as mediator" to the case's mediators only: in the kept page's key."""
    return any(x.user_id == request.user.pk for x in _state(request, case).assignments)


@register_panel
def assistant_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    """The mediator's assistant: 争议焦点, calculator results, checks of the agreement draft (advice, no gate)."""
    claims = case_state(request, case).claims
    context = assistant.assistant_context(
        case, claims, _state(request, case).agreement, _findings(request, case), can_act
    )
    return Panel("mediation/_assistant_panel.html", context, 58) if context is not None else None


@register_panel
def confirmation_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    a = _state(request, case).agreement
    if a is None or a.effective_at is None or a.review_deadline is None or a.judicial_deadline is None:
        return None
    pending = a.confirmation_outcome == a.Outcome.PENDING
    windows = [
        _deadline(
            "arbitration_review",
            _("仲裁审查确认（协议生效起15日内，双方共同申请）"),
            a.review_deadline,
            rules.ARBITRATION_REVIEW_BASIS,
            pending and a.confirmation_route in (a.Route.UNDECIDED, a.Route.ARBITRATION_REVIEW),
        ),
        _deadline(
            "judicial_confirmation",
            _("司法确认（协议生效起30日内，双方共同申请）"),
            a.judicial_deadline,
            rules.JUDICIAL_CONFIRMATION_BASIS,
            pending and a.confirmation_route in (a.Route.UNDECIDED, a.Route.JUDICIAL),
        ),
    ]
    form = ConfirmationForm(
        initial={
            "route": a.confirmation_route,
            "outcome": a.confirmation_outcome,
            "outcome_on": a.confirmation_outcome_on,
            "note": a.confirmation_note,
        }
    )
    return Panel(
        "mediation/_confirmation_panel.html",
        {
            "can_act": can_act,
            "agreement": a,
            "windows": windows,
            "form": form,
            "basis": rules.CONFIRMATION_CHOICE_BASIS,
        },
        65,
    )


@register_panel
def performance_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    st = _state(request, case)
    a = st.agreement
    if a is None or a.effective_at is None:
        return None
    today = legal_date(timezone.now())
    view = payment_order_view(a, st.items, st.payments, today)
    rows = [
        {"p": p, "state": "paid" if p.paid_on else "overdue" if p.due_date < today else "pending"} for p in st.payments
    ]
    return Panel(
        "mediation/_performance_panel.html",
        {
            "can_act": can_act and case.status == Status.AGREED,
            "can_print": can_act,
            "rows": rows,
            "view": view,
            "paid_form": PaymentPaidForm(initial={"paid_on": today}),
            "payment_order_basis": rules.PAYMENT_ORDER_BASIS,
        },
        70,
    )


@register_panel
def notices_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    st = _state(request, case)
    handoff = can_act and case.status in (Status.FAILED, Status.CLOSED, Status.DECLINED, Status.AGREED)
    if not st.notices and not handoff:
        return None
    return Panel("mediation/_notices_panel.html", {"notices": st.notices, "handoff": handoff}, 80)


@register_panel
def ratings_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    st = _state(request, case)
    if case.status != Status.CLOSED and not st.ratings:
        return None
    base = settings.PUBLIC_BASE_URL  # the links staff hand over: never the Host header (docs/security.md)
    rows = [{"r": r, "link": rating_link(base, r.token) if can_act and r.score is None else ""} for r in st.ratings]
    return Panel("mediation/_ratings_panel.html", {"rows": rows, "can_act": can_act}, 90)


@register_panel
def limitation_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    """Each claim item's last day to apply for arbitration (docs/law.md §5a), as the worker sees it too."""
    st = _state(request, case)
    rows = claim_limitations(case, st.agreement, case_state(request, case).claims)
    if not rows:
        return None
    return Panel("mediation/_limitation_panel.html", {"rows": rows}, 85)
