"""API v1 for cases: create, read, list, transition. Same actions and access functions as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import AfterValidator, ConfigDict, WithJsonSchema

from tiaojie.accounts.typing import AuthedRequest
from tiaojie.cases.access import Need, access_case, cases_visible_to
from tiaojie.cases.actions import (
    UNCHANGED,
    Actor,
    CaseActionError,
    CaseInput,
    ClaimInput,
    EmployerInput,
    StaleCaseError,
    WorkerInput,
    do_add_claim_item,
    do_create_case_with_rows,
    do_edit_claim_item,
    do_remove_claim_item,
    do_transition_case,
)
from tiaojie.cases.models import Case, CaseWorker, Channel, ClaimItem, ClaimType, Status
from tiaojie.cases.queries import (
    SEARCH_MAX_LENGTH,
    CaseFilters,
    case_page,
    filter_cases,
    listed_claims,
    listed_workers,
    scope_divisions,
    visible_case_with_relations,
)
from tiaojie.cases.transitions import TRANSITIONS, ActorKind
from tiaojie.lib.api import MAX_ID, SAYS_SOMETHING, Amount, AwareMoment, IsoDate, error_body, plain, refusals, text
from tiaojie.lib.paging import MAX_CURSOR_LENGTH, BadCursor
from tiaojie.organisations.access import access_organisation_for_intake

router = Router(tags=["cases"])


# The identifiers' patterns are their shape; the check digits (and, for an ID number, a birth date that can be)
# are checked by cases.actions, and the custom `format` names them for clients and for the fuzzer's generators
# (tiaojie/api/tests/fuzzing.py).
ID_NUMBER = "^([0-9]{17}[0-9Xx])?$"
MOBILE = r"^((\+86)?1[3-9][0-9]{9})?$"
CREDIT_CODE = "^([0-9]{8}[0-9A-HJ-NP-RTUWXYa-hj-np-rtuwxy]{10})?$"


class WorkerIn(Schema):
    name: str = text(max_length=50)
    id_number: str = Field(
        "",
        pattern=ID_NUMBER,
        description="18 位公民身份号码（校验位须正确）；不知道的留空",
        json_schema_extra={"format": "cn-resident-id"},
    )
    phone: str = Field("", pattern=MOBILE, description="11 位手机号码；没有的留空")
    address: str = plain(max_length=200)


class ClaimIn(Schema):
    type: ClaimType
    amount: Amount | None = None
    description: str = plain(max_length=300)
    known_on: IsoDate | None = Field(None, description="知道或者应当知道权利被侵害之日（仲裁时效起算）；不知道的不填")


class EmployerIn(Schema):
    name: str = text(max_length=200)
    credit_code: str = Field(
        "",
        pattern=CREDIT_CODE,
        description="18 位统一社会信用代码（校验位须正确）；不知道的留空",
        json_schema_extra={"format": "cn-credit-code"},
    )
    address: str = plain(max_length=200)
    legal_representative: str = plain(max_length=50)


class CaseIn(Schema):
    organisation_id: int = Field(..., ge=1, le=MAX_ID)
    channel: Channel
    employer: EmployerIn
    workers: list[WorkerIn] = Field(
        ..., min_length=1, max_length=500, description="同一身份号码不能出现两次（同一劳动者重复填写）"
    )
    claims: list[ClaimIn] = Field(..., min_length=1, max_length=50)
    facts: str = text(max_length=20000)
    received_at: AwareMoment | None = Field(None, description="收到申请的时间，须带时区；留空为现在")


class ClaimOut(Schema):
    id: int
    type: str
    type_label: str
    amount: Decimal | None
    known_on: dt.date | None


class WorkerOut(Schema):
    name: str
    id_number_masked: str
    phone_masked: str


class DeadlineOut(Schema):
    last_day: dt.date
    uncertain: bool


class CaseOut(Schema):
    id: int
    number: str = Field(description="案件编号（如 仓调〔2026〕12号），每个调解组织每年从1号起")
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


# What staff may ask for through the API, and which of those moves need a reason, read from the state machine
# (a target's need for a reason is the same from every source). "agreed" is not among them: only the
# agreement's last signature moves a case there.
STAFF_TARGETS = tuple(dict.fromkeys(t.target.value for t in TRANSITIONS if ActorKind.STAFF in t.by))
REASON_TARGETS = tuple(dict.fromkeys(t.target.value for t in TRANSITIONS if ActorKind.STAFF in t.by and t.needs_reason))


def _staff_target(value: Status) -> Status:
    if value.value not in STAFF_TARGETS:
        raise ValueError(_("须为以下之一：%(values)s") % {"values": "、".join(STAFF_TARGETS)})
    return value


class TransitionIn(Schema):
    # The schema says what do_transition_case refuses whatever the case's state: a move to one of these
    # targets without a reason is a 422 there (errors.reason), as here.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"to": {"enum": list(REASON_TARGETS)}}, "required": ["to"]},
            "then": {"properties": {"reason": {"pattern": SAYS_SOMETHING}}, "required": ["reason"]},
        }
    )

    to: Annotated[
        Status,
        AfterValidator(_staff_target),
        WithJsonSchema({"type": "string", "enum": list(STAFF_TARGETS)}),
    ] = Field(..., description="目标状态；不能由当前状态变更为它时为 409")
    reason: str = plain(max_length=2000, description="原因；变更为 " + "、".join(REASON_TARGETS) + " 时必填")
    expected_status: Status | None = Field(None, description="您看到的当前状态；案件已被他人变更时为 409")


def _deadline(d: Any) -> dict[str, Any] | None:
    return None if d is None else {"last_day": d.last_day, "uncertain": d.uncertain}


def case_out(
    case: Case, *, case_workers: list[CaseWorker] | None = None, claims: list[ClaimItem] | None = None
) -> dict[str, Any]:
    """The case as the API shows it; expects claims and workers loaded by queries.case_page or
    case_with_relations (listed_claims, listed_workers), or
    given as `case_workers` and `claims`: its rows as just written (an intake's answer)."""
    return {
        "id": case.pk,
        "number": case.display_number,
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
            for cw in (listed_workers(case) if case_workers is None else case_workers)
        ],
        "claims": [
            {
                "id": c.pk,
                "type": c.type,
                "type_label": str(c.get_type_display()),
                "amount": c.amount_claimed,
                "known_on": c.known_on,
            }
            for c in (listed_claims(case) if claims is None else claims)
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
    # The scope as subqueries of the case query: one round trip for the access check and the case.
    case = visible_case_with_relations(request.user, case_id)
    if case is None:
        raise Http404
    return case_out(case)


# A cursor is opaque: a value of next_cursor. Its shape is documented; anything else (tampered with, cut short,
# from another list) is a 400, checked by lib.paging rather than here, so that every bad cursor gets the same answer.
Cursor = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": MAX_CURSOR_LENGTH,
            "pattern": "^[A-Za-z0-9_-]*$",
            "format": "keyset-cursor",
            "description": "上一页的 next_cursor；第一页留空。其他值（被改动、截断）为 400",
        }
    ),
]


