"""Writes for intake: submitting an application from any channel, tracking codes, re-routing, evidence,
oral-application records, referrals and collective-dispute alerts."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.accounts.models import User
from tiaojie.cases.actions import (
    Actor,
    CaseActionError,
    CaseInput,
    do_create_case,
    do_transition_case,
    find_or_create_employer,
    record_case_event,
    validate_case_input,
)
from tiaojie.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseWorker, Channel, ClaimItem, Status
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake import limits
from tiaojie.intake.models import (
    CollectiveAlert,
    DuplicateSuspicion,
    Evidence,
    OralApplicationRecord,
    PhoneChallenge,
    Referral,
    Submission,
    ThrottleHit,
    TrackingCode,
)
from tiaojie.intake.routing import NoRoute, RouteSuggestion, suggest_route
from tiaojie.lib import crypto
from tiaojie.lib.idnumbers import InvalidIdentifier, validate_mobile
from tiaojie.lib.uploads import BadUpload, UploadRules, remove_stored, save_upload
from tiaojie.notifications.actions import do_queue_sms, sms_language
from tiaojie.organisations.access import active_memberships, membership_in
from tiaojie.organisations.models import Employer, Organisation
from tiaojie.reference.models import Division

APPLICANT = Actor(ActorKind.APPLICANT, None, "applicant")

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
    # An open case of the same worker against the same employer: the new case is flagged for staff to merge or
    # keep (DuplicateSuspicion), never joined to it.
    duplicate_of: Case | None = None

    @property
    def duplicate(self) -> bool:
        return self.duplicate_of is not None


def _queue_sms(
    phone: str, text: str, template_key: str, case: Case | None = None, expires_at: dt.datetime | None = None
) -> None:
    """Queue an SMS in the outbox; it goes out after commit (a rollback texts no one) and is retried."""
    do_queue_sms(phone=phone, text=text, template_key=template_key, case=case, expires_at=expires_at)


def _issue_tracking_code(case: Case, phone: str) -> str:
    code = new_tracking_code()
    TrackingCode.objects.create(
        case=case, code_index=tracking_index(code), phone_index=crypto.blind_index("phone", phone)
    )
    with sms_language(case):
        text = _("【劳动争议调解】您的调解申请已收到，案件查询码 %(code)s。凭查询码和本手机号可查询办理进度。") % {
            "code": code
        }
    _queue_sms(phone, text, "tracking_code", case)
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


def phones_on_file(case: Case) -> list[str]:
    """The workers' own numbers on a case, decrypted for sending only (never shown, so no display to log)."""
    numbers: list[str] = []
    for link in case.case_workers.select_related("worker").order_by("-is_representative", "id"):
        worker = link.worker
        if worker.phone_encrypted:
            number = worker.reveal("phone")
            if number not in numbers:
                numbers.append(number)
    return numbers


