"""Every write of the 12351 hotline console. Each action checks that the operator works for the call's
hotline, runs in one transaction and writes a HotlineEvent."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaojie.accounts.actions import do_log_pii_access
from tiaojie.accounts.models import User
from tiaojie.cases.actions import (
    Actor,
    CaseActionError,
    CaseInput,
    ClaimInput,
    EmployerInput,
    WorkerInput,
    record_case_event,
)
from tiaojie.cases.models import Case, CaseEvent, Channel, ClaimType
from tiaojie.cases.transitions import ActorKind
from tiaojie.hotline.models import (
    HOTLINE_TYPE,
    MAX_DURATION_SECONDS,
    CallKind,
    ComplexityTier,
    HotlineCall,
    HotlineEvent,
    ServiceRating,
    WorkOrder,
)
from tiaojie.hotline.queries import divisions_named
from tiaojie.intake.actions import do_submit_application
from tiaojie.lib.idnumbers import InvalidIdentifier, validate_mobile
from tiaojie.lib.workdays import legal_date
from tiaojie.organisations.access import membership_in
from tiaojie.organisations.models import Organisation
from tiaojie.reference.calendar import (
    Recounted,
    StoredPeriod,
    calendar_year_entered,
    recount_data,
    recount_reason,
    recount_uncertain,
    workday_deadline,
)
from tiaojie.reference.models import Division

MAX_TEXT = 5000
_FIXED_LINE = re.compile(r"^0\d{9,11}$")  # area code (3–4 digits with the 0) + 7–8 digit number


class HotlineActionError(CaseActionError):
    """A refused hotline write, with a message for the operator and, for input errors, the fields."""


@dataclass
class CallInput:
    caller_name: str
    caller_phone: str
    topic: str
    kind: str
    summary: str
    answer: str
    duration_seconds: int
    started_at: dt.datetime | None = None  # None: now
    other_topics: list[str] = dataclasses.field(default_factory=list)  # the further matters raised in the same call


@dataclass
class ConversionInput:
    worker_name: str
    employer_name: str
    employer_division: str  # a division code: where the employer is, which decides the route
    claim_type: str
    facts: str
    worker_id_number: str = ""
    worker_phone: str = ""  # empty: the caller's number, when use_caller_phone and it is a mobile
    use_caller_phone: bool = True
    amount: Decimal | None = None
    employer_credit_code: str = ""
    # The further claims of the same call, (type, amount or None): a rider asks to have the labour
    # relationship confirmed and to be paid, two claim items of one case.
    more_claims: list[tuple[str, Decimal | None]] = dataclasses.field(default_factory=list)


@dataclass
class ConversionResult:
    call: HotlineCall
    case: Case
    organisation: Organisation
    reason: str
    basis: str
    # The worker already has an open case against the employer: the new case is flagged for the organisation to
    # merge or keep (intake.DuplicateSuspicion), never joined.
    duplicate_of: Case | None
    tracking_code_sent: bool


def validate_caller_phone(value: str) -> tuple[str, bool]:
    """(number, is_mobile): a mobile number, or a fixed line with its area code. Raises InvalidIdentifier."""
    try:
        return validate_mobile(value), True
    except InvalidIdentifier:
        number = value.strip().replace(" ", "").replace("-", "")
        if number.startswith("+86"):
            number = "0" + number[3:].lstrip("0")
        if _FIXED_LINE.match(number):
            return number, False
    raise InvalidIdentifier(_("来电号码应为11位手机号码，或带区号的固定电话号码"))


def validate_call_input(data: CallInput, *, now: dt.datetime) -> dict[str, str]:
    """Field errors in Chinese, keyed by CallInput's field names."""
    errors: dict[str, str] = {}
    data.caller_name = data.caller_name.strip()
    if not data.caller_name:
        errors["caller_name"] = _("请填写来电人姓名（来电人不愿透露的，可填“匿名”）")
    elif len(data.caller_name) > 50:
        errors["caller_name"] = _("来电人姓名不超过50字")
    if data.caller_phone.strip():
        try:
            validate_caller_phone(data.caller_phone)
        except InvalidIdentifier as exc:
            errors["caller_phone"] = str(exc)
    if data.topic not in ClaimType.values:
        errors["topic"] = _("请选择来电事项")
    if any(t not in ClaimType.values for t in data.other_topics):
        errors["other_topics"] = _("请从列表中选择其他来电事项")
    # The main matter is not repeated among the others; the order chosen is kept.
    data.other_topics = [
        t for i, t in enumerate(data.other_topics) if t != data.topic and t not in data.other_topics[:i]
    ]
    if data.kind not in CallKind.values:
        errors["kind"] = _("请选择来电类型")
    for field, missing, too_long in (
        ("summary", _("请填写来电内容"), _("来电内容不超过5000字")),
        ("answer", _("请填写答复内容"), _("答复内容不超过5000字")),
    ):
        text = getattr(data, field).strip()
        setattr(data, field, text)
        if not text:
            errors[field] = missing
        elif len(text) > MAX_TEXT:
            errors[field] = too_long
    if not isinstance(data.duration_seconds, int) or not 0 <= data.duration_seconds < MAX_DURATION_SECONDS:
        errors["duration"] = _("通话时长应不少于0秒且少于24小时")
    if data.started_at is not None:
        if data.started_at.tzinfo is None or data.started_at.year < 2000:  # year 1 overflows in UTC
            errors["started_at"] = _("来电时间无效")
        elif data.started_at > now:
            errors["started_at"] = _("来电时间不能晚于现在")
    return errors


