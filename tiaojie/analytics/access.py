"""Who may see which statistics. Every analytics view starts here; anything else is a 404.

- A supervisor sees the statistics, coverage and case ledger of their division subtrees (a national scope:
  everything), and of every organisation inside them.
- An organisation administrator (Membership role org_admin) sees their own organisation's statistics and
  ledger. Mediators and intake operators see no statistics.
- The register of enterprises above designated size may be imported by supervisors (rows limited to their
  subtrees) and by Django staff holding the `organisations.change_employer` permission (anywhere).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from tiaojie.accounts.models import User
from tiaojie.analytics.models import RiskAlert
from tiaojie.cases.access import cases_visible_to
from tiaojie.cases.models import Case
from tiaojie.organisations.access import active_memberships, membership_in, supervisor_scopes
from tiaojie.organisations.models import Employer, Organisation
from tiaojie.reference.models import Division, in_subtree_q, subtree_range


@dataclass(frozen=True)
class StatsScope:
    """What a statistics page is about: the whole country, a division subtree, or one organisation."""

    kind: str  # "nation" | "region" | "org"
    division: Division | None = None
    organisation: Organisation | None = None

    @property
    def key(self) -> str:
        """The rollup scope key (tiaojie.analytics.models)."""
        if self.organisation is not None:
            return f"o{self.organisation.pk}"
        return self.division.code if self.division is not None else ""

    def case_q(self) -> Q:
        if self.organisation is not None:
            return Q(organisation_id=self.organisation.pk)
        if self.division is not None:
            return in_subtree_q("division_id", self.division.code)
        return Q(pk__isnull=False)


def _in(code: str, root: str) -> bool:
    low, high = subtree_range(root)
    return low <= code < high and len(code) >= len(root)


def covers_division(user: User, code: str | None) -> bool:
    """The user supervises `code` (None: the whole country)."""
    for scope in supervisor_scopes(user):
        if scope.division_id is None:
            return True
        if code is not None and _in(code, scope.division_id):
            return True
    return False


def is_supervisor(user: User) -> bool:
    return bool(supervisor_scopes(user))


def administered_organisations(user: User) -> list[Organisation]:
    return [m.organisation for m in active_memberships(user) if m.can_manage_organisation]


def may_see_statistics(user: User) -> bool:
    """For the header link: supervisors and organisation administrators."""
    return is_supervisor(user) or bool(administered_organisations(user))


def statistics_entry_points(user: User) -> list[StatsScope]:
    points: list[StatsScope] = []
    for scope in supervisor_scopes(user):
        points.append(StatsScope("region", division=scope.division) if scope.division else StatsScope("nation"))
    points.extend(StatsScope("org", organisation=o) for o in administered_organisations(user))
    return points


def access_region_stats(user: User, code: str | None) -> StatsScope:
    """The statistics of a division subtree (None: the country) for a supervisor who covers it."""
    if code is None:
        if not covers_division(user, None):
            raise Http404
        return StatsScope("nation")
    if not code.isdigit() or not covers_division(user, code):
        raise Http404
    division = Division.objects.filter(pk=code).first()
    if division is None:
        raise Http404
    return StatsScope("region", division=division)


def access_org_stats(user: User, organisation_id: int) -> StatsScope:
    """One organisation's statistics: its administrators, and supervisors whose subtree holds it."""
    organisation = Organisation.objects.select_related("type", "division").filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    admin = membership_in(user, organisation.pk, lambda m: m.can_manage_organisation) is not None
    if not admin and not covers_division(user, organisation.division_id):
        raise Http404
    return StatsScope("org", organisation=organisation)


def access_coverage(user: User, code: str | None) -> StatsScope:
    """Coverage of the 2025 targets is for supervisors only (organisation administrators get 404)."""
    return access_region_stats(user, code)


def ledger_cases(user: User, scope: StatsScope) -> QuerySet[Case]:
    """The cases of the ledger: what the user may read anyway, narrowed to the scope."""
    return cases_visible_to(user).filter(scope.case_q())


def may_import_enterprises(user: User) -> bool:
    return is_supervisor(user) or (user.is_active and user.is_staff and user.has_perm("organisations.change_employer"))


def import_division_allowed(user: User) -> Callable[[str], bool]:
    """A predicate on division codes for the import: anywhere for staff, the subtrees for supervisors."""
    if user.is_active and user.is_staff and user.has_perm("organisations.change_employer"):
        return lambda code: True
    return lambda code: covers_division(user, code)


# --- employer risk (docs/risk.md): supervisors only, like the coverage pages ---------------------------------


def access_risk_region(user: User, code: str | None) -> StatsScope:
    """The employer-risk list of a region: supervisors who cover it (organisation administrators: 404)."""
    return access_region_stats(user, code)


def access_risk_employer(user: User, scope: StatsScope, employer_id: int) -> Employer:
    """An employer with at least one case the user may read inside the region; anything else is a 404, so
    another region's supervisor cannot learn that an employer has disputes elsewhere."""
    employer = Employer.objects.select_related("division").filter(pk=employer_id).first()
    if employer is None or not ledger_cases(user, scope).filter(employer_id=employer_id).exists():
        raise Http404
    return employer


def risk_alerts_visible_to(user: User, scope: StatsScope) -> QuerySet[RiskAlert]:
    if not is_supervisor(user):
        return RiskAlert.objects.none()
    code = scope.division.code if scope.division is not None else None
    return RiskAlert.objects.filter(in_subtree_q("county_id", code))


def access_risk_alert(user: User, alert_id: int) -> RiskAlert:
    alert = RiskAlert.objects.select_related("employer", "county").filter(pk=alert_id).first()
    if alert is None or not covers_division(user, alert.county_id):
        raise Http404
    return alert
