"""The hand-off package for the arbitration commission (docs/handoff.md documents every field)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from tiaojie.accounts.actions import do_log_pii_access
from tiaojie.accounts.models import User
from tiaojie.cases.clock_b import stored_terms
from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.cases.queries import case_parties, case_timeline
from tiaojie.mediation import rules
from tiaojie.mediation.limitation import claim_limitations
from tiaojie.mediation.models import EmployerContact
from tiaojie.mediation.queries import mediation_state

SCHEMA = "tiaojie.handoff/1"


def _at(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


def handoff_package(case: Case, *, user: User, request: HttpRequest | None, reveal_pii: bool) -> dict[str, Any]:
    """Everything the commission needs to take the dispute over. Full ID and phone numbers only when
    `reveal_pii`, and then each one included is written to the personal-data access log."""
    purpose = f"handoff case {case.pk}"
    terms = stored_terms(case)

    def reveal(record_type: str, record_id: int, field: str, value: str) -> str:
        do_log_pii_access(
            user=user, record_type=record_type, record_id=record_id, field=field, request=request, purpose=purpose
        )
        return value

    workers = []
    for link in case_parties(case):
        w = link.worker
        id_number, phone = w.id_number_masked, w.phone_masked
        if reveal_pii and w.id_number_encrypted:
            id_number = reveal("cases.worker", w.pk, "id_number", w.reveal("id_number"))
        if reveal_pii and w.phone_encrypted:
            phone = reveal("cases.worker", w.pk, "phone", w.reveal("phone"))
        workers.append(
            {
                "name": w.name,
                "sex": w.sex,
                "id_number": id_number,
                "phone": phone,
                "address": w.address,
                "is_representative": link.is_representative,
            }
        )
    contact = EmployerContact.objects.filter(case=case).first()
    contact_data = None
    if contact is not None:
        phone = contact.phone_masked
        if reveal_pii and contact.phone_encrypted:
            phone = reveal("mediation.employercontact", contact.pk, "phone", contact.reveal_phone())
        contact_data = {"name": contact.name, "title": contact.title, "phone": phone}
    employer = case.employer
    state = mediation_state(case)
    events = list(case_timeline(case))
    assertion_kinds = (CaseEvent.Kind.CREATED, CaseEvent.Kind.DUPLICATE)
    agreement = state.agreement
    return {
        "schema": SCHEMA,
        "generated_at": _at(timezone.now()),
        "generated_by": str(user),
        "pii": "full" if reveal_pii else "masked",
        "case": {
            "id": case.pk,
            "status": case.status,
            "status_label": str(Status(case.status).label),
            "organisation": {
                "id": case.organisation_id,
                "name": case.organisation.name,
                "type": case.organisation.type_id,
                "division": case.organisation.division_id,
                "address": case.organisation.address,
                "phone": case.organisation.phone,
            },
            "channel": case.channel,
            "worker_count": case.worker_count,
            "is_collective": case.is_collective,
            "facts": case.facts,
            "received_at": _at(case.received_at),
            "accepted_at": _at(case.accepted_at),
            "ended_at": _at(case.ended_at),
            "closed_at": _at(case.closed_at),
            "deadlines": {
                "acceptance_due": _day(case.acceptance_due),
                "clock_a_due": _day(case.clock_a_due),
                "clock_b_due": _day(case.clock_b_due),
                "clock_b_extension_days": case.clock_b_extension_days,
                # The rule clock B was counted on (the organisation's province, docs/law.md §3), stored Chinese.
                "clock_b_basis": terms.basis if terms else "",
            },
        },
        "parties": {
            "workers": workers,
            "employer": {
                "name": employer.name,
                "credit_code": employer.credit_code or "",
                "address": employer.address,
                "legal_representative": employer.legal_representative,
                "contact": contact_data,
            },
        },
        "claims": [
            {
                "type": row.claim.type,
                "type_label": str(row.claim.get_type_display()),
                "amount_claimed": _money(row.claim.amount_claimed),
                "description": row.claim.description,
                "limitation": row.as_json(),
            }
            for row in claim_limitations(case, agreement)
        ],
        "claim_assertions": [
            {"at": _at(e.at), "kind": e.kind, "basis": rules.LIMITATION_BASIS}
            for e in events
            if e.kind in assertion_kinds
        ],
        "events": [
            {
                "at": _at(e.at),
                "kind": e.kind,
                "kind_label": str(e.get_kind_display()),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": e.actor_display,
                "reason": e.reason,
                "basis": e.basis,
            }
            for e in events
        ],
        "negotiations": [
            {
                "requested_by": n.requested_by,
                "requested_at": _at(n.requested_at),
                "answer_due": _day(n.answer_due),
                "state": n.state,
                "answered_at": _at(n.answered_at),
                "answer_channel": n.answer_channel,
                "answer_note": n.answer_note,
            }
            for n in reversed(state.negotiations)
        ],
        "settlement": None
        if state.settlement is None
        else {
            "terms": state.settlement.terms,
            "amount": _money(state.settlement.amount),
            "signed_on": _day(state.settlement.signed_on),
            "perform_by": _day(state.settlement.perform_by),
            "performance": state.settlement.performance,
        },
        "mediators": [{"name": str(a.user), "assigned_at": _at(a.assigned_at)} for a in state.assignments],
        "sessions": [
            {
                "mode": s.mode,
                "starts_at": _at(s.starts_at),
                "place": s.place,
                "link": s.link,
                "participants": s.participants,
                "minutes": None
                if not hasattr(s, "minutes")
                else {
                    "held_at": _at(s.minutes.held_at),
                    "place": s.minutes.place,
                    "participants": s.minutes.participants,
                    "statements": s.minutes.statements,
                    "proposals": s.minutes.proposals,
                    "signatures": s.minutes.signatures,
                },
            }
            for s in state.sessions
        ],
        "notices": [
            {
                "kind": n.kind,
                "kind_label": str(n.get_kind_display()),
                "category": n.category,
                "reason": n.reason,
                "text": n.text,
                "issued_on": _day(n.issued_on),
            }
            for n in state.notices
        ],
        "agreement": None
        if agreement is None
        else {
            "version": agreement.version,
            "effective_at": _at(agreement.effective_at),
            "total_agreed": _money(state.total_agreed),
            "items": [
                {
                    "type": i.type,
                    "type_label": str(i.get_type_display()),
                    "amount_claimed": _money(i.amount_claimed),
                    "amount_agreed": _money(i.amount_agreed),
                    "note": i.note,
                    "payment_order_eligible": i.type in rules.PAYMENT_ORDER_TYPES,
                }
                for i in state.items
            ],
            "payments": [
                {"seq": p.seq, "due_date": _day(p.due_date), "amount": _money(p.amount), "paid_on": _day(p.paid_on)}
                for p in state.payments
            ],
            "payment_method": agreement.payment_method,
            "payment_method_note": agreement.payment_method_note,
            "tax_note": agreement.tax_note,
            "waived_note": agreement.waived_note,
            "other_terms": agreement.other_terms,
            "signatures": [
                {
                    "role": slot.role,
                    "method": slot.signature.method,
                    "signer_name": slot.signature.signer_name,
                    "signed_at": _at(slot.signature.signed_at),
                }
                for slot in state.slots
                if slot.signature
            ],
            "confirmation": {
                "arbitration_review_due": _day(agreement.review_due),
                "judicial_confirmation_due": _day(agreement.judicial_due),
                "route": agreement.confirmation_route,
                "outcome": agreement.confirmation_outcome,
                "outcome_on": _day(agreement.confirmation_outcome_on),
            },
        },
    }
