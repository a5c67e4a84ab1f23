"""Access for people without an account (tracking code + mobile number), and for intake staff."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tiaojie.accounts.models import User
from tiaojie.cases.access import Need, access_case
from tiaojie.cases.models import Case
from tiaojie.intake import limits
from tiaojie.intake.actions import tracking_index, tracking_row
from tiaojie.intake.models import CollectiveAlert, Evidence
from tiaojie.organisations.access import active_memberships, subtree_q_for_scopes, supervisor_scopes


class Throttled(Exception):
    pass


class TrackingNotFound(Http404):
    """A wrong code or phone, with how many more failures this address may have (the lower of the two
    limits) before it is locked out: the worker is told, so a typo does not come as a surprise lockout."""

    def __init__(self, tries_left: int) -> None:
        super().__init__("tracking look-up failed")
        self.tries_left = tries_left


def tracking_keys(*, code: str, client_ip: str | None) -> tuple[str, str]:
    """The throttle keys of a look-up: the address (track_ip) and the address with the code (track_ipcode)."""
    ip_key = limits.ip_key(client_ip)
    return ip_key, limits.key_for("ipcode", f"{client_ip or '?'}|{tracking_index(code)}")


def access_case_by_tracking(*, code: str, phone: str, client_ip: str | None) -> Case:
    """The case for a tracking code and the mobile number it was issued to.

    A wrong code and a wrong phone get the same answer (Http404), so the page cannot be used to learn which
    codes exist. Failures are counted per client address (track_ip) and per address and code (track_ipcode);
    past either limit that address is refused with Throttled, even a correct look-up, until the window has
    passed. Nothing is counted per code alone: a guesser trying phones against a known code from one address
    would otherwise lock the real owner out from everywhere. A failure raises TrackingNotFound (an Http404)
    with the tries left; the owner of a code locked out can still get in with an SMS code
    (intake.actions.do_unlock_tracking)."""
    ip_key, ipcode_key = tracking_keys(code=code, client_ip=client_ip)
    try:
        limits.check("track_ip", ip_key)
        limits.check("track_ipcode", ipcode_key)
    except limits.RateLimited as exc:
        raise Throttled from exc
    row = tracking_row(code=code, phone=phone)
    if row is None:
        limits.record("track_ip", ip_key)
        limits.record("track_ipcode", ipcode_key)
        left = min(
            limits.window("track_ip")[0] - limits.recent("track_ip", ip_key),
            limits.window("track_ipcode")[0] - limits.recent("track_ipcode", ipcode_key),
        )
        raise TrackingNotFound(max(left, 0))
    return row.case


def access_case_for_tracking_session(session: SessionBase, key: str) -> Case | None:
    """The case a successful tracking look-up in this session opened, while it is still valid.

    The id comes from our own session (written after code and phone matched), never from the request."""
    held = session.get(key)
    valid = False
    if isinstance(held, dict) and isinstance(held.get("case_id"), int) and isinstance(held.get("until"), str):
        try:
            valid = dt.datetime.fromisoformat(held["until"]) > timezone.now()
        except ValueError:
            valid = False
    if not valid or not isinstance(held, dict):
        session.pop(key, None)
        return None
    case = Case.objects.select_related("organisation", "employer").filter(pk=held["case_id"]).first()
    if case is None:
        session.pop(key, None)
    return case


def access_evidence(user: User, case_id: int, evidence_id: int) -> Evidence:
    case = access_case(user, case_id, need=Need.READ)
    evidence = Evidence.objects.filter(pk=evidence_id, case=case).first()
    if evidence is None:
        raise Http404
    return evidence


def alerts_visible_to(user: User) -> QuerySet[CollectiveAlert]:
    """The organisation's own alerts, and those in a supervisor's subtree (by the employer's county)."""
    q = Q(organisation_id__in=[m.organisation_id for m in active_memberships(user)])
    scope_q = subtree_q_for_scopes(supervisor_scopes(user), "county_id")
    if scope_q is not None:
        q |= scope_q
    return CollectiveAlert.objects.filter(q).select_related("employer", "organisation", "county")
