"""The deadlines of a case as shown to people: each with its last day, days left, state and legal basis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.dispatch import receiver
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tiaojie.cases import clock_b
from tiaojie.cases.models import Case, Status
from tiaojie.cases.transitions import ACCEPTANCE_BASIS, CLOCK_A_BASIS, PERIOD_RULE
from tiaojie.lib.workdays import Deadline, days_left
from tiaojie.reference.calendar import calendar_year_entered

SOON_DAYS = 2
CLOCK_B_TERMS_FIELDS = (
    "clock_b_from", "clock_b_days", "clock_b_basis", "clock_b_extensions", "clock_b_extension_days"
)  # fmt: skip

# --- the registry of deadline sources ------------------------------------------------------------------
# The deadline watcher (tiaojie.notifications) asks every source for the deadlines it must remind of; the
# sources live in the apps that own the periods (the case clocks in notifications, the agreement and
# performance periods in mediation). Those apps are siblings that may not import each other, so the registry
# sits here, below both: each app registers its own source from its AppConfig.ready(). The item format is in
# tiaojie/notifications/watcher.py.

DeadlineSource = Callable[[dt.datetime], Iterable[Mapping[str, Any]]]
_SOURCES: list[DeadlineSource] = []


def register_deadline_source(fn: DeadlineSource) -> DeadlineSource:
    """Add a deadline source (idempotent, so AppConfig.ready() may run twice). Usable as a decorator."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def deadline_sources() -> list[DeadlineSource]:
    return list(_SOURCES)


@dataclass
class DeadlineView:
    key: str
    label: str | Promise
    deadline: Deadline
    basis: str
    days_left: int
    state: str  # ok | soon | overdue | done
    note: str | Promise = ""
    rule: str = PERIOD_RULE

    @property
    def overdue_days(self) -> int:
        return -self.days_left


def _state(running: bool, left: int) -> str:
    if not running:
        return "done"
    if left < 0:
        return "overdue"
    return "soon" if left <= SOON_DAYS else "ok"


def case_deadlines(case: Case, now: dt.datetime) -> list[DeadlineView]:
    views = []
    acc = case.acceptance_deadline
    left = days_left(acc, now)
    views.append(
        DeadlineView(
            "acceptance",
            _("受理期限（3个工作日）"),
            acc,
            ACCEPTANCE_BASIS,
            left,
            _state(case.status == Status.RECEIVED, left),
        )
    )
    a = case.clock_a_deadline
    left = days_left(a, now)
    views.append(
        DeadlineView(
            "clock_a",
            _("收到申请起15日（逾期未达成协议可申请仲裁）"),
            a,
            CLOCK_A_BASIS,
            left,
            _state(case.is_open, left),
            note=_("期限届满仍未达成协议的，任何一方均可直接申请仲裁，不受调解影响。")
            if left < 0 and case.is_open
            else "",
        )
    )
    b = case.clock_b_deadline
    terms = clock_b.stored_terms(case)
    if b is not None and terms is not None:
        left = days_left(b, now)
        # The rule's own words: where it runs from and for how long (docs/law.md §3).
        if terms.from_receipt:
            label = _("调解期限（收到申请起%(days)d日）") % {"days": terms.days}
        else:
            label = _("调解期限（受理起%(days)d日）") % {"days": terms.days}
        note = (
            _("已经双方同意延长%(days)d天；延长的天数自原期限最后一日的次日起算。")
            % {"days": case.clock_b_extension_days}
            if case.clock_b_extension_days
            else ""
        )
        views.append(
            DeadlineView(
                "clock_b",
                label,
                b,
                terms.basis,
                left,
                _state(case.status in (Status.ACCEPTED, Status.MEDIATING), left),
                note=note,
            )
        )
    return views


# --- recounting when a holiday year is entered -------------------------------------------------------------


@receiver(calendar_year_entered)
def recompute_uncertain_case_deadlines(*, year: int, user: Any = None, **kwargs: object) -> int:
    """Recount the acceptance period (from `acceptance_from`), clock A (from receipt) and clock B (on its stored
    terms, each agreed extension after the period before it) wherever they were stored as uncertain, now that
    the holiday table covers `year`, and write a "recounted" event on each case; returns how many cases were
    recounted."""
    from tiaojie.cases.actions import record_case_event
    from tiaojie.cases.models import CaseEvent
    from tiaojie.cases.transitions import ACCEPTANCE_WORKING_DAYS, CLOCK_A_DAYS
    from tiaojie.lib.workdays import legal_date
    from tiaojie.reference.calendar import (
        StoredPeriod,
        calendar_deadline,
        recount_data,
        recount_reason,
        recount_uncertain,
        workday_deadline,
    )

    periods = (
        StoredPeriod(
            "acceptance_due",
            "acceptance_due_uncertain",
            lambda c: workday_deadline(c.acceptance_from, ACCEPTANCE_WORKING_DAYS),
            _("受理期限"),
        ),
        StoredPeriod(
            "clock_a_due",
            "clock_a_due_uncertain",
            lambda c: calendar_deadline(legal_date(c.received_at), CLOCK_A_DAYS),
            _("收到申请起15日的调解期限"),
        ),
        StoredPeriod(
            "clock_b_due",
            "clock_b_due_uncertain",
            # On the terms stored at acceptance (the province's start and days), extensions chained after them.
            lambda c: clock_b.count_terms(terms) if (terms := clock_b.stored_terms(c)) is not None else None,
            _("调解期限"),
        ),
    )

    def record(case: Case, changes: list[Any]) -> None:
        record_case_event(
            case=case.pk,
            kind=CaseEvent.Kind.DEADLINE_RECOUNTED,
            actor=user,
            reason=recount_reason(year, changes),
            basis=PERIOD_RULE,
            data=recount_data(year, changes),
        )

    rows = Case.objects.only(
        "pk",
        "received_at",
        "accepted_at",
        "acceptance_from",
        *CLOCK_B_TERMS_FIELDS,
        *(name for p in periods for name in (p.due_field, p.uncertain_field)),
    )
    return recount_uncertain(rows, periods, record=record)
