"""API v1 for cases: create, read, list, transition. Same actions and access functions as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.access import Need, access_case, cases_visible_to
from tiaojie.cases.actions import (
    Actor,
    CaseActionError,
    CaseInput,
    ClaimInput,
    EmployerInput,
    StaleCaseError,
    WorkerInput,
    do_create_case,
    do_transition_case,
)
from tiaojie.cases.models import Case, Channel, ClaimType, Status
from tiaojie.cases.queries import CaseFilters, case_page, filter_cases, scope_divisions
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.paging import BadCursor
from tiaojie.organisations.access import access_organisation_for_intake

router = Router(tags=["cases"])


class WorkerIn(Schema):
    name: str = Field(..., max_length=50)
    id_number: str = Field("", max_length=30)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)


class ClaimIn(Schema):
    type: ClaimType
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    description: str = Field("", max_length=300)


class EmployerIn(Schema):
    name: str = Field("", max_length=200)
    credit_code: str = Field("", max_length=30)
    address: str = Field("", max_length=200)
    legal_representative: str = Field("", max_length=50)


class CaseIn(Schema):
    organisation_id: int
    channel: Channel
    employer: EmployerIn
    workers: list[WorkerIn] = Field(..., min_length=1, max_length=500)
    claims: list[ClaimIn] = Field(..., min_length=1, max_length=50)
    facts: str = Field(..., min_length=1, max_length=20000)
    received_at: dt.datetime | None = None


class ClaimOut(Schema):
    type: str
    type_label: str
    amount: Decimal | None


class WorkerOut(Schema):
    name: str
    id_number_masked: str
    phone_masked: str


class DeadlineOut(Schema):
    last_day: dt.date
    uncertain: bool


class CaseOut(Schema):
    id: int
    status: str
    status_label: str
    organisation_id: int
    organisation: str
    division_code: str
    employer: str
    employer_credit_code: str | None
    channel: str
    worker_count: int
    is_collective: bool
    workers: list[WorkerOut]
    claims: list[ClaimOut]
    facts: str
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    ended_at: dt.datetime | None
    closed_at: dt.datetime | None
    acceptance_deadline: DeadlineOut
    clock_a_deadline: DeadlineOut
    clock_b_deadline: DeadlineOut | None


class CaseListOut(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class TransitionIn(Schema):
    to: Status
    reason: str = Field("", max_length=2000)
    expected_status: Status | None = None


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] = {}


def _deadline(d: Any) -> dict[str, Any] | None:
    return None if d is None else {"last_day": d.last_day, "uncertain": d.uncertain}


def case_out(case: Case) -> dict[str, Any]:
    """Serialise a case; expects claims and case_workers prefetched (see queries.case_page)."""
    return {
        "id": case.pk,
        "status": case.status,
        "status_label": str(Status(case.status).label),
        "organisation_id": case.organisation_id,
        "organisation": case.organisation.name,
        "division_code": case.division_id,
        "employer": case.employer.name,
        "employer_credit_code": case.employer.credit_code,
        "channel": case.channel,
        "worker_count": case.worker_count,
        "is_collective": case.is_collective,
        "workers": [
            {
                "name": cw.worker.name,
                "id_number_masked": cw.worker.id_number_masked,
                "phone_masked": cw.worker.phone_masked,
            }
            for cw in case.case_workers.all()
        ],
        "claims": [
            {"type": c.type, "type_label": str(c.get_type_display()), "amount": c.amount_claimed}
            for c in case.claims.all()
        ],
        "facts": case.facts,
        "received_at": case.received_at,
        "accepted_at": case.accepted_at,
        "ended_at": case.ended_at,
        "closed_at": case.closed_at,
        "acceptance_deadline": _deadline(case.acceptance_deadline),
        "clock_a_deadline": _deadline(case.clock_a_deadline),
        "clock_b_deadline": _deadline(case.clock_b_deadline),
    }


def _reload(case_id: int, request: AuthedRequest) -> dict[str, Any]:
    page = case_page(cases_visible_to(request.user).filter(pk=case_id), limit=1)
    if not page.items:
        raise Http404
    return case_out(page.items[0])


class ListFilters(Schema):
    status: Status | None = None
    overdue: bool = False
    claim_type: ClaimType | None = None
    channel: Channel | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    cursor: str = ""
    limit: int = Field(50, ge=1, le=200)


@router.get("", response={200: CaseListOut, 422: ErrorOut}, summary="案件列表（按收到时间倒序，游标分页）")
def list_cases(request: AuthedRequest, filters: Query[ListFilters]) -> Any:
    qs = filter_cases(
        cases_visible_to(request.user),
        CaseFilters(
            status=filters.status or "",
            overdue=filters.overdue,
            claim_type=filters.claim_type or "",
            channel=filters.channel or "",
            received_from=filters.received_from,
            received_to=filters.received_to,
        ),
    )
    try:
        page = case_page(qs, cursor=filters.cursor, limit=filters.limit, divisions=scope_divisions(request.user))
    except BadCursor:
        return Reply(422, {"detail": _("cursor 无效"), "errors": {"cursor": _("cursor 无效")}})
    return {"items": [case_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("", response={201: CaseOut, 422: ErrorOut}, summary="登记案件（状态为已收到申请）")
def create_case(request: AuthedRequest, payload: CaseIn) -> Any:
    organisation = access_organisation_for_intake(request.user, payload.organisation_id)
    data = CaseInput(
        employer=EmployerInput(**payload.employer.dict()),
        workers=[WorkerInput(**w.dict()) for w in payload.workers],
        claims=[ClaimInput(type=c.type.value, amount=c.amount, description=c.description) for c in payload.claims],
        channel=payload.channel.value,
        facts=payload.facts,
        received_at=payload.received_at,
    )
    if data.received_at is not None and data.received_at.tzinfo is None:
        return Reply(
            422,
            {
                "detail": _("received_at 须带时区"),
                "errors": {"received_at": _("请使用带时区的时间，例如 2026-03-10T09:00:00+08:00")},
            },
        )
    try:
        case = do_create_case(organisation=organisation, data=data, actor=Actor(ActorKind.STAFF, request.user, "api"))
    except CaseActionError as exc:
        return Reply(422, {"detail": exc.message, "errors": exc.fields})
    return Reply(201, _reload(case.pk, request))


@router.get("/{case_id}", response=CaseOut, summary="案件详情")
def get_case(request: AuthedRequest, case_id: int) -> Any:
    access_case(request.user, case_id)
    return _reload(case_id, request)


@router.post("/{case_id}/transitions", response={200: CaseOut, 409: ErrorOut, 422: ErrorOut}, summary="变更案件状态")
def transition_case(request: AuthedRequest, case_id: int, payload: TransitionIn) -> Any:
    case = access_case(request.user, case_id, need=Need.ACT)
    try:
        do_transition_case(
            case=case,
            to=payload.to.value,
            reason=payload.reason,
            expected_status=payload.expected_status.value if payload.expected_status else None,
            actor=Actor(ActorKind.STAFF, request.user, "api"),
        )
    except StaleCaseError as exc:
        return Reply(409, {"detail": exc.message})
    except CaseActionError as exc:
        raise HttpError(422, exc.message) from exc
    return _reload(case_id, request)
