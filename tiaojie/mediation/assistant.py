"""The mediator's assistant (调解助手): a case-page panel of advice, never a gate.

For the claim types the case has it lists the disputed points to clarify (争议焦点), each with the article
that decides it and the evidence that proves it; it summarises the calculator results kept with the claims;
and it reads the agreement draft for clauses and dates that mislead the parties. Everything here is rules as
data with its source (docs/knowledge.md, "The mediator's assistant"); the checks are pure functions over the
draft's text, items and payments, so they are tested without a database and block nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaojie.cases.models import Case, ClaimItem, ClaimType
from tiaojie.knowledge.claim_articles import (
    INJURY,
    INTERPRETATION_1,
    LABOUR_LAW,
    LCL,
    LEAVE_MEASURES,
    LEAVE_REGULATION,
    MEDIATION_LAW,
    REGULATIONS,
    SOCIAL_INSURANCE,
    Citation,
)
from tiaojie.knowledge.queries import article_urls
from tiaojie.lib.workdays import Deadline, calendar_days_deadline, legal_date
from tiaojie.mediation import rules
from tiaojie.mediation.models import Agreement
from tiaojie.reference.calendar import work_calendar

# --- 争议焦点: claim type → the points to clarify ----------------------------------------------------------


@dataclass(frozen=True)
class FocusPoint:
    point: str  # the question to settle, a gettext_noop msgid
    evidence: str  # what proves it, a gettext_noop msgid
    citations: tuple[Citation, ...]
    # False: the rule as stated is from practice or a secondary source, not read in the text ([U]); the panel
    # says so beside it.
    verified: bool = True


FOCUS: dict[str, tuple[FocusPoint, ...]] = {
    "wages": (
        FocusPoint(
            gettext_noop("约定的工资标准，拖欠的期间和数额"),
            gettext_noop("劳动合同、工资条、银行流水、考勤记录"),
            (Citation(LCL, 30), Citation(LABOUR_LAW, 50)),
        ),
        FocusPoint(
            gettext_noop("工资支付记录由用人单位掌握管理，应由用人单位提供；不提供的承担不利后果"),
            gettext_noop("要求用人单位提交工资支付记录、考勤记录"),
            (Citation(MEDIATION_LAW, 6),),
        ),
        FocusPoint(
            gettext_noop("仲裁时效：在职期间拖欠劳动报酬不受一年时效限制，劳动关系终止的自终止之日起一年内申请"),
            gettext_noop("离职证明、解除或终止劳动合同的日期"),
            (Citation(MEDIATION_LAW, 27, part="第四款"),),
        ),
    ),
    "overtime": (
        FocusPoint(
            gettext_noop(
                "是否存在加班事实及举证责任：劳动者对加班事实承担举证责任；有证据证明用人单位掌握加班证据而不提供的，"
                "由用人单位承担不利后果"
            ),
            gettext_noop("考勤记录、排班表、加班审批单、工作群聊天记录、门禁记录"),
            (Citation(INTERPRETATION_1, 42),),
        ),
        FocusPoint(
            gettext_noop("加班费计算基数：按什么工资标准计算（约定工资还是实发工资，是否含奖金津贴），各地口径不一"),
            gettext_noop("劳动合同约定的工资、工资条"),
            (Citation(LABOUR_LAW, 44),),
            verified=False,
        ),
        FocusPoint(
            gettext_noop("标准工时还是综合计算工时或不定时工作制：特殊工时制须经劳动行政部门批准"),
            gettext_noop("特殊工时制度的审批决定书"),
            (Citation(LABOUR_LAW, 36), Citation(LABOUR_LAW, 39)),
        ),
        FocusPoint(
            gettext_noop("加班的类型：工作日延长工作时间150%，休息日且未安排补休200%，法定休假日300%"),
            gettext_noop("补休记录、法定休假日出勤记录"),
            (Citation(LABOUR_LAW, 44),),
        ),
    ),
    "compensation": (
        FocusPoint(
            gettext_noop("解除或终止的原因及经济补偿的适用：是否属于应当支付经济补偿的情形"),
            gettext_noop("解除或终止通知书、辞职报告（写明的理由）、协商解除记录"),
            (Citation(LCL, 46),),
        ),
        FocusPoint(
            gettext_noop(
                "工作年限与月工资基数：前十二个月平均应得工资，包括计时或计件工资及奖金、津贴和补贴，低于当地最低工资标准的按最低工资标准计算"
            ),
            gettext_noop("入职时间证明、解除前十二个月的工资流水"),
            (Citation(LCL, 47), Citation(REGULATIONS, 27)),
        ),
        FocusPoint(
            gettext_noop("是否超过三倍封顶：月工资高于当地上年度职工月平均工资三倍的，按三倍计算且年限最多十二年"),
            gettext_noop("当地政府公布的上年度职工月平均工资"),
            (Citation(LCL, 47, part="第二款"),),
        ),
        FocusPoint(
            gettext_noop("2008年1月1日前的工作年限按当时有关规定计算"),
            gettext_noop("2008年以前的劳动合同或用工记录"),
            (Citation(LCL, 97, part="第三款"),),
        ),
    ),
    "unlawful_termination": (
        FocusPoint(
            gettext_noop(
                "解除是否合法：事实依据、规章制度是否经民主程序并公示、是否事先将理由通知工会；用人单位负举证责任"
            ),
            gettext_noop("解除通知书、规章制度及公示记录、违纪证据、通知工会的记录"),
            (Citation(LCL, 39), Citation(LCL, 43), Citation(INTERPRETATION_1, 44)),
        ),
        FocusPoint(
            gettext_noop("劳动者要求继续履行劳动合同还是支付赔偿金"),
            gettext_noop("劳动者的书面请求"),
            (Citation(LCL, 48),),
        ),
        FocusPoint(
            gettext_noop("赔偿金按经济补偿标准的二倍计算，年限自用工之日起计算，支付赔偿金的不再支付经济补偿"),
            gettext_noop("入职时间证明、前十二个月的工资流水"),
            (Citation(LCL, 87), Citation(REGULATIONS, 25)),
        ),
    ),
    "double_wage": (
        FocusPoint(
            gettext_noop(
                "未签书面合同的起止时间：自用工之日起满一个月的次日至补订书面合同的前一日，最长至满一年的前一日"
            ),
            gettext_noop("入职时间证据、劳动合同的签订日期"),
            (Citation(LCL, 82), Citation(REGULATIONS, 6), Citation(REGULATIONS, 7)),
        ),
        FocusPoint(
            gettext_noop("未签合同的原因：劳动者不与用人单位订立书面合同的，用人单位应书面通知终止劳动关系"),
            gettext_noop("用人单位通知签订合同的书面记录"),
            (Citation(REGULATIONS, 6),),
        ),
        FocusPoint(
            gettext_noop("满一年仍未订立书面合同的，视为已订立无固定期限劳动合同"),
            gettext_noop("用工满一年的证据"),
            (Citation(LCL, 14, part="第三款"), Citation(REGULATIONS, 7)),
        ),
        FocusPoint(
            gettext_noop(
                "二倍工资的时效：适用一年仲裁时效，从何时起算各地做法不一（按月分别计算或自二倍工资期间届满起算）"
            ),
            gettext_noop("申请调解或仲裁的日期、未签合同期间的工资记录"),
            (Citation(MEDIATION_LAW, 27),),
            verified=False,
        ),
    ),
    "annual_leave": (
        FocusPoint(
            gettext_noop("累计工作年限和应休天数：满1年不满10年5天，满10年不满20年10天，满20年15天"),
            gettext_noop("社保缴费记录、人事档案、以往的劳动合同"),
            (Citation(LEAVE_REGULATION, 3), Citation(LEAVE_MEASURES, 4)),
        ),
        FocusPoint(
            gettext_noop("用人单位是否安排休假，职工是否因本人原因书面提出不休"),
            gettext_noop("休假记录、职工的书面申请"),
            (Citation(LEAVE_REGULATION, 5), Citation(LEAVE_MEASURES, 10)),
        ),
        FocusPoint(
            gettext_noop("日工资基数：前十二个月剔除加班工资后的月平均工资除以21.75天"),
            gettext_noop("前十二个月的工资流水"),
            (Citation(LEAVE_MEASURES, 11),),
        ),
    ),
    "social_insurance": (
        FocusPoint(
            gettext_noop(
                "请求是补缴社会保险费（由社会保险费征收机构责令补缴），还是赔偿未办理社会保险造成的待遇损失（劳动争议）"
            ),
            gettext_noop("社保缴费记录、社会保险经办机构不能补办的证明"),
            (Citation(SOCIAL_INSURANCE, 63), Citation(INTERPRETATION_1, 1, part="第（五）项")),
        ),
        FocusPoint(
            gettext_noop("用人单位应当自用工之日起三十日内为职工申请办理社会保险登记"),
            gettext_noop("入职时间证据、社会保险登记记录"),
            (Citation(SOCIAL_INSURANCE, 58),),
        ),
    ),
    "work_injury": (
        FocusPoint(
            gettext_noop("是否已认定工伤、鉴定伤残等级：用人单位30日内、职工或其近亲属1年内申请工伤认定"),
            gettext_noop("工伤认定决定书、劳动能力鉴定结论"),
            (Citation(INJURY, 14), Citation(INJURY, 17)),
        ),
        FocusPoint(
            gettext_noop("停工留薪期内原工资福利待遇不变，由所在单位按月支付"),
            gettext_noop("医疗机构的休假证明、停工留薪期确认"),
            (Citation(INJURY, 33),),
        ),
        FocusPoint(
            gettext_noop("工伤医疗费：协议不履行的，劳动者可以持调解协议书申请支付令"),
            gettext_noop("医疗费票据"),
            (Citation(INJURY, 30), Citation(MEDIATION_LAW, 16)),
        ),
    ),
    "labour_relationship": (
        FocusPoint(
            gettext_noop("是否形成劳动关系：用人单位自用工之日起即与劳动者建立劳动关系"),
            gettext_noop("工资支付凭证、工作证、招工登记表、考勤记录、社保缴费记录"),
            (Citation(LCL, 7), Citation(INTERPRETATION_1, 1, part="第（二）项")),
        ),
    ),
    "notice_pay": (
        FocusPoint(
            gettext_noop("是否属于第四十条的解除，是否提前三十日书面通知劳动者本人"),
            gettext_noop("解除通知书及其送达日期"),
            (Citation(LCL, 40),),
        ),
        FocusPoint(
            gettext_noop("额外支付的一个月工资按劳动者上一个月的工资标准确定"),
            gettext_noop("上一个月的工资条"),
            (Citation(REGULATIONS, 20),),
        ),
    ),
}

# Which calculator recomputes a claim of each type (the calculators' names, tiaojie/calculators/registry.py).
CALCULATOR_FOR: dict[str, str] = {
    "compensation": "economic-compensation",
    "unlawful_termination": "unlawful-termination",
    "double_wage": "double-wage",
    "notice_pay": "notice-pay",
    "overtime": "overtime",
    "annual_leave": "annual-leave",
    "work_injury": "work-injury",
}


# --- checks of the agreement draft ------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRule:
    key: str
    title: str  # gettext_noop
    explanation: str  # gettext_noop: what is wrong and what to do, in plain words
    citations: tuple[Citation, ...]
    severity: str = "warning"  # warning | notice
    verified: bool = True  # False: from practice or a secondary source ([U]/[S]), said beside it


DRAFT_RULES: dict[str, DraftRule] = {
    rule.key: rule
    for rule in (
        DraftRule(
            "court_enforcement",
            gettext_noop("条款写明可向法院申请强制执行"),
            gettext_noop(
                "调解组织主持达成的调解协议书对双方有约束力，但本身不能直接申请法院强制执行。一方不履行的，另一方可以申请仲裁；"
                "拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金的，劳动者可以持调解协议书申请支付令。要取得可以申请执行的文书，"
                "双方须在协议生效后共同申请仲裁审查确认（15日内）或者司法确认（30日内）。请删去该表述，或改为“经司法确认（或仲裁审查确认）后，"
                "一方不履行的，另一方可以依法申请强制执行”。"
            ),
            (
                Citation(MEDIATION_LAW, 14, part="第二款"),
                Citation(MEDIATION_LAW, 15),
                Citation(MEDIATION_LAW, 16),
                Citation(INTERPRETATION_1, 51),
            ),
        ),
        DraftRule(
            "blanket_waiver",
            gettext_noop("笼统放弃一切权利，但协议没有约定任何金额"),
            gettext_noop(
                "协议写有“再无任何争议”“放弃其他一切权利”一类的条款，却没有约定任何给付金额。这类协议存在重大误解或者显失公平的，"
                "当事人可以请求撤销。请逐项写明放弃哪些请求事项及理由（写入“放弃的请求事项及说明”），并向劳动者说明放弃的后果。"
            ),
            (Citation(INTERPRETATION_1, 35),),
        ),
        DraftRule(
            "payment_after_windows",
            gettext_noop("支付期限晚于仲裁审查确认和司法确认的申请期限"),
            gettext_noop(
                "确认须在协议生效后15日内（仲裁审查确认）或30日内（司法确认）由双方共同申请。支付期限在两个期限届满之后：到期不付时，"
                "已不能再申请确认取得可以执行的文书，只能申请仲裁或就可申请支付令的事项申请支付令。需要可以执行的文书的，"
                "请在期限内先共同申请确认，不要等到期不付再申请。"
            ),
            (Citation(MEDIATION_LAW, 15), Citation(MEDIATION_LAW, 16)),
        ),
        DraftRule(
            "payment_after_review_window",
            gettext_noop("支付期限晚于仲裁审查确认的申请期限"),
            gettext_noop(
                "仲裁审查确认须在协议生效后15日内由双方共同申请。支付期限在此之后：到期不付时只能选择司法确认（30日内），"
                "或申请仲裁、支付令。需要仲裁审查确认的，请在15日内先共同申请。"
            ),
            (Citation(MEDIATION_LAW, 15),),
            severity="notice",
        ),
        DraftRule(
            "no_payment_term",
            gettext_noop("协议金额大于0，但未约定支付期限"),
            gettext_noop(
                "申请仲裁、申请支付令都以“在协议约定期限内不履行”为条件：没有约定期限，就难以认定不履行。请写明每一期的支付期限和金额。"
            ),
            (Citation(MEDIATION_LAW, 15), Citation(MEDIATION_LAW, 16)),
        ),
        DraftRule(
            "waived_item_unexplained",
            gettext_noop("有请求事项的协议金额为0，但未说明放弃"),
            gettext_noop(
                "协议金额为0即放弃该项请求。实务中调解协议书应写明放弃的请求事项及说明，避免事后对放弃的范围发生争议。"
                "请在该项的说明或“放弃的请求事项及说明”中写明。"
            ),
            (Citation(INTERPRETATION_1, 35),),
            severity="notice",
            verified=False,
        ),
        DraftRule(
            "no_tax_note",
            gettext_noop("未写明税费如何承担"),
            gettext_noop(
                "实务中调解协议书写明各项金额是税前还是税后、个人所得税由谁代扣代缴，避免支付时对实得金额发生争议。"
            ),
            (),
            severity="notice",
            verified=False,
        ),
    )
}

# The organisation types whose own agreement this check leaves alone: an arbitration institute's mediation
# centre works inside the arbitration commission, which turns an agreement into an enforceable 仲裁调解书 by its
# own review. [U] kept as data so it can be narrowed once the centre's procedure is confirmed.
ENFORCEMENT_EXEMPT_ORG_TYPES: frozenset[str] = frozenset({"arbitration_centre"})

# Sentences of the draft: the clauses are separated by these marks (and by line breaks).
SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
# A promise of court enforcement: 强制执行, 申请执行, 向人民法院…执行.
ENFORCEMENT = re.compile(r"强制执行|申请执行|法院[^，,。；;]{0,8}执行")
# …unless the same sentence makes it depend on a confirmation (then it is correct: 民诉法 arts 205–206).
ENFORCEMENT_AFTER_CONFIRMATION = re.compile(r"司法确认|审查确认|仲裁调解书|调解书|确认裁定|确认决定")
WAIVER = re.compile(
    r"再无(?:任何)?(?:其他|其它)?(?:劳动)?(?:争议|纠纷)"
    r"|(?:无|没有)任何(?:其他|其它)?(?:劳动)?(?:争议|纠纷)"
    r"|放弃(?:其他|其它|全部|所有|一切)[^。；;]{0,6}(?:权利|权益|请求|诉求|主张)"
    r"|(?:不再|不得再)[^。；;]{0,20}(?:主张|提出|追究)任何"
    r"|互不追究|两清|一次性了结|了结全部"
)

# The draft's free texts, in the order the agreement prints them.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("payment_method_note", gettext_noop("履行方式说明")),
    ("tax_note", gettext_noop("税费说明")),
    ("waived_note", gettext_noop("放弃的请求事项及说明")),
    ("other_terms", gettext_noop("其他约定")),
)


class ItemLike(Protocol):
    type: str
    amount_claimed: Decimal | None
    amount_agreed: Decimal
    note: str


class PaymentLike(Protocol):
    seq: int
    due_date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Windows:
    """The last days to apply for 仲裁审查确认 and 司法确认; `estimated` when the agreement is not yet effective
    and they are counted as if it took effect today."""

    review: Deadline
    judicial: Deadline
    estimated: bool


@dataclass
class Finding:
    rule: DraftRule
    detail: str = ""  # what in the draft triggered it, in the reader's language
    quote: str = ""  # the sentence of the draft, as written
    links: list[tuple[Citation, str | None]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.rule.key


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text or "") if s.strip()]


def enforcement_findings(texts: dict[str, str], *, org_type: str, confirmed: bool) -> list[Finding]:
    """(a) A clause promising court enforcement of the committee's agreement (调解仲裁法 arts 14–16)."""
    if confirmed or org_type in ENFORCEMENT_EXEMPT_ORG_TYPES:
        return []
    out = []
    for name, label in TEXT_FIELDS:
        for s in sentences(texts.get(name, "")):
            if ENFORCEMENT.search(s) and not ENFORCEMENT_AFTER_CONFIRMATION.search(s):
                out.append(Finding(DRAFT_RULES["court_enforcement"], detail=_(label), quote=s))
    return out