def _require_operator(user: User, organisation_id: int) -> None:
    membership = membership_in(user, organisation_id)
    if membership is None or membership.organisation.type_id != HOTLINE_TYPE:
        raise HotlineActionError(_("您无权进行此操作"))


def _event(call: HotlineCall, event: str, actor: User, at: dt.datetime, **data: object) -> HotlineEvent:
    return HotlineEvent.objects.create(call=call, kind=event, actor=actor, at=at, data=data)


def do_log_call(
    *, organisation: Organisation, operator: User, data: CallInput, at: dt.datetime | None = None
) -> HotlineCall:
    """Record one call to `organisation` (a hotline) answered by `operator`. `at` is when it was recorded
    (default now), for the demo builder and imports; the console never passes it."""
    _require_operator(operator, organisation.pk)
    now = timezone.now()
    errors = validate_call_input(data, now=now)
    if errors:
        raise HotlineActionError(_("来电记录有误，请按提示修改"), errors)
    call = HotlineCall(
        organisation=organisation,
        operator=operator,
        caller_name=data.caller_name,
        topic=data.topic,
        other_topics=data.other_topics,
        kind=data.kind,
        summary=data.summary,
        answer=data.answer,
        duration_seconds=data.duration_seconds,
        started_at=data.started_at or now,
    )
    if data.caller_phone.strip():
        number, is_mobile = validate_caller_phone(data.caller_phone)
        call.set_caller_phone(number, is_mobile=is_mobile)
    with transaction.atomic():
        call.save()
        _event(call, HotlineEvent.Kind.LOGGED, operator, at or now, kind=call.kind, topic=call.topic)
    return call


def do_open_work_order(
    *, call: HotlineCall, tier_code: str, actor: User, description: str = "", at: dt.datetime | None = None
) -> WorkOrder:
    """Open the call's work order; its last day is `tier.working_days` working days after the day it is
    opened (Beijing), counted on the editable holiday calendar. One work order per call. `at` (default now)
    is for the demo builder and imports; the console never passes it."""
    _require_operator(actor, call.organisation_id)
    tier = ComplexityTier.objects.filter(code=tier_code, is_active=True).first() if tier_code else None
    if tier is None:
        raise HotlineActionError(_("请选择复杂程度"), {"tier": _("请选择复杂程度")})
    description = description.strip()
    if len(description) > MAX_TEXT:
        raise HotlineActionError(_("工单内容不超过5000字"), {"description": _("工单内容不超过5000字")})
    now = at or timezone.now()
    deadline = workday_deadline(legal_date(now), tier.working_days)
    try:
        with transaction.atomic():
            order = WorkOrder.objects.create(
                call=call,
                tier=tier,
                working_days=tier.working_days,
                description=description,
                opened_at=now,
                opened_by=actor,
                due_date=deadline.last_day,
                due_uncertain=deadline.uncertain,
            )
            _event(
                call,
                HotlineEvent.Kind.WORK_ORDER_OPENED,
                actor,
                now,
                tier=tier.code,
                working_days=tier.working_days,
                due_date=deadline.last_day.isoformat(),
            )
    except IntegrityError as exc:  # the call already has one (two clicks, or two operators at once)
        raise HotlineActionError(_("该来电已有工单，请刷新页面查看")) from exc
    return order


