"""Mediation's part of the retention job (tiaojie.cases.retention, docs/privacy.md): registered from
MediationConfig.ready().

The employer's contact loses name, title and phone; negotiation links stop working; every text of the
negotiation, the sessions, the minutes, the agreement and the notices loses names and ID and phone numbers;
signed scans and payment proofs are deleted from disk (on commit). Amounts, dates, payment records, signature
roles and methods and rating scores stay: the rollups read them (analytics reads Agreement, AgreementItem and
Payment).
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from tiaojie.cases.models import Case
from tiaojie.cases.retention import Anonymisation
from tiaojie.mediation.models import (
    Agreement,
    AgreementItem,
    EmployerContact,
    Minutes,
    Negotiation,
    Notice,
    Payment,
    Rating,
    Session,
    Settlement,
    Signature,
    SignatureCode,
    SignerRole,
)


def names(case: Case) -> dict[str, str]:
    found: dict[str, str] = {}
    contact = EmployerContact.objects.filter(case=case).first()
    if contact is not None:
        found[contact.name] = _("用人单位联系人")
    for signature in Signature.objects.filter(agreement__case=case, role=SignerRole.EMPLOYER):
        found.setdefault(signature.signer_name, _("用人单位签署人"))
    return found


def _scrub_fields(ctx: Anonymisation, rows: QuerySet[Model], *fields: str) -> None:
    for row in rows:
        changes = {name: ctx.scrub(getattr(row, name)) for name in fields}
        if any(changes[name] != getattr(row, name) for name in fields):
            type(row)._default_manager.filter(pk=row.pk).update(**changes)


def _clear_file(ctx: Anonymisation, rows: QuerySet[Model]) -> None:
    for row in rows.exclude(file_path=""):
        ctx.delete_file(row.file_path)  # type: ignore[attr-defined]
        type(row)._default_manager.filter(pk=row.pk).update(file_path="", file_name="")


def anonymise(ctx: Anonymisation) -> None:
    case = ctx.case
    if EmployerContact.objects.filter(case=case).update(
        name=_("用人单位联系人"), title="", phone_encrypted="", phone_masked=""
    ):
        ctx.counts["employer_contact"] += 1
    Negotiation.objects.filter(case=case).update(token_index=None, token_encrypted="")
    _scrub_fields(ctx, Negotiation.objects.filter(case=case), "answer_note")
    _scrub_fields(ctx, Settlement.objects.filter(case=case), "terms", "performance_note")
    Session.objects.filter(case=case).update(link="")
    _scrub_fields(ctx, Session.objects.filter(case=case), "place", "participants")
    _scrub_fields(
        ctx, Minutes.objects.filter(case=case), "place", "participants", "statements", "proposals", "signatures"
    )
    _scrub_fields(
        ctx,
        Agreement.objects.filter(case=case),
        "payment_method_note",
        "tax_note",
        "waived_note",
        "other_terms",
        "confirmation_note",
    )
    _scrub_fields(ctx, AgreementItem.objects.filter(agreement__case=case), "note")
    _clear_file(ctx, Payment.objects.filter(agreement__case=case))
    signatures = Signature.objects.filter(agreement__case=case)
    _clear_file(ctx, signatures)
    for signature in signatures.filter(role__in=[SignerRole.WORKER, SignerRole.EMPLOYER]).exclude(signer_name=""):
        default = _("劳动者") if signature.role == SignerRole.WORKER else _("用人单位签署人")
        Signature.objects.filter(pk=signature.pk).update(signer_name=ctx.placeholder(signature.signer_name, default))
    SignatureCode.objects.filter(agreement__case=case).update(phone_masked="")
    Notice.objects.filter(case=case).update(sms_to="")
    _scrub_fields(ctx, Notice.objects.filter(case=case), "reason", "text")
    Rating.objects.filter(case=case).update(phone_masked="")
    _scrub_fields(ctx, Rating.objects.filter(case=case), "comment")