def waiver_findings(texts: dict[str, str], items: Sequence[ItemLike]) -> list[Finding]:
    """(b) A waiver of every other claim on an agreement that agrees no amount at all."""
    if sum((i.amount_agreed for i in items), Decimal("0")) > 0:
        return []
    for name, label in TEXT_FIELDS:
        for s in sentences(texts.get(name, "")):
            if WAIVER.search(s):
                return [Finding(DRAFT_RULES["blanket_waiver"], detail=_(label), quote=s)]
    return []


def window_findings(payments: Sequence[PaymentLike], windows: Windows | None) -> list[Finding]:
    """(c) The last payment falls due after the confirmation windows have closed."""
    if windows is None or not payments:
        return []
    last = max(payments, key=lambda p: p.due_date)
    if last.due_date > windows.judicial.last_day:
        rule = DRAFT_RULES["payment_after_windows"]
    elif last.due_date > windows.review.last_day:
        rule = DRAFT_RULES["payment_after_review_window"]
    else:
        return []
    params = {
        "seq": last.seq,
        "due": last.due_date.isoformat(),
        "review": windows.review.last_day.isoformat(),
        "judicial": windows.judicial.last_day.isoformat(),
    }
    if windows.estimated:
        detail = (
            _("第%(seq)s期支付期限 %(due)s；若协议今天生效，仲裁审查确认申请期限至 %(review)s，司法确认至 %(judicial)s")
            % params
        )
    else:
        detail = _("第%(seq)s期支付期限 %(due)s；仲裁审查确认申请期限至 %(review)s，司法确认至 %(judicial)s") % params
    if windows.review.uncertain or windows.judicial.uncertain:
        detail += _("（节假日安排尚未配置，期限待核）")
    return [Finding(rule, detail=detail)]


