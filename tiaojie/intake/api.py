"""API v1 referrals: arbitration institutes and courts send cases for mediation (委派调解)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status as Reply
from pydantic import ConfigDict

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.actions import (
    Actor,
    CaseActionError,
    CaseInput,
    ClaimInput,
    EmployerInput,
    WorkerInput,
    do_suggest_dispute_types,
)
from tiaojie.cases.api import ClaimIn, EmployerIn, WorkerIn
from tiaojie.cases.models import Case, DisputeTypeSuggestion, Status
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.actions import do_receive_referral
from tiaojie.intake.models import Referral
from tiaojie.intake.suggestions import shown
from tiaojie.lib.api import MAX_ID, refusals, text
from tiaojie.organisations.access import access_organisation_for_intake
from tiaojie.reference.models import Division

router = Router(tags=["referrals"])


class ReferralIn(Schema):
    # Where the case goes: the organisation named, or the one the routing rules find for the employer's division;
    # with neither the action asks for the division (422, errors["employer.division"]).
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["organisation_id"], "properties": {"organisation_id": {"type": "integer"}}},
                {
                    "required": ["employer_division_code"],
                    "properties": {"employer_division_code": {"type": "string", "minLength": 2}},
                },
            ]
        }
    )

    sender_type: Referral.Sender
    sender_name: str = text(max_length=200)
    reference_number: str = text(max_length=100, description="委派方案号；同一委派方重复提交返回同一案件")
    organisation_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="指定受理的调解组织；留空则按分派规则确定（须填写 employer_division_code）"
    )
    employer: EmployerIn
    employer_division_code: str | None = Field(
        None,
        pattern="^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9})?$",
        description="用人单位所在区划代码（国家统计局代码，2、4、6 或 9 位）；不存在的代码为 422",
        json_schema_extra={"format": "division-code"},
    )
    workers: list[WorkerIn] = Field(
        ..., min_length=1, max_length=500, description="同一身份号码不能出现两次（同一劳动者重复填写）"
    )
    claims: list[ClaimIn] = Field(..., min_length=1, max_length=50)
    facts: str = text(max_length=20000)


class DisputeTypeSuggestionOut(Schema):
    label: str = Field(
        ...,
        description="争议类型代码（九种之一：wage_arrears、overtime、social_insurance、termination、no_written_contract、work_injury、labour_relationship、annual_leave、other）",
    )
    name: str = Field(..., description="争议类型名称")
    score: float = Field(..., ge=0, le=1, description="模型给出的相对分数（0–1），仅供排序，不是概率")
    words: list[str] = Field(..., description="事实和理由中据以判断的词语")
    claim_types: list[str] = Field(..., description="该类型对应的请求事项类型（claims[].type 的取值）")


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
    dispute_type_suggestions: list[DisputeTypeSuggestionOut] = Field(
        ...,
        description="系统根据 facts 建议的争议类型，最可能的在前，至多3项；仅供调解组织参考，不是案件的记录事实。"
        "系统暂时无法给出建议时为空列表。",
    )


@router.post(
    "",
    response={200: ReferralOut, 201: ReferralOut, **refusals(400, 401, 404, 422)},
    summary="委派调解（幂等）",
    description="201：新登记的案件；200：同一委派方此前已提交过该案号，返回当时的案件；404：指定的组织不存在或您不属于它。",
)
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
        "dispute_type_suggestions": _suggestions(case),
    }
    return Reply(201 if result.created else 200, body)


def _suggestions(case: Case) -> list[dict[str, Any]]:
    """The suggestion stored with the case when it was created (held on the case just created, read for an
    earlier one), or stored now when there is none (the classifier failed then: do_suggest_dispute_types)."""
    held = Case.dispute_type_suggestion.is_cached(case)
    row = (
        case.dispute_type_suggestion
        if held
        else DisputeTypeSuggestion.objects.filter(case=case).first() or do_suggest_dispute_types(case=case)
    )
    if row is None:
        return []
    return [
        {
            "label": s.label,
            "name": s.name,
            "score": s.score,
            "words": list(s.words),
            "claim_types": [t for t, _l in s.claim_types],
        }
        for s in shown(row.suggestions)
    ]
