"""Employer risk: a colour grade per employer from its disputes in a region (docs/risk.md).

The rule is data (`RULE`): four levels, 红 highest, each met when any one of its conditions holds; an employer
takes the highest level it meets. The page shows the table as it is here, with the reason of every threshold.
The figures are counted over the cases *in one region* (a supervisor's subtree, by the case's division), in a
window of `WINDOW_DAYS` ending on the day passed in — never the wall clock inside the computation, so a test or
a re-run for a past day gives the same answer.

Two aggregate queries per call, both bounded by the region's index range on `Case.division` and the window:
one over the cases (joined once to their claim items for the amounts), one over the effective agreements with
an instalment past due and unpaid. Merged in Python by employer id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tiaojie.analytics.models import RiskLevel
from tiaojie.cases.models import Case
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation.models import Agreement
from tiaojie.organisations.models import Employer

WINDOW_DAYS = 365
# 调解仲裁法 art 7: a dispute of ten or more workers is a collective one (the same threshold as the statistics).
COLLECTIVE_WORKERS = 10

RED, ORANGE, YELLOW, BLUE = RiskLevel.RED.value, RiskLevel.ORANGE.value, RiskLevel.YELLOW.value, RiskLevel.BLUE.value
LEVELS = (RED, ORANGE, YELLOW, BLUE)  # highest first
LEVEL_RANK = {RED: 4, ORANGE: 3, YELLOW: 2, BLUE: 1, "": 0}
# Levels whose rise alerts the supervising level (county and city supervisors).
ALERT_LEVELS = (RED, ORANGE)
LEVEL_LABELS: dict[str, str | Promise] = {level.value: level.label for level in RiskLevel}

FACTOR_LABELS: dict[str, str | Promise] = {
    "cases": _("12个月内案件数"),
    "amount": _("请求金额合计（元）"),
    "unperformed": _("未履行调解协议数"),
    "collective": _("集体争议案件数"),
    "organisations": _("经办调解组织数"),
}


@dataclass(frozen=True)
class Condition:
    factor: str  # a key of FACTOR_LABELS
    at_least: int | Decimal
    reason: str | Promise

    @property
    def text(self) -> str:
        return f"{FACTOR_LABELS[self.factor]} ≥ {self.at_least}"


@dataclass(frozen=True)
class Level:
    key: str
    conditions: tuple[Condition, ...]

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self.key])


_REPEAT = _(
    "同一单位反复发生争议，说明用工管理问题未解决，应先行介入预防（参照宁波市用人单位劳动保障信用分级预警做法）"
)
_AMOUNT = _("请求金额大，欠薪或解除补偿集中，容易引发群体性事件（本地工作标准，可调整）")
_COLLECTIVE = _("十人以上为集体争议（《劳动争议调解仲裁法》第七条），须报告并重点预防")
_UNPERFORMED = _(
    "调解协议生效后逾期未履行，劳动者可能转向仲裁、支付令或信访（《劳动争议调解仲裁法》第十五条、第十六条）"
)
_SPREAD = _("多个调解组织受理同一单位的案件，争议已跨出一个基层组织的范围")
_ANY = _("12个月内发生过劳动争议，列入关注")

RULE: tuple[Level, ...] = (
    Level(
        RED,
        (
            Condition("collective", 1, _COLLECTIVE),
            Condition("unperformed", 2, _UNPERFORMED),
            Condition("cases", 5, _REPEAT),
        ),
    ),
    Level(
        ORANGE,
        (
            Condition("unperformed", 1, _UNPERFORMED),
            Condition("cases", 3, _REPEAT),
            Condition("amount", Decimal("500000"), _AMOUNT),
            Condition("organisations", 2, _SPREAD),
        ),
    ),
    Level(
        YELLOW,
        (
            Condition("cases", 2, _REPEAT),
            Condition("amount", Decimal("100000"), _AMOUNT),
        ),
    ),
    Level(BLUE, (Condition("cases", 1, _ANY),)),
)

# Order within a level: a weighted sum, so that of two 红 employers the one with more behind it comes first.
# Weights, per unit of each factor (amount per 10,000 yuan). Only the order depends on them, never the level.
SCORE_WEIGHTS: dict[str, Decimal] = {
    "collective": Decimal(30),
    "unperformed": Decimal(20),
    "cases": Decimal(10),
    "organisations": Decimal(5),
    "amount": Decimal("0.0001"),
}


@dataclass
class EmployerRisk:
    employer_id: int
    cases: int = 0
    amount: Decimal = Decimal(0)
    unperformed: int = 0
    collective: int = 0
    organisations: int = 0
    level: str = ""
    reasons: list[Condition] = field(default_factory=list)

    @property
    def score(self) -> Decimal:
        return sum((Decimal(getattr(self, k)) * w for k, w in SCORE_WEIGHTS.items()), Decimal(0)).quantize(
            Decimal("0.1")
        )

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    def factors(self) -> list[tuple[str, str, object]]:
        return [(key, str(label), getattr(self, key)) for key, label in FACTOR_LABELS.items()]


def grade(risk: EmployerRisk) -> EmployerRisk:
    """Set the level: the first (highest) level any of whose conditions the figures meet, and which ones."""
    for level in RULE:
        met = [c for c in level.conditions if getattr(risk, c.factor) >= c.at_least]
        if met:
            risk.level, risk.reasons = level.key, met
            return risk
    risk.level, risk.reasons = "", []
    return risk


def window(as_of: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in UTC-aware instants: the `WINDOW_DAYS` Beijing days ending with `as_of` inclusive."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=LEGAL_TZ)
    return end - dt.timedelta(days=WINDOW_DAYS), end


def compute(cases: QuerySet[Case], as_of: dt.date, employer_ids: Iterable[int] | None = None) -> list[EmployerRisk]:
    """The graded employers of `cases` (already narrowed to a region, e.g. `StatsScope.case_q()`), best first:
    level, then score, then id. Employers with nothing in the window have no level and are left out."""
    start, end = window(as_of)
    if employer_ids is not None:
        cases = cases.filter(employer_id__in=list(employer_ids))
    rows = (
        cases.filter(received_at__gte=start, received_at__lt=end)
        .values("employer_id")
        # One join (to the claim items) so the sum is right; the counts are distinct over the case ids.
        .annotate(
            n=Count("id", distinct=True),
            collective=Count("id", distinct=True, filter=Q(worker_count__gte=COLLECTIVE_WORKERS)),
            orgs=Count("organisation_id", distinct=True),
            amount=Sum("claims__amount_claimed"),
        )
        .order_by()
    )
    found: dict[int, EmployerRisk] = {}
    for row in rows:
        found[row["employer_id"]] = EmployerRisk(
            row["employer_id"],
            cases=row["n"],
            # SQLite sums decimals to a number without its places: always two, as entered.
            amount=Decimal(row["amount"] or 0).quantize(Decimal("0.01")),
            collective=row["collective"],
            organisations=row["orgs"],
        )
    # An agreement counts as unperformed while an instalment due in the window (before `as_of`) is unpaid.
    unperformed = (
        Agreement.objects.filter(
            case__in=cases,
            effective_at__isnull=False,
            payments__paid_on__isnull=True,
            payments__due_date__lt=as_of,
            payments__due_date__gte=as_of - dt.timedelta(days=WINDOW_DAYS),
        )
        .values("case__employer_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    for agreed in unperformed:
        employer_id = agreed["case__employer_id"]
        found.setdefault(employer_id, EmployerRisk(employer_id)).unperformed = agreed["n"]
    graded = [grade(r) for r in found.values()]
    graded = [r for r in graded if r.level]
    graded.sort(key=lambda r: (-r.rank, -r.score, r.employer_id))
    return graded


def rule_rows() -> list[dict[str, object]]:
    """The rule as the page shows it ("评级规则")."""
    return [
        {"key": level.key, "label": level.label, "conditions": [(c.text, str(c.reason)) for c in level.conditions]}
        for level in RULE
    ]


@dataclass
class RiskRow:
    risk: EmployerRisk
    employer: Employer


def employer_rows(risks: list[EmployerRisk], *, level: str = "", limit: int | None = None) -> list[RiskRow]:
    """The page's rows: filtered by level, bounded, each with its employer (one query for the page)."""
    chosen = [r for r in risks if not level or r.level == level]
    if limit is not None:
        chosen = chosen[:limit]
    employers = Employer.objects.select_related("division").in_bulk([r.employer_id for r in chosen])
    return [RiskRow(r, employers[r.employer_id]) for r in chosen if r.employer_id in employers]


def level_counts(risks: list[EmployerRisk]) -> list[tuple[str, str, int]]:
    return [(key, str(LEVEL_LABELS[key]), sum(1 for r in risks if r.level == key)) for key in LEVELS]
