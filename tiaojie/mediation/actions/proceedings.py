"""Notices (不予受理, 调解终止), failure, mediators, sessions and minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Value
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


def eligible_mediators(case: Case, *, with_conflicts: bool = False) -> list[Membership]:
    """Members of the case's organisation who may mediate (the mediator and admin roles); `with_conflicts`
    sets each one's `conflicted` (mediator_conflict) in the same query, for the page's list of choices."""
    rows = Membership.objects.filter(
        organisation_id=case.organisation_id, is_active=True, user__is_active=True
    ).select_related("user")
    if with_conflicts:
        employment = _conflicting_employment(case)
        rows = rows.annotate(
            conflicted=Exists(employment.filter(user=OuterRef("user_id"))) if employment is not None else Value(False)
        )
    return [m for m in rows.order_by("user__username") if m.can_decide_cases]


def mediator_conflict(case: Case, user: User) -> bool:
    """Employed by the case's employer, outside that employer's own enterprise committee."""
    employment = _conflicting_employment(case)
    return employment is not None and employment.filter(user=user).exists()


def _conflicting_employment(case: Case) -> QuerySet[MediatorEmployment] | None:
    """The employments that bar a mediator from this case; None where none does (an enterprise committee
    mediates its own employer's cases with its own staff)."""
    if case.organisation.type_id == "enterprise_committee":
        return None
    return MediatorEmployment.objects.filter(employer_id=case.employer_id)


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
    # 补登记: a session that has already taken place (a mediation held on the spot at the reception desk, on
    # the phone), registered afterwards to carry its minutes. Its time must be past and after the application
    # was received, and nobody is texted an appointment that is over.
    already_held: bool = False


def _session_place(
    *, mode: str, place: str, link: str, starts_at: dt.datetime, held_since: dt.datetime | None = None
) -> tuple[str, str]:
    """The checks a session's time and place share between scheduling and rescheduling: a known mode, an
    aware time that has not passed (a party cannot attend yesterday, and the SMS would say so), the place an
    in-person session needs and the link a video one needs. With `held_since` (补登记 of a session already
    held) the time must instead lie between that moment (the application's receipt) and now."""
    if mode not in Session.Mode.values:
        raise CaseActionError(_("请选择调解方式"), {"mode": _("请选择")})
    if starts_at.tzinfo is None:
        raise CaseActionError(_("时间无效"), {"starts_at": _("时间无效")})
    shown = timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M")
    now = timezone.now()
    if held_since is not None:
        if starts_at > now:
            message = _("补登记的是已经进行的调解，时间 %(when)s 还没有到。") % {"when": shown}
            raise CaseActionError(message, {"starts_at": _("时间还没有到")})
        if starts_at < held_since.replace(second=0, microsecond=0):
            message = _("调解时间 %(when)s 早于收到申请的时间 %(received)s，请核对。") % {
                "when": shown,
                "received": timezone.localtime(held_since).strftime("%Y-%m-%d %H:%M"),
            }
            raise CaseActionError(message, {"starts_at": _("早于收到申请")})
    # The form gives minutes: a time typed as the current minute is not yet past.
    elif starts_at < now.replace(second=0, microsecond=0):
        message = _(
            "调解时间 %(when)s 已经过去，不能安排在过去的时间，请选择现在以后的时间。"
            "已经进行过的调解，请勾选“补登记已进行的调解”。"
        ) % {"when": shown}
        raise CaseActionError(message, {"starts_at": _("时间已经过去")})
    place = clean_text(place, field="place", label=_("地点"), max_len=200, required=mode == "in_person")
    link = clean_text(link, field="link", label=_("视频链接"), max_len=500, required=mode == "video")
    if link and not link.startswith(("https://", "http://")):
        raise CaseActionError(_("视频链接应以 https:// 开头"), {"link": _("链接无效")})
    return place, link


def _text_parties(case: Case, make_text: Callable[[], str], template_key: str) -> None:
    """Inside the action's transaction: do_queue_sms sends on commit. The applicants and, when known, the
    employer's contact. The text is built once per language: the workers read the language they applied in,
    the employer Chinese (notifications.sms_language)."""
    with sms_language(case):
        text = make_text()
    for phone, _m in applicant_phones(case):
        do_queue_sms(phone=phone, text=text, template_key=template_key, case=case)
    employer = employer_phone(case)
    if employer:
        with sms_language():
            text = make_text()
        do_queue_sms(phone=employer[0], text=text, template_key=template_key, case=case)


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def do_schedule_session(*, case: Case, data: SessionInput, actor: Actor) -> Session:
    staff_membership(actor, case)
    if case.status not in (Status.ACCEPTED, Status.MEDIATING):
        raise CaseActionError(_("受理后才能安排调解"))
    if data.already_held and data.notify_parties:
        message = _("补登记已进行的调解不发送通知短信，请取消“短信通知双方当事人”。")
        raise CaseActionError(message, {"notify_parties": message})
    place, link = _session_place(
        mode=data.mode,
        place=data.place,
        link=data.link,
        starts_at=data.starts_at,
        held_since=case.received_at if data.already_held else None,
    )
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
        when = _when(data.starts_at)
        what = _("补登记%(mode)s：%(when)s %(where)s") if data.already_held else _("安排%(mode)s：%(when)s %(where)s")
        note_event(
            case.pk,
            actor,
            what % {"mode": session.get_mode_display(), "when": when, "where": place},
            data={"step": "session", "session": session.pk, "already_held": data.already_held},
        )
        if data.notify_parties:
            _text_parties(
                case,
                lambda: (
                    _("【%(org)s】您的劳动争议调解定于%(when)s进行（%(mode)s，%(where)s），请准时参加。")
                    % {
                        "org": case.organisation.name,
                        "when": when,
                        "mode": session.get_mode_display(),
                        "where": place or link or _("电话联系"),
                    }
                ),
                "session",
            )
    return session


def _changeable(session: Session) -> None:
    if session.cancelled_at is not None:
        raise StaleCaseError(_("这次调解已经取消。"))
    if Minutes.objects.filter(session=session).exists():
        raise CaseActionError(_("这次调解已有笔录，不能再改期或取消。"))
    if session.case.status not in (Status.ACCEPTED, Status.MEDIATING):
        raise CaseActionError(_("案件已不在调解中，不能再改期或取消调解。"))


def _lock_changeable(session: Session) -> None:
    """Inside the transaction: lock the session row and check again, so a colleague's cancel, reschedule or
    minutes committed since the page was loaded wins and this one is told (do_record_minutes takes the same
    lock, so minutes and a cancel never both land)."""
    # The case row first, then the session: recording the event updates the case row (its state version,
    # cases.state), and a claim change holds the case row while it waits for the agreement; taking them in
    # the other order here would deadlock with it.
    Case.objects.select_for_update(no_key=True).filter(pk=session.case_id).first()
    locked = Session.objects.select_for_update().filter(pk=session.pk).first()
    if locked is None or locked.cancelled_at is not None or Minutes.objects.filter(session_id=session.pk).exists():
        raise StaleCaseError(_("这次调解刚刚已被取消或记录了笔录。请刷新页面。"))


@dataclass
class RescheduleInput:
    starts_at: dt.datetime
    mode: str
    place: str = ""
    link: str = ""
    reason: str = ""


def do_reschedule_session(*, session: Session, data: RescheduleInput, actor: Actor) -> Session:
    """改期: a new time (and place); the parties are texted the new arrangement, since the old SMS told them
    another time. The row is updated only while it is neither cancelled nor minuted (a conditional UPDATE: a
    colleague's cancel or minutes in between wins, and this one is told)."""
    case = session.case
    staff_membership(actor, case)
    _changeable(session)
    place, link = _session_place(mode=data.mode, place=data.place, link=data.link, starts_at=data.starts_at)
    reason = clean_text(data.reason, field="reason", label=_("改期原因"), max_len=300, required=False)
    before = _when(session.starts_at)
    now = timezone.now()
    with transaction.atomic():
        _lock_changeable(session)
        Session.objects.filter(pk=session.pk).update(
            starts_at=data.starts_at, mode=data.mode, place=place, link=link, rescheduled_at=now
        )
        session.refresh_from_db()
        when = _when(session.starts_at)
        note_event(
            case.pk,
            actor,
            _("调解改期：%(before)s 改为 %(when)s %(where)s") % {"before": before, "when": when, "where": place}
            + (f"（{reason}）" if reason else ""),
            data={"step": "session_reschedule", "session": session.pk, "before": before},
        )
        _text_parties(
            case,
            lambda: (
                _("【%(org)s】您的劳动争议调解由%(before)s改为%(when)s进行（%(mode)s，%(where)s），请准时参加。")
                % {
                    "org": case.organisation.name,
                    "before": before,
                    "when": when,
                    "mode": session.get_mode_display(),
                    "where": place or link or _("电话联系"),
                }
            ),
            "session_reschedule",
        )
    return session


def do_cancel_session(*, session: Session, reason: str, actor: Actor) -> Session:
    """取消: kept on the case with the reason; the parties are texted not to come."""
    case = session.case
    staff_membership(actor, case)
    _changeable(session)
    reason = clean_text(reason, field="reason", label=_("取消原因"), max_len=300)
    now = timezone.now()
    with transaction.atomic():
        _lock_changeable(session)
        Session.objects.filter(pk=session.pk).update(
            cancelled_at=now, cancelled_by=staff_user(actor), cancel_reason=reason
        )
        session.refresh_from_db()
        when = _when(session.starts_at)
        note_event(
            case.pk,
            actor,
            _("取消%(when)s的调解：%(reason)s") % {"when": when, "reason": reason},
            data={"step": "session_cancel", "session": session.pk},
        )
        _text_parties(
            case,
            lambda: (
                _("【%(org)s】原定于%(when)s的劳动争议调解已取消（%(reason)s），调解员会另行通知。")
                % {"org": case.organisation.name, "when": when, "reason": reason[:60]}
            ),
            "session_cancel",
        )
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
    if session.cancelled_at is not None:
        raise CaseActionError(_("这次调解已经取消，不能记录笔录。"))
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
            # The session's row lock orders this against a cancel (_lock_changeable): never minutes of a
            # session cancelled a moment ago.
            # The case row first, then the session: recording the event updates the case row (its state version,
            # cases.state), and a claim change holds the case row while it waits for the agreement; taking them in
            # the other order here would deadlock with it.
            Case.objects.select_for_update(no_key=True).filter(pk=session.case_id).first()
            if not Session.objects.select_for_update().filter(pk=session.pk, cancelled_at__isnull=True).exists():
                raise StaleCaseError(_("这次调解刚刚已被取消。请刷新页面。"))
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
