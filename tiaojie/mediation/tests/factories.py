"""Mediation state built through the real actions, so tests see the same events and deadlines as production."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tiaojie.accounts.models import User
from tiaojie.cases.actions import Actor, do_transition_case
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.transitions import ActorKind
from tiaojie.mediation import actions
from tiaojie.mediation.models import Agreement, SignerRole
from tiaojie.organisations.models import Organisation

PDF = b"%PDF-1.4\n% signed page\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def in_days(days: int) -> dt.date:
    """The Beijing date `days` after today (the travelled-to today under time_machine): due dates and payment
    dates relative to the clock, so a test means the same on any day it runs."""
    return timezone.localdate() + dt.timedelta(days=days)


def staff(user: User) -> Actor:
    return Actor(ActorKind.STAFF, user)


def pdf_upload(name: str = "signed.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def mediating_case(org: Organisation, user: User, *, received_at: dt.datetime | None = None, **overrides) -> Case:
    case = make_case(org, user, received_at=received_at, **overrides)
    do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(user))
    do_transition_case(case=case, to=Status.MEDIATING, actor=staff(user))
    return case


def draft_agreement(case: Case, user: User, *, due: dt.date, instalments: int = 1) -> Agreement:
    agreement = actions.do_create_agreement(case=case, actor=staff(user))
    items = list(agreement.items.all())
    total = sum((i.amount_agreed for i in items), Decimal("0"))
    share = (total / instalments).quantize(Decimal("0.01"))
    payments = [
        actions.PaymentInput(due_date=due + dt.timedelta(days=30 * i), amount=share) for i in range(instalments - 1)
    ]
    payments.append(
        actions.PaymentInput(
            due_date=due + dt.timedelta(days=30 * (instalments - 1)), amount=total - share * (instalments - 1)
        )
    )
    data = actions.AgreementInput(
        items=[actions.ItemInput(item_id=i.pk, amount_agreed=i.amount_agreed) for i in items],
        payments=payments,
        payment_method=Agreement.Method.BANK_TRANSFER,
    )
    return actions.do_update_agreement(
        agreement=agreement, data=data, expected_version=agreement.version, actor=staff(user)
    )


def sign_all(agreement: Agreement, user: User) -> Agreement:
    """Every signature by scan (the quickest path); the last one makes the agreement effective."""
    for role in SignerRole.values:
        agreement.refresh_from_db()
        upload = pdf_upload()
        actions.do_sign_with_scan(
            agreement=agreement,
            role=role,
            upload=upload,
            name=upload.name,
            size=upload.size,
            signer_name="",
            version=agreement.version,
            actor=staff(user),
        )
    agreement.refresh_from_db()
    agreement.case.refresh_from_db()
    return agreement


def agreed_case(org: Organisation, user: User, *, due: dt.date, instalments: int = 1, **overrides) -> Case:
    case = mediating_case(org, user, **overrides)
    sign_all(draft_agreement(case, user, due=due, instalments=instalments), user)
    case.refresh_from_db()
    return case