def _flag_duplicate(*, case: Case, original: Case, phone: str, actor: Actor, now: dt.datetime) -> None:
    """Record the suspicion on both cases and tell the worker on file, whose case it may be an attack on."""
    on_file = phones_on_file(original)
    differs = bool(phone) and phone not in on_file
    DuplicateSuspicion.objects.create(case=case, original=original, created_at=now, phone_differs=differs)
    record_case_event(
        case=original, at=now, kind=CaseEvent.Kind.DUPLICATE, actor=actor,
        reason=_("收到同一劳动者对同一用人单位的新申请（案件%(id)s），已单独登记，待工作人员核实是否合并")
        % {"id": case.display_number},
        data={"new_case": case.pk, "channel": case.channel, "phone_differs": differs},
    )  # fmt: skip
    record_case_event(
        case=case, at=now, kind=CaseEvent.Kind.NOTE, actor=actor,
        reason=_("疑似重复申请：该劳动者对同一用人单位已有在办案件%(id)s，请核实后合并或分别办理")
        % {"id": original.display_number},
        data={"duplicate_of": original.pk, "phone_differs": differs},
    )  # fmt: skip
    with sms_language(original):
        text = _(
            "【劳动争议调解】有人以您的身份信息对%(employer)s提交了一份新的调解申请。如果不是您本人或您委托的人提交的，"
            "请尽快联系%(org)s%(phone)s。您原来的申请不受影响。"
        ) % {
            "employer": original.employer.name,
            "org": original.organisation.name,
            "phone": f"（{original.organisation.phone}）" if original.organisation.phone else "",
        }
    for number in on_file:
        if number != phone:
            _queue_sms(number, text, "duplicate_application", original)


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
    collective_check: bool = True,
) -> SubmitResult:
    """Register an application from any channel.

    With `organisation` None the routing rules choose it (and say why). Every application becomes its own
    case: one naming a worker who already has an open case against the same employer is flagged for staff
    (DuplicateSuspicion) and the worker on file is told by SMS, because whoever submits it may not be that
    worker. When the first worker gave a mobile number, a tracking code is issued for the new case and sent
    by SMS after commit."""
    errors = validate_case_input(data)
    if errors:
        raise CaseActionError(_("申请内容有误，请按提示修改"), errors)
    routed = organisation is None
    now = timezone.now()
    # No savepoint inside a caller's transaction (as do_create_case_with_rows): its callers let a failure end it.
    with transaction.atomic(savepoint=False):
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
        original = find_open_duplicate(data, employer)
        # The worker who applied on the public form: its language is theirs, and their SMS follow it.
        language = (
            translation.get_supported_language_variant(translation.get_language() or "zh-hans")
            if actor.kind == ActorKind.APPLICANT
            else ""
        )
        case = do_create_case(organisation=organisation, data=data, actor=actor, employer=employer, language=language)
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
        if original is not None:
            _flag_duplicate(case=case, original=original, phone=phone, actor=actor, now=now)
        code = _issue_tracking_code(case, phone) if phone and issue_tracking_code else None
        if collective_check:
            check_collective_dispute(employer=employer, organisation=organisation, now=now)
    return SubmitResult(case, route, code, duplicate_of=original)


# --- the public door: SMS codes, the idempotent online submission, withdrawal ---------------------------------

SMS_CODE_LENGTH = 6


def _code_hash(challenge_nonce: str, code: str) -> str:
    return crypto.blind_index("sms-code", f"{challenge_nonce}:{code.strip()}")


def do_send_phone_code(*, purpose: str, phone: str, client_ip: str | None, case: Case | None = None) -> PhoneChallenge:
    """Text a fresh 6-digit code to `phone`; the caller keeps the challenge id (in the session) for the check.

    Refused beyond the per-phone and per-address limits (intake.limits), so the form cannot be used to flood a
    number or run up the SMS bill."""
    limits.take("sms_ip", limits.ip_key(client_ip))
    limits.take("sms_phone", limits.key_for("phone", phone))
    code = "".join(secrets.choice("0123456789") for _ in range(SMS_CODE_LENGTH))
    now = timezone.now()
    nonce = secrets.token_hex(8)
    with transaction.atomic():
        challenge = PhoneChallenge.objects.create(
            purpose=purpose,
            phone_index=crypto.blind_index("phone", phone),
            code_hash=f"{nonce}${_code_hash(nonce, code)}",
            case=case,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=settings.PHONE_CODE_MINUTES),
        )
        actions: dict[str, str] = {
            PhoneChallenge.Purpose.APPLY: _("提交调解申请"),
            PhoneChallenge.Purpose.UNLOCK: _("解除查询锁定"),
        }
        action = actions.get(purpose, _("撤回调解申请"))
        text = _("【劳动争议调解】验证码 %(code)s，用于%(action)s，%(minutes)d分钟内有效。请勿告诉他人。") % {
            "code": code,
            "action": action,
            "minutes": settings.PHONE_CODE_MINUTES,
        }
        _queue_sms(phone, text, f"phone_code_{purpose}", case, expires_at=challenge.expires_at)
    return challenge


