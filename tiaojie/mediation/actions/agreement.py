"""The agreement (调解协议书): drafting, the four signatures, effect, confirmation, performance."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaojie.cases.actions import Actor, CaseActionError, StaleCaseError, do_transition_case
from tiaojie.cases.models import Case, ClaimType, Status
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib import crypto
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation import rules
from tiaojie.mediation.actions.common import (
    SYSTEM,
    applicant_phones,
    applicant_workers,
    check_money,
    clean_text,
    employer_phone,
    note_event,
    staff_membership,
    staff_user,
)
from tiaojie.mediation.files import BadUpload, StoredFile, check_upload, remove_stored, store_upload
from tiaojie.mediation.models import (
    Agreement,
    AgreementItem,
    MediatorAssignment,
    Payment,
    Signature,
    SignatureCode,
    SignerRole,
)
from tiaojie.mediation.texts import cn_date
from tiaojie.notifications.actions import do_queue_sms, sms_language
from tiaojie.reference.calendar import calendar_deadline

# --- the agreement (调解协议书) --------------------------------------------------------------------------


def do_create_agreement(*, case: Case, actor: Actor) -> Agreement:
    """A draft agreement starting from the case's claim items (agreed amount = claimed amount or 0)."""
    staff_membership(actor, case)
    if case.status != Status.MEDIATING:
        raise CaseActionError(_("开始调解后才能起草调解协议"))
    now = timezone.now()
    try:
        with transaction.atomic():
            # The claim actions lock the case row too: a claim changed at this moment is either in the draft's
            # items or followed into them (mediation/claims.py), never lost between the two.
            Case.objects.select_for_update(no_key=True).filter(pk=case.pk).first()
            agreement = Agreement.objects.create(
                case=case, created_by=staff_user(actor), created_at=now, updated_at=now
            )
            AgreementItem.objects.bulk_create(
                [
                    AgreementItem(
                        agreement=agreement,
                        claim=c,
                        type=c.type,
                        amount_claimed=c.amount_claimed,
                        amount_agreed=c.amount_claimed or Decimal("0"),
                        position=i,
                    )
                    for i, c in enumerate(case.claims.order_by("id"))
                ]
            )
            note_event(case.pk, actor, _("起草调解协议书"), data={"step": "agreement_draft"})
    except IntegrityError as exc:
        raise StaleCaseError(_("本案的调解协议书刚刚已由他人起草。请刷新页面。")) from exc
    return agreement


@dataclass
class ItemInput:
    item_id: int | None  # None: a new item (type required)
    amount_agreed: Decimal
    note: str = ""
    type: str = ""


@dataclass
class PaymentInput:
    due_date: dt.date
    amount: Decimal


