"""The case state machine as data: every allowed move, who may make it, and its legal basis.

`do_transition_case` (cases/actions.py) is the only code that reads this table to change a status.
docs/case-states.md is the same table as a diagram; test_transitions.py checks they agree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tiaojie.cases.models import Status


class ActorKind(enum.StrEnum):
    STAFF = "staff"  # a mediator or organisation admin of the case's organisation
    APPLICANT = "applicant"  # the worker, through the tracking code
    SYSTEM = "system"  # the deadline watcher


class Effect(enum.StrEnum):
    ACCEPT = "accept"  # sets accepted_at and opens clock B
    END = "end"  # sets ended_at: mediation is over, whatever the result
    CLOSE = "close"  # sets closed_at
    # Back to `received` after negotiation: the 3-working-day acceptance period restarts on the day of the
    # move (the application for mediation is decided from then); clock A never moves (调解仲裁法 art 14).
    RESTART_ACCEPTANCE = "restart_acceptance"


# The bases below cite 《劳动争议调解仲裁法》 and 《企业劳动争议协商调解规定》（人社部令第17号） (docs/law.md §3,
# §12). Each is one whole literal marked with gettext_noop, never an f-string: the value stays Chinese where it
# is stored (CaseEvent.basis) or printed, and a page shows it in its own language with `|translate_stored`
# (tiaojie.lib.stored_text), which needs the exact text as a msgid in the catalogue.
NEGOTIATION_BASIS = gettext_noop(
    "《企业劳动争议协商调解规定》（人社部令第17号）：一方提出协商要求后，另一方应当积极作出口头或者书面回应；"
    "5日内不作出回应的，视为不愿协商"
)


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    by: frozenset[ActorKind]
    label: str | Promise  # the button
    basis: str
    needs_reason: bool = False
    effect: Effect | None = None


STAFF = frozenset({ActorKind.STAFF})
STAFF_OR_APPLICANT = frozenset({ActorKind.STAFF, ActorKind.APPLICANT})
STAFF_OR_SYSTEM = frozenset({ActorKind.STAFF, ActorKind.SYSTEM})
# Only the agreement itself moves a case to "agreed": when the fourth signature or seal is recorded
# (mediation.actions.agreement), never a button — the agreement is not effective before that (art 14 para 2).
SYSTEM_ONLY = frozenset({ActorKind.SYSTEM})

WITHDRAWAL_BASIS = gettext_noop("《劳动争议调解仲裁法》第五条：调解以自愿为原则")

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        Status.RECEIVED, Status.ACCEPTED, STAFF, _("受理"),
        gettext_noop("《企业劳动争议协商调解规定》（人社部令第17号）：属于受理范围且双方同意调解的，"
                     "自收到申请之日起3个工作日内受理"),
        effect=Effect.ACCEPT,
    ),
    Transition(
        Status.RECEIVED, Status.DECLINED, STAFF, _("不予受理"),
        gettext_noop("《企业劳动争议协商调解规定》（人社部令第17号）：不属于受理范围或一方不同意调解的，"
                     "书面通知申请人并说明理由"),
        needs_reason=True, effect=Effect.END,
    ),
    Transition(
        Status.RECEIVED, Status.WITHDRAWN, STAFF_OR_APPLICANT, _("撤回申请"),
        WITHDRAWAL_BASIS, needs_reason=True, effect=Effect.END,
    ),
    Transition(
        Status.RECEIVED, Status.NEGOTIATING, STAFF_OR_APPLICANT, _("先行协商"),
        gettext_noop("《劳动争议调解仲裁法》第四条：劳动者可以与用人单位协商，也可以请工会或者第三方共同与用人单位"
                     "协商，达成和解协议；《企业劳动争议协商调解规定》（人社部令第17号）：一方提出协商要求后，"
                     "另一方应当积极作出口头或者书面回应；5日内不作出回应的，视为不愿协商"),
    ),
    Transition(
        Status.NEGOTIATING, Status.RECEIVED, STAFF_OR_SYSTEM, _("协商不成，转入调解"),
        gettext_noop("《劳动争议调解仲裁法》第五条：不愿协商、协商不成或者达成和解协议后不履行的，可以向调解组织"
                     "申请调解；《企业劳动争议协商调解规定》（人社部令第17号）：一方提出协商要求后，另一方应当积极"
                     "作出口头或者书面回应；5日内不作出回应的，视为不愿协商"),
        needs_reason=True, effect=Effect.RESTART_ACCEPTANCE,
    ),
    Transition(
        Status.NEGOTIATING, Status.SETTLED, STAFF, _("达成和解协议"),
        gettext_noop("《企业劳动争议协商调解规定》（人社部令第17号）：协商一致的，应当签订书面和解协议；"
                     "《劳动争议调解仲裁法》第四条"),
    ),
    Transition(
        Status.NEGOTIATING, Status.WITHDRAWN, STAFF_OR_APPLICANT, _("撤回申请"),
        WITHDRAWAL_BASIS, needs_reason=True, effect=Effect.END,
    ),
    Transition(
        Status.SETTLED, Status.CLOSED, STAFF_OR_SYSTEM, _("结案（和解协议已履行）"),
        gettext_noop("《企业劳动争议协商调解规定》（人社部令第17号）：和解协议对双方当事人具有约束力，当事人应当履行"),
        effect=Effect.CLOSE,
    ),
    Transition(
        Status.SETTLED, Status.RECEIVED, STAFF, _("和解协议未履行，转入调解"),
        gettext_noop("《劳动争议调解仲裁法》第五条：达成和解协议后不履行的，可以向调解组织申请调解"),
        needs_reason=True, effect=Effect.RESTART_ACCEPTANCE,
    ),
    Transition(
        Status.ACCEPTED, Status.MEDIATING, STAFF, _("开始调解"),
        gettext_noop("《劳动争议调解仲裁法》第十三条：调解应当充分听取双方当事人对事实和理由的陈述"),
    ),
    Transition(
        Status.ACCEPTED, Status.FAILED, STAFF, _("调解不成（一方拒绝调解）"),
        gettext_noop("《劳动争议调解仲裁法》第五条；《浙江省劳动人事争议调解仲裁条例》第十条：一方明确拒绝调解的，"
                     "调解终止"),
        needs_reason=True, effect=Effect.END,
    ),
    Transition(
        Status.ACCEPTED, Status.WITHDRAWN, STAFF_OR_APPLICANT, _("撤回申请"),
        WITHDRAWAL_BASIS, needs_reason=True, effect=Effect.END,
    ),
    Transition(
        Status.MEDIATING, Status.AGREED, SYSTEM_ONLY, _("调解协议生效"),
        gettext_noop("《劳动争议调解仲裁法》第十四条第二款：调解协议书由双方当事人签名或者盖章，经调解员签名并加盖"
                     "调解组织印章后生效"),
        effect=Effect.END,
    ),
    Transition(
        Status.MEDIATING, Status.FAILED, STAFF_OR_SYSTEM, _("调解不成"),
        gettext_noop("《劳动争议调解仲裁法》第十四条第三款：自收到调解申请之日起15日内未达成调解协议的，当事人可以"
                     "依法申请仲裁；《企业劳动争议协商调解规定》（人社部令第17号）：调解期限内未达成协议的，"
                     "视为调解不成"),
        needs_reason=True, effect=Effect.END,
    ),
    Transition(
        Status.MEDIATING, Status.WITHDRAWN, STAFF_OR_APPLICANT, _("撤回申请"),
        WITHDRAWAL_BASIS, needs_reason=True, effect=Effect.END,
    ),
    Transition(
        Status.AGREED, Status.CLOSED, STAFF_OR_SYSTEM, _("结案（协议已履行）"),
        gettext_noop("《劳动争议调解仲裁法》第十四条第二款：调解协议书对双方当事人具有约束力，当事人应当履行"),
        effect=Effect.CLOSE,
    ),
    Transition(
        Status.FAILED, Status.CLOSED, STAFF, _("结案（已告知申请仲裁的权利）"),
        gettext_noop("《劳动争议调解仲裁法》第十五条、第十四条第三款：当事人可以依法申请仲裁"), effect=Effect.CLOSE,
    ),
    Transition(
        Status.DECLINED, Status.CLOSED, STAFF, _("结案"),
        gettext_noop("《企业劳动争议协商调解规定》（人社部令第17号）"), effect=Effect.CLOSE,
    ),
    Transition(
        Status.WITHDRAWN, Status.CLOSED, STAFF, _("结案"), gettext_noop("《劳动争议调解仲裁法》第五条"),
        effect=Effect.CLOSE,
    ),
)  # fmt: skip

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def find_transition(source: str, target: str) -> Transition | None:
    return _BY_PAIR.get((Status(source), Status(target)))


def transitions_from(source: str, actor: ActorKind) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source and actor in t.by]


# The periods (docs/law.md §3, §6), with their basis, shown beside each deadline.
ACCEPTANCE_WORKING_DAYS = 3
ACCEPTANCE_BASIS = gettext_noop(
    "《企业劳动争议协商调解规定》（人社部令第17号）：自收到申请之日起3个工作日内决定是否受理"
)
CLOCK_A_DAYS = 15
CLOCK_A_BASIS = gettext_noop(
    "《劳动争议调解仲裁法》第十四条第三款：自劳动争议调解组织收到调解申请之日起15日内未达成调解协议的，"
    "当事人可以依法申请仲裁"
)
# Clock B (the organisation's mediation period, its start, days and the cap on extensions) is a rule of the
# organisation's province, national by default: reference.rules, applied by cases.clock_b (docs/law.md §3).
PERIOD_RULE = gettext_noop(
    "《民法典》第二百零一条、第二百零三条：开始当日不计入；期间最后一日是法定休假日的，以休假日结束的次日为最后一日"
)
