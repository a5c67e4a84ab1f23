"""Reads for the case-page panels, the 支付令 application and the hand-off package."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from tiaojie.cases.models import Case
from tiaojie.mediation import rules
from tiaojie.mediation.models import (
    Agreement,
    AgreementItem,
    MediatorAssignment,
    Negotiation,
    Notice,
    Payment,
    Rating,
    Session,
    Settlement,
    Signature,
    SignerRole,
)


@dataclass
class SignatureSlot:
    role: str
    label: str
    signature: Signature | None


@dataclass
class MediationState:
    case: Case
    negotiation: Negotiation | None  # the latest
    negotiations: list[Negotiation]
    settlement: Settlement | None
    assignments: list[MediatorAssignment]
    sessions: list[Session]
    agreement: Agreement | None
    items: list[AgreementItem] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    slots: list[SignatureSlot] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)

    @property
    def total_agreed(self) -> Decimal:
        return sum((i.amount_agreed for i in self.items), Decimal("0"))

    @property
    def total_claimed(self) -> Decimal:
        return sum((i.amount_claimed for i in self.items if i.amount_claimed is not None), Decimal("0"))

    @property
    def total_scheduled(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0"))

    @property
    def signed_count(self) -> int:
        return sum(1 for s in self.slots if s.signature)


def mediation_state(case: Case) -> MediationState:
    negotiations = list(case.negotiations.order_by("-requested_at", "-id"))
    settlement = Settlement.objects.filter(case=case).order_by("-recorded_at").first()
    assignments = list(
        MediatorAssignment.objects.filter(case=case, removed_at__isnull=True).select_related("user").order_by("id")
    )
    sessions = list(
        Session.objects.filter(case=case).select_related("minutes", "minutes__recorded_by").order_by("starts_at", "id")
    )
    agreement = (
        Agreement.objects.filter(case=case)
        .prefetch_related(
            Prefetch("items", queryset=AgreementItem.objects.order_by("position", "id")),
            Prefetch("payments", queryset=Payment.objects.order_by("seq")),
            "signatures",
        )
        .first()
    )
    state = MediationState(
        case=case,
        negotiation=negotiations[0] if negotiations else None,
        negotiations=negotiations,
        settlement=settlement,
        assignments=assignments,
        sessions=sessions,
        agreement=agreement,
        notices=list(Notice.objects.filter(case=case).order_by("issued_at", "id")),
        ratings=list(Rating.objects.filter(case=case).order_by("party")),
    )
    if agreement is not None:
        state.items = list(agreement.items.all())
        state.payments = list(agreement.payments.all())
        by_role = {s.role: s for s in agreement.signatures.all()}
        state.slots = [SignatureSlot(r.value, str(r.label), by_role.get(r.value)) for r in SignerRole]
    return state


@dataclass
class PaymentOrderLine:
    item: AgreementItem
    label: str
    agreed: Decimal
    covered: Decimal  # by payments made, allocated in the order the items are listed
    unpaid: Decimal


@dataclass
class PaymentOrderView:
    overdue: list[Payment]
    lines: list[PaymentOrderLine]  # eligible items with something unpaid

    @property
    def unpaid_total(self) -> Decimal:
        return sum((line.unpaid for line in self.lines), Decimal("0"))


def payment_order_view(agreement: Agreement, items: list[AgreementItem], payments: list[Payment], today: dt.date):
    """Overdue payments, and for the 支付令-eligible items (调解仲裁法 art 16) the amount still unpaid.

    Payments are not tied to items, so what was paid is allocated to the items in the order the agreement
    lists them; the page says so and staff check it against the agreement."""
    overdue = [p for p in payments if p.paid_on is None and p.due_date < today]
    paid = sum((p.amount for p in payments if p.paid_on is not None), Decimal("0"))
    lines = []
    for item in items:
        covered = min(item.amount_agreed, paid)
        paid -= covered
        unpaid = item.amount_agreed - covered
        if item.type in rules.PAYMENT_ORDER_TYPES and unpaid > 0:
            lines.append(
                PaymentOrderLine(item, rules.PAYMENT_ORDER_TYPES[item.type], item.amount_agreed, covered, unpaid)
            )
    return PaymentOrderView(overdue=overdue, lines=lines)
