"""API v1 referrals: arbitration institutes and courts send cases for mediation (委派调解)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status as Reply

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.actions import Actor, CaseActionError, CaseInput, ClaimInput, EmployerInput, WorkerInput
from tiaojie.cases.api import ClaimIn, EmployerIn, ErrorOut, WorkerIn
from tiaojie.cases.models import Status
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.actions import do_receive_referral
from tiaojie.intake.models import Referral
from tiaojie.organisations.access import access_organisation_for_intake
from tiaojie.reference.models import Division

router = Router(tags=["referrals"])


class ReferralIn(Schema):
    sender_type: Referral.Sender
    sender_name: str = Field(..., min_length=1, max_length=200)
    reference_number: str = Field(..., min_length=1, max_length=100, description="委派方案号；重复提交返回同一案件")
    organisation_id: int | None = Field(None, description="指定受理的调解组织；留空则按分派规则确定")
    employer: EmployerIn
    employer_division_code: str | None = Field(None, max_length=12, description="用人单位所在区划代码")
    workers: list[WorkerIn] = Field(..., min_length=1, max_length=500)
    claims: list[ClaimIn] = Field(..., min_length=1, max_length=50)
    facts: str = Field(..., min_length=1, max_length=20000)


class ReferralOut(Schema):
    """A receipt for the sender, who may not be a member of the organisation the case went to: enough to
    follow up, no personal data."""

    created: bool
    case_id: int
    organisation_id: int
    organisation: str
    status: str
    status_label: str
    received_at: dt.datetime
    clock_a_last_day: dt.date


@router.post("", response={200: ReferralOut, 201: ReferralOut, 422: ErrorOut}, summary="委派调解（幂等）")
def create_referral(request: AuthedRequest, payload: ReferralIn) -> Any:
    organisation = (
        access_organisation_for_intake(request.user, payload.organisation_id) if payload.organisation_id else None
    )
    division = None
    if payload.employer_division_code:
        division = Division.objects.filter(code=payload.employer_division_code).first()
        if division is None:
            return Reply(
                422, {"detail": _("区划代码不存在"), "errors": {"employer_division_code": _("区划代码不存在")}}
            )
    data = CaseInput(
        employer=EmployerInput(**payload.employer.dict()),
        workers=[WorkerInput(**w.dict()) for w in payload.workers],
        claims=[ClaimInput(type=c.type.value, amount=c.amount, description=c.description) for c in payload.claims],
        channel="referral",
        facts=payload.facts,
    )
    try:
        result = do_receive_referral(
            data=data,
            sender_type=payload.sender_type.value,
            sender_name=payload.sender_name.strip(),
            reference_number=payload.reference_number.strip(),
            actor=Actor(ActorKind.STAFF, request.user, "api"),
            organisation=organisation,
            employer_division=division,
        )
    except CaseActionError as exc:
        return Reply(422, {"detail": exc.message, "errors": exc.fields})
    # The action's own case, not looked up by id: the sender may not be a member of the organisation it went
    # to, so access_case does not apply, and this receipt shows no personal data (ReferralOut).
    case = result.case
    body = {
        "created": result.created,
        "case_id": case.pk,
        "organisation_id": case.organisation_id,
        "organisation": case.organisation.name,
        "status": case.status,
        "status_label": str(Status(case.status).label),
        "received_at": case.received_at,
        "clock_a_last_day": case.clock_a_due,
    }
    return Reply(201 if result.created else 200, body)
