"""Guided triage before the application (issue 15 item 7; BC CRT's Solution Explorer is the model).

A worker answers a few plain questions (intake/triage_forms.py) and is told which claims apply, what evidence to
gather, the last day to apply for arbitration, and which routes fit: negotiation, mediation, a payment order
(支付令) or arbitration straight away. This module holds the rules, each as data with its source; nothing here
touches the database except the holiday table read for counting the year (reference.calendar).

The answers are never stored: the views carry them in a signed token (triage_views.py) and they reach the database
only through the application wizard's own submission, after "用这些信息申请" copied them into its draft.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tiaojie.calculators.limitation import Limitation, State, WeekendsOnly, arbitration_limitation
from tiaojie.cases.models import ClaimType
from tiaojie.reference.calendar import work_calendar

LAW = "《劳动争议调解仲裁法》"
LCL = "《劳动合同法》"
NEGOTIATION_RULES = "《企业劳动争议协商调解规定》"  # 人社部令第17号 (2011)
SMALL_MICRO_NOTICE = "人社厅发〔2023〕36号"

NEAR_DAYS = 60  # "near": two months or less left, time enough to apply but not to wait for a negotiation

Text = str | Promise


# --- the answers ---------------------------------------------------------------------------------------------


class Problem:
    """What went wrong, in the words of the question (tick all that apply)."""

    UNPAID_WAGES = "unpaid_wages"
    OVERTIME = "overtime"
    NO_CONTRACT = "no_contract"
    FIRED = "fired"
    NO_INSURANCE = "no_insurance"
    INJURED = "injured"
    LEAVE = "leave"
    NOT_SURE = "not_sure"


PROBLEM_CHOICES: tuple[tuple[str, Text], ...] = (
    (Problem.UNPAID_WAGES, _("工资没发或者没发够")),
    (Problem.OVERTIME, _("加班了，没给加班费")),
    (Problem.NO_CONTRACT, _("没签书面劳动合同")),
    (Problem.FIRED, _("被辞退，单位没说正当理由")),
    (Problem.NO_INSURANCE, _("单位没给交社会保险")),
    (Problem.INJURED, _("在工作中受了伤")),
    (Problem.LEAVE, _("带薪年休假没休，也没给钱")),
    (Problem.NOT_SURE, _("说不清，想问问")),
)


class LeftReason:
    FIRED = "fired"
    QUIT = "quit"
    CONTRACT_ENDED = "contract_ended"
    OTHER = "other"


LEFT_REASON_CHOICES: tuple[tuple[str, Text], ...] = (
    (LeftReason.FIRED, _("被单位辞退（开除、解除合同）")),
    (LeftReason.QUIT, _("我自己辞职")),
    (LeftReason.CONTRACT_ENDED, _("合同到期，没有续签")),
    (LeftReason.OTHER, _("其他原因")),
)


class Size:
    SMALL = "small"
    LARGER = "larger"
    UNKNOWN = "unknown"


SIZE_CHOICES: tuple[tuple[str, Text], ...] = (
    (Size.SMALL, _("小单位（小微企业、个体商户、小作坊，几个到几十个人）")),
    (Size.LARGER, _("大一些的单位（上百人，或者有工会、调解委员会）")),
    (Size.UNKNOWN, _("不清楚")),
)


class Agreement:
    NONE = "none"
    MEDIATION_UNPERFORMED = "mediation_unperformed"
    SETTLEMENT_UNPERFORMED = "settlement_unperformed"
    REFUSED = "refused"


AGREEMENT_CHOICES: tuple[tuple[str, Text], ...] = (
    (Agreement.NONE, _("还没有，也还没找单位谈过（或者谈了没结果）")),
    (
        Agreement.MEDIATION_UNPERFORMED,
        _("调解组织主持签了调解协议书（有调解组织盖章），单位不照着做"),
    ),
    (Agreement.SETTLEMENT_UNPERFORMED, _("和单位自己签了和解协议，单位不照着做")),
    (Agreement.REFUSED, _("单位明确说不协商、不调解")),
)


@dataclass(frozen=True)
class Answers:
    still_employed: bool
    left_on: dt.date | None
    left_reason: str
    problems: frozenset[str]
    known_on: dt.date
    employment_start: dt.date | None
    employer_size: str
    agreement: str

    def has(self, *problems: str) -> bool:
        return bool(self.problems.intersection(problems))

    @property
    def left_for(self) -> str:
        return "" if self.still_employed else self.left_reason


# --- which claims apply --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRule:
    """A claim the answers point to: when (in words and as a test), what it means, its source, the evidence."""

    claim: str  # a ClaimType value
    when: Text  # the condition, as shown to the worker
    applies: Callable[[Answers], bool]
    explanation: Text
    basis: str
    evidence: tuple[Text, ...]
    calculator: str = ""  # a calculator's name (calculators_web), for the amount


CONTRACT: Text = _("劳动合同")
PAYSLIPS: Text = _("工资条")
BANK: Text = _("银行流水（发工资的记录）")
ATTENDANCE: Text = _("考勤记录、打卡记录")
TALKS: Text = _("和单位负责人的聊天记录、短信、录音")
NOTICE: Text = _("解除通知或者辞退通知（书面的、微信里的都算）")
BADGE: Text = _("工牌、工作服、工作群聊天记录")
INSURANCE_RECORD: Text = _("社保缴费记录（社保APP或者社保窗口能查询打印）")

CLAIM_RULES: tuple[ClaimRule, ...] = (
    ClaimRule(
        ClaimType.WAGES,
        _("勾选了工资没发或者没发够"),
        lambda a: a.has(Problem.UNPAID_WAGES),
        _("单位应当按照劳动合同约定和国家规定，及时足额支付劳动报酬。"),
        f"{LCL}第三十条第一款",
        (PAYSLIPS, BANK, ATTENDANCE, CONTRACT, _("欠条，或者单位承认欠薪的聊天记录")),
    ),
    ClaimRule(
        ClaimType.OVERTIME,
        _("勾选了加班没给加班费"),
        lambda a: a.has(Problem.OVERTIME),
        _("工作日延长工作时间付150%，休息日加班又没补休付200%，法定节假日加班付300%。"),
        "《劳动法》第四十四条",
        (ATTENDANCE, _("排班表、加班审批单"), PAYSLIPS, _("工作群里安排加班的消息")),
        "overtime",
    ),
    ClaimRule(
        ClaimType.DOUBLE_WAGE,
        _("勾选了没签书面劳动合同"),
        lambda a: a.has(Problem.NO_CONTRACT),
        _("用工超过一个月不满一年没签书面合同的，单位应当每月支付二倍工资，最多11个月。"),
        f"{LCL}第八十二条第一款",
        (BADGE, ATTENDANCE, BANK, INSURANCE_RECORD),
        "double-wage",
    ),
    ClaimRule(
        ClaimType.UNLAWFUL_TERMINATION,
        _("被辞退，单位没说正当理由"),
        lambda a: a.has(Problem.FIRED),
        _("单位违法解除劳动合同的，应当按经济补偿标准的二倍支付赔偿金（2N）。"),
        f"{LCL}第四十八条、第八十七条",
        (NOTICE, CONTRACT, PAYSLIPS, BANK, TALKS),
        "unlawful-termination",
    ),
    ClaimRule(
        ClaimType.COMPENSATION,
        _("合同到期单位不续签，或者因单位欠薪、不交社保而辞职，或者被单位依法辞退"),
        lambda a: (
            a.left_for == LeftReason.CONTRACT_ENDED
            or (a.left_for == LeftReason.QUIT and a.has(Problem.UNPAID_WAGES, Problem.NO_INSURANCE))
            or (a.left_for == LeftReason.FIRED and not a.has(Problem.FIRED))
        ),
        _("这些情形下单位应当支付经济补偿：每工作满一年支付一个月工资（N）。被违法辞退的要2N，两者不同时主张。"),
        f"{LCL}第四十六条、第四十七条、第三十八条第一款",
        (CONTRACT, NOTICE, _("离职前12个月的工资条或者银行流水"), INSURANCE_RECORD),
        "economic-compensation",
    ),
    ClaimRule(
        ClaimType.SOCIAL_INSURANCE,
        _("勾选了单位没给交社会保险"),
        lambda a: a.has(Problem.NO_INSURANCE),
        _("因社会保险发生的争议属于劳动争议，可以调解、仲裁。"),
        f"{LAW}第二条第（四）项",
        (INSURANCE_RECORD, CONTRACT, PAYSLIPS),
    ),
    ClaimRule(
        ClaimType.WORK_INJURY,
        _("勾选了在工作中受了伤"),
        lambda a: a.has(Problem.INJURED),
        _("工伤医疗费等工伤待遇的争议属于劳动争议；通常先要有工伤认定。"),
        f"{LAW}第二条第（五）项",
        (_("工伤认定书（已经认定的）"), _("病历、诊断证明和医疗费票据"), _("事故经过的证明、证人"), CONTRACT),
    ),
    ClaimRule(
        ClaimType.ANNUAL_LEAVE,
        _("勾选了年休假没休也没给钱"),
        lambda a: a.has(Problem.LEAVE),
        _("累计工作满1年的职工每年有5至15天带薪年休假；没安排又不给钱的，按日工资的300%支付（含已发的正常工资）。"),
        "《职工带薪年休假条例》第三条、第五条",
        (_("请假记录"), ATTENDANCE, _("以前单位的社保记录（算累计工作年限）")),
        "annual-leave",
    ),
)

# Evidence that helps every claim: the ID, and proof of having asked, which interrupts the year (art 27 ¶2).
GENERAL_EVIDENCE: tuple[Text, ...] = (
    _("身份证"),
    _("向单位讨要、向有关部门投诉的记录（聊天记录、短信、投诉回执）：能证明时效中断"),
)

# 劳动报酬 for art 27 ¶4: the same reading as the case page's LABOUR_PAY_CLAIMS (mediation/limitation.py).
LABOUR_PAY = frozenset({ClaimType.WAGES, ClaimType.OVERTIME})
# Claims whose right is infringed on the day the employment ended: counted from the day of leaving.
ENDING_CLAIMS = frozenset({ClaimType.COMPENSATION, ClaimType.UNLAWFUL_TERMINATION, ClaimType.NOTICE_PAY})


# --- the time limit ------------------------------------------------------------------------------------------


class Urgency:
    NONE = "none"  # no limit runs yet (labour pay while still employed)
    OK = "ok"
    NEAR = "near"  # NEAR_DAYS or fewer left
    PASSED = "passed"  # the year, as counted from the answers, has run out: ask a mediator now


@dataclass(frozen=True)
class ClaimResult:
    rule: ClaimRule
    label: Text
    limitation: Limitation
    urgency: str
    started_on: dt.date | None  # the day the year is counted from

    @property
    def last_day(self) -> dt.date | None:
        return self.limitation.last_day


def _urgency(limitation: Limitation, today: dt.date) -> str:
    last = limitation.last_day
    if limitation.state == State.NOT_RUNNING or last is None:
        return Urgency.NONE
    if today > last:
        return Urgency.PASSED
    if (last - today).days <= NEAR_DAYS:
        return Urgency.NEAR
    return Urgency.OK


def claim_limitation(claim: str, answers: Answers, *, use_holidays: bool = True) -> tuple[Limitation, dt.date | None]:
    """The last day to apply for arbitration for one claim, counted with the calculators' own rules (art 27)."""
    calendar = work_calendar() if use_holidays else WeekendsOnly()
    ended = None if answers.still_employed else answers.left_on
    if claim in LABOUR_PAY:
        return arbitration_limitation(kind="labour_pay", employment_ended_on=ended, calendar=calendar), ended
    known_on = ended if claim in ENDING_CLAIMS and ended is not None else answers.known_on
    return arbitration_limitation(kind="other", known_on=known_on, calendar=calendar), known_on


