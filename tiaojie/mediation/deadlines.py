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
from tiaojie.lib.workdays import Deadline
from tiaojie.mediation.models import Agreement, Negotiation, Payment
from tiaojie.reference.calendar import calendar_deadline, calendar_year_entered


def mediation_deadlines(now: dt.datetime) -> list[dict[str, Any]]:
    """Open deadlines: negotiation answers awaited, unpaid instalments of effective agreements (overdue ones
    included, so the watcher can remind), and the 15/30-day confirmation windows while they can still be used."""
    out: list[dict[str, Any]] = []
    for n in Negotiation.objects.filter(state=Negotiation.State.AWAITING, case__status=Status.NEGOTIATING).only(
        "pk", "case_id", "answer_due", "requested_by"
    ):
        out.append(
            {
                "key": f"mediation:negotiation:{n.pk}:answer",
                "case_id": n.case_id,
                "kind": "negotiation_answer",
                "due": Deadline(n.answer_due).ends_at,
                "label": _("协商请求答复期限（5日内未答复视为不愿协商）"),
                "recipients": "both",
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
                        "key": f"mediation:agreement:{a.pk}:{key}",
                        "case_id": a.case_id,
                        "kind": kind,
                        "due": due,
                        "label": label,
                        "recipients": "both",
                    }
                )
    return out


@receiver(calendar_year_entered)
def recompute_uncertain_agreement_windows(*, year: int, **kwargs: object) -> int:
    """Recount the 15-day review and 30-day judicial windows stored as uncertain, from the day the agreement
    took effect, now that the holiday table covers `year`; returns how many rows were recounted."""
    from django.db.models import Q

    from tiaojie.lib.workdays import legal_date
    from tiaojie.mediation import rules

    count = 0
    uncertain = Agreement.objects.filter(Q(review_due_uncertain=True) | Q(judicial_due_uncertain=True))
    for a in uncertain.filter(effective_at__isnull=False).only("pk", "effective_at"):
        assert a.effective_at is not None  # filtered above
        day = legal_date(a.effective_at)
        review = calendar_deadline(day, rules.ARBITRATION_REVIEW_DAYS)
        judicial = calendar_deadline(day, rules.JUDICIAL_CONFIRMATION_DAYS)
        count += Agreement.objects.filter(pk=a.pk).update(
            review_due=review.last_day,
            review_due_uncertain=review.uncertain,
            judicial_due=judicial.last_day,
            judicial_due_uncertain=judicial.uncertain,
        )
    return count