@receiver(calendar_year_entered)
def recount_uncertain_work_orders(*, year: int, user: User, **kwargs: object) -> int:
    """Recount every work order whose limit was stored as uncertain, from the day it was opened with the
    limit it was opened with (as do_open_work_order), now that the holiday table covers `year`; each writes a
    "recounted" event by the administrator who entered the year. Returns how many orders were recounted."""
    period = StoredPeriod(
        "due_date",
        "due_uncertain",
        lambda order: workday_deadline(legal_date(order.opened_at), order.working_days),
        _("办理期限"),
    )
    now = timezone.now()

    def record(order: WorkOrder, changes: list[Recounted]) -> None:
        _event(
            order.call,
            HotlineEvent.Kind.WORK_ORDER_RECOUNTED,
            user,
            now,
            reason=recount_reason(year, changes),
            **recount_data(year, changes),
        )

    orders = WorkOrder.objects.select_related("call").only(
        "pk", "call", "opened_at", "working_days", "due_date", "due_uncertain"
    )
    return recount_uncertain(orders, (period,), record=record)


def do_close_work_order(*, call: HotlineCall, note: str, actor: User, at: dt.datetime | None = None) -> WorkOrder:
    _require_operator(actor, call.organisation_id)
    note = note.strip()
    if not note:
        raise HotlineActionError(_("请填写办结情况"), {"note": _("请填写办结情况")})
    if len(note) > MAX_TEXT:
        raise HotlineActionError(_("办结情况不超过5000字"), {"note": _("办结情况不超过5000字")})
    now = at or timezone.now()
    with transaction.atomic():
        # Conditional on the old status: of two concurrent closes one wins, the other gets a clear message.
        won = WorkOrder.objects.filter(call=call, status=WorkOrder.Status.OPEN).update(
            status=WorkOrder.Status.CLOSED, closed_at=now, closed_by=actor, closing_note=note
        )
        if not won:
            if WorkOrder.objects.filter(call=call).exists():
                raise HotlineActionError(_("该工单已办结，请刷新页面查看"))
            raise HotlineActionError(_("该来电没有工单"))
        _event(call, HotlineEvent.Kind.WORK_ORDER_CLOSED, actor, now)
    return WorkOrder.objects.get(call=call)


def _division_error(message: str) -> HotlineActionError:
    return HotlineActionError(message, {"employer.division": message})


def _conversion_division(text: str, organisation: Organisation) -> Division:
    """The employer's location as the operator gave it: a division code, or a name within the hotline's own
    area ("仓前" or "浙江省杭州市余杭区仓前街道"), which must name one place only."""
    text = text.strip()
    if not text:
        raise _division_error(_("请选择用人单位所在地"))
    if text.isdigit():
        division = Division.objects.filter(code=text).first()
        if division is None:
            raise _division_error(_("没有这个行政区划代码，请核对"))
    else:
        named = divisions_named(text, [organisation])
        if not named:
            raise _division_error(
                _("本热线服务范围内没有名为“%(text)s”的县（区）或乡镇（街道），请核对后重新输入") % {"text": text[:30]}
            )
        if len(named) > 1:
            raise _division_error(
                _("“%(text)s”对应多个地方：%(names)s。请输入更完整的名称或从列表中选择")
                % {"text": text[:30], "names": "、".join(full for _code, full in named[:5])}
            )
        division = Division.objects.get(code=named[0][0])
    if division.level < Division.Level.COUNTY:
        raise _division_error(_("请选择到县（区）或乡镇（街道）一级"))
    return division


