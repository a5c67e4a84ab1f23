"""Notices (不予受理, 调解终止), failure, mediators, sessions and minutes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tiaojie.accounts.models import User
from tiaojie.cases.actions import Actor, CaseActionError, StaleCaseError, do_transition_case
from tiaojie.cases.models import Case, Status
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation import rules
from tiaojie.mediation.actions.common import (
    applicant_phones,
    clean_text,
    employer_phone,
    note_event,
    staff_membership,
    staff_user,
)
from tiaojie.mediation.models import (
    MediatorAssignment,
    MediatorEmployment,
    Minutes,
    Notice,
    Session,
)
from tiaojie.mediation.texts import arbitration_notice_text, cn_date, decline_notice_text
from tiaojie.notifications.actions import do_queue_sms, sms_language
from tiaojie.organisations.models import Membership

# --- notices --------------------------------------------------------------------------------------------


def _issue_notice(
    *, case: Case, kind: str, reason: str, text: str, actor_user: User | None, category: str = "", sms: str = ""
) -> Notice:
    """Inside a transaction. One notice of each kind per case (the constraint makes a second attempt a no-op
    for the caller, who checks first)."""
    now = timezone.now()
    phones = applicant_phones(case)
    notice = Notice.objects.create(
        case=case,
        kind=kind,
        category=category,
        reason=reason,
        text=text,
        issued_on=legal_date(now),
        issued_at=now,
        issued_by=actor_user,
        sms_to="、".join(masked for _phone, masked in phones)[:200] if sms else "",
    )
    if sms:
        for phone, _masked in phones:
            do_queue_sms(phone=phone, text=sms, template_key="notice", case=case)
    return notice


def do_issue_decline_notice(*, case: Case, reason: str, actor_user: User | None = None) -> Notice | None:
    """不予受理通知书: recorded, and sent to the applicant by SMS when a phone is known. Idempotent."""
    if Notice.objects.filter(case=case, kind=Notice.Kind.DECLINE).exists():
        return None
    today = legal_date(timezone.now())
    with sms_language(case):
        sms = _("【%(org)s】您于%(day)s提出的调解申请不予受理，理由：%(reason)s。您可以依法申请仲裁。") % {
            "org": case.organisation.name,
            "day": cn_date(legal_date(case.received_at)),
            "reason": reason[:60],
        }
    with transaction.atomic():
        notice = _issue_notice(
            case=case,
            kind=Notice.Kind.DECLINE,
            reason=reason,
            text=decline_notice_text(case, reason, today),
            actor_user=actor_user,
            sms=sms,
        )
        note_event(
            case.pk, Actor(ActorKind.SYSTEM, actor_user, "system"), _("已制作不予受理通知书"), basis=rules.DECLINE_BASIS
        )
    return notice


def do_issue_arbitration_notice(
    *, case: Case, category: str, reason: str, actor_user: User | None = None
) -> Notice | None:
    """调解终止书 with the right to arbitrate, the 1-year limitation and its interruption. Idempotent."""
    if Notice.objects.filter(case=case, kind=Notice.Kind.ARBITRATION_RIGHT).exists():
        return None
    with translation.override("zh-hans"):  # the notice is a legal document: Chinese whatever the screen's language
        label = str(Notice.FailureCategory(category).label)
    today = legal_date(timezone.now())
    with sms_language(case):
        sms = _(
            "【%(org)s】您的劳动争议调解已终止（%(why)s）。您可以依法向劳动人事争议仲裁委员会申请仲裁，"
            "仲裁时效一年，申请调解已使时效中断。仲裁不收费。"
        ) % {"org": case.organisation.name, "why": Notice.FailureCategory(category).label}
    with transaction.atomic():
        notice = _issue_notice(
            case=case,
            kind=Notice.Kind.ARBITRATION_RIGHT,
            category=category,
            reason=reason,
            text=arbitration_notice_text(case, label, reason, today),
            actor_user=actor_user,
            sms=sms,
        )
        note_event(
            case.pk,
            Actor(ActorKind.SYSTEM, actor_user, "system"),
            _("已制作调解终止书（申请仲裁权利告知）"),
            basis=rules.FAILURE_BASIS,
        )
    return notice


def do_fail_mediation(*, case: Case, category: str, reason: str, actor: Actor) -> Notice:
    """Mediation failed (refused, no agreement in time, consent withdrawn, other): the case moves to `failed`
    and the notice of the right to arbitrate is issued in the same transaction."""
    staff_membership(actor, case)
    if category not in Notice.FailureCategory.values:
        raise CaseActionError(_("请选择调解不成的原因类别"), {"category": _("请选择")})
    reason = clean_text(reason, field="reason", label=_("具体情况"), max_len=2000)
    if case.status not in (Status.ACCEPTED, Status.MEDIATING):
        raise CaseActionError(_("只有已受理或调解中的案件可以登记调解不成"))
    label = Notice.FailureCategory(category).label
    with transaction.atomic():
        do_transition_case(
            case=case, to=Status.FAILED, expected_status=case.status, actor=actor, reason=f"{label}：{reason}"
        )
        notice = do_issue_arbitration_notice(case=case, category=category, reason=reason, actor_user=actor.user)
    assert notice is not None  # a case fails once, so the notice is new
    return notice


# --- mediators and sessions -----------------------------------------------------------------------------


def eligible_mediators(case: Case) -> list[Membership]:
    """Members of the case's organisation who may mediate (the mediator and admin roles)."""
    rows = Membership.objects.filter(
        organisation_id=case.organisation_id, is_active=True, user__is_active=True
    ).select_related("user")
    return [m for m in rows.order_by("user__username") if m.can_decide_cases]


