"""Negotiation before mediation (企业劳动争议协商调解规定): the request, the 5-day answer, expiry, settlement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaojie.cases.actions import Actor, CaseActionError, StaleCaseError, do_transition_case
from tiaojie.cases.models import Case, Status
from tiaojie.lib.idnumbers import InvalidIdentifier, validate_mobile
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation import rules
from tiaojie.mediation.actions.common import (
    SYSTEM,
    applicant_phones,
    applicant_workers,
    check_money,
    clean_text,
    employer_phone,
    negotiation_link,
    new_token,
    note_event,
    staff_membership,
    staff_user,
)
from tiaojie.mediation.models import (
    EmployerContact,
    Negotiation,
    Party,
    Settlement,
)
from tiaojie.mediation.texts import cn_date
from tiaojie.notifications.actions import do_queue_sms, sms_language
from tiaojie.reference.calendar import calendar_deadline

# --- employer contact and negotiation (企业劳动争议协商调解规定) -------------------------------------------


def do_set_employer_contact(*, case: Case, name: str, phone: str, title: str = "", actor: Actor) -> EmployerContact:
    staff_membership(actor, case)
    name = clean_text(name, field="contact_name", label=_("联系人"), max_len=50)
    title = clean_text(title, field="contact_title", label=_("职务"), max_len=50, required=False)
    if phone.strip():
        try:
            phone = validate_mobile(phone)
        except InvalidIdentifier as exc:
            raise CaseActionError(str(exc), {"contact_phone": str(exc)}) from exc
    with transaction.atomic():
        contact, _created = EmployerContact.objects.get_or_create(case=case, defaults={"name": name})
        contact.name = name
        contact.title = title
        contact.set_phone(phone.strip())
        contact.save(update_fields=["name", "title", "phone_encrypted", "phone_masked", "updated_at"])
        note_event(
            case.pk, actor, _("登记用人单位联系人：%(name)s") % {"name": name}, data={"step": "employer_contact"}
        )
    return contact


def do_open_negotiation(
    *,
    case: Case,
    requested_by: str,
    actor: Actor,
    base_url: str,
    contact_name: str = "",
    contact_phone: str = "",
    at: dt.datetime | None = None,
) -> Negotiation:
    """Open negotiation before mediation. The other side must answer within 5 days or is taken as unwilling.
    When the worker asks, the employer gets a link (by SMS to the contact phone, and shown to staff)."""
    staff_membership(actor, case)
    if requested_by not in Party.values:
        raise CaseActionError(_("请选择提出协商的一方"), {"requested_by": _("请选择")})
    if case.status not in (Status.RECEIVED, Status.NEGOTIATING):
        raise CaseActionError(_("只有尚未受理的申请可以先行协商"))
    if contact_name.strip() or contact_phone.strip():
        do_set_employer_contact(case=case, name=contact_name, phone=contact_phone, actor=actor)
    now = at or timezone.now()
    due = calendar_deadline(legal_date(now), rules.NEGOTIATION_ANSWER_DAYS)
    raw, index, encrypted = new_token()
    try:
        with transaction.atomic():
            if case.status == Status.RECEIVED:
                do_transition_case(
                    case=case, to=Status.NEGOTIATING, expected_status=Status.RECEIVED, actor=actor, at=now
                )
            negotiation = Negotiation.objects.create(
                case=case,
                requested_by=requested_by,
                requested_at=now,
                answer_due=due.last_day,
                answer_due_uncertain=due.uncertain,
                token_index=index if requested_by == Party.WORKER else None,
                token_encrypted=encrypted if requested_by == Party.WORKER else "",
                opened_by=actor.user,
            )
            note_event(
                case.pk,
                actor,
                _("%(side)s提出协商，对方应于%(due)s 24:00前答复")
                % {"side": Party(requested_by).label, "due": cn_date(due.last_day)},
                basis=rules.NEGOTIATION_ANSWER_BASIS,
                data={"step": "negotiation_opened", "negotiation": negotiation.pk, "due": due.last_day.isoformat()},
                at=now,
            )
            phone = employer_phone(case) if requested_by == Party.WORKER else None
            if phone:
                with sms_language():  # to the employer: Chinese
                    text = _(
                        "【%(org)s】劳动者%(worker)s请求与贵单位就劳动争议进行协商。请于%(due)s前打开链接答复：%(link)s"
                        " 逾期未答复视为不愿协商，劳动者可以申请调解或仲裁。"
                    ) % {
                        "org": case.organisation.name,
                        "worker": applicant_workers(case)[0].name,
                        "due": cn_date(due.last_day),
                        "link": negotiation_link(base_url, raw),
                    }
                do_queue_sms(
                    phone=phone[0],
                    text=text,
                    template_key="negotiation",
                    case=case,
                )
    except IntegrityError as exc:
        raise StaleCaseError(_("该案件已有进行中的协商。请刷新页面。")) from exc
    return negotiation


def _end_negotiation_to_mediation(negotiation: Negotiation, *, actor: Actor, reason: str, now: dt.datetime) -> None:
    """Inside a transaction: the case goes back to `received`, where the application for mediation is
    decided; the acceptance period restarts today (do_transition_case), clock A does not move."""
    case = negotiation.case
    if case.status == Status.NEGOTIATING:
        do_transition_case(
            case=case, to=Status.RECEIVED, expected_status=Status.NEGOTIATING, actor=actor, reason=reason, at=now
        )
        with sms_language(case):
            text = _(
                "【%(org)s】%(reason)s。您可以申请调解（本组织将在3个工作日内决定是否受理），也可以直接申请仲裁。"
            ) % {"org": case.organisation.name, "reason": reason}
        for phone, _masked in applicant_phones(case):
            do_queue_sms(
                phone=phone,
                text=text,
                template_key="negotiation_ended",
                case=case,
            )


def _expire_one(negotiation: Negotiation, now: dt.datetime) -> bool:
    reason = _("对方收到协商请求后5日内未答复，视为不愿协商，转入调解")
    try:
        with transaction.atomic():
            won = Negotiation.objects.filter(pk=negotiation.pk, state=Negotiation.State.AWAITING).update(
                state=Negotiation.State.NO_ANSWER, ended_at=now
            )
            if not won:
                return False
            _end_negotiation_to_mediation(negotiation, actor=SYSTEM, reason=reason, now=now)
    except StaleCaseError:
        return False  # the case moved meanwhile; the next run marks this negotiation
    negotiation.state = Negotiation.State.NO_ANSWER
    return True


def do_expire_negotiations(now: dt.datetime | None = None) -> list[int]:
    """Mark every request not answered by 24:00 of its last day as unwilling and offer mediation. Idempotent:
    the conditional UPDATE on the state lets each negotiation expire once, whoever runs this first."""
    now = now or timezone.now()
    today = legal_date(now)
    due = Negotiation.objects.filter(state=Negotiation.State.AWAITING, answer_due__lt=today).select_related(
        "case", "case__organisation"
    )
    return [n.pk for n in due.order_by("answer_due", "id")[:1000] if _expire_one(n, now)]


def do_answer_negotiation(
    *,
    negotiation: Negotiation,
    accept: bool,
    channel: str,
    actor: Actor,
    note: str = "",
    at: dt.datetime | None = None,
) -> Negotiation:
    """Record the answer: through the employer's link (actor: SYSTEM labelled as the employer, the move being
    automatic on their answer) or by staff for an oral or written answer. A refusal brings the case back to
    mediation at once."""
    case = negotiation.case
    if channel != Negotiation.AnswerChannel.LINK:
        staff_membership(actor, case)
    if channel not in Negotiation.AnswerChannel.values:
        raise CaseActionError(_("请选择答复方式"))
    note = clean_text(note, field="note", label=_("答复内容"), max_len=2000, required=False)
    now = at or timezone.now()
    if negotiation.state == Negotiation.State.AWAITING and legal_date(now) > negotiation.answer_due:
        _expire_one(negotiation, now)
        raise CaseActionError(_("答复期限已过，视为不愿协商，案件已转入调解程序。"))
    if negotiation.state != Negotiation.State.AWAITING:
        raise StaleCaseError(
            _("该协商请求已经答复过（%(state)s），无需重复答复。") % {"state": negotiation.get_state_display()}
        )
    new_state = Negotiation.State.ACCEPTED if accept else Negotiation.State.DECLINED
    with transaction.atomic():
        won = Negotiation.objects.filter(pk=negotiation.pk, state=Negotiation.State.AWAITING).update(
            state=new_state,
            answered_at=now,
            answer_channel=channel,
            answer_note=note,
            ended_at=None if accept else now,
        )
        if not won:
            raise StaleCaseError(_("该协商请求刚刚已经答复，无需重复答复。"))
        other = Party.EMPLOYER if negotiation.requested_by == Party.WORKER else Party.WORKER
        text = (_("%(side)s同意协商") if accept else _("%(side)s拒绝协商")) % {"side": Party(other).label}
        note_event(
            case.pk, actor, text, basis=rules.NEGOTIATION_ANSWER_BASIS, data={"step": "negotiation_answer"}, at=now
        )
        if not accept:
            _end_negotiation_to_mediation(negotiation, actor=actor, reason=text + _("，转入调解"), now=now)
    negotiation.state = new_state
    negotiation.answered_at = now
    return negotiation


def do_fail_negotiation(*, negotiation: Negotiation, reason: str, actor: Actor) -> Negotiation:
    case = negotiation.case
    staff_membership(actor, case)
    reason = clean_text(reason, field="reason", label=_("原因"), max_len=2000)
    now = timezone.now()
    with transaction.atomic():
        won = Negotiation.objects.filter(pk=negotiation.pk, state__in=Negotiation.OPEN_STATES).update(
            state=Negotiation.State.FAILED, ended_at=now
        )
        if not won:
            raise StaleCaseError(_("该协商已经结束。请刷新页面。"))
        _end_negotiation_to_mediation(negotiation, actor=actor, reason=_("协商不成：%(r)s") % {"r": reason}, now=now)
    negotiation.state = Negotiation.State.FAILED
    return negotiation


def do_record_settlement(
    *,
    negotiation: Negotiation,
    terms: str,
    signed_on: dt.date,
    actor: Actor,
    amount: Decimal | None = None,
    perform_by: dt.date | None = None,
) -> Settlement:
    """A written 和解协议; the case moves negotiating → settled."""
    case = negotiation.case
    staff_membership(actor, case)
    terms = clean_text(terms, field="terms", label=_("和解内容"), max_len=20000)
    if amount is not None:
        check_money(amount, field="amount")
    now = timezone.now()
    if signed_on > legal_date(now) or signed_on < legal_date(negotiation.requested_at):
        raise CaseActionError(_("签订日期应在提出协商之后、今天或之前"), {"signed_on": _("日期不对")})
    if perform_by is not None and perform_by < signed_on:
        raise CaseActionError(_("履行期限不能早于签订日期"), {"perform_by": _("日期不对")})
    with transaction.atomic():
        won = Negotiation.objects.filter(pk=negotiation.pk, state__in=Negotiation.OPEN_STATES).update(
            state=Negotiation.State.SETTLED, ended_at=now
        )
        if not won:
            raise StaleCaseError(_("该协商已经结束。请刷新页面。"))
        settlement = Settlement.objects.create(
            negotiation=negotiation,
            case=case,
            terms=terms,
            amount=amount,
            perform_by=perform_by,
            signed_on=signed_on,
            recorded_by=staff_user(actor),
            recorded_at=now,
        )
        do_transition_case(case=case, to=Status.SETTLED, expected_status=Status.NEGOTIATING, actor=actor, at=now)
    return settlement


def do_record_settlement_performance(
    *, settlement: Settlement, performed: bool, actor: Actor, note: str = ""
) -> Settlement:
    """Performed: the case closes. Not performed: back to `received`, where mediation is offered."""
    case = settlement.case
    staff_membership(actor, case)
    note = clean_text(note, field="note", label=_("说明"), max_len=2000, required=not performed)
    now = timezone.now()
    state = Settlement.Performance.PERFORMED if performed else Settlement.Performance.NOT_PERFORMED
    with transaction.atomic():
        won = Settlement.objects.filter(pk=settlement.pk, performance=Settlement.Performance.PENDING).update(
            performance=state, performance_at=now, performance_note=note
        )
        if not won:
            raise StaleCaseError(_("和解协议的履行情况刚刚已由他人登记。请刷新页面。"))
        do_transition_case(
            case=case,
            to=Status.CLOSED if performed else Status.RECEIVED,
            expected_status=Status.SETTLED,
            actor=actor,
            at=now,
            reason=(note or _("和解协议已履行")) if performed else _("和解协议未履行：%(n)s") % {"n": note},
        )
    settlement.performance = state
    return settlement