def take_phone_code_try(*, challenge_id: object, purpose: str, phone: str, case: Case | None = None) -> int:
    """Spend one of the challenge's PHONE_CODE_MAX_ATTEMPTS tries, with a conditional UPDATE in its own commit,
    and return the challenge id; raise CaseActionError (field "sms_code") if none is left or it is expired,
    used, or for another phone, purpose or case.

    Call it outside the transaction that then checks the code: a wrong guess rolls that transaction back, and
    the try must stay spent. However many guesses arrive at once, no more than the limit are ever compared."""
    if not isinstance(challenge_id, int):
        raise CaseActionError(_("请先获取短信验证码"), {"sms_code": _("请先获取短信验证码")})
    took = PhoneChallenge.objects.filter(
        pk=challenge_id,
        purpose=purpose,
        phone_index=crypto.blind_index("phone", phone),
        case=case,
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
        attempts__lt=settings.PHONE_CODE_MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1)
    if not took:
        message = _("验证码已失效或错误次数太多，请重新获取")
        raise CaseActionError(message, {"sms_code": str(message)})
    return challenge_id


def use_phone_code(*, challenge_id: int, code: str) -> None:
    """Compare the typed code with a challenge whose try was taken, and mark it used (once)."""
    challenge = PhoneChallenge.objects.get(pk=challenge_id)
    nonce, _sep, digest = challenge.code_hash.partition("$")
    if not secrets.compare_digest(digest, _code_hash(nonce, code)):
        wrong = _("验证码不对，请核对短信后重新输入")
        raise CaseActionError(wrong, {"sms_code": str(wrong)})
    if not PhoneChallenge.objects.filter(pk=challenge_id, used_at__isnull=True).update(used_at=timezone.now()):
        message = _("验证码已经用过了，请重新获取")
        raise CaseActionError(message, {"sms_code": str(message)})


def consume_phone_code(*, challenge_id: object, purpose: str, phone: str, code: str, case: Case | None = None) -> None:
    """Take a try and check the code: for callers that are not inside a transaction."""
    checked = take_phone_code_try(challenge_id=challenge_id, purpose=purpose, phone=phone, case=case)
    use_phone_code(challenge_id=checked, code=code)


def tracking_row(*, code: str, phone: str) -> TrackingCode | None:
    """The tracking code issued for this code and phone, unthrottled: for access_case_by_tracking (which
    throttles) and for the SMS unlock (which proves the phone), never to answer a look-up by itself."""
    try:
        phone = validate_mobile(phone)
    except InvalidIdentifier:
        return None
    return (
        TrackingCode.objects.select_related("case", "case__organisation", "case__employer")
        .filter(code_index=tracking_index(code), phone_index=crypto.blind_index("phone", phone))
        .first()
    )


def do_send_tracking_unlock_code(*, code: str, phone: str, client_ip: str | None) -> PhoneChallenge | None:
    """A worker locked out of the tracking page (too many failed look-ups from their address) asks for an SMS
    code. It goes only to the phone the tracking code was issued to, and only when the typed phone is that
    one; otherwise nothing is sent but the attempt is counted all the same (sms_ip), and the caller shows the
    same answer either way, so the form tells a guesser nothing. Rate limited like every SMS code."""
    row = tracking_row(code=code, phone=phone)
    if row is None:
        limits.take("sms_ip", limits.ip_key(client_ip))
        return None
    return do_send_phone_code(
        purpose=PhoneChallenge.Purpose.UNLOCK, phone=validate_mobile(phone), client_ip=client_ip, case=row.case
    )