def mediator_conflict(case: Case, user: User) -> bool:
    """Employed by the case's employer, outside that employer's own enterprise committee."""
    if case.organisation.type_id == "enterprise_committee":
        return False
    return MediatorEmployment.objects.filter(user=user, employer_id=case.employer_id).exists()


def do_assign_mediator(*, case: Case, user_id: int, actor: Actor) -> MediatorAssignment:
    staff_membership(actor, case)
    if not case.is_open:
        raise CaseActionError(_("案件已结束，不能再指派调解员"))
    membership = next((m for m in eligible_mediators(case) if m.user_id == user_id), None)
    if membership is None:
        raise CaseActionError(_("只能指派本组织的调解员或组织管理员"), {"user": _("请选择本组织的调解员")})
    if mediator_conflict(case, membership.user):
        raise CaseActionError(
            _("%(name)s 受雇于被申请人%(employer)s，只能在该单位的企业劳动争议调解委员会调解其案件，不能指派。")
            % {"name": membership.user, "employer": case.employer.name},
            {"user": _("与被申请人有利害关系")},
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            assignment = MediatorAssignment.objects.create(
                case=case, user=membership.user, assigned_at=now, assigned_by=staff_user(actor)
            )
            note_event(case.pk, actor, _("指派调解员：%(name)s") % {"name": membership.user}, data={"step": "assign"})
    except IntegrityError as exc:
        raise StaleCaseError(_("%(name)s 已是本案调解员。") % {"name": membership.user}) from exc
    return assignment


def do_unassign_mediator(*, assignment: MediatorAssignment, actor: Actor) -> None:
    case = assignment.case
    staff_membership(actor, case)
    with transaction.atomic():
        won = MediatorAssignment.objects.filter(pk=assignment.pk, removed_at__isnull=True).update(
            removed_at=timezone.now()
        )
        if not won:
            raise StaleCaseError(_("该调解员已被移除。"))
        note_event(case.pk, actor, _("取消指派调解员：%(name)s") % {"name": assignment.user}, data={"step": "unassign"})


@dataclass
class SessionInput:
    mode: str
    starts_at: dt.datetime
    participants: str
    place: str = ""
    link: str = ""
    notify_parties: bool = False


def do_schedule_session(*, case: Case, data: SessionInput, actor: Actor) -> Session:
    staff_membership(actor, case)
    if case.status not in (Status.ACCEPTED, Status.MEDIATING):
        raise CaseActionError(_("受理后才能安排调解"))
    if data.mode not in Session.Mode.values:
        raise CaseActionError(_("请选择调解方式"), {"mode": _("请选择")})
    if data.starts_at.tzinfo is None:
        raise CaseActionError(_("时间无效"), {"starts_at": _("时间无效")})
    place = clean_text(data.place, field="place", label=_("地点"), max_len=200, required=data.mode == "in_person")
    link = clean_text(data.link, field="link", label=_("视频链接"), max_len=500, required=data.mode == "video")
    if link and not link.startswith(("https://", "http://")):
        raise CaseActionError(_("视频链接应以 https:// 开头"), {"link": _("链接无效")})
    participants = clean_text(data.participants, field="participants", label=_("参加人员"), max_len=2000)
    now = timezone.now()
    with transaction.atomic():
        session = Session.objects.create(
            case=case,
            mode=data.mode,
            starts_at=data.starts_at,
            place=place,
            link=link,
            participants=participants,
            created_by=staff_user(actor),
            created_at=now,
        )
        when = timezone.localtime(data.starts_at).strftime("%Y-%m-%d %H:%M")
        note_event(
            case.pk,
            actor,
            _("安排%(mode)s：%(when)s %(where)s") % {"mode": session.get_mode_display(), "when": when, "where": place},
            data={"step": "session", "session": session.pk},
        )
        if data.notify_parties:

            def session_text() -> str:
                return _("【%(org)s】您的劳动争议调解定于%(when)s进行（%(mode)s，%(where)s），请准时参加。") % {
                    "org": case.organisation.name,
                    "when": when,
                    "mode": session.get_mode_display(),
                    "where": place or link or _("电话联系"),
                }

            with sms_language(case):  # the workers read the language they applied in
                text = session_text()
            for phone, _m in applicant_phones(case):
                do_queue_sms(phone=phone, text=text, template_key="session", case=case)
            employer = employer_phone(case)
            if employer:
                with sms_language():  # the employer: Chinese
                    text = session_text()
                do_queue_sms(phone=employer[0], text=text, template_key="session", case=case)
    return session


@dataclass
class MinutesInput:
    statements: str
    signatures: str
    proposals: str = ""
    participants: str = ""
    place: str = ""
    held_at: dt.datetime | None = None


def do_record_minutes(*, session: Session, data: MinutesInput, actor: Actor) -> Minutes:
    case = session.case
    staff_membership(actor, case)
    statements = clean_text(data.statements, field="statements", label=_("双方陈述"), max_len=50000)
    proposals = clean_text(data.proposals, field="proposals", label=_("调解意见和方案"), max_len=20000, required=False)
    signatures = clean_text(data.signatures, field="signatures", label=_("签名情况"), max_len=300)
    participants = clean_text(
        data.participants or session.participants, field="participants", label=_("参加人员"), max_len=2000
    )
    place = clean_text(
        data.place or session.place or session.get_mode_display(), field="place", label=_("地点"), max_len=200
    )
    held_at = data.held_at or session.starts_at
    now = timezone.now()
    if held_at > now + dt.timedelta(minutes=5):
        raise CaseActionError(_("笔录时间不能晚于现在"), {"held_at": _("时间不对")})
    try:
        with transaction.atomic():
            minutes = Minutes.objects.create(
                session=session,
                case=case,
                held_at=held_at,
                place=place,
                participants=participants,
                statements=statements,
                proposals=proposals,
                signatures=signatures,
                recorded_by=staff_user(actor),
                recorded_at=now,
            )
            note_event(case.pk, actor, _("记录调解笔录"), data={"step": "minutes", "session": session.pk})
    except IntegrityError as exc:
        raise StaleCaseError(_("这次调解的笔录刚刚已由他人记录。请刷新页面。")) from exc
    return minutes