class ListFilters(Schema):
    status: Status | None = None
    overdue: bool = False
    claim_type: ClaimType | None = None
    channel: Channel | None = None
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None
    q: str = Field(
        "",
        max_length=SEARCH_MAX_LENGTH,
        description="查找：案件编号、劳动者姓名（完整）、身份证号码或手机号码（完整）、用人单位名称（部分）或统一社会信用代码",
    )
    cursor: Cursor = ""
    limit: int = Field(50, ge=1, le=200)


@router.get(
    "",
    response={200: CaseListOut, **refusals(400, 401, 422)},
    summary="案件列表（按收到时间倒序，游标分页）",
)
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
            q=filters.q,
        ),
    )
    divisions = None if filters.q.strip() else scope_divisions(request.user)  # as the list page (cases.views)
    try:
        page = case_page(qs, cursor=filters.cursor, limit=filters.limit, divisions=divisions)
    except BadCursor:
        message = _("翻页游标无效：请使用上一页返回的 next_cursor，第一页不带 cursor")
        return Reply(400, error_body(message, {"cursor": message}))
    return {"items": [case_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("", response={201: CaseOut, **refusals(400, 401, 404, 422)}, summary="登记案件（状态为已收到申请）")
def create_case(request: AuthedRequest, payload: CaseIn) -> Any:
    organisation = access_organisation_for_intake(request.user, payload.organisation_id)
    data = CaseInput(
        employer=EmployerInput(**payload.employer.dict()),
        workers=[WorkerInput(**w.dict()) for w in payload.workers],
        claims=[
            ClaimInput(type=c.type.value, amount=c.amount, description=c.description, known_on=c.known_on)
            for c in payload.claims
        ],
        channel=payload.channel.value,
        facts=payload.facts,
        received_at=payload.received_at,
    )
    try:
        new = do_create_case_with_rows(
            organisation=organisation, data=data, actor=Actor(ActorKind.STAFF, request.user, "api")
        )
    except CaseActionError as exc:
        return Reply(422, error_body(exc.message, exc.fields))
    # The case as written, without a read back (a member who may register at the organisation may read its
    # cases; a test compares this answer with a GET of the case).
    return Reply(201, case_out(new.case, case_workers=new.case_workers, claims=new.claims))


CaseId = Annotated[int, Path(..., ge=1, le=MAX_ID)]


@router.get("/{case_id}", response={200: CaseOut, **refusals(401, 404, 422)}, summary="案件详情")
def get_case(request: AuthedRequest, case_id: CaseId) -> Any:
    # One load: _reload reads through visible_case_with_relations (cases_visible_to_in_one_query), the same scope
    # as access_case (READ), so it is the access check too (404 when the case is not the user's to see).
    return _reload(case_id, request)


@router.post(
    "/{case_id}/transitions",
    response={200: CaseOut, **refusals(400, 401, 404, 409, 422)},
    summary="变更案件状态",
    description=(
        "409：当前状态不能变更为目标状态，或案件已被他人变更（expected_status 不符）；422：请求内容有误（如缺少原因）。"
    ),
)
def transition_case(request: AuthedRequest, case_id: CaseId, payload: TransitionIn) -> Any:
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
        return Reply(409, error_body(exc.message))
    except CaseActionError as exc:
        # With fields it is the request (a reason missing or too long); without, the move itself is refused in
        # the case's current state (docs/case-states.md).
        return Reply(422 if exc.fields else 409, error_body(exc.message, exc.fields))
    return _reload(case_id, request)


class ClaimEditIn(Schema):
    amount: Amount | None = Field(None, description="金额；null 为未写明金额")
    description: str = plain(max_length=300)
    known_on: IsoDate | None = Field(None, description="知道或者应当知道权利被侵害之日；null 为不知道")
    expected_amount: Amount | None = Field(
        None, description="您看到的原金额；给出且与当前金额不符（他人刚刚改过）时为 409。不核对的不填本项"
    )


ClaimId = Annotated[int, Path(..., ge=1, le=MAX_ID)]
CLAIM_REFUSALS = "409：协议已有一方签署（请求事项随之锁定）、案件已办结，或请求事项已被他人改动；422：请求内容有误。"


def _claim_reply(request: AuthedRequest, case_id: int, exc: CaseActionError) -> Any:
    # A refusal with fields is about the request; without, the case's state refuses the change (signed, closed).
    return Reply(422 if exc.fields else 409, error_body(exc.message, exc.fields))


@router.post(
    "/{case_id}/claims",
    response={201: CaseOut, **refusals(400, 401, 404, 409, 422)},
    summary="增加请求事项（协议签署前）",
    description=CLAIM_REFUSALS,
)
def add_claim(request: AuthedRequest, case_id: CaseId, payload: ClaimIn) -> Any:
    case = access_case(request.user, case_id, need=Need.ACT)
    try:
        do_add_claim_item(
            case=case,
            type=payload.type.value,
            amount=payload.amount,
            description=payload.description,
            known_on=payload.known_on,
            actor=Actor(ActorKind.STAFF, request.user, "api"),
        )
    except CaseActionError as exc:
        return _claim_reply(request, case_id, exc)
    return Reply(201, _reload(case_id, request))


@router.patch(
    "/{case_id}/claims/{claim_id}",
    response={200: CaseOut, **refusals(400, 401, 404, 409, 422)},
    summary="修改请求事项的金额和说明（协议签署前；办理记录保留原金额）",
    description=CLAIM_REFUSALS,
)
def edit_claim(request: AuthedRequest, case_id: CaseId, claim_id: ClaimId, payload: ClaimEditIn) -> Any:
    case = access_case(request.user, case_id, need=Need.ACT)
    claim = case.claims.filter(pk=claim_id).first()
    if claim is None:
        raise Http404
    fields = payload.model_fields_set
    try:
        do_edit_claim_item(
            claim=claim,
            amount=payload.amount if "amount" in fields else claim.amount_claimed,
            description=payload.description if "description" in fields else claim.description,
            known_on=payload.known_on if "known_on" in fields else UNCHANGED,
            expected_amount=payload.expected_amount if "expected_amount" in fields else "",
            actor=Actor(ActorKind.STAFF, request.user, "api"),
        )
    except StaleCaseError as exc:
        return Reply(409, error_body(exc.message))
    except CaseActionError as exc:
        return _claim_reply(request, case_id, exc)
    return _reload(case_id, request)


@router.delete(
    "/{case_id}/claims/{claim_id}",
    response={200: CaseOut, **refusals(400, 401, 404, 409, 422)},
    summary="删除误填的请求事项（至少保留一项；协议签署前）",
    description=CLAIM_REFUSALS,
)
def remove_claim(request: AuthedRequest, case_id: CaseId, claim_id: ClaimId) -> Any:
    case = access_case(request.user, case_id, need=Need.ACT)
    claim = case.claims.filter(pk=claim_id).first()
    if claim is None:
        raise Http404
    try:
        do_remove_claim_item(claim=claim, actor=Actor(ActorKind.STAFF, request.user, "api"))
    except StaleCaseError as exc:
        return Reply(409, error_body(exc.message))
    except CaseActionError as exc:
        return _claim_reply(request, case_id, exc)
    return _reload(case_id, request)