def do_unlock_tracking(
    *, code: str, phone: str, challenge_id: object, sms_code: str, client_ip: str | None, ipcode_key: str
) -> Case:
    """The SMS code answered: the case opens for this worker, and the failures counted against this code from
    this address are forgotten. The address-wide count (track_ip) stays: lifting it would let someone with a
    case of their own reset it with their own phone and go on guessing other people's codes."""
    row = tracking_row(code=code, phone=phone)
    if row is None or not isinstance(challenge_id, int):
        wrong = _("验证码不对，请核对短信后重新输入")
        raise CaseActionError(wrong, {"sms_code": str(wrong)})
    consume_phone_code(
        challenge_id=challenge_id,
        purpose=PhoneChallenge.Purpose.UNLOCK,
        phone=validate_mobile(phone),
        code=sms_code,
        case=row.case,
    )
    with transaction.atomic():
        ThrottleHit.objects.filter(scope="track_ipcode", key=ipcode_key).delete()
        record_case_event(
            case=row.case,
            kind=CaseEvent.Kind.NOTE,
            actor=Actor(ActorKind.APPLICANT, None, "applicant"),
            reason=_("申请人用短信验证码解除了查询锁定"),
            data={"app": "intake", "step": "tracking_unlock"},
        )
    return row.case


@dataclass
class PublicSubmission:
    result: SubmitResult | None  # None when this was a repeat of a submission already registered
    submission: Submission


def submission_index(token: str) -> str:
    return crypto.blind_index("submission", token)


def do_submit_online_application(
    *,
    data: CaseInput,
    token: str,
    challenge_id: object,
    sms_code: str,
    client_ip: str | None,
    employer_division: Division | None,
    consent_at: dt.datetime,
) -> PublicSubmission:
    """The public form's 提交申请: one case per form, from a phone that has just answered an SMS code.

    `token` is the form's own key (kept in its draft): the unique Submission row makes a double click or two
    concurrent POSTs of the same form register one case — the second waits for the first and gets its
    Submission back. The code is checked and used up in the same transaction, so a refused application does not
    spend it."""
    if not token:
        raise CaseActionError(_("页面已过期，请重新提交"))
    index = submission_index(token)
    existing = Submission.objects.filter(token_index=index, case__isnull=False).select_related("case").first()
    if existing is not None:
        return PublicSubmission(None, existing)
    phone = data.workers[0].phone if data.workers else ""
    limits.take("apply_ip", limits.ip_key(client_ip))
    try:
        checked = take_phone_code_try(challenge_id=challenge_id, purpose=PhoneChallenge.Purpose.APPLY, phone=phone)
    except CaseActionError:
        # A repeat that arrives just after its twin used the code: the twin's submission is the answer.
        repeat = Submission.objects.filter(token_index=index, case__isnull=False).select_related("case").first()
        if repeat is not None:
            return PublicSubmission(None, repeat)
        raise
    now = timezone.now()
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                token_index=index,
                phone_verified_at=now,
                privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
                sensitive_consent_at=consent_at,
                created_at=now,
            )
            use_phone_code(challenge_id=checked, code=sms_code)
            limits.take("apply_phone", limits.key_for("phone", phone))
            result = do_submit_application(
                data=data, actor=APPLICANT, employer_division=employer_division, collective_check=False
            )
            submission.case = result.case
            submission.save(update_fields=["case"])
            check_collective_dispute(employer=result.case.employer, organisation=result.case.organisation, now=now)
    except IntegrityError:
        # The same form submitted twice at once: the other request registered it (its row exists only once that
        # request has committed, so the case is there too).
        winner = Submission.objects.filter(token_index=index, case__isnull=False).select_related("case").first()
        if winner is None:
            raise
        return PublicSubmission(None, winner)
    return PublicSubmission(result, submission)


def do_record_submission_receipt(*, submission: Submission, receipt: dict[str, object]) -> None:
    """Keep what the confirmation page shows (with the tracking code, so encrypted) for a repeated POST."""
    Submission.objects.filter(pk=submission.pk).update(done_encrypted=crypto.encrypt(json.dumps(receipt)))


def submission_receipt(token: str) -> dict[str, object]:
    row = Submission.objects.filter(token_index=submission_index(token)).first()
    if row is None or not row.done_encrypted:
        return {}
    try:
        value = json.loads(crypto.decrypt(row.done_encrypted))
    except (ValueError, ImproperlyConfigured):
        return {}
    return value if isinstance(value, dict) else {}