@dataclass
class AgreementInput:
    items: list[ItemInput]
    payments: list[PaymentInput]
    payment_method: str
    payment_method_note: str = ""
    tax_note: str = ""
    waived_note: str = ""
    other_terms: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def validate_agreement_input(agreement: Agreement, data: AgreementInput, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    known = set(agreement.items.values_list("pk", flat=True))
    total = Decimal("0")
    for i, item in enumerate(data.items):
        if item.item_id is not None and item.item_id not in known:
            errors[f"items.{i}"] = _("请求事项不存在，请刷新页面")
        if item.item_id is None and item.type not in ClaimType.values:
            errors[f"items.{i}.type"] = _("请选择请求事项")
        try:
            total += check_money(item.amount_agreed, field="x")
        except CaseActionError as exc:
            errors[f"items.{i}.amount_agreed"] = exc.message
        if len(item.note) > 300:
            errors[f"items.{i}.note"] = _("说明不超过300字")
    if not data.items:
        errors["items"] = _("至少需要一项协议内容")
    if data.payment_method not in Agreement.Method.values:
        errors["payment_method"] = _("请选择履行方式")
    if data.payment_method == Agreement.Method.OTHER and not data.payment_method_note.strip():
        errors["payment_method_note"] = _("请说明履行方式")
    if len(data.payments) > rules.MAX_PAYMENTS:
        errors["payments"] = _("分期不超过%(n)d期") % {"n": rules.MAX_PAYMENTS}
    paid = Decimal("0")
    for i, p in enumerate(data.payments):
        try:
            paid += check_money(p.amount, field="x", allow_zero=False)
        except CaseActionError as exc:
            errors[f"payments.{i}.amount"] = exc.message
        if p.due_date < today:
            errors[f"payments.{i}.due_date"] = _("支付期限不能早于今天")
    if not errors.get("payments") and not any(k.startswith("payments.") or k.startswith("items.") for k in errors):
        if total > 0 and not data.payments:
            errors["payments"] = _("协议金额大于0，请填写支付安排（一次支付或分期）")
        elif paid != total:
            errors["payments"] = _("各期金额合计 %(paid)s 元，与协议金额合计 %(total)s 元不一致") % {
                "paid": f"{paid:,.2f}",
                "total": f"{total:,.2f}",
            }
    for key, value, limit in (
        ("payment_method_note", data.payment_method_note, 200),
        ("tax_note", data.tax_note, 300),
        ("waived_note", data.waived_note, 5000),
        ("other_terms", data.other_terms, 20000),
    ):
        if len(value) > limit:
            errors[key] = _("不超过%(n)d字") % {"n": limit}
    return errors


def do_update_agreement(
    *, agreement: Agreement, data: AgreementInput, expected_version: int, actor: Actor
) -> Agreement:
    """Save the terms. Refused once anyone has signed: a signature covers the exact terms it saw, so a change
    needs the signatures voided first (do_void_signatures), after which everyone signs again."""
    case = agreement.case
    staff_membership(actor, case)
    if case.status != Status.MEDIATING or agreement.effective_at:
        raise CaseActionError(_("调解协议已生效或案件不在调解中，不能修改"))
    if agreement.signatures.exists():
        raise CaseActionError(_("已有当事人签署，不能修改协议内容。如确需修改，请先撤销全部签署，再重新签署。"))
    now = timezone.now()
    errors = validate_agreement_input(agreement, data, legal_date(now))
    if errors:
        raise CaseActionError(_("协议内容有误，请按提示修改"), errors)
    with transaction.atomic():
        won = Agreement.objects.filter(pk=agreement.pk, version=expected_version).update(
            version=expected_version + 1,
            updated_at=now,
            payment_method=data.payment_method,
            payment_method_note=data.payment_method_note.strip(),
            tax_note=data.tax_note.strip(),
            waived_note=data.waived_note.strip(),
            other_terms=data.other_terms.strip(),
        )
        if not won:
            raise StaleCaseError(_("调解协议刚刚已被他人修改。请刷新页面，核对后再保存。"))
        if Signature.objects.filter(agreement=agreement).exists():
            raise StaleCaseError(_("已有当事人签署，不能修改协议内容。请刷新页面。"))
        for position, item in enumerate(data.items):
            if item.item_id is None:
                AgreementItem.objects.create(
                    agreement=agreement,
                    type=item.type,
                    amount_agreed=item.amount_agreed,
                    note=item.note.strip(),
                    position=position,
                )
            else:
                AgreementItem.objects.filter(pk=item.item_id, agreement=agreement).update(
                    amount_agreed=item.amount_agreed, note=item.note.strip(), position=position
                )
        Payment.objects.filter(agreement=agreement).delete()
        schedule = sorted(data.payments, key=lambda p: p.due_date)
        Payment.objects.bulk_create(
            [
                Payment(agreement=agreement, seq=i + 1, due_date=p.due_date, amount=p.amount)
                for i, p in enumerate(schedule)
            ]
        )
        note_event(
            case.pk,
            actor,
            _("修改调解协议书内容（第%(v)d版）") % {"v": expected_version + 1},
            data={"step": "agreement"},
        )
    agreement.refresh_from_db()
    return agreement


def do_void_signatures(*, agreement: Agreement, reason: str, actor: Actor) -> None:
    """Before the agreement takes effect: void every signature so the terms can change (all sign again)."""
    case = agreement.case
    staff_membership(actor, case)
    reason = clean_text(reason, field="reason", label=_("原因"), max_len=2000)
    with transaction.atomic():
        # The case row first, then the agreement: recording the event updates the case row (its state version,
        # cases.state), and a claim change holds the case row while it waits for the agreement; taking them in
        # the other order here would deadlock with it.
        Case.objects.select_for_update(no_key=True).filter(pk=agreement.case_id).first()
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.effective_at:
            raise CaseActionError(_("调解协议已生效，签署不能撤销"))
        voided = list(Signature.objects.filter(agreement=locked).values("role", "method", "signed_at"))
        Signature.objects.filter(agreement=locked).delete()
        Agreement.objects.filter(pk=locked.pk).update(version=locked.version + 1, updated_at=timezone.now())
        note_event(
            case.pk,
            actor,
            _("撤销调解协议全部签署：%(r)s") % {"r": reason},
            data={
                "step": "signatures_voided",
                "voided": [{**v, "signed_at": v["signed_at"].isoformat()} for v in voided],
            },
        )


def agreement_total(agreement: Agreement) -> Decimal:
    return sum((i.amount_agreed for i in agreement.items.all()), Decimal("0"))


def _signer_phone(agreement: Agreement, role: str) -> tuple[str, str] | None:
    if role == SignerRole.WORKER:
        phones = applicant_phones(agreement.case)
        return phones[0] if phones else None
    if role == SignerRole.EMPLOYER:
        return employer_phone(agreement.case)
    return None


def _code_hash(salt: str, code: str) -> str:
    return crypto.blind_index("signature-code", f"{salt}:{code}")


def _check_signable(agreement: Agreement, role: str, version: int) -> None:
    if role not in SignerRole.values:
        raise CaseActionError(_("签署方无效"))
    if agreement.case.status != Status.MEDIATING or agreement.effective_at:
        raise CaseActionError(_("调解协议已生效或案件不在调解中"))
    if agreement.version != version:
        raise StaleCaseError(_("协议内容在您打开页面后已被修改。请刷新页面，核对后再签署。"))
    total = agreement_total(agreement)
    if not agreement.payments.exists() and total > 0:
        raise CaseActionError(_("请先填写支付安排，再签署"))
    # The items follow the claims until the first signature (mediation/claims.py), so the schedule saved
    # earlier may no longer add up: nobody signs a document whose instalments and total disagree.
    scheduled = sum((p.amount for p in agreement.payments.all()), Decimal("0"))
    if agreement.payments.exists() and scheduled != total:
        raise CaseActionError(
            _("各期金额合计 %(paid)s 元，与协议金额合计 %(total)s 元不一致，请先修改协议内容，再签署")
            % {"paid": f"{scheduled:,.2f}", "total": f"{total:,.2f}"}
        )
    if Signature.objects.filter(agreement=agreement, role=role).exists():
        raise StaleCaseError(
            _("「%(role)s」的签署已经记录，无需重复操作。请刷新页面。") % {"role": SignerRole(role).label}
        )


def do_send_signature_code(*, agreement: Agreement, role: str, version: int, actor: Actor) -> SignatureCode:
    """Send a 6-digit code to the party's phone; they read the agreement on screen and type the code."""
    case = agreement.case
    staff_membership(actor, case)
    _check_signable(agreement, role, version)
    if role not in (SignerRole.WORKER, SignerRole.EMPLOYER):
        raise CaseActionError(_("短信验证码只用于双方当事人签署"))
    phone = _signer_phone(agreement, role)
    if phone is None:
        raise CaseActionError(_("该当事人没有登记手机号码，请上传签字扫描件，或先登记用人单位联系人手机号码"))
    now = timezone.now()
    recent = SignatureCode.objects.filter(
        agreement=agreement, role=role, created_at__gte=now - dt.timedelta(hours=1)
    ).count()
    if recent >= rules.SIGNATURE_CODES_PER_HOUR:
        raise CaseActionError(_("验证码发送过于频繁，请一小时后再试，或改用上传签字扫描件"))
    code = f"{secrets.randbelow(1_000_000):06d}"
    salt = secrets.token_hex(8)
    with transaction.atomic():
        # A new code replaces any earlier one still open.
        SignatureCode.objects.filter(agreement=agreement, role=role, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        row = SignatureCode.objects.create(
            agreement=agreement,
            role=role,
            phone_masked=phone[1],
            salt=salt,
            code_hash=_code_hash(salt, code),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=rules.SIGNATURE_CODE_MINUTES),
            sent_by=staff_user(actor),
        )
        with sms_language(case if role == SignerRole.WORKER else None):
            # The worker knows the dispute by the employer's name, not by a number it has never seen.
            text = _(
                "【%(org)s】您正在确认签署与%(employer)s的调解协议书，验证码%(code)s，%(m)d分钟内有效。请勿告诉他人。"
            ) % {
                "org": case.organisation.name,
                "employer": case.employer.name,
                "code": code,
                "m": rules.SIGNATURE_CODE_MINUTES,
            }
        do_queue_sms(
            phone=phone[0],
            text=text,
            template_key="signing_code",
            case=case,
            expires_at=row.expires_at,  # a code that arrives after it lapsed is useless
        )
    return row


def do_sign_with_code(
    *, agreement: Agreement, role: str, code: str, signer_name: str, version: int, actor: Actor
) -> Signature:
    case = agreement.case
    staff_membership(actor, case)
    _check_signable(agreement, role, version)
    now = timezone.now()
    row = (
        SignatureCode.objects.filter(agreement=agreement, role=role, used_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or row.expires_at <= now:
        raise CaseActionError(_("验证码已过期或尚未发送，请重新发送"), {"code": _("请重新发送验证码")})
    # Take one try before comparing, with an UPDATE conditional on tries being left: however many guesses
    # arrive at once, at most SIGNATURE_CODE_MAX_ATTEMPTS are ever compared.
    took = SignatureCode.objects.filter(
        pk=row.pk, used_at__isnull=True, attempts__lt=rules.SIGNATURE_CODE_MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not took:
        raise CaseActionError(_("验证码错误次数过多，请重新发送"), {"code": _("请重新发送验证码")})
    code = (code or "").strip()
    if not hmac.compare_digest(_code_hash(row.salt, code), row.code_hash):
        tried = SignatureCode.objects.filter(pk=row.pk).values_list("attempts", flat=True).first() or 0
        left = rules.SIGNATURE_CODE_MAX_ATTEMPTS - tried
        message = (
            _("验证码不正确，还可以再试%(n)d次") % {"n": left} if left > 0 else _("验证码错误次数过多，请重新发送")
        )
        raise CaseActionError(message, {"code": message})
    name = signer_name.strip() or _default_signer_name(agreement, role)
    with transaction.atomic():
        won = SignatureCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
        if not won:
            raise StaleCaseError(_("该验证码刚刚已被使用。请刷新页面。"))
        return _record_signature(
            agreement=agreement,
            role=role,
            method=Signature.Method.SMS_CODE,
            signer_name=name,
            version=version,
            actor=actor,
            now=now,
        )


def do_sign_with_scan(
    *,
    agreement: Agreement,
    role: str,
    upload: IO[bytes],
    name: str,
    size: int,
    signer_name: str,
    version: int,
    actor: Actor,
) -> Signature:
    case = agreement.case
    staff_membership(actor, case)
    _check_signable(agreement, role, version)
    try:
        kind = check_upload(upload, size)
    except BadUpload as exc:
        raise CaseActionError(exc.message, {"file": exc.message}) from exc
    stored = store_upload(upload, name=name, kind=kind, folder=f"signatures/{case.pk}")
    try:
        return _record_signature(
            agreement=agreement,
            role=role,
            method=Signature.Method.SCAN,
            signer_name=signer_name.strip() or _default_signer_name(agreement, role),
            version=version,
            actor=actor,
            now=timezone.now(),
            stored=stored,
        )
    except Exception:
        remove_stored(stored)  # no orphan file when the row was not written
        raise


def do_sign_in_person(*, agreement: Agreement, role: str, version: int, actor: Actor) -> Signature:
    """The mediator signs as themselves (an assigned mediator, logged in); the seal is affixed by an
    organisation admin confirming while logged in."""
    case = agreement.case
    membership = staff_membership(actor, case)
    _check_signable(agreement, role, version)
    assert actor.user is not None
    if role == SignerRole.MEDIATOR:
        if not MediatorAssignment.objects.filter(case=case, user=actor.user, removed_at__isnull=True).exists():
            raise CaseActionError(_("只有本案指派的调解员可以本人确认签名"))
    elif role == SignerRole.ORGANISATION:
        if not membership.can_manage_organisation:
            raise CaseActionError(_("加盖组织印章需由组织管理员确认，或上传盖章扫描件"))
    else:
        raise CaseActionError(_("当事人请用短信验证码或上传签字扫描件签署"))
    return _record_signature(
        agreement=agreement,
        role=role,
        method=Signature.Method.LOGIN,
        signer_name=str(actor.user) if role == SignerRole.MEDIATOR else case.organisation.name,
        version=version,
        actor=actor,
        now=timezone.now(),
    )


def _default_signer_name(agreement: Agreement, role: str) -> str:
    case = agreement.case
    if role == SignerRole.WORKER:
        return "、".join(w.name for w in applicant_workers(case))
    if role == SignerRole.EMPLOYER:
        return case.employer.name
    if role == SignerRole.ORGANISATION:
        return case.organisation.name
    names = [str(a.user) for a in case.mediator_assignments.filter(removed_at__isnull=True).select_related("user")]
    return "、".join(names) or _("调解员")


def _record_signature(
    *,
    agreement: Agreement,
    role: str,
    method: str,
    signer_name: str,
    version: int,
    actor: Actor,
    now: dt.datetime,
    stored: StoredFile | None = None,
) -> Signature:
    """Record one signature under a lock on the agreement; the fourth makes it effective and moves the case
    mediating → agreed through do_transition_case (event + legal basis)."""
    case = agreement.case
    with transaction.atomic():
        # The case row first, then the agreement: recording the event updates the case row (its state version,
        # cases.state), and a claim change holds the case row while it waits for the agreement; taking them in
        # the other order here would deadlock with it.
        Case.objects.select_for_update(no_key=True).filter(pk=agreement.case_id).first()
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.version != version:
            raise StaleCaseError(_("协议内容在您打开页面后已被修改。请刷新页面，核对后再签署。"))
        if locked.effective_at:
            raise StaleCaseError(_("调解协议已经生效。请刷新页面。"))
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    agreement=locked,
                    role=role,
                    method=method,
                    signer_name=signer_name[:100],
                    signed_at=now,
                    agreement_version=version,
                    recorded_by=staff_user(actor),
                    file_path=stored.path if stored else "",
                    file_kind=stored.kind if stored else "",
                    file_name=stored.name if stored else "",
                    file_sha256=stored.sha256 if stored else "",
                )
        except IntegrityError as exc:
            raise StaleCaseError(
                _("「%(role)s」的签署刚刚已由他人记录，无需重复操作。请刷新页面。") % {"role": SignerRole(role).label}
            ) from exc
        note_event(
            case.pk,
            actor,
            _("调解协议书签署：%(role)s（%(method)s）")
            % {"role": SignerRole(role).label, "method": Signature.Method(method).label},
            basis=rules.AGREEMENT_BASIS,
            data={"step": "signature", "role": role, "method": method},
            at=now,
        )
        if Signature.objects.filter(agreement=locked).count() == len(SignerRole.values):
            _make_effective(locked, case, actor, now)
    return signature


def _make_effective(agreement: Agreement, case: Case, actor: Actor, now: dt.datetime) -> None:
    day = legal_date(now)
    review = calendar_deadline(day, rules.ARBITRATION_REVIEW_DAYS)
    judicial = calendar_deadline(day, rules.JUDICIAL_CONFIRMATION_DAYS)
    Agreement.objects.filter(pk=agreement.pk).update(
        effective_at=now,
        review_due=review.last_day,
        review_due_uncertain=review.uncertain,
        judicial_due=judicial.last_day,
        judicial_due_uncertain=judicial.uncertain,
    )
    # The move is the agreement's own (SYSTEM), recorded with the user whose signature completed it.
    completed_by = Actor(ActorKind.SYSTEM, actor.user, actor.label or "agreement")
    do_transition_case(case=case, to=Status.AGREED, expected_status=Status.MEDIATING, actor=completed_by, at=now)


def do_record_confirmation(
    *,
    agreement: Agreement,
    route: str,
    outcome: str,
    actor: Actor,
    outcome_on: dt.date | None = None,
    note: str = "",
) -> Agreement:
    """The parties' choice of 仲裁审查确认 / 司法确认 (or neither) and, later, the outcome."""
    case = agreement.case
    staff_membership(actor, case)
    if agreement.effective_at is None:
        raise CaseActionError(_("调解协议生效后才能登记确认情况"))
    if route not in Agreement.Route.values or outcome not in Agreement.Outcome.values:
        raise CaseActionError(_("请选择确认途径和结果"))
    note = clean_text(note, field="note", label=_("说明"), max_len=300, required=False)
    if outcome != Agreement.Outcome.PENDING:
        if route not in (Agreement.Route.ARBITRATION_REVIEW, Agreement.Route.JUDICIAL):
            raise CaseActionError(_("选择了确认途径才能登记确认结果"), {"outcome": _("请先选择确认途径")})
        if outcome_on is None:
            raise CaseActionError(_("请填写结果日期"), {"outcome_on": _("请填写日期")})
    if outcome_on is not None and (
        outcome_on > legal_date(timezone.now()) or outcome_on < legal_date(agreement.effective_at)
    ):
        raise CaseActionError(_("结果日期应在协议生效之后、今天或之前"), {"outcome_on": _("日期不对")})
    with transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(
            confirmation_route=route,
            confirmation_outcome=outcome,
            confirmation_outcome_on=outcome_on if outcome != Agreement.Outcome.PENDING else None,
            confirmation_note=note,
            updated_at=timezone.now(),
        )
        note_event(
            case.pk,
            actor,
            _("登记协议确认情况：%(route)s，%(outcome)s")
            % {"route": Agreement.Route(route).label, "outcome": Agreement.Outcome(outcome).label},
            basis=rules.CONFIRMATION_CHOICE_BASIS,
            data={"step": "confirmation"},
        )
    agreement.refresh_from_db()
    return agreement


# --- performance ------------------------------------------------------------------------------------------


def do_mark_payment_paid(
    *, payment: Payment, paid_on: dt.date, upload: IO[bytes], name: str, size: int, actor: Actor
) -> Payment:
    """Record a payment as made, with its date and proof. When every payment is made the case closes
    (agreed → closed, by the system)."""
    agreement = payment.agreement
    case = agreement.case
    staff_membership(actor, case)
    if case.status != Status.AGREED or agreement.effective_at is None:
        raise CaseActionError(_("调解协议生效后、结案前才能登记履行"))
    if paid_on > legal_date(timezone.now()) or paid_on < legal_date(case.received_at):
        raise CaseActionError(_("支付日期应在收到申请之后、今天或之前"), {"paid_on": _("日期不对")})
    if payment.paid_on is not None:
        raise StaleCaseError(_("该笔款项已登记为已支付。请刷新页面。"))
    try:
        kind = check_upload(upload, size)
    except BadUpload as exc:
        raise CaseActionError(exc.message, {"file": exc.message}) from exc
    stored = store_upload(upload, name=name, kind=kind, folder=f"payments/{case.pk}")
    now = timezone.now()
    try:
        with transaction.atomic():
            won = Payment.objects.filter(pk=payment.pk, paid_on__isnull=True).update(
                paid_on=paid_on,
                paid_recorded_at=now,
                paid_recorded_by=staff_user(actor),
                file_path=stored.path,
                file_kind=stored.kind,
                file_name=stored.name,
                file_sha256=stored.sha256,
            )
            if not won:
                raise StaleCaseError(_("该笔款项刚刚已由他人登记为已支付。请刷新页面。"))
            note_event(
                case.pk,
                actor,
                _("第%(seq)d期款项 %(amount)s 元已于%(day)s支付")
                % {"seq": payment.seq, "amount": f"{payment.amount:,.2f}", "day": cn_date(paid_on)},
                data={"step": "payment", "payment": payment.pk},
            )
            if not Payment.objects.filter(agreement=agreement, paid_on__isnull=True).exists():
                do_transition_case(
                    case=case,
                    to=Status.CLOSED,
                    expected_status=Status.AGREED,
                    actor=SYSTEM,
                    at=now,
                    reason=_("调解协议约定的款项已全部支付"),
                )
    except Exception:
        remove_stored(stored)
        raise
    payment.refresh_from_db()
    return payment
