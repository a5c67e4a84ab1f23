"""The only way mediation views fetch rows: through the case (cases.access.access_case), so another
organisation's staff get 404, supervisors read but never write, and token pages 404 on a wrong token."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.http import Http404

from tiaojie.accounts.models import User, hash_token
from tiaojie.cases.access import Need, access_case
from tiaojie.cases.models import Case
from tiaojie.lib.lookup import first_or_404, pk_or_404
from tiaojie.mediation.models import (
    Agreement,
    MediatorAssignment,
    Negotiation,
    Payment,
    Rating,
    Session,
    Settlement,
    Signature,
)

M = TypeVar("M", bound=models.Model)


def _child(
    model: type[M], parent: Case | Agreement, pk: int | str | None = None, *, select_related: tuple[str, ...] = ()
) -> M:
    """The `model` row under `parent`, which the caller has already fetched through the case's access check
    (the row of a one-to-one child when `pk` is None): a row of another case is as absent as a missing one."""
    field = "agreement" if isinstance(parent, Agreement) else "case"
    rows = model._default_manager.filter(**{field: parent})
    if pk is not None:
        rows = rows.filter(pk=pk_or_404(pk))
    row = first_or_404(rows.select_related(*select_related))
    setattr(row, field, parent)  # the checked parent (with its case) stands in: no second fetch
    return row


def access_negotiation(
    user: User, case_id: int | str, negotiation_id: int | str, *, need: Need = Need.ACT
) -> Negotiation:
    return _child(Negotiation, access_case(user, case_id, need=need), negotiation_id)


def access_settlement(user: User, case_id: int | str, settlement_id: int | str, *, need: Need = Need.ACT) -> Settlement:
    return _child(Settlement, access_case(user, case_id, need=need), settlement_id)


def access_assignment(user: User, case_id: int | str, assignment_id: int | str) -> MediatorAssignment:
    return _child(
        MediatorAssignment, access_case(user, case_id, need=Need.ACT), assignment_id, select_related=("user",)
    )


def access_session(user: User, case_id: int | str, session_id: int | str, *, need: Need = Need.ACT) -> Session:
    return _child(Session, access_case(user, case_id, need=need), session_id)


def access_agreement(user: User, case_id: int | str, *, need: Need = Need.ACT) -> Agreement:
    return _child(Agreement, access_case(user, case_id, need=need))


def access_payment(user: User, case_id: int | str, payment_id: int | str, *, need: Need = Need.ACT) -> Payment:
    return _child(Payment, access_agreement(user, case_id, need=need), payment_id)


def access_signature(user: User, case_id: int | str, signature_id: int | str) -> Signature:
    """Signed scans are read by anyone who may read the case."""
    row = _child(Signature, access_agreement(user, case_id, need=Need.READ), signature_id)
    if not row.file_path:
        raise Http404
    return row


def _by_token(model, token: str):
    if not token or len(token) > 100:
        raise Http404
    return first_or_404(
        model.objects.select_related("case", "case__organisation", "case__employer").filter(
            token_index=hash_token(token)
        )
    )


def access_negotiation_by_token(token: str) -> Negotiation:
    """The employer's page: no account, the random token is the key; a wrong token is a 404."""
    return _by_token(Negotiation, token)


def access_rating_by_token(token: str) -> Rating:
    return _by_token(Rating, token)


def case_for_staff(user: User, case_id: int | str) -> Case:
    return access_case(user, case_id, need=Need.ACT)
