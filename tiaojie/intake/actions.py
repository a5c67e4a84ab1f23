"""Writes for intake: submitting an application from any channel, tracking codes, re-routing, evidence,
oral-application records, referrals and collective-dispute alerts."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.accounts.models import User
from tiaojie.cases.actions import (
    Actor,
    CaseActionError,
    CaseInput,
    do_create_case,
    find_or_create_employer,
    record_case_event,
    validate_case_input,
)
from tiaojie.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseWorker, ClaimItem
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.models import CollectiveAlert, Evidence, OralApplicationRecord, Referral, TrackingCode
from tiaojie.intake.routing import NoRoute, RouteSuggestion, suggest_route
from tiaojie.lib import crypto
from tiaojie.lib.sms import send_sms
from tiaojie.lib.uploads import BadUpload, UploadRules, remove_stored, save_upload
from tiaojie.organisations.access import active_memberships, membership_in
from tiaojie.organisations.models import Employer, Organisation
from tiaojie.reference.models import Division

# No 0/O, 1/I/L: codes are read out on the phone and typed on cheap keyboards.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31^12 ≈ 2^59: guessing is hopeless even before the throttle


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_tracking_code(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == CODE_LENGTH else raw


def tracking_index(code: str) -> str:
    return crypto.blind_index("tracking", normalise_tracking_code(code))


@dataclass
class SubmitResult:
    case: Case
    route: RouteSuggestion | None
    tracking_code: str | None
    duplicate: bool  # the application joined an open case of the same worker and employer


def _issue_tracking_code(case: Case, phone: str) -> str:
    code = new_tracking_code()
    TrackingCode.objects.create(
        case=case, code_index=tracking_index(code), phone_index=crypto.blind_index("phone", phone)
    )
    text = _("【劳动争议调解】您的调解申请已收到，案件查询码 %(code)s。凭查询码和本手机号可查询办理进度。") % {
        "code": code
    }
    transaction.on_commit(lambda: send_sms(phone, text))
    return code


def find_open_duplicate(data: CaseInput, employer: Employer) -> Case | None:
    """An open case against the same employer that already has one of these workers (by ID number)."""
    indexes = [crypto.blind_index("id", w.id_number) for w in data.workers if w.id_number]
    if not indexes:
        return None
    return (
        Case.objects.filter(employer=employer, status__in=OPEN_STATUSES)
        .filter(case_workers__worker__id_number_index__in=indexes)
        .order_by("received_at")
        .first()
    )


def _may_register(actor: Actor, organisation: Organisation, routed: bool) -> bool:
    if actor.kind == ActorKind.APPLICANT:
        return routed  # online applicants never choose the organisation themselves
    if actor.kind != ActorKind.STAFF or actor.user is None:
        return False
    if routed:
        # Hotline operators and station staff register for whichever organisation the rules choose.
        return any(m.can_register_cases for m in active_memberships(actor.user))
    membership = membership_in(actor.user, organisation.pk)
    return membership is not None and membership.can_register_cases


def do_submit_application(
    *,
    data: CaseInput,
    actor: Actor,
    organisation: Organisation | None = None,
    employer_division: Division | None = None,
    issue_tracking_code: bool = True,
) -> SubmitResult:
    """Register an application from any channel.

    With `organisation` None the routing rules choose it (and say why). An open case of the same worker
    against the same employer is linked, not duplicated: the application is recorded on it. When the first
    worker gave a mobile number, a tracking code is issued and sent by SMS after commit."""
    errors = validate_case_input(data)
    if errors:
        raise CaseActionError(_("申请内容有误，请按提示修改"), errors)
    routed = organisation is None
    now = timezone.now()
    with transaction.atomic():
        division_id = (
            employer_division.code if employer_division else (organisation.division_id if organisation else "")
        )
        known_code = (
            bool(data.employer.credit_code) and Employer.objects.filter(credit_code=data.employer.credit_code).exists()
        )
        if not data.employer.existing_id and not known_code and not division_id:
            raise CaseActionError(_("请选择用人单位所在地"), {"employer.division": _("请选择用人单位所在地")})
        employer = find_or_create_employer(data.employer, division_id)
        route = None
        if organisation is None:
            try:
                route = suggest_route(employer, employer_division)
            except NoRoute as exc:
                raise CaseActionError(
                    _("暂未找到负责该地区的调解组织，请联系当地人社部门或拨打12333、12351。")
                ) from exc
            organisation = route.organisation
        if not _may_register(actor, organisation, routed):
            raise CaseActionError(_("您无权在该组织登记案件"))
        data.employer.existing_id = employer.pk
        phone = data.workers[0].phone if data.workers else ""
        existing = find_open_duplicate(data, employer)
        if existing is not None:
            record_case_event(
                case=existing, at=now, kind=CaseEvent.Kind.DUPLICATE, actor=actor,
                reason=_("同一劳动者对同一用人单位已有在办案件，本次申请并入该案件"),
                data={"channel": data.channel, "facts": data.facts[:2000],
                      "claims": [{"type": c.type, "amount": str(c.amount) if c.amount is not None else None}
                                 for c in data.claims]},
            )  # fmt: skip
            known = set(existing.claims.values_list("type", flat=True))
            ClaimItem.objects.bulk_create(
                [ClaimItem(case=existing, type=c.type, amount_claimed=c.amount, description=c.description)
                 for c in data.claims if c.type not in known]
            )  # fmt: skip
            code = _issue_tracking_code(existing, phone) if phone and issue_tracking_code else None
            return SubmitResult(existing, route, code, duplicate=True)
        case = do_create_case(organisation=organisation, data=data, actor=actor)
        if route is not None:
            record_case_event(
                case=case,
                at=now,
                kind=CaseEvent.Kind.ROUTED,
                actor=actor,
                reason=str(route.reason),
                basis=route.basis,
                data={"rule": route.rule, "organisation": organisation.pk},
            )
        code = _issue_tracking_code(case, phone) if phone and issue_tracking_code else None
        check_collective_dispute(employer=employer, organisation=organisation, now=now)
    return SubmitResult(case, route, code, duplicate=False)


def check_collective_dispute(
    *, employer: Employer, organisation: Organisation, now: dt.datetime
) -> CollectiveAlert | None:
    """Raise one alert per employer and window when enough distinct workers have claimed against it."""
    window_start = now - dt.timedelta(days=settings.COLLECTIVE_ALERT_WINDOW_DAYS)
    links = CaseWorker.objects.filter(case__employer=employer, case__received_at__gte=window_start)
    workers = links.values("worker_id").distinct().count()
    if workers < settings.COLLECTIVE_ALERT_THRESHOLD:
        return None
    if CollectiveAlert.objects.filter(employer=employer, raised_at__gte=window_start).exists():
        return None
    case_ids = sorted(set(links.values_list("case_id", flat=True)))
    county_code = employer.division_id[:6] if len(employer.division_id) >= 6 else employer.division_id
    return CollectiveAlert.objects.create(
        employer=employer,
        organisation=organisation,
        county_id=county_code,
        worker_count=workers,
        case_ids=case_ids,
        window_start=window_start,
    )


def do_acknowledge_alert(*, alert: CollectiveAlert, user: User) -> None:
    CollectiveAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=user
    )


def do_reroute_case(*, case: Case, to: Organisation, actor: Actor, reason: str) -> Case:
    """Hand a case that has not been accepted yet to another organisation, with a reason. Clock A keeps
    running from the first receipt: the statute counts from when a mediation organisation received it."""
    if actor.kind != ActorKind.STAFF or actor.user is None:
        raise CaseActionError(_("您无权进行此操作"))
    membership = membership_in(actor.user, case.organisation_id)
    if membership is None or not membership.can_decide_cases:
        raise CaseActionError(_("您无权进行此操作"))
    if not reason.strip():
        raise CaseActionError(_("请填写转交原因"), {"reason": _("请填写转交原因")})
    if to.pk == case.organisation_id or not to.is_active or not to.type.can_mediate:
        raise CaseActionError(_("请选择另一个可以调解的组织"), {"organisation": _("请选择另一个可以调解的组织")})
    with transaction.atomic():
        won = Case.objects.filter(pk=case.pk, status="received", organisation_id=case.organisation_id).update(
            organisation=to, division_id=to.division_id, updated_at=timezone.now()
        )
        if not won:
            raise CaseActionError(_("只有尚未受理的案件可以转交；请刷新页面后重试。"))
        record_case_event(
            case=case.pk,
            kind=CaseEvent.Kind.REROUTED,
            actor=actor,
            reason=reason.strip(),
            data={"from": case.organisation_id, "to": to.pk, "to_name": to.name},
        )
    case.organisation = to
    case.division_id = to.division_id
    return case


def do_record_oral_application(
    *,
    case: Case,
    actor: Actor,
    applicant_name: str,
    matters: str,
    reasons: str,
    applied_at: dt.datetime,
    place: str,
    confirmation: str,
) -> OralApplicationRecord:
    """口头申请笔录 (调解仲裁法 art 12): who applied, for what, why and when, and how the worker confirmed it."""
    if actor.user is None:
        raise CaseActionError(_("您无权进行此操作"))
    if confirmation not in OralApplicationRecord.Confirmation.values:
        raise CaseActionError(_("请选择申请人的确认方式"), {"confirmation": _("请选择申请人的确认方式")})
    with transaction.atomic():
        return OralApplicationRecord.objects.create(
            case=case,
            applicant_name=applicant_name.strip(),
            matters=matters.strip(),
            reasons=reasons.strip(),
            applied_at=applied_at,
            place=place.strip(),
            recorded_by=actor.user,
            confirmation=confirmation,
            confirmed_at=timezone.now(),
        )


@dataclass
class ReferralResult:
    case: Case
    created: bool


def do_receive_referral(
    *,
    data: CaseInput,
    sender_type: str,
    sender_name: str,
    reference_number: str,
    actor: Actor,
    organisation: Organisation | None = None,
    employer_division: Division | None = None,
) -> ReferralResult:
    """A case referred by an arbitration institute or a court. Idempotent on (sender, reference number):
    a repeated POST returns the case created the first time."""
    existing = Referral.objects.filter(sender_name=sender_name, reference_number=reference_number).first()
    if existing is not None:
        return ReferralResult(existing.case, created=False)
    try:
        with transaction.atomic():
            result = do_submit_application(
                data=data, actor=actor, organisation=organisation, employer_division=employer_division
            )
            if result.duplicate and hasattr(result.case, "referral"):
                raise CaseActionError(_("该劳动者对该用人单位已有委派在办案件"))
            Referral.objects.create(
                sender_type=sender_type, sender_name=sender_name, reference_number=reference_number, case=result.case
            )
    except IntegrityError:
        # Two identical POSTs at once: the other one won; return its case.
        winner = Referral.objects.get(sender_name=sender_name, reference_number=reference_number)
        return ReferralResult(winner.case, created=False)
    return ReferralResult(result.case, created=True)


# --- evidence ------------------------------------------------------------------------------------------

# What evidence may be (lib.uploads checks and keeps it); the messages are this form's own.
EVIDENCE_RULES = UploadRules(
    kinds=tuple(Evidence.Kind.values),
    wrong_kind=gettext_lazy("只接受 PDF、JPEG、PNG 图片和 Word 文件；该文件的内容不是这几种格式"),
    wrong_kind_field=gettext_lazy("文件格式不支持"),
    too_big=gettext_lazy("文件太大：每个文件不超过 %(mb)d MB"),
    too_big_field=gettext_lazy("文件太大"),
)


def do_add_evidence(
    *, case: Case, upload: IO[bytes], name: str, size: int, actor: Actor, description: str = ""
) -> Evidence:
    try:
        stored = save_upload(upload, size, name=name, folder=f"evidence/{case.pk}", rules=EVIDENCE_RULES)
    except BadUpload as exc:
        raise CaseActionError(exc.message, {"file": exc.field_message}) from exc
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                case=case,
                kind=stored.kind,
                original_name=stored.name,
                description=description.strip()[:200],
                path=stored.path,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=actor.user,
                uploaded_by_applicant=actor.kind == ActorKind.APPLICANT,
            )
            record_case_event(
                case=case,
                kind=CaseEvent.Kind.EVIDENCE,
                actor=actor,
                data={"evidence": evidence.pk, "name": evidence.original_name},
            )
    except Exception:
        remove_stored(stored)  # no orphan file when the row could not be written
        raise
    return evidence
