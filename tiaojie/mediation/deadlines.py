"""The mediation flow's deadlines, for the notifications app's deadline watcher (it calls
`mediation_deadlines(now)` and sends reminders; this app stores no notifications).

Each dict: {"key": unique and stable, "case_id", "kind", "due": aware datetime = 24:00 Beijing of the last day,
"label": Chinese, "recipients": "staff" | "parties" | "both"}.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver
from django.utils.translation import gettext as _

from tiaojie.cases.models import Status
from tiaojie.cases.transitions import PERIOD_RULE
from tiaojie.lib.workdays import Deadline
from tiaojie.mediation.models import Agreement, Negotiation, Payment
from tiaojie.reference.calendar import (
    Recounted,
    StoredPeriod,
    calendar_deadline,
    calendar_year_entered,
    recount_data,
    recount_reason,
    recount_uncertain,
)


def mediation_deadlines(now: dt.datetime) -> list[dict[str, Any]]:
    """Open deadlines: negotiation answers awaited, unpaid instalments of effective agreements (overdue ones
    included, so the watcher can remind), and the 15/30-day confirmation windows while they can still be used."""
    out: list[dict[str, Any]] = []
    for n in Negotiation.objects.filter(state=Negotiation.State.AWAITING, case__status=Status.NEGOTIATING).only(
        "pk", "case_id", "answer_due", "answer_due_uncertain", "requested_by"
    ):
        out.append(
            {
                # The last day is in the key: a recount that moves it (a holiday year entered) gets new reminders.
                "key": f"mediation:negotiation:{n.pk}:answer:{n.answer_due.isoformat()}",
                "case_id": n.case_id,
                "kind": "negotiation_answer",
                "due": Deadline(n.answer_due).ends_at,
                "label": _("协商请求答复期限（5日内未答复视为不愿协商）"),
                "recipients": "both",
                "uncertain": n.answer_due_uncertain,
            }
        )
    payments = Payment.objects.filter(
        paid_on__isnull=True, agreement__effective_at__isnull=False, agreement__case__status=Status.AGREED
    ).select_related("agreement")
    for p in payments.order_by("due_date", "pk"):
        out.append(
            {
                "key": f"mediation:payment:{p.pk}",
                "case_id": p.agreement.case_id,
                "kind": "payment_due",
                "due": Deadline(p.due_date).ends_at,
                "label": _("调解协议第%(seq)d期款项 %(amount)s 元支付期限")
                % {"seq": p.seq, "amount": f"{p.amount:,.2f}"},
                "recipients": "both",
                "uncertain": False,  # a date the parties agreed, not counted
            }
        )
    windows = Agreement.objects.filter(
        effective_at__isnull=False,
        confirmation_outcome=Agreement.Outcome.PENDING,
        case__status__in=(Status.AGREED, Status.CLOSED),
    )
    # The two confirmation windows differ only in their date, route and words: while no route is chosen both
    # run, once one is chosen only its own.
    confirmation_windows = (
        (
            "review_due",
            Agreement.Route.ARBITRATION_REVIEW,
            "arbitration_review",
            "arbitration_review_window",
            _("申请仲裁审查确认期限（协议生效起15日）"),
        ),
        (
            "judicial_due",
            Agreement.Route.JUDICIAL,
            "judicial",
            "judicial_confirmation_window",
            _("申请司法确认期限（协议生效起30日）"),
        ),
    )
    for a in windows:
        for date_field, route, key, kind, label in confirmation_windows:
            day = getattr(a, date_field)
            if not day or a.confirmation_route not in (Agreement.Route.UNDECIDED, route):
                continue
            due = Deadline(day).ends_at
            if due > now:
                out.append(
                    {
                        "key": f"mediation:agreement:{a.pk}:{key}:{day.isoformat()}",
                        "case_id": a.case_id,
                        "kind": kind,
                        "due": due,
                        "label": label,
                        "recipients": "both",
                        "uncertain": getattr(a, f"{date_field}_uncertain"),
                    }
                )
    return out


@receiver(calendar_year_entered)
def recompute_uncertain_mediation_deadlines(*, year: int, user: Any = None, **kwargs: object) -> int:
    """Recount, now that the holiday table covers `year`, the deadlines of this app stored as uncertain: the
    5-day negotiation answer (from the request) and the 15-day review and 30-day judicial windows (from the day
    the agreement took effect). Each recounted row writes a "recounted" event on its case; returns how many rows
    were recounted."""
    from tiaojie.cases.actions import record_case_event
    from tiaojie.cases.models import CaseEvent
    from tiaojie.lib.workdays import legal_date
    from tiaojie.mediation import rules

    def record(row: Negotiation | Agreement, changes: list[Recounted]) -> None:
        record_case_event(
            case=row.case_id,
            kind=CaseEvent.Kind.DEADLINE_RECOUNTED,
            actor=user,
            reason=recount_reason(year, changes),
            basis=PERIOD_RULE,
            data={**recount_data(year, changes), "app": "mediation", type(row).__name__.lower(): row.pk},
        )

    answer = StoredPeriod(
        "answer_due",
        "answer_due_uncertain",
        lambda n: calendar_deadline(legal_date(n.requested_at), rules.NEGOTIATION_ANSWER_DAYS),
        _("协商请求答复期限（5日）"),
    )
    windows = (
        StoredPeriod(
            "review_due",
            "review_due_uncertain",
            lambda a: (
                calendar_deadline(legal_date(a.effective_at), rules.ARBITRATION_REVIEW_DAYS) if a.effective_at else None
            ),
            _("申请仲裁审查确认期限（协议生效起15日）"),
        ),
        StoredPeriod(
            "judicial_due",
            "judicial_due_uncertain",
            lambda a: (
                calendar_deadline(legal_date(a.effective_at), rules.JUDICIAL_CONFIRMATION_DAYS)
                if a.effective_at
                else None
            ),
            _("申请司法确认期限（协议生效起30日）"),
        ),
    )
    negotiations = Negotiation.objects.only("pk", "case_id", "requested_at", "answer_due", "answer_due_uncertain")
    agreements = Agreement.objects.only(
        "pk", "case_id", "effective_at", "review_due", "review_due_uncertain", "judicial_due", "judicial_due_uncertain"
    )
    return recount_uncertain(negotiations, (answer,), record=record) + recount_uncertain(
        agreements, windows, record=record
    )
