"""The only way views and the API fetch cases.

Staff see and act on their own organisation's cases; supervisors read the cases in their division subtree;
everyone else gets 404, so a case's existence is never revealed.
"""

from __future__ import annotations

import enum

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Left, Length
from django.http import Http404

from tiaojie.accounts.models import User
from tiaojie.cases.models import Case
from tiaojie.lib.compiled import CompiledLookup
from tiaojie.lib.lookup import pk_or_404
from tiaojie.organisations.access import (
    active_memberships,
    membership_in,
    subtree_q_for_scopes,
    supervisor_scopes,
)
from tiaojie.organisations.models import Membership, SupervisorScope


class Need(enum.StrEnum):
    READ = "read"
    ACT = "act"  # accept, decline, move through mediation


def visibility_q(user: User) -> Q | None:
    """What cases_visible_to filters by, on the `organisation_id` and `division_id` columns (None: nothing).
    CaseSearchDocument carries copies of both, so the search applies the same Q to it (cases.search)."""
    memberships = active_memberships(user)
    scope_q = subtree_q_for_scopes(supervisor_scopes(user), "division_id")
    if not memberships and scope_q is None:
        return None
    q = Q(organisation_id__in=[m.organisation_id for m in memberships])
    if scope_q is not None:
        q |= scope_q
    return q


def cases_visible_to(user: User) -> QuerySet[Case]:
    q = visibility_q(user)
    return Case.objects.none() if q is None else Case.objects.filter(q)


def cases_visible_to_in_one_query(user: User) -> QuerySet[Case]:
    """The cases of cases_visible_to, with the user's memberships and supervisor scopes as subqueries of the
    case query itself instead of two reads before it: for a fetch of one case by id (the API's read), where the
    subqueries are checked on one row and save two round trips. Not for lists: there the organisation ids and
    division ranges as constants let the planner use the indexes (cases_visible_to). Same rules: an active
    membership of an active organisation; an active scope, national (no division) or the case's division in its
    subtree (the scope's code a prefix of the case's, as subtree_range's [low, high) range says)."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    return visible_to_user_id_in_one_query(user.pk)


def visible_to_user_id_in_one_query(user_id: int) -> QuerySet[Case]:
    """cases_visible_to_in_one_query for the id of an authenticated, active user (the caller checked): what a
    compiled lookup (lib.compiled) builds with a stand-in id."""
    staff_of = Membership.objects.filter(user_id=user_id, is_active=True, organisation__is_active=True)
    scopes = SupervisorScope.objects.filter(user_id=user_id, is_active=True).annotate(
        case_prefix=Left(OuterRef("division_id"), Length("division_id"))
    )
    in_scope = scopes.filter(Q(division_id__isnull=True) | Q(case_prefix=F("division_id")))
    return Case.objects.filter(Q(organisation_id__in=staff_of.values("organisation_id")) | Q(Exists(in_scope)))


# access_case's one statement: the case with what every page of it shows, the scope checked as subqueries, the
# SQL compiled once (lib.compiled; the ORM built and compiled this query in ~3 ms a request, it runs in ~1).
_CASE_FOR = CompiledLookup(
    lambda user_id, pk: (
        visible_to_user_id_in_one_query(user_id)
        .select_related("organisation", "organisation__type", "employer", "division")
        .filter(pk=pk)[:1]
    ),
    user_id=int,
    pk=int,
)


def can_act_on(user: User, case: Case) -> bool:
    return membership_in(user, case.organisation_id, lambda m: m.can_decide_cases) is not None


def reads_as_supervisor(user: User, case: Case) -> bool:
    """The user sees this case through a supervisor scope only, not as staff of its organisation. Such a reader
    gets masked ID and phone numbers everywhere and states a purpose for each full one (docs/security.md §5)."""
    return membership_in(user, case.organisation_id) is None


def access_case(user: User, case_id: int | str, *, need: Need = Need.READ) -> Case:
    pk = pk_or_404(case_id)
    if not user.is_authenticated or not user.is_active:
        raise Http404
    case = _CASE_FOR.first(user_id=user.pk, pk=pk)
    if case is None:
        raise Http404
    if need == Need.ACT and not can_act_on(user, case):
        raise Http404
    return case
