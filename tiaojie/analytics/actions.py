"""The writes of the employer-risk alerts (docs/risk.md). The statistics themselves write nothing.

Why here and not in notifications or intake: the grade reads the mediation agreements (unperformed ones), and
only analytics may read every sibling's tables (docs/architecture.md); notifications sits below mediation and
intake beside it. The alert row and its notifications are written here, the messages delivered by
notifications like every other (`do_notify_user`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import formats, timezone

from tiaojie.accounts.models import User
from tiaojie.analytics import risk
from tiaojie.analytics.models import EmployerRiskState, RiskAlert
from tiaojie.cases.models import Case
from tiaojie.mediation.models import Agreement
from tiaojie.notifications.actions import do_notify_user
from tiaojie.organisations.models import Employer, SupervisorScope
from tiaojie.reference.models import Division, in_subtree_q

log = logging.getLogger(__name__)


@dataclass
class RiskRun:
    counties: int = 0
    changed: int = 0
    alerts: int = 0


def county_of(code: str) -> str:
    """The supervising level of a case's division: its county (a city or province code stays as it is)."""
    return code[:6]


def alert_recipients(county: str) -> list[User]:
    """Active supervisors whose scope is the county itself or its city: the level above the organisations.
    Province and national supervisors read the list on the page instead of one message per employer."""
    prefixes = {county[:n] for n in (4, 6) if n <= len(county)}
    scopes = SupervisorScope.objects.filter(division_id__in=prefixes, is_active=True, user__is_active=True)
    users = {s.user_id: s.user for s in scopes.select_related("user").order_by("user_id")}
    return list(users.values())


def _counties(as_of: dt.date) -> list[str]:
    start, end = risk.window(as_of)
    found = set(
        Case.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(county=Substr("division_id", 1, 6))
        .values_list("county", flat=True)
        .distinct()
    )
    found.update(
        Agreement.objects.filter(
            effective_at__isnull=False,
            payments__paid_on__isnull=True,
            payments__due_date__lt=as_of,
            payments__due_date__gte=as_of - dt.timedelta(days=risk.WINDOW_DAYS),
        )
        .annotate(county=Substr("case__division_id", 1, 6))
        .values_list("county", flat=True)
        .distinct()
    )
    # Counties where someone was graded before and may have dropped to nothing.
    found.update(EmployerRiskState.objects.exclude(level="").values_list("county_id", flat=True).distinct())
    return sorted(found)


def do_record_risk_levels(*, as_of: dt.date) -> RiskRun:
    """Grade every employer in every county with disputes as of `as_of`, store the levels that changed and
    alert the county's and the city's supervisors of each rise to 红 or 橙 (run daily: `tiaojie grade-employers`).

    One transaction per county, so a failure in one leaves the others done and a re-run finishes the rest. Each
    change is a conditional UPDATE on the stored level: two runs at once cannot both raise the same alert. An
    employer alerted at a level in the last `WINDOW_DAYS` days is not alerted at that level again, even if it
    fell and rose again in between."""
    run = RiskRun()
    for county in _counties(as_of):
        if not Division.objects.filter(pk=county).exists():
            continue
        run.counties += 1
        with transaction.atomic():
            changed, alerts = _grade_county(county, as_of)
        run.changed += changed
        run.alerts += alerts
    return run


def _grade_county(county: str, as_of: dt.date) -> tuple[int, int]:
    graded = {r.employer_id: r for r in risk.compute(Case.objects.filter(in_subtree_q("division_id", county)), as_of)}
    states = {s.employer_id: s for s in EmployerRiskState.objects.filter(county_id=county)}
    new_ids = [pk for pk in graded if pk not in states]
    if new_ids:
        EmployerRiskState.objects.bulk_create(
            [EmployerRiskState(employer_id=pk, county_id=county, level="") for pk in new_ids], ignore_conflicts=True
        )
        states.update(
            {s.employer_id: s for s in EmployerRiskState.objects.filter(county_id=county, employer_id__in=new_ids)}
        )
    changed = alerts = 0
    for employer_id, state in states.items():
        result = graded.get(employer_id)
        level = result.level if result else ""
        if level == state.level:
            continue
        won = EmployerRiskState.objects.filter(pk=state.pk, level=state.level).update(level=level, changed_on=as_of)
        if not won:  # another run changed it first; that run decides about the alert
            continue
        changed += 1
        if result is not None and level in risk.ALERT_LEVELS and risk.LEVEL_RANK[level] > risk.LEVEL_RANK[state.level]:
            if _raise_alert(county, result, previous=state.level, as_of=as_of):
                alerts += 1
    return changed, alerts


def _raise_alert(county: str, result: risk.EmployerRisk, *, previous: str, as_of: dt.date) -> RiskAlert | None:
    recent = RiskAlert.objects.filter(
        employer_id=result.employer_id,
        county_id=county,
        level=result.level,
        raised_on__gt=as_of - dt.timedelta(days=risk.WINDOW_DAYS),
    )
    if recent.exists():
        return None
    alert = RiskAlert.objects.create(
        employer_id=result.employer_id,
        county_id=county,
        level=result.level,
        previous_level=previous,
        raised_on=as_of,
        factors={key: str(value) for key, _label, value in result.factors()},
        reasons=[c.text for c in result.reasons],
    )
    employer = Employer.objects.get(pk=result.employer_id)
    division = Division.objects.get(pk=county)
    url = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("analytics:risk_employer", args=[county, employer.pk])
    context: dict[str, object] = {
        "county": division.full_name,
        "employer": employer.name,
        "day": formats.date_format(as_of, "DATE_FORMAT"),  # 2026年3月10日 (tiaojie/formats)
        "previous": risk.LEVEL_LABELS[previous],
        "level": risk.LEVEL_LABELS[result.level],
        "reasons": "；".join(c.text for c in result.reasons),
        "url": url,
    }
    for user in alert_recipients(county):
        do_notify_user(user=user, template_key="risk_alert", context=context)
    return alert


def do_acknowledge_risk_alert(*, alert: RiskAlert, actor: User) -> bool:
    """Mark the alert as handled; the first acknowledgement stands (a conditional UPDATE)."""
    with transaction.atomic():
        done = RiskAlert.objects.filter(Q(pk=alert.pk) & Q(acknowledged_at__isnull=True)).update(
            acknowledged_at=timezone.now(), acknowledged_by=actor
        )
    return bool(done)
