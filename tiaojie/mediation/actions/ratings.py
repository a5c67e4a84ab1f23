"""Satisfaction ratings after closure, and the follow-ups to moves made elsewhere."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaojie.cases.actions import Actor, CaseActionError, StaleCaseError
from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.cases.transitions import ActorKind
from tiaojie.mediation.actions.common import (
    clean_text,
    new_token,
    note_event,
    party_phone,
    rating_link,
)
from tiaojie.mediation.actions.proceedings import do_issue_arbitration_notice, do_issue_decline_notice
from tiaojie.mediation.models import (
    Negotiation,
    Notice,
    Party,
    Rating,
)
from tiaojie.notifications.actions import do_queue_sms, sms_language

# --- satisfaction ----------------------------------------------------------------------------------------


def do_issue_rating_links(*, case: Case) -> list[Rating]:
    """After closure: one rating link per party (the applicant, and the employer). Idempotent."""
    if case.status != Status.CLOSED:
        return []
    now = timezone.now()
    created = []
    with transaction.atomic():
        for party in (Party.WORKER, Party.EMPLOYER):
            if Rating.objects.filter(case=case, party=party).exists():
                continue
            _raw, index, encrypted = new_token()
            phone = party_phone(case, party)
            masked = phone[1] if phone else ""
            try:
                with transaction.atomic():
                    created.append(
                        Rating.objects.create(
                            case=case,
                            party=party,
                            token_index=index,
                            token_encrypted=encrypted,
                            issued_at=now,
                            phone_masked=masked,
                        )
                    )
            except IntegrityError:
                continue  # issued meanwhile by another process
    return created


def do_send_rating_sms(*, case: Case, base_url: str) -> int:
    """Send the rating links by SMS (once per link); returns how many were queued."""
    sent = 0
    with transaction.atomic():
        for rating in Rating.objects.filter(case=case, score__isnull=True, phone_masked__gt=""):
            phone = party_phone(case, rating.party)
            if phone is None:
                continue
            won = Rating.objects.filter(pk=rating.pk, sms_sent_at__isnull=True).update(sms_sent_at=timezone.now())
            if won:
                with sms_language(case if rating.party == Party.WORKER else None):
                    text = _("【%(org)s】您的劳动争议案件已办结。请为本次服务评分（只需一次）：%(link)s") % {
                        "org": case.organisation.name,
                        "link": rating_link(base_url, rating.token),
                    }
                do_queue_sms(
                    phone=phone[0],
                    text=text,
                    template_key="rating",
                    case=case,
                )
                sent += 1
    return sent


def do_rate(*, rating: Rating, score: int, comment: str = "") -> Rating:
    """A party's rating, once: a second submission is refused."""
    if not 1 <= score <= 5:
        raise CaseActionError(_("请选择1到5分"), {"score": _("请选择1到5分")})
    comment = clean_text(comment, field="comment", label=_("意见和建议"), max_len=1000, required=False)
    now = timezone.now()
    with transaction.atomic():
        won = Rating.objects.filter(pk=rating.pk, score__isnull=True).update(score=score, comment=comment, rated_at=now)
        if not won:
            raise StaleCaseError(_("您已经评价过了，感谢您的反馈。每个链接只能评价一次。"))
        note_event(
            rating.case_id,
            Actor(ActorKind.SYSTEM, label=str(Party(rating.party).label)),
            _("%(party)s评价服务：%(score)d分") % {"party": Party(rating.party).label, "score": score},
            data={"step": "rating", "party": rating.party},
        )
    rating.score, rating.comment, rating.rated_at = score, comment, now
    return rating


# --- reacting to moves made elsewhere (the case page's generic buttons, the API) ---------------------------


def on_case_transition(case_id: int) -> None:
    """After any transition commits: make sure the decline / failure notice exists, closed cases have rating
    links, and a negotiation does not stay open when the case left negotiation. Each step is idempotent."""
    case = Case.objects.select_related("organisation", "employer").filter(pk=case_id).first()
    if case is None:
        return
    last = case.events.filter(kind=CaseEvent.Kind.TRANSITION).order_by("-at", "-id").first()
    actor_user = last.actor if last else None
    reason = last.reason if last else ""
    if case.status == Status.DECLINED:
        do_issue_decline_notice(case=case, reason=reason, actor_user=actor_user)
    elif case.status == Status.FAILED:
        do_issue_arbitration_notice(
            case=case, category=Notice.FailureCategory.OTHER, reason=reason, actor_user=actor_user
        )
    elif case.status == Status.CLOSED:
        do_issue_rating_links(case=case)
    if case.status != Status.NEGOTIATING:
        Negotiation.objects.filter(case=case, state__in=Negotiation.OPEN_STATES).update(
            state=Negotiation.State.ENDED, ended_at=timezone.now()
        )
