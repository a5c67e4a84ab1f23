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
from tiaojie.intake.actions import tracking_index
from tiaojie.intake.models import CollectiveAlert, Evidence, TrackingCode
from tiaojie.lib import crypto
from tiaojie.lib.idnumbers import InvalidIdentifier, validate_mobile
from tiaojie.organisations.access import active_memberships, subtree_q_for_scopes, supervisor_scopes


class Throttled(Exception):
    pass


def access_case_by_tracking(*, code: str, phone: str, client_ip: str | None) -> Case:
    """The case for a tracking code and the mobile number it was issued to.

    A wrong code and a wrong phone get the same answer (Http404), so the page cannot be used to learn which
    codes exist. Failures are counted per client address (track_ip) and per address and code (track_ipcode);
    past either limit that address is refused with Throttled, even a correct look-up, until the window has
    passed. Nothing is counted per code alone: a guesser trying phones against a known code from one address
    would otherwise lock the real owner out from everywhere."""
    ip_key = limits.ip_key(client_ip)
    code_key = tracking_index(code)
    ipcode_key = limits.key_for("ipcode", f"{client_ip or '?'}|{code_key}")
    try:
        limits.check("track_ip", ip_key)
        limits.check("track_ipcode", ipcode_key)
    except limits.RateLimited as exc:
        raise Throttled from exc
    try:
        phone = validate_mobile(phone)
    except InvalidIdentifier:
        phone = ""
    row = (
        TrackingCode.objects.select_related("case", "case__organisation", "case__employer")
        .filter(code_index=code_key, phone_index=crypto.blind_index("phone", phone))
        .first()
    )
    if row is None:
        limits.record("track_ip", ip_key)
        limits.record("track_ipcode", ipcode_key)
        raise Http404
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