def do_withdraw_by_applicant(
    *,
    case: Case,
    phone: str,
    challenge_id: object,
    sms_code: str,
    reason: str,
    expected_status: str | None,
) -> Case:
    """The worker withdraws from the tracking page, after a fresh SMS code to the phone the look-up used. Every
    number on file is told, so a withdrawal nobody asked for does not go unnoticed."""
    checked = take_phone_code_try(
        challenge_id=challenge_id, purpose=PhoneChallenge.Purpose.WITHDRAW, phone=phone, case=case
    )
    with transaction.atomic():
        use_phone_code(challenge_id=checked, code=sms_code)
        case = do_transition_case(
            case=case, to=Status.WITHDRAWN, actor=APPLICANT, reason=reason, expected_status=expected_status
        )
        with sms_language(case):
            text = _(
                "【劳动争议调解】您对%(employer)s的调解申请已撤回。如果不是您本人操作的，请尽快联系%(org)s%(phone)s。"
            ) % {
                "employer": case.employer.name,
                "org": case.organisation.name,
                "phone": f"（{case.organisation.phone}）" if case.organisation.phone else "",
            }
        for number in phones_on_file(case):
            _queue_sms(number, text, "withdrawn_by_applicant", case)
    return case


def do_resolve_duplicate(*, suspicion: DuplicateSuspicion, actor: Actor, merge: bool, reason: str) -> None:
    """Staff decide a suspected duplicate: merge it into the original (its new claims are added there and it
    ends as withdrawn, its tracking code showing only that) or keep both. Never moves a tracking code: whoever
    submitted the new application gains no access to the original case."""
    reason = reason.strip()
    if not reason:
        raise CaseActionError(_("请填写处理理由"), {"reason": _("请填写处理理由")})
    if actor.user is None:
        raise CaseActionError(_("您无权进行此操作"))
    for case_id in {suspicion.case.organisation_id, suspicion.original.organisation_id}:
        membership = membership_in(actor.user, case_id)
        if membership is None or not membership.can_decide_cases:
            raise CaseActionError(_("合并需要同时有权办理两个案件；请联系原案件的调解组织。"))
    now = timezone.now()
    duplicate, original = suspicion.case, suspicion.original
    with transaction.atomic():
        won = DuplicateSuspicion.objects.filter(pk=suspicion.pk, resolution="").update(
            resolution=DuplicateSuspicion.Resolution.MERGED if merge else DuplicateSuspicion.Resolution.KEPT,
            resolved_at=now,
            resolved_by=actor.user,
            resolution_reason=reason[:500],
        )
        if not won:
            raise CaseActionError(_("该疑似重复申请已经处理过了，请刷新页面。"))
        if not merge:
            record_case_event(
                case=duplicate, at=now, kind=CaseEvent.Kind.NOTE, actor=actor,
                reason=_("经核实不是重复申请，与案件%(id)s 分别办理：%(reason)s")
                % {"id": original.display_number, "reason": reason},
                data={"duplicate_of": original.pk, "resolution": "kept"},
            )  # fmt: skip
            return
        if not original.is_open:
            raise CaseActionError(_("原案件已经结束，不能合并；请分别办理。"))
        known = set(original.claims.values_list("type", flat=True))
        added = [
            ClaimItem(case=original, type=c.type, amount_claimed=c.amount_claimed, description=c.description)
            for c in duplicate.claims.all()
            if c.type not in known
        ]
        ClaimItem.objects.bulk_create(added)
        record_case_event(
            case=original, at=now, kind=CaseEvent.Kind.DUPLICATE, actor=actor,
            reason=_("案件%(id)s 并入本案：%(reason)s") % {"id": duplicate.display_number, "reason": reason},
            data={"merged_case": duplicate.pk, "claims_added": [c.type for c in added]},
        )  # fmt: skip
        do_transition_case(
            case=duplicate,
            to=Status.WITHDRAWN,
            actor=actor,
            reason=_("经核实与案件%(id)s 重复，已并入该案件办理：%(reason)s")
            % {"id": original.display_number, "reason": reason},
        )


