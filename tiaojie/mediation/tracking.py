"""What the worker sees of mediation on the tracking page (registered with cases.tracking in
MediationConfig.ready): the sessions' times and places, the agreed amounts and the payment schedule, the two
confirmation windows, and the date by which arbitration must be applied for. Nothing staff-only: no minutes,
no participants' list, no internal notes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.models import Case, Status
from tiaojie.cases.panels import Panel
from tiaojie.cases.tracking import register_tracking_section
from tiaojie.lib.workdays import Deadline, WorkCalendar, days_left, legal_date
from tiaojie.mediation import rules
from tiaojie.mediation.models import Agreement, Session
from tiaojie.reference.calendar import work_calendar

# The statuses after which the one-year limitation runs again from a known day (调解仲裁法 art 27 para 2:
# applying for mediation interrupted it; it restarts when mediation ends without an agreement, or, with an
# agreement, from the employer's agreeing to perform it, its effective day: the earlier, safer reading).
ENDED_WITHOUT_AGREEMENT = (Status.FAILED, Status.DECLINED, Status.WITHDRAWN)
STILL_OPEN = (Status.RECEIVED, Status.NEGOTIATING, Status.ACCEPTED, Status.MEDIATING)


def one_year_after(start: dt.date, calendar: WorkCalendar) -> Deadline:
    """The last day of a one-year period beginning the day after `start` (民法典 arts 201–203): the same date a
    year later (29 February → 28 February), moved to the next working day when it is a rest day."""
    try:
        nominal = start.replace(year=start.year + 1)
    except ValueError:  # 29 February: the month's last day
        nominal = start.replace(year=start.year + 1, day=28)
    last = nominal
    uncertain = not calendar.covers(last)
    while not calendar.is_working_day(last):
        last += dt.timedelta(days=1)
        uncertain = uncertain or not calendar.covers(last)
    return Deadline(last_day=last, uncertain=uncertain, rolled_from=nominal if last != nominal else None)


def limitation_restart(case: Case, agreement: Agreement | None) -> dt.date | None:
    """The day from which the arbitration limitation runs again, or None while mediation interrupts it."""
    if case.status in ENDED_WITHOUT_AGREEMENT and case.ended_at is not None:
        return legal_date(case.ended_at)
    if case.status == Status.AGREED and agreement is not None and agreement.effective_at is not None:
        return legal_date(agreement.effective_at)
    return None


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
        },
        30,
    )
