"""The only way mediation views fetch rows: through the case (cases.access.access_case), so another
organisation's staff get 404, supervisors read but never write, and token pages 404 on a wrong token."""

from __future__ import annotations

from django.http import Http404

from tiaojie.accounts.models import User, hash_token
from tiaojie.cases.access import Need, access_case
from tiaojie.cases.models import Case
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


def _pk(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def access_negotiation(
    user: User, case_id: int | str, negotiation_id: int | str, *, need: Need = Need.ACT
) -> Negotiation:
    case = access_case(user, case_id, need=need)
    row = Negotiation.objects.filter(case=case, pk=_pk(negotiation_id)).first()
    if row is None:
        raise Http404
    row.case = case
    return row


def access_settlement(user: User, case_id: int | str, settlement_id: int | str, *, need: Need = Need.ACT) -> Settlement:
    case = access_case(user, case_id, need=need)
    row = Settlement.objects.filter(case=case, pk=_pk(settlement_id)).first()
    if row is None:
        raise Http404
    row.case = case
    return row


def access_assignment(user: User, case_id: int | str, assignment_id: int | str) -> MediatorAssignment:
    case = access_case(user, case_id, need=Need.ACT)
    row = MediatorAssignment.objects.filter(case=case, pk=_pk(assignment_id)).select_related("user").first()
    if row is None:
        raise Http404
    row.case = case
    return row


def access_session(user: User, case_id: int | str, session_id: int | str, *, need: Need = Need.ACT) -> Session:
    case = access_case(user, case_id, need=need)
    row = Session.objects.filter(case=case, pk=_pk(session_id)).first()
    if row is None:
        raise Http404
    row.case = case
    return row


def access_agreement(user: User, case_id: int | str, *, need: Need = Need.ACT) -> Agreement:
    case = access_case(user, case_id, need=need)
    row = Agreement.objects.filter(case=case).first()
    if row is None:
        raise Http404
    row.case = case
    return row


def access_payment(user: User, case_id: int | str, payment_id: int | str, *, need: Need = Need.ACT) -> Payment:
    agreement = access_agreement(user, case_id, need=need)
    row = Payment.objects.filter(agreement=agreement, pk=_pk(payment_id)).first()
    if row is None:
        raise Http404
    row.agreement = agreement
    return row


def access_signature(user: User, case_id: int | str, signature_id: int | str) -> Signature:
    """Signed scans are read by anyone who may read the case."""
    agreement = access_agreement(user, case_id, need=Need.READ)
    row = Signature.objects.filter(agreement=agreement, pk=_pk(signature_id)).first()
    if row is None or not row.file_path:
        raise Http404
    return row


def _by_token(model, token: str):
    if not token or len(token) > 100:
        raise Http404
    row = (
        model.objects.select_related("case", "case__organisation", "case__employer")
        .filter(token_index=hash_token(token))
        .first()
    )
    if row is None:
        raise Http404
    return row


def access_negotiation_by_token(token: str) -> Negotiation:
    """The employer's page: no account, the random token is the key; a wrong token is a 404."""
    return _by_token(Negotiation, token)


def access_rating_by_token(token: str) -> Rating:
    return _by_token(Rating, token)


def case_for_staff(user: User, case_id: int | str) -> Case:
    return access_case(user, case_id, need=Need.ACT)
