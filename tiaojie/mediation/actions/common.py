"""Helpers shared by the mediation actions: permission checks, events, party phones, input checks. SMS go
through `tiaojie.notifications.actions.do_queue_sms` (stored, sent by the task worker)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from tiaojie.accounts.models import User, hash_token
from tiaojie.cases.actions import Actor, CaseActionError, record_case_event
from tiaojie.cases.models import Case, CaseEvent, Worker
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib import crypto
from tiaojie.mediation.models import (
    EmployerContact,
    Party,
)
from tiaojie.organisations.access import membership_in
from tiaojie.organisations.models import Membership

SYSTEM = Actor(ActorKind.SYSTEM, label="system")
MONEY_MAX = Decimal("1e12")


# --- helpers ---------------------------------------------------------------------------------------------


def staff_membership(actor: Actor, case: Case) -> Membership:
    """Writes are for mediators and organisation admins of the case's organisation (supervisors only read)."""
    if actor.kind != ActorKind.STAFF or actor.user is None:
        raise CaseActionError(_("您无权进行此操作"))
    membership = membership_in(actor.user, case.organisation_id)
    if membership is None or not membership.can_decide_cases:
        raise CaseActionError(_("您无权进行此操作"))
    return membership


def staff_user(actor: Actor) -> User:
    """The staff user of an actor already checked by staff_membership."""
    assert actor.user is not None
    return actor.user


def note_event(case_id: int, actor: Actor, text: str, *, basis: str = "", data: dict | None = None, at=None) -> None:
    record_case_event(
        case=case_id,
        at=at,
        kind=CaseEvent.Kind.NOTE,
        actor=actor,
        reason=text,
        basis=basis,
        data={"app": "mediation", **(data or {})},
    )


def applicant_workers(case: Case) -> list[Worker]:
    """The applicant: the representative worker(s), or the first worker."""
    links = list(case.case_workers.select_related("worker").order_by("-is_representative", "id"))
    reps = [link.worker for link in links if link.is_representative]
    return reps or [link.worker for link in links[:1]]


def applicant_phones(case: Case) -> list[tuple[str, str]]:
    """(full, masked) numbers of the applicant, for sending inside an action only."""
    return [(w.reveal("phone"), w.phone_masked) for w in applicant_workers(case) if w.phone_encrypted]


def employer_phone(case: Case) -> tuple[str, str] | None:
    contact = EmployerContact.objects.filter(case=case).first()
    if contact is None or not contact.phone_encrypted:
        return None
    return contact.reveal_phone(), contact.phone_masked


def party_phone(case: Case, party: str) -> tuple[str, str] | None:
    if party == Party.WORKER:
        phones = applicant_phones(case)
        return phones[0] if phones else None
    return employer_phone(case)


def new_token() -> tuple[str, str, str]:
    raw = secrets.token_urlsafe(24)
    return raw, hash_token(raw), crypto.encrypt(raw)


def clean_text(value: str, *, field: str, label: str, max_len: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CaseActionError(_("请填写%(label)s") % {"label": label}, {field: _("必填")})
    if len(value) > max_len:
        raise CaseActionError(_("%(label)s不超过%(n)d字") % {"label": label, "n": max_len}, {field: _("内容过长")})
    return value


def check_money(value: Decimal | None, *, field: str, allow_zero: bool = True) -> Decimal:
    if value is None or not value.is_finite():
        raise CaseActionError(_("请填写金额"), {field: _("请填写金额")})
    if value < 0 or value >= MONEY_MAX or (not allow_zero and value == 0):
        raise CaseActionError(_("金额应为大于0且小于一万亿元的数"), {field: _("金额超出范围")})
    if value != value.quantize(Decimal("0.01")):
        raise CaseActionError(_("金额最多保留两位小数"), {field: _("金额最多保留两位小数")})
    return value


def negotiation_link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("mediation:employer_negotiation", args=[token])


def rating_link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("mediation:rate", args=[token])
