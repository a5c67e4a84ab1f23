"""Clock B, the organisation's own mediation period (docs/law.md §3): its terms from the provincial rules, and
its count with the agreed extensions.

Which day it runs from and for how many days is a rule of the case's province (reference.rules): nationally
15 days from acceptance (17号令, 待核对), in Zhejiang 15 days from receipt (浙江条例 art 10 para 2). The rule in
force on the day of acceptance is looked up then and its terms are stored on the case, so a later change of
the table never moves a deadline already announced to the parties.

An agreed extension runs on from the end of the period it extends — the last day as it stands, after a rest
day moved it (民法典 arts 201–203: the period ended that day; the new days start the day after). Counting the
extension from the start again, as an earlier version did, made a 5-day extension agreed before Spring Festival
land on the same rolled day: it added nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaojie.cases.models import Case, Status
from tiaojie.lib.workdays import Deadline, legal_date
from tiaojie.reference.calendar import calendar_deadline
from tiaojie.reference.rules import NATIONAL_CLOCK_B_BASIS, Key, Rule, Start, province_of, rule_for

# Cases accepted before the rule table existed ran 15 days from acceptance, their extensions added to the 15.
LEGACY_CLOCK_B_DAYS = 15

# Shown beside an extended clock B and in the extension's event (docs/law.md §6).
EXTENSION_RULE = gettext_noop(
    "延长的天数自原调解期限最后一日（末日为休息日而顺延的，为顺延后的最后一日）的次日起算：《民法典》第二百零一条、"
    "第二百零三条"
)


@dataclass(frozen=True)
class ClockBTerms:
    start: dt.date  # the day the period runs from (not counted)
    days: int
    basis: str
    from_receipt: bool
    extensions: tuple[int, ...] = ()

    @property
    def start_kind(self) -> str:
        return Start.RECEIPT if self.from_receipt else Start.ACCEPTANCE


def citation_of(basis: str) -> str:
    """The instrument and article a basis starts with (the text before its first "："), as a document cites
    it: 《浙江省劳动人事争议调解仲裁条例》第十条第二款."""
    return basis.split("：", 1)[0]


def rules_on(case: Case, day: dt.date) -> tuple[Rule, Rule]:
    """The start rule and the days rule for `case`'s province in force on `day`."""
    province = province_of(case.division_id)
    return rule_for(province, Key.CLOCK_B_START, day), rule_for(province, Key.CLOCK_B_DAYS, day)


def terms_at_acceptance(case: Case, accepted_at: dt.datetime) -> ClockBTerms:
    """The terms of clock B for `case` accepted at `accepted_at`, from the rules in force that (Beijing) day."""
    accepted = legal_date(accepted_at)
    start_rule, days_rule = rules_on(case, accepted)
    from_receipt = start_rule.value == Start.RECEIPT
    bases = dict.fromkeys((start_rule.basis, days_rule.basis))  # one basis when both rows cite the same text
    return ClockBTerms(
        start=legal_date(case.received_at) if from_receipt else accepted,
        days=days_rule.number or LEGACY_CLOCK_B_DAYS,
        basis="；".join(bases),
        from_receipt=from_receipt,
    )


def stored_terms(case: Case) -> ClockBTerms | None:
    """The terms clock B of `case` was counted on; None before acceptance."""
    if case.accepted_at is None:
        return None
    if not case.clock_b_from or case.clock_b_days is None:
        # Accepted before the rule table: 15 days from acceptance, the extensions added to the 15 days.
        return ClockBTerms(
            start=legal_date(case.accepted_at),
            days=LEGACY_CLOCK_B_DAYS + case.clock_b_extension_days,
            basis=NATIONAL_CLOCK_B_BASIS,
            from_receipt=False,
        )
    from_receipt = case.clock_b_from == Start.RECEIPT
    return ClockBTerms(
        start=legal_date(case.received_at if from_receipt else case.accepted_at),
        days=case.clock_b_days,
        basis=case.clock_b_basis or NATIONAL_CLOCK_B_BASIS,
        from_receipt=from_receipt,
        extensions=tuple(int(d) for d in case.clock_b_extensions or ()),
    )


def count(start: dt.date, days: int, extensions: Sequence[int] = ()) -> Deadline:
    """The last day of a period of `days` after `start`, then of each extension after the last day before it."""
    deadline = calendar_deadline(start, days)
    uncertain = deadline.uncertain
    for extra in extensions:
        deadline = calendar_deadline(deadline.last_day, extra)
        uncertain = uncertain or deadline.uncertain
    return Deadline(deadline.last_day, uncertain, deadline.rolled_from)


def count_terms(terms: ClockBTerms) -> Deadline:
    return count(terms.start, terms.days, terms.extensions)


def extension_cap(case: Case, day: dt.date) -> Rule:
    """The rule capping the agreed extensions of `case` on `day` (its value empty: no cap)."""
    return rule_for(province_of(case.division_id), Key.CLOCK_B_EXTENSION_MAX_DAYS, day)


def extension_days_left(case: Case, day: dt.date) -> int | None:
    """How many more days may be agreed under the cap in force on `day`; None when there is no cap."""
    cap = extension_cap(case, day).number
    if cap is None:
        return None
    return max(cap - case.clock_b_extension_days, 0)


def may_extend(case: Case, day: dt.date) -> bool:
    """Whether an extension can still be agreed for `case` on `day`: it is accepted or in mediation, and any cap
    in force is not used up."""
    if case.status not in (Status.ACCEPTED, Status.MEDIATING) or case.accepted_at is None:
        return False
    left = extension_days_left(case, day)
    return left is None or left > 0


def extension_hint(case: Case, day: dt.date) -> str:
    """The sentence beside the extension form: how many days may still be agreed, and under which rule."""
    cap = extension_cap(case, day)
    if cap.number is None:
        return _("延长的天数不设上限（%(citation)s），自原期限最后一日的次日起算。") % {"citation": cap.citation}
    return _("合计不超过%(cap)d天（%(citation)s），本案已延长%(used)d天；延长的天数自原期限最后一日的次日起算。") % {
        "cap": cap.number,
        "citation": cap.citation,
        "used": case.clock_b_extension_days,
    }