def content_findings(
    texts: dict[str, str], items: Sequence[ItemLike], payments: Sequence[PaymentLike]
) -> list[Finding]:
    """(d) What an agreement must carry to be performed and enforced: a payment term for a positive amount;
    and, from practice, what was given up and how tax is borne."""
    out = []
    total = sum((i.amount_agreed for i in items), Decimal("0"))
    if total > 0 and not payments:
        out.append(Finding(DRAFT_RULES["no_payment_term"]))
    waived_note = texts.get("waived_note", "").strip()
    unexplained = [i for i in items if i.amount_agreed == 0 and i.amount_claimed and not i.note.strip()]
    if unexplained and not waived_note:
        labels = dict(ClaimType.choices)
        names = "、".join(str(labels.get(i.type, i.type)) for i in unexplained)
        out.append(Finding(DRAFT_RULES["waived_item_unexplained"], detail=names))
    if total > 0 and not texts.get("tax_note", "").strip():
        out.append(Finding(DRAFT_RULES["no_tax_note"]))
    return out


def check_draft(
    texts: dict[str, str],
    items: Sequence[ItemLike],
    payments: Sequence[PaymentLike],
    *,
    org_type: str,
    confirmed: bool,
    windows: Windows | None,
) -> list[Finding]:
    """Every finding on the draft, warnings first. Pure: the caller passes the texts, rows and windows."""
    found = [
        *enforcement_findings(texts, org_type=org_type, confirmed=confirmed),
        *waiver_findings(texts, items),
        *([] if confirmed else window_findings(payments, windows)),
        *content_findings(texts, items, payments),
    ]
    return sorted(found, key=lambda f: f.rule.severity != "warning")


