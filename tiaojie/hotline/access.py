"""Who may use the hotline console. Members (any role) of a `hotline`-type organisation see their own
hotline's calls; everyone else, supervisors included, gets 404, so a call's existence is never revealed."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from tiaojie.accounts.models import User
from tiaojie.hotline.models import HOTLINE_TYPE, HotlineCall
from tiaojie.lib.lookup import first_or_404, pk_or_404
from tiaojie.organisations.access import active_memberships, membership_in
from tiaojie.organisations.models import Organisation


def hotline_organisations(user: User) -> list[Organisation]:
    """The active hotlines the user works for (active_memberships already drops inactive organisations)."""
    return [m.organisation for m in active_memberships(user) if m.organisation.type_id == HOTLINE_TYPE]


def is_hotline_member(user: User) -> bool:
    return bool(hotline_organisations(user))


def require_hotline_member(user: User) -> list[Organisation]:
    organisations = hotline_organisations(user)
    if not organisations:
        raise Http404
    return organisations


def access_hotline_organisation(user: User, organisation_id: int | str) -> Organisation:
    membership = membership_in(user, pk_or_404(organisation_id), lambda m: m.organisation.type_id == HOTLINE_TYPE)
    if membership is None:
        raise Http404
    return membership.organisation


def calls_visible_to(user: User) -> QuerySet[HotlineCall]:
    organisations = hotline_organisations(user)
    if not organisations:
        return HotlineCall.objects.none()
    return HotlineCall.objects.filter(organisation_id__in=[o.pk for o in organisations])


def access_call(user: User, call_id: int | str) -> HotlineCall:
    pk = pk_or_404(call_id)
    return first_or_404(
        calls_visible_to(user)
        .select_related("organisation", "operator", "work_order", "work_order__tier", "rating", "case__organisation")
        .filter(pk=pk)
    )