def check_collective_dispute(
    *, employer: Employer, organisation: Organisation, now: dt.datetime
) -> CollectiveAlert | None:
    """Raise one alert per employer and window when enough distinct workers have claimed against it."""
    window_start = now - dt.timedelta(days=settings.COLLECTIVE_ALERT_WINDOW_DAYS)
    # Only applications someone vouched for: registered by staff or a referring body, or submitted online from
    # a phone that answered an SMS code. Invented online applications must not raise an alert against a
    # real employer.
    verified = ~Q(case__channel=Channel.ONLINE) | Q(case_id__in=Submission.objects.values("case_id"))
    links = CaseWorker.objects.filter(verified, case__employer=employer, case__received_at__gte=window_start)
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


def _same_sender(actor: Actor, referral: Referral) -> bool:
    """Whether `actor` speaks for the organisation that posted `referral` (or for the one handling it)."""
    if actor.user is None:
        return False
    mine = {m.organisation_id for m in active_memberships(actor.user)}
    if referral.case.organisation_id in mine or referral.submitted_by_id == actor.user.pk:
        return True
    if referral.submitted_by is None:
        return False
    return bool(mine & {m.organisation_id for m in active_memberships(referral.submitted_by)})


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
    """A case referred by an arbitration institute or a court. Idempotent on (sender, reference number) for
    the organisation that sent it: its repeated POST returns the case created the first time. Anyone else
    posting the same reference learns only that it is taken — not the case, its organisation or its dates."""
    taken = _("该委派方案号已经登记过；如需查询办理情况，请联系受理的调解组织。")

    def earlier() -> ReferralResult:
        referral = Referral.objects.select_related("case", "submitted_by").get(
            sender_name=sender_name, reference_number=reference_number
        )
        if not _same_sender(actor, referral):
            raise CaseActionError(taken, {"reference_number": str(taken)})
        return ReferralResult(referral.case, created=False)

    if Referral.objects.filter(sender_name=sender_name, reference_number=reference_number).exists():
        return earlier()
    try:
        with transaction.atomic():
            result = do_submit_application(
                data=data, actor=actor, organisation=organisation, employer_division=employer_division
            )
            Referral.objects.create(
                sender_type=sender_type,
                sender_name=sender_name,
                reference_number=reference_number,
                case=result.case,
                submitted_by=actor.user,
            )
    except IntegrityError:
        # Two identical POSTs at once: the other one won; return its case (to the same sender only).
        return earlier()
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


def _within_applicant_quota(case: Case, size: int) -> None:
    """A worker's uploads to one case stay within EVIDENCE_MAX_FILES_PER_CASE and _BYTES_PER_CASE. The case row
    is locked first, so concurrent uploads are counted one after another."""
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
    mine = Evidence.objects.filter(case=case, uploaded_by_applicant=True).aggregate(n=Count("id"), bytes=Sum("size"))
    if mine["n"] >= settings.EVIDENCE_MAX_FILES_PER_CASE:
        message = _("这个案件已经上传了%(n)d个文件，达到上限；还有材料请交给调解员。") % {
            "n": settings.EVIDENCE_MAX_FILES_PER_CASE
        }
        raise CaseActionError(message, {"file": message})
    if (mine["bytes"] or 0) + size > settings.EVIDENCE_MAX_BYTES_PER_CASE:
        message = _("这个案件上传的文件总共不能超过%(mb)d MB；还有材料请交给调解员。") % {
            "mb": settings.EVIDENCE_MAX_BYTES_PER_CASE // (1024 * 1024)
        }
        raise CaseActionError(message, {"file": message})


def do_add_evidence(
    *, case: Case, upload: IO[bytes], name: str, size: int, actor: Actor, description: str = ""
) -> Evidence:
    try:
        stored = save_upload(upload, size, name=name, folder=f"evidence/{case.pk}", rules=EVIDENCE_RULES)
    except BadUpload as exc:
        raise CaseActionError(exc.message, {"file": exc.field_message}) from exc
    try:
        with transaction.atomic():
            if actor.kind == ActorKind.APPLICANT:
                _within_applicant_quota(case, stored.size)
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