def agreement_texts(agreement: Agreement) -> dict[str, str]:
    return {name: getattr(agreement, name) or "" for name, _label in TEXT_FIELDS}


def confirmation_windows(agreement: Agreement, today: dt.date) -> Windows:
    """The stored windows of an effective agreement; for a draft, the windows it would have if it took effect
    today (the earliest it can), counted as _make_effective counts them (rules.py, reference.calendar)."""
    if agreement.review_deadline is not None and agreement.judicial_deadline is not None:
        return Windows(agreement.review_deadline, agreement.judicial_deadline, estimated=False)
    calendar = work_calendar()  # once: each call checks the calendar's revision with a query
    return Windows(
        calendar_days_deadline(today, rules.ARBITRATION_REVIEW_DAYS, calendar),
        calendar_days_deadline(today, rules.JUDICIAL_CONFIRMATION_DAYS, calendar),
        estimated=True,
    )


def agreement_findings(agreement: Agreement, items: Sequence[ItemLike], payments: Sequence[PaymentLike], case: Case):
    today = legal_date(timezone.now())
    return check_draft(
        agreement_texts(agreement),
        items,
        payments,
        org_type=case.organisation.type_id,
        confirmed=agreement.confirmation_outcome == Agreement.Outcome.CONFIRMED,
        windows=confirmation_windows(agreement, today),
    )