# --- the routes ----------------------------------------------------------------------------------------------


class Fit:
    SUGGESTED = "suggested"
    POSSIBLE = "possible"
    NOT_NOW = "not_now"


@dataclass(frozen=True)
class Route:
    key: str
    title: Text
    time_cost: Text  # what it costs in time, from the rules
    basis: tuple[str, ...]  # each citation on its own, so each can be shown in the reader's language
    decide: Callable[[Answers, frozenset[str], str], tuple[str, Text]]  # (answers, claims, urgency) → fit, why


def _negotiation(a: Answers, claims: frozenset[str], urgency: str) -> tuple[str, Text]:
    if a.agreement == Agreement.REFUSED:
        return Fit.NOT_NOW, _("单位已经明确不协商，不用再等它答复。")
    if a.agreement in (Agreement.MEDIATION_UNPERFORMED, Agreement.SETTLEMENT_UNPERFORMED):
        return Fit.NOT_NOW, _("已经签过协议而单位不履行，可以申请调解或者仲裁，不必重新协商。")
    if urgency in (Urgency.NEAR, Urgency.PASSED):
        return Fit.NOT_NOW, _("时效快到了或者可能已过，不要再等协商，请尽快申请调解或仲裁。")
    if a.employer_size == Size.SMALL:
        return Fit.SUGGESTED, _("小微企业可以先协商：单位小、事情清楚的，协商往往最快。申请时会为您勾选“先协商”。")
    return Fit.POSSIBLE, _("可以先找单位谈；单位不答复或者谈不拢，再申请调解。")


