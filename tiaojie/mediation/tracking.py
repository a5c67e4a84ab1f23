"""What the worker sees of mediation on the tracking page (registered with cases.tracking in
MediationConfig.ready): the sessions' times and places, the agreed amounts and the payment schedule, the two
confirmation windows, and the date by which arbitration must be applied for. Nothing staff-only: no minutes,
no participants' list, no internal notes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaojie.calculators.limitation import one_year_from
from tiaojie.cases.models import Case, Status
from tiaojie.cases.panels import Panel
from tiaojie.cases.tracking import register_tracking_section
from tiaojie.lib.workdays import Deadline, WorkCalendar, days_left, legal_date
from tiaojie.mediation import rules
from tiaojie.mediation.limitation import claim_limitations, limitation_restart
from tiaojie.mediation.models import Agreement, Session
from tiaojie.reference.calendar import work_calendar

STILL_OPEN = (Status.RECEIVED, Status.NEGOTIATING, Status.ACCEPTED, Status.MEDIATING)


def one_year_after(start: dt.date, calendar: WorkCalendar) -> Deadline:
    """The last day of a one-year period beginning the day after `start`, as a Deadline: the counting is the
    limitation calculator's (民法典 arts 201–203, `calculators.limitation.one_year_from`)."""
    year = one_year_from(start, calendar)
    return Deadline(last_day=year.last_day, uncertain=year.uncertain, rolled_from=year.nominal if year.rolled else None)


def _window(label, deadline: Deadline | None, basis: str, open_: bool) -> dict | None:
    if deadline is None:
        return None
    left = days_left(deadline, timezone.now())
    return {"label": label, "deadline": deadline, "basis": basis, "days_left": left, "open": open_ and left >= 0}


@register_tracking_section
def mediation_tracking(case: Case) -> Panel | None:
    sessions = list(Session.objects.filter(case=case).order_by("starts_at", "id"))
    agreement = (
        Agreement.objects.filter(case=case, effective_at__isnull=False).prefetch_related("items", "payments").first()
    )
    restart = limitation_restart(case, agreement)
    limitation = one_year_after(restart, work_calendar()) if restart is not None else None
    windows = []
    if agreement is not None:
        pending = agreement.confirmation_outcome == Agreement.Outcome.PENDING
        route = agreement.confirmation_route
        windows = [
            w
            for w in (
                _window(
                    _("仲裁审查确认（协议生效起15日内，双方共同向仲裁委员会申请）"),
                    agreement.review_deadline,
                    rules.ARBITRATION_REVIEW_BASIS,
                    pending and route in (Agreement.Route.UNDECIDED, Agreement.Route.ARBITRATION_REVIEW),
                ),
                _window(
                    _("司法确认（协议生效起30日内，双方共同向人民法院申请）"),
                    agreement.judicial_deadline,
                    rules.JUDICIAL_CONFIRMATION_BASIS,
                    pending and route in (Agreement.Route.UNDECIDED, Agreement.Route.JUDICIAL),
                ),
            )
            if w is not None
        ]
    items = list(agreement.items.order_by("position", "id")) if agreement else []
    payments = list(agreement.payments.order_by("seq")) if agreement else []
    today = legal_date(timezone.now())
    return Panel(
        "mediation/track_section.html",
        {
            "sessions": sessions,
            "agreement": agreement,
            "items": items,
            "total": sum((i.amount_agreed for i in items), start=0),
            "payments": [
                {"p": p, "state": "paid" if p.paid_on else "overdue" if p.due_date < today else "pending"}
                for p in payments
            ],
            "windows": windows,
            "limitation": limitation,
            "limitation_left": days_left(limitation, timezone.now()) if limitation else None,
            "limitation_restart": restart,
            "limitation_interrupted": case.status in STILL_OPEN,
            "limitation_basis": rules.LIMITATION_BASIS,
            "claim_limitations": claim_limitations(case, agreement),
        },
        30,
    )
