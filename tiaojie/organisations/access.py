"""Who may see and act for which organisation. Views never query Organisation directly."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import Http404

from tiaojie.accounts.models import User
from tiaojie.lib.compiled import CompiledLookup
from tiaojie.organisations.models import Membership, Organisation, SupervisorScope
from tiaojie.reference.models import in_subtree_q

# Read on nearly every request of a member: compiled once (lib.compiled), as the ORM would build them each time.
_MEMBERSHIPS = CompiledLookup(
    lambda user_id: Membership.objects.filter(
        user_id=user_id, is_active=True, organisation__is_active=True
    ).select_related("organisation", "organisation__type"),
    user_id=int,
)
_SCOPES = CompiledLookup(
    lambda user_id: SupervisorScope.objects.filter(user_id=user_id, is_active=True).select_related("division"),
    user_id=int,
)


def active_memberships(user: User) -> list[Membership]:
    if not user.is_authenticated or not user.is_active:
        return []
    cache = getattr(user, "_tiaojie_memberships", None)
    if cache is None:
        cache = _MEMBERSHIPS.rows(user_id=user.pk)
        user._tiaojie_memberships = cache  # type: ignore[attr-defined]  # per-request cache on the user
    return cache


def supervisor_scopes(user: User) -> list[SupervisorScope]:
    if not user.is_authenticated or not user.is_active:
        return []
    cache = getattr(user, "_tiaojie_scopes", None)
    if cache is None:
        cache = _SCOPES.rows(user_id=user.pk)
        user._tiaojie_scopes = cache  # type: ignore[attr-defined]
    return cache


def membership_in(
    user: User, organisation_id: int, may: Callable[[Membership], bool] | None = None
) -> Membership | None:
    """The user's membership of the organisation if it is active and passes `may` (e.g. `lambda m:
    m.can_decide_cases`), else None. Every "is this user staff there" question asks this one function, so
    an inactive user, membership or organisation means "not staff" everywhere alike."""
    membership = next((m for m in active_memberships(user) if m.organisation_id == organisation_id), None)
    if membership is None or (may is not None and not may(membership)):
        return None
    return membership


def subtree_q_for_scopes(scopes: list[SupervisorScope], field: str) -> Q | None:
    """A Q for the union of the scopes' division subtrees; None when the user has no scope."""
    if not scopes:
        return None
    if any(s.division_id is None for s in scopes):
        # National. Not Q(): an empty Q vanishes when OR-ed with another, which would hide everything.
        return Q(pk__isnull=False)
    q = Q(pk__in=[])
    for scope in scopes:
        q |= in_subtree_q(field, scope.division_id)
    return q


def intake_organisations(user: User) -> list[Organisation]:
    """Organisations in which the user may register cases."""
    return [m.organisation for m in active_memberships(user) if m.can_register_cases]


def access_organisation_for_intake(user: User, organisation_id: int) -> Organisation:
    membership = membership_in(user, organisation_id, lambda m: m.can_register_cases)
    if membership is None:
        raise Http404
    return membership.organisation


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    q = Q(pk__in=[m.organisation_id for m in active_memberships(user)])
    scope_q = subtree_q_for_scopes(supervisor_scopes(user), "division_id")
    if scope_q is not None:
        q |= scope_q
    return Organisation.objects.filter(q)