def _mediation(a: Answers, claims: frozenset[str], urgency: str) -> tuple[str, Text]:
    if a.agreement == Agreement.REFUSED:
        return Fit.POSSIBLE, _("调解要双方自愿；单位拒绝的，调解可能谈不成，可以直接申请仲裁。")
    if a.agreement == Agreement.MEDIATION_UNPERFORMED:
        return Fit.NOT_NOW, _("已经调解过并签了协议，单位不履行的，可以申请支付令或者仲裁。")
    if urgency == Urgency.PASSED:
        return Fit.SUGGESTED, _("请马上联系调解员：时效可能因为您讨要、投诉等中断过，调解员会帮您核实。")
    if a.agreement == Agreement.SETTLEMENT_UNPERFORMED:
        return Fit.SUGGESTED, _("和解协议达成后不履行的，可以申请调解。")
    return Fit.SUGGESTED, _("调解员在您和单位之间沟通，帮双方商量出解决办法；申请调解会让仲裁时效中断。")


PAYMENT_ORDER_CLAIMS = frozenset(
    {ClaimType.WAGES, ClaimType.WORK_INJURY, ClaimType.COMPENSATION, ClaimType.UNLAWFUL_TERMINATION}
)


def _payment_order(a: Answers, claims: frozenset[str], urgency: str) -> tuple[str, Text]:
    if a.agreement != Agreement.MEDIATION_UNPERFORMED:
        return Fit.NOT_NOW, _("支付令要先有调解协议：调解达成协议后单位到期不履行的，才可以申请。")
    if claims and not claims & PAYMENT_ORDER_CLAIMS:
        return Fit.NOT_NOW, _("支付令只用于拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金；其他事项请申请仲裁。")
    return Fit.SUGGESTED, _(
        "调解协议里有拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金，单位到期不履行的，您可以自己向人民法院申请支付令。"
    )