# --- the panel --------------------------------------------------------------------------------------------


@dataclass
class ClaimSummary:
    claim: ClaimItem
    final: dict[str, Any] | None  # the calculator's last step (the amount and its rule), when one was kept
    bases: list[str]  # every distinct basis of the kept steps, in order
    recompute_url: str


def _summaries(claims: Iterable[ClaimItem], case: Case, can_act: bool) -> list[ClaimSummary]:
    out = []
    for c in claims:
        steps = [s for s in (c.explanation or []) if isinstance(s, dict)]
        bases: list[str] = []
        for s in steps:
            basis = s.get("basis") or ""
            if basis and basis not in bases:
                bases.append(basis)
        url = ""
        if can_act and case.is_open:
            name = CALCULATOR_FOR.get(c.type)
            base = reverse("calculators:calculator", args=[name]) if name else reverse("calculators:index")
            url = f"{base}?case={case.pk}"
        out.append(ClaimSummary(c, steps[-1] if steps else None, bases, url))
    return out


def _linked(citations: Iterable[Citation], urls: dict[tuple[str, int, int], str]) -> list[tuple[Citation, str | None]]:
    return [(c, urls.get((c.title, c.number, c.sub_number))) for c in citations]


def assistant_context(
    case: Case, claims: list[ClaimItem], agreement: Agreement | None, findings: list[Finding], can_act: bool
) -> dict[str, Any] | None:
    """The panel's content: 争议焦点 of the claim types the case has (only those), the calculator results, the
    findings on the draft. Two queries at most beyond what the caller loaded: the article links, in one."""
    types = list(dict.fromkeys(c.type for c in claims))
    labels = dict(ClaimType.choices)
    focus = [(t, labels.get(t, t), FOCUS[t]) for t in types if t in FOCUS]
    if not claims and agreement is None:
        return None
    cited = [c for _t, _label, points in focus for p in points for c in p.citations]
    cited += [c for f in findings for c in f.rule.citations]
    urls = article_urls((c.title, c.number, c.sub_number) for c in cited)
    for f in findings:
        f.links = _linked(f.rule.citations, urls)
    return {
        "focus": [
            {"type": t, "label": label, "points": [{"p": p, "links": _linked(p.citations, urls)} for p in pts]}
            for t, label, pts in focus
        ],
        "summaries": _summaries(claims, case, can_act),
        "agreement": agreement,
        "findings": findings,
        "warnings": sum(1 for f in findings if f.rule.severity == "warning"),
    }