def do_convert_call_to_case(*, call: HotlineCall, data: ConversionInput, actor: User) -> ConversionResult:
    """Turn a dispute call into a mediation application, routed to the organisation the intake rules choose
    for the employer's location (intake.routing), with channel 12351热线. An open case of the same worker
    against the same employer is flagged on the new case for staff to merge, never joined. A call converts
    once."""
    _require_operator(actor, call.organisation_id)
    if call.kind != CallKind.DISPUTE:
        raise HotlineActionError(_("只有争议类来电可以转为调解案件"))
    if call.case is not None:
        raise HotlineActionError(_("该来电已转为案件 %(number)s") % {"number": call.case.display_number})
    kinds = [data.claim_type, *(kind for kind, _amount in data.more_claims)]
    for i, kind in enumerate(kinds):
        if kind in kinds[:i]:
            message = _("请求事项“%(type)s”填了两次，请合并为一项") % {"type": dict(ClaimType.choices).get(kind, kind)}
            raise HotlineActionError(message, {f"claims.{i}.type": message})
    division = _conversion_division(data.employer_division, call.organisation)
    phone = data.worker_phone.strip()
    if not phone and data.use_caller_phone and call.caller_phone_is_mobile:
        phone = call.reveal_caller_phone()  # used, not shown: no display to log
    case_input = CaseInput(
        employer=EmployerInput(name=data.employer_name, credit_code=data.employer_credit_code.strip()),
        workers=[WorkerInput(name=data.worker_name, id_number=data.worker_id_number.strip(), phone=phone)],
        claims=[
            ClaimInput(type=data.claim_type, amount=data.amount),
            *(ClaimInput(type=kind, amount=amount) for kind, amount in data.more_claims),
        ],
        channel=Channel.HOTLINE,
        facts=data.facts,
    )
    now = timezone.now()
    with transaction.atomic():
        # Lock the call: two operators converting it at once must not create two cases.
        locked = HotlineCall.objects.select_for_update().filter(pk=call.pk, case__isnull=True).first()
        if locked is None:
            raise HotlineActionError(_("该来电已转为案件，请刷新页面查看"))
        result = do_submit_application(data=case_input, actor=Actor(ActorKind.STAFF, actor), employer_division=division)
        case = result.case
        if result.route is not None:
            organisation, reason, basis = result.route.organisation, str(result.route.reason), result.route.basis
        else:  # not reached: organisation=None always routes; kept so a change there fails loudly, not silently
            organisation, reason, basis = case.organisation, "", ""
        HotlineCall.objects.filter(pk=call.pk, case__isnull=True).update(
            case=case,
            converted_at=now,
            route_reason=reason[:300],
            route_basis=basis[:200],
            joined_existing_case=False,
        )
        record_case_event(
            case=case,
            at=now,
            kind=CaseEvent.Kind.NOTE,
            actor=actor,
            reason=_("来自%(hotline)s来电记录 #%(call)s") % {"hotline": call.organisation.name, "call": call.pk},
            data={"hotline_call": call.pk},
        )
        _event(
            call,
            HotlineEvent.Kind.CONVERTED,
            actor,
            now,
            case=case.pk,
            organisation=organisation.pk,
            duplicate_of=result.duplicate_of.pk if result.duplicate_of else None,
            division=division.code,
        )
    call.case, call.converted_at, call.route_reason, call.route_basis = case, now, reason[:300], basis[:200]
    return ConversionResult(
        call=call,
        case=case,
        organisation=organisation,
        reason=reason,
        basis=basis,
        duplicate_of=result.duplicate_of,
        tracking_code_sent=result.tracking_code is not None,
    )


def do_record_rating(
    *, call: HotlineCall, score: int, actor: User, comment: str = "", at: dt.datetime | None = None
) -> ServiceRating:
    """The caller's rating of the service (1–5), once per call; after the work order is closed, if any."""
    _require_operator(actor, call.organisation_id)
    if WorkOrder.objects.filter(call=call, status=WorkOrder.Status.OPEN).exists():
        raise HotlineActionError(_("工单办结后才能记录服务评价"))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise HotlineActionError(_("评分应为1到5分"), {"score": _("评分应为1到5分")})
    comment = comment.strip()
    if len(comment) > 500:
        raise HotlineActionError(_("评价意见不超过500字"), {"comment": _("评价意见不超过500字")})
    now = at or timezone.now()
    try:
        with transaction.atomic():
            rating = ServiceRating.objects.create(
                call=call, score=score, comment=comment, recorded_at=now, recorded_by=actor
            )
            _event(call, HotlineEvent.Kind.RATED, actor, now, score=score)
    except IntegrityError as exc:
        raise HotlineActionError(_("该来电已记录过服务评价，不能重复评价")) from exc
    return rating


def do_reveal_caller_phone(*, user: User, call: HotlineCall, request: HttpRequest | None) -> str:
    """Return the caller's full number and record who saw it (the caller of this function checked access)."""
    _require_operator(user, call.organisation_id)
    if not call.caller_phone_encrypted:
        raise HotlineActionError(_("该来电没有记录号码"))
    value = call.reveal_caller_phone()
    do_log_pii_access(
        user=user,
        record_type="hotline.call",
        record_id=call.pk,
        field="caller_phone",
        request=request,
        purpose=f"hotline call {call.pk}",
    )
    return value