def _arbitration(a: Answers, claims: frozenset[str], urgency: str) -> tuple[str, Text]:
    if a.agreement == Agreement.REFUSED:
        return Fit.SUGGESTED, _("单位拒绝协商、调解的，可以直接申请劳动仲裁。")
    if urgency in (Urgency.NEAR, Urgency.PASSED):
        return Fit.SUGGESTED, _("时效快到了或者可能已过：可以直接申请仲裁，是否超过时效由仲裁委员会认定。")
    if a.agreement in (Agreement.MEDIATION_UNPERFORMED, Agreement.SETTLEMENT_UNPERFORMED):
        return Fit.SUGGESTED, _("协议达成后单位不履行的，可以申请仲裁。")
    return Fit.POSSIBLE, _("调解不是申请仲裁的必经程序：不想调解的，也可以直接申请仲裁。")


ROUTES: tuple[Route, ...] = (
    Route(
        "negotiation",
        _("先和单位协商"),
        _("单位应当答复；5日内不答复的，视为不愿协商，您可以接着申请调解或者仲裁。"),
        (NEGOTIATION_RULES, SMALL_MICRO_NOTICE, f"{LAW}第四条、第五条"),
        _negotiation,
    ),
    Route(
        "mediation",
        _("申请调解"),
        _("调解组织一般在3个工作日内决定是否受理；自收到申请之日起15日内没达成协议的，可以申请仲裁。"),
        (f"{LAW}第五条、第十二条、第十四条第三款、第二十七条第二款", NEGOTIATION_RULES),
        _mediation,
    ),
    Route(
        "payment_order",
        _("向人民法院申请支付令"),
        _("由您一方向人民法院申请，不需要单位同意，也不用再经过仲裁。"),
        (f"{LAW}第十六条",),
        _payment_order,
    ),
    Route(
        "arbitration",
        _("直接申请劳动仲裁"),
        _("仲裁委员会收到申请5日内决定是否受理；受理后45日内结案，复杂的最多再延长15日；仲裁不收费。"),
        (f"{LAW}第五条、第十五条、第二十九条、第四十三条、第五十三条",),
        _arbitration,
    ),
)


