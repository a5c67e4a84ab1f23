"""Each claim item's last day to apply for arbitration (调解仲裁法 art 27; docs/law.md §5a), for the mediator's
case page, the worker's tracking page and the hand-off package. The counting is the calculators' own
(`calculators.limitation`): this module only supplies what the case knows.

What the case knows: the application here interrupted the limitation of every claim in it (art 27 ¶2); while
mediation runs it stays interrupted, and the year restarts from the day it ended (`tracking.limitation_restart`).
The day each right was known infringed is the claim's `known_on` when staff recorded it (an earlier year may
already have run out before the application, which no interruption revives); without it the claim is counted
as still in time on the day of the application (the page says so). What the case does not know is whether the
worker still works there: a labour-pay claim is given the same day as if the employment had ended, although it
is not barred at all while the employment lasts (art 27 ¶4) — showing the earlier day is the safe side
(本项目口径)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tiaojie.calculators.limitation import Interruption, Limitation, State, arbitration_limitation
from tiaojie.cases.models import Case, ClaimItem, ClaimType, Status
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation.models import Agreement
from tiaojie.reference.calendar import work_calendar

# 劳动报酬 in art 27 ¶4. Whether overtime pay is labour pay is settled (工资总额组成规定 counts it); whether double
# wages or the extra 200 % for unused annual leave are is disputed: they are treated as not (本项目口径, 待核对).
LABOUR_PAY_CLAIMS = frozenset({ClaimType.WAGES, ClaimType.OVERTIME})


@dataclass(frozen=True)
class ClaimLimitation:
    claim: ClaimItem
    result: Limitation
    labour_pay: bool

    @property
    def last_day(self) -> dt.date | None:
        return self.result.last_day

    @property
    def state(self) -> str:
        return self.result.state

    @property
    def basis(self) -> str:
        return self.result.steps[-1].basis if self.result.last_day else self.result.steps[0].basis

    def as_json(self) -> dict[str, object]:
        data = self.result.as_dict()
        return {
            "state": data["state"],
            "last_day": data["last_day"],
            "uncertain": data["uncertain"],
            "labour_pay": self.labour_pay,
            "steps": [{"text": str(s["text"]), "value": s["value"], "basis": str(s["basis"])} for s in data["steps"]],
        }


# The statuses after which the one-year limitation runs again from a known day (调解仲裁法 art 27 para 2:
# applying for mediation interrupted it; it restarts when mediation ends without an agreement, or, with an
# agreement, from the employer's agreeing to perform it, its effective day: the earlier, safer reading).
ENDED_WITHOUT_AGREEMENT = (Status.FAILED, Status.DECLINED, Status.WITHDRAWN)


def limitation_restart(case: Case, agreement: Agreement | None) -> dt.date | None:
    """The day from which the arbitration limitation runs again, or None while mediation interrupts it."""
    if case.status in ENDED_WITHOUT_AGREEMENT and case.ended_at is not None:
        return legal_date(case.ended_at)
    if case.status == Status.AGREED and agreement is not None and agreement.effective_at is not None:
        return legal_date(agreement.effective_at)
    return None


def claim_limitations(
    case: Case, agreement: Agreement | None, claims: list[ClaimItem] | None = None
) -> list[ClaimLimitation]:
    """Each claim's limitation; `claims` are the case's claims if the caller has loaded them."""
    applied_on = legal_date(case.received_at)
    restart = limitation_restart(case, agreement)
    calendar = work_calendar()
    out = []
    for claim in case.claims.order_by("id") if claims is None else claims:
        # Unknown: counted as still in time on the day of the application (module docstring). A right infringed
        # after the application (a dismissal during mediation) is interrupted from the day it was known.
        known_on = claim.known_on or applied_on
        result = arbitration_limitation(
            kind="other",
            known_on=known_on,
            interruptions=[Interruption(max(applied_on, known_on), restart, "申请调解或者协商")],
            calendar=calendar,
        )
        out.append(ClaimLimitation(claim=claim, result=result, labour_pay=claim.type in LABOUR_PAY_CLAIMS))
    return out


__all__ = ["LABOUR_PAY_CLAIMS", "ClaimLimitation", "State", "claim_limitations", "limitation_restart"]