@dataclass(frozen=True)
class RouteResult:
    route: Route
    fit: str
    why: Text


# --- the whole result ----------------------------------------------------------------------------------------


@dataclass
class Result:
    answers: Answers
    claims: list[ClaimResult]
    routes: list[RouteResult]
    urgency: str
    earliest: ClaimResult | None  # the claim whose last day comes first
    today: dt.date
    general_evidence: tuple[Text, ...] = GENERAL_EVIDENCE

    @property
    def claim_types(self) -> list[str]:
        return [c.rule.claim for c in self.claims]

    @property
    def suggest_negotiation_first(self) -> bool:
        return any(r.route.key == "negotiation" and r.fit == Fit.SUGGESTED for r in self.routes)


URGENCY_ORDER = (Urgency.NONE, Urgency.OK, Urgency.NEAR, Urgency.PASSED)


def triage(answers: Answers, today: dt.date, *, use_holidays: bool = True) -> Result:
    labels = dict(ClaimType.choices)
    claims: list[ClaimResult] = []
    for rule in CLAIM_RULES:
        if not rule.applies(answers):
            continue
        limitation, started = claim_limitation(rule.claim, answers, use_holidays=use_holidays)
        claims.append(ClaimResult(rule, labels[rule.claim], limitation, _urgency(limitation, today), started))
    running = [c for c in claims if c.last_day is not None]
    earliest = min(running, key=lambda c: c.last_day or today) if running else None
    urgency = max((c.urgency for c in claims), key=URGENCY_ORDER.index, default=Urgency.NONE)
    types = frozenset(c.rule.claim for c in claims)
    routes = [RouteResult(route, *route.decide(answers, types, urgency)) for route in ROUTES]
    return Result(answers, claims, routes, urgency, earliest, today=today)


def draft_updates(result: Result) -> dict[str, str]:
    """What "用这些信息申请" puts into the wizard's draft (intake/public_forms.py field names): the employment
    dates, the claims ticked and negotiation first when suggested. Nothing is unticked: what the worker already
    chose in the wizard stays."""
    a = result.answers
    updates = {"still_employed": "yes" if a.still_employed else "no"}
    if not a.still_employed and a.left_on is not None:
        updates["left_on"] = a.left_on.isoformat()
    if a.employment_start is not None:
        updates["employment_start"] = a.employment_start.isoformat()
    for claim in result.claim_types:
        updates[f"claim_{claim}"] = "on"
    if result.suggest_negotiation_first:
        updates["negotiation_first"] = "on"
    return updates
