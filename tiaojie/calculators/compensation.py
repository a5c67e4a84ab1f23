"""经济补偿 N and 违法解除赔偿金 2N (docs/law.md §7).

N (《劳动合同法》arts 46–47, 97; 实施条例 arts 22, 27): one month's wage per full year of service; a remaining
part of six months or more counts as one month, a remaining part under six months (but over zero) as half
a month. The wage is the 12-month average before the end, not below the local minimum wage. A wage
*higher than* three times the local average monthly wage is replaced by that triple and the years are
capped at twelve. A lawful art 39 dismissal pays nothing.

Service before 2008-01-01 follows the then rules (art 97 ¶3), ground by ground (`REASONS`): 劳部发〔1994〕481号
pays a month per year, caps at twelve months only mutual termination (art 5) and incompetence (art 7), raises
the wage to the enterprise's average for illness, an objective change and redundancy (arts 6, 8, 9 with 11),
and pays nothing for a contract's expiry; a worker who resigned before 2008 was paid only on the grounds of
法释〔2001〕14号 art 15. A generic "art 40" or "art 38" ground cannot say which rule applies, so for service
before 2008 the calculator asks for the precise clause instead of guessing.

2N (arts 48, 87; 实施条例 art 25): twice N, counted from the first day of employment without the 2008
split, with the same wage floor and 3× cap; it replaces N, never adds to it, and excludes 代通知金.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from .core import (
    LABOUR_CONTRACT_LAW_EFFECTIVE,
    CalculatorInputError,
    FieldError,
    Result,
    Service,
    Step,
    conclude,
    format_amount,
    format_money,
    format_number,
    gettext_noop,
    input_error,
    joined,
    measure_service,
    msg,
    yuan,
)

LCL = "《劳动合同法》"
REGULATION = "《劳动合同法实施条例》"
MEASURES_1994 = "《违反和解除劳动合同的经济补偿办法》（劳部发〔1994〕481号）"
INTERPRETATION_2001 = "《最高人民法院关于审理劳动争议案件适用法律若干问题的解释》（法释〔2001〕14号，已废止）"
# Not among the texts the project holds: the part-year rule for 481号 arts 6–9 comes from the ministry's
# explanation as commonly cited (docs/law.md §13, [U]).
EXPLANATION_1995 = "《关于〈违反和解除劳动合同的经济补偿办法〉的说明》（劳部发〔1995〕223号）"

# 481号 arts 5 and 7: "最多不超过十二个月" for mutual termination and for incompetence only.
PRE2008_CAP_MONTHS = 12
# 《劳动合同法》art 47 ¶2: "向其支付经济补偿的年限最高不超过十二年" once the 3× cap bites.
CAPPED_YEARS = 12


class TerminationReason(StrEnum):
    EMPLOYER_PROPOSED_MUTUAL = "employer_proposed_mutual"
    # Art 38 as a whole, kept for old inputs; the clauses below say which pre-2008 rule applies.
    EMPLOYEE_RESIGNED_ART38 = "employee_resigned_art38"
    ART38_CONDITIONS = "art38_1_1"
    ART38_PAY = "art38_1_2"
    ART38_SOCIAL_INSURANCE = "art38_1_3"
    ART38_RULES = "art38_1_4"
    ART38_INVALID_CONTRACT = "art38_1_5"
    ART38_FORCED_LABOUR = "art38_2"
    ART39 = "art39"
    # Art 40 as a whole, kept for old inputs and as the form's default; the clauses below differ before 2008.
    ART40 = "art40"
    ART40_ILLNESS = "art40_1"
    ART40_INCOMPETENCE = "art40_2"
    ART40_CHANGED_CIRCUMSTANCES = "art40_3"
    ART41 = "art41"
    CONTRACT_EXPIRED = "contract_expired"
    TASK_COMPLETED = "task_completed"
    BANKRUPTCY_OR_CLOSURE = "bankruptcy_or_closure"


@dataclass(frozen=True)
class ReasonRule:
    """One ground's treatment, every figure with the article it comes from (docs/style.md habit 6)."""

    label: str
    # Why N is owed (or, for art 39, why it is not) for service from 2008 on.
    basis: str
    pays: bool = True
    # "解除" for a dismissal or resignation, "终止" for an end by expiry, task or closure: the 2N text uses it.
    verb: str = "解除"
    # An art 40 dismissal: 代通知金 may be owed beside N (art 40, 实施条例 art 20).
    art40: bool = False
    # The worker resigned (art 38): owed N, never 2N.
    worker_resigned: bool = False
    # A generic ground whose clauses are treated differently before 2008: the clauses to choose from.
    pre2008_choose: tuple[TerminationReason, ...] = ()
    # A short name of a clause, for the message that asks for it.
    short: str = ""
    pre2008_pays: bool = True
    pre2008_cap_months: int | None = None
    # 481号 art 11 ¶2: the wage is raised to the enterprise's monthly average for arts 6, 8 and 9.
    pre2008_enterprise_floor: bool = False
    pre2008_basis: str = ""
    # A msgid (or a Text): the page translates it where it is shown inside a step.
    pre2008_note: str = ""
    # The ground named in the step that pays nothing for service before 2008 (its label without the bracket).
    pre2008_name: str = ""


_R = TerminationReason
_ART38_PRE2008 = (
    _R.ART38_CONDITIONS,
    _R.ART38_PAY,
    _R.ART38_SOCIAL_INSURANCE,
    _R.ART38_RULES,
    _R.ART38_INVALID_CONTRACT,
    _R.ART38_FORCED_LABOUR,
)
_ART38_UNCAPPED = gettext_noop("当时规定对此未设十二个月上限，本计算不封顶")
_NOT_IN_ART15 = msg(
    "{interpretation}第十五条未列此情形，2008 年前的工作年限不支付经济补偿", interpretation=INTERPRETATION_2001
)

# Rules as data with their source. Every entry is one ground; the N, 2N and 代通知金 calculations read it.
REASONS: dict[TerminationReason, ReasonRule] = {
    _R.EMPLOYER_PROPOSED_MUTUAL: ReasonRule(
        label=gettext_noop("用人单位提出、双方协商一致解除劳动合同"),
        basis=f"{LCL}第四十六条第（二）项、第三十六条",
        pre2008_cap_months=PRE2008_CAP_MONTHS,
        pre2008_basis=f"{MEASURES_1994}第五条",
    ),
    _R.EMPLOYEE_RESIGNED_ART38: ReasonRule(
        short=gettext_noop("第三十八条"),
        label=gettext_noop("劳动者因用人单位过错解除劳动合同（第三十八条，未区分具体情形）"),
        basis=f"{LCL}第四十六条第（一）项、第三十八条",
        worker_resigned=True,
        pre2008_choose=_ART38_PRE2008,
        pre2008_basis=f"{INTERPRETATION_2001}第十五条",
    ),
    _R.ART38_CONDITIONS: ReasonRule(
        short=gettext_noop("第一款第（一）项 未提供劳动保护或者劳动条件"),
        label=gettext_noop(
            "劳动者解除：用人单位未按照劳动合同约定提供劳动保护或者劳动条件（第三十八条第一款第（一）项）"
        ),
        basis=f"{LCL}第四十六条第（一）项、第三十八条第一款第（一）项",
        worker_resigned=True,
        pre2008_basis=f"{INTERPRETATION_2001}第十五条第（二）项",
        pre2008_note=_ART38_UNCAPPED,
    ),
    _R.ART38_PAY: ReasonRule(
        short=gettext_noop("第一款第（二）项 未及时足额支付劳动报酬"),
        label=gettext_noop("劳动者解除：用人单位未及时足额支付劳动报酬（第三十八条第一款第（二）项）"),
        basis=f"{LCL}第四十六条第（一）项、第三十八条第一款第（二）项",
        worker_resigned=True,
        pre2008_basis=f"{INTERPRETATION_2001}第十五条第（二）项至第（五）项",
        pre2008_note=_ART38_UNCAPPED,
    ),
    _R.ART38_SOCIAL_INSURANCE: ReasonRule(
        short=gettext_noop("第一款第（三）项 未依法缴纳社会保险费"),
        label=gettext_noop("劳动者解除：用人单位未依法为劳动者缴纳社会保险费（第三十八条第一款第（三）项）"),
        basis=f"{LCL}第四十六条第（一）项、第三十八条第一款第（三）项",
        worker_resigned=True,
        pre2008_pays=False,
        pre2008_basis=f"{INTERPRETATION_2001}第十五条",
        pre2008_note=_NOT_IN_ART15,
        pre2008_name=gettext_noop("劳动者解除：用人单位未依法为劳动者缴纳社会保险费"),
    ),
    _R.ART38_RULES: ReasonRule(
        short=gettext_noop("第一款第（四）项 规章制度违法"),
        label=gettext_noop(
            "劳动者解除：用人单位的规章制度违反法律、法规的规定，损害劳动者权益（第三十八条第一款第（四）项）"
        ),
        basis=f"{LCL}第四十六条第（一）项、第三十八条第一款第（四）项",
        worker_resigned=True,
        pre2008_pays=False,
        pre2008_basis=f"{INTERPRETATION_2001}第十五条",
        pre2008_note=_NOT_IN_ART15,
        pre2008_name=gettext_noop("劳动者解除：用人单位的规章制度违反法律、法规的规定，损害劳动者权益"),
    ),
    _R.ART38_INVALID_CONTRACT: ReasonRule(
        short=gettext_noop("第一款第（五）项 劳动合同无效"),
        label=gettext_noop("劳动者解除：因第二十六条第一款规定的情形致使劳动合同无效（第三十八条第一款第（五）项）"),
        basis=f"{LCL}第四十六条第（一）项、第三十八条第一款第（五）项",
        worker_resigned=True,
        pre2008_pays=False,
        pre2008_basis=f"{INTERPRETATION_2001}第十五条",
        pre2008_note=_NOT_IN_ART15,
        pre2008_name=gettext_noop("劳动者解除：因第二十六条第一款规定的情形致使劳动合同无效"),
    ),
    _R.ART38_FORCED_LABOUR: ReasonRule(
        short=gettext_noop("第二款 强迫劳动、强令冒险作业"),
        label=gettext_noop(
            "劳动者立即解除：以暴力、威胁或者非法限制人身自由的手段强迫劳动，或者违章指挥、强令冒险作业（第三十八条第二款）"
        ),
        basis=f"{LCL}第四十六条第（一）项、第三十八条第二款",
        worker_resigned=True,
        pre2008_basis=f"{INTERPRETATION_2001}第十五条第（一）项",
        # _ART38_UNCAPPED and what is unsure here, in one msgid.
        pre2008_note=gettext_noop(
            "当时规定对此未设十二个月上限，本计算不封顶；第十五条第（一）项只列暴力、威胁或者非法限制人身自由强迫劳动，"
            "违章指挥、强令冒险作业是否同样支付待核对"
        ),
    ),
    _R.ART39: ReasonRule(
        label=gettext_noop("过失性辞退（第三十九条：试用期不符合录用条件、严重违反规章制度、严重失职等）"),
        basis=f"{LCL}第三十九条、第四十六条",
        pays=False,
        pre2008_pays=False,
        pre2008_basis=f"《劳动法》第二十五条、第二十八条；{MEASURES_1994}第五条至第九条",
        pre2008_note=gettext_noop("过失性解除当时同样不支付经济补偿"),
    ),
    _R.ART40: ReasonRule(
        short=gettext_noop("第四十条"),
        label=gettext_noop("无过失性辞退（第四十条，未区分具体情形）"),
        basis=f"{LCL}第四十六条第（三）项、第四十条",
        art40=True,
        pre2008_choose=(_R.ART40_ILLNESS, _R.ART40_INCOMPETENCE, _R.ART40_CHANGED_CIRCUMSTANCES),
        pre2008_basis=f"{MEASURES_1994}第六条至第八条",
    ),
    _R.ART40_ILLNESS: ReasonRule(
        short=gettext_noop("第（一）项 患病或者非因工负伤"),
        label=gettext_noop(
            "无过失性辞退：患病或者非因工负伤，医疗期满后不能从事原工作也不能从事另行安排的工作（第四十条第（一）项）"
        ),
        basis=f"{LCL}第四十六条第（三）项、第四十条第（一）项",
        art40=True,
        pre2008_enterprise_floor=True,
        pre2008_basis=f"{MEASURES_1994}第六条、第十一条",
        pre2008_note=gettext_noop("当时规定不封顶；另应支付不低于六个月工资的医疗补助费（本计算未含，请另行核算）"),
    ),
    _R.ART40_INCOMPETENCE: ReasonRule(
        short=gettext_noop("第（二）项 不能胜任工作"),
        label=gettext_noop("无过失性辞退：不能胜任工作，经过培训或者调整工作岗位仍不能胜任（第四十条第（二）项）"),
        basis=f"{LCL}第四十六条第（三）项、第四十条第（二）项",
        art40=True,
        pre2008_cap_months=PRE2008_CAP_MONTHS,
        pre2008_basis=f"{MEASURES_1994}第七条",
    ),
    _R.ART40_CHANGED_CIRCUMSTANCES: ReasonRule(
        short=gettext_noop("第（三）项 客观情况发生重大变化"),
        label=gettext_noop(
            "无过失性辞退：订立合同时所依据的客观情况发生重大变化，协商未能就变更达成协议（第四十条第（三）项）"
        ),
        basis=f"{LCL}第四十六条第（三）项、第四十条第（三）项",
        art40=True,
        pre2008_enterprise_floor=True,
        pre2008_basis=f"{MEASURES_1994}第八条、第十一条",
        pre2008_note=gettext_noop("当时规定不封顶"),
    ),
    _R.ART41: ReasonRule(
        label=gettext_noop("经济性裁员（第四十一条）"),
        basis=f"{LCL}第四十六条第（四）项、第四十一条",
        pre2008_enterprise_floor=True,
        pre2008_basis=f"{MEASURES_1994}第九条、第十一条",
    ),
    _R.CONTRACT_EXPIRED: ReasonRule(
        label=gettext_noop("劳动合同期满终止（用人单位维持或者提高条件续订而劳动者不同意续订的除外）"),
        basis=f"{LCL}第四十六条第（五）项、第四十四条第（一）项",
        verb="终止",
        pre2008_pays=False,
        # Prose in a basis: a msg(), since the citation grammar reads titles and article numbers only.
        pre2008_basis=msg("《劳动法》第二十三条；{measures}未规定期满终止的经济补偿", measures=MEASURES_1994),
        pre2008_name=gettext_noop("劳动合同期满终止"),
    ),
    _R.TASK_COMPLETED: ReasonRule(
        label=gettext_noop("以完成一定工作任务为期限的劳动合同因任务完成而终止"),
        basis=f"{LCL}第四十六条第（七）项；{REGULATION}第二十二条",
        verb="终止",
        pre2008_pays=False,
        pre2008_basis=msg("《劳动法》第二十条、第二十三条；{measures}未规定合同终止的经济补偿", measures=MEASURES_1994),
        pre2008_note=gettext_noop("任务完成即合同期限届满，当时规定不支付经济补偿（待核对）"),
        pre2008_name=gettext_noop("以完成一定工作任务为期限的劳动合同因任务完成而终止"),
    ),
    _R.BANKRUPTCY_OR_CLOSURE: ReasonRule(
        label=gettext_noop("用人单位被依法宣告破产、被吊销营业执照、责令关闭、撤销或者决定提前解散而终止"),
        basis=f"{LCL}第四十六条第（六）项、第四十四条第（四）项、第（五）项",
        verb="终止",
        pre2008_basis=f"{MEASURES_1994}第九条（参照）",
        pre2008_note=gettext_noop(
            "2008 年前此类终止的补偿各地口径不一，本计算按每满一年一个月、不封顶计，请按当地规定核对"
        ),
    ),
}


def parse_reason(value: str) -> TerminationReason:
    try:
        return TerminationReason(value)
    except ValueError:
        options = joined([reason.value for reason in TerminationReason], "、")
        raise input_error(
            "termination_reason", msg("终止原因（termination_reason）须为以下之一：{options}", options=options)
        ) from None


def check_service_dates(start_date: dt.date, end_date: dt.date) -> None:
    if end_date < start_date:
        raise input_error("end_date", msg("离职日期（end_date）不能早于入职日期（start_date）"))


def art47_months(service: Service) -> Fraction:
    """《劳动合同法》art 47 ¶1: a month per full year; the rest ≥ 6 months → 1, > 0 and < 6 months → ½."""
    months = Fraction(service.years)
    if service.months_after_years >= 6:
        months += 1
    elif service.has_part_year:
        months += Fraction(1, 2)
    return months


def _art47_months_text(service: Service, months: Fraction) -> str:
    counts = {
        "years": service.years,
        "months": service.months_after_years,
        "days": service.days,
        "total": format_number(months),
    }
    if service.months_after_years >= 6:
        return msg(
            "满 {years} 年计 {years} 个月；剩余 {months} 个月 {days} 天，满六个月按一年计，计 1 个月；"
            "合计 {total} 个月",
            **counts,
        )
    if service.has_part_year:
        return msg(
            "满 {years} 年计 {years} 个月；剩余 {months} 个月 {days} 天，不满六个月，计半个月；合计 {total} 个月",
            **counts,
        )
    return msg("满 {years} 年计 {years} 个月；无不满一年的部分；合计 {total} 个月", **counts)


@dataclass(frozen=True)
class WageBase:
    wage: Decimal  # after the minimum-wage floor
    base: Decimal  # after the 3× cap
    capped: bool
    steps: list[Step]


def wage_base(
    monthly_wage: Decimal,
    local_minimum_wage: Decimal | None,
    local_average_monthly_wage: Decimal | None,
) -> WageBase:
    errors: list[FieldError] = []
    if monthly_wage < 0:
        errors.append({"field": "monthly_wage", "message": msg("月工资（monthly_wage）不能为负数")})
    if local_minimum_wage is not None and local_minimum_wage < 0:
        errors.append(
            {"field": "local_minimum_wage", "message": msg("当地最低工资标准（local_minimum_wage）不能为负数")}
        )
    if local_average_monthly_wage is not None and local_average_monthly_wage <= 0:
        errors.append(
            {
                "field": "local_average_monthly_wage",
                "message": msg("当地上年度职工月平均工资（local_average_monthly_wage）须大于零"),
            }
        )
    if errors:
        raise CalculatorInputError(errors)

    steps = [
        Step(
            text=msg(
                "月工资按解除或者终止前十二个月的平均工资计（工作不满十二个月的按实际工作月数平均）：{wage}",
                wage=yuan(monthly_wage),
            ),
            value=format_money(monthly_wage),
            basis=f"{LCL}第四十七条第三款；{REGULATION}第二十七条",
        )
    ]
    wage = monthly_wage
    if local_minimum_wage is not None and wage < local_minimum_wage:
        wage = local_minimum_wage
        steps.append(
            Step(
                text=msg(
                    "平均工资 {wage}低于当地最低工资标准 {minimum}，按最低工资标准计",
                    wage=yuan(monthly_wage),
                    minimum=yuan(local_minimum_wage),
                ),
                value=format_money(wage),
                basis=f"{REGULATION}第二十七条",
            )
        )

    base, capped = wage, False
    if local_average_monthly_wage is not None:
        triple = local_average_monthly_wage * 3
        # Art 47 ¶2 says "高于": a wage exactly equal to the triple is not capped.
        if wage > triple:
            base, capped = triple, True
            steps.append(
                Step(
                    text=msg(
                        "月工资 {wage}高于当地上年度职工月平均工资 {average}的三倍（{triple}），"
                        "计算基数按三倍计，补偿年限最高不超过十二年",
                        wage=yuan(wage),
                        average=yuan(local_average_monthly_wage),
                        triple=yuan(triple),
                    ),
                    value=format_money(base),
                    basis=f"{LCL}第四十七条第二款",
                )
            )
        else:
            steps.append(
                Step(
                    text=msg(
                        "月工资 {wage}不高于当地上年度职工月平均工资的三倍（{triple}），不封顶",
                        wage=yuan(wage),
                        triple=yuan(triple),
                    ),
                    value=format_money(base),
                    basis=f"{LCL}第四十七条第二款",
                )
            )
    return WageBase(wage=wage, base=base, capped=capped, steps=steps)


def _capped_months(months: Fraction, wage: WageBase, steps: list[Step]) -> Fraction:
    if wage.capped and months > CAPPED_YEARS:
        steps.append(
            Step(
                text=msg(
                    "月工资封顶后补偿年限最高十二年：{months} 个月按 {cap} 个月计",
                    months=format_number(months),
                    cap=CAPPED_YEARS,
                ),
                value=str(CAPPED_YEARS),
                basis=f"{LCL}第四十七条第二款",
            )
        )
        return Fraction(CAPPED_YEARS)
    return months


def _choose_clause(rule: ReasonRule) -> CalculatorInputError:
    options = joined(
        [msg("{clause}（{key}）", clause=REASONS[choice].short, key=choice.value) for choice in rule.pre2008_choose]
    )
    return input_error(
        "termination_reason",
        msg(
            "工作年限含 2008-01-01 以前的部分，当时的规定对{ground}的各项情形待遇不同"
            "（是否支付、是否封顶十二个月、有无工资下限），请选择具体情形：{options}",
            ground=rule.short,
            options=options,
        ),
    )


def _notice_pay_steps(rule: ReasonRule, last_month_wage: Decimal | None, steps: list[Step]) -> Fraction | None:
    """代通知金 shown beside an art 40 ground: it is owed on top of N, never part of it."""
    if not rule.art40:
        return None
    basis = f"{LCL}第四十条；{REGULATION}第二十条"
    if last_month_wage is None:
        steps.append(
            Step(
                text=msg(
                    "依第四十条解除，未提前三十日以书面形式通知劳动者本人的，另应额外支付一个月工资（代通知金），"
                    "按上一个月的工资标准确定；填写上一个月工资后在此一并列出"
                ),
                value=gettext_noop("另计"),
                basis=basis,
            )
        )
        return None
    amount = Fraction(last_month_wage)
    steps.append(
        Step(
            text=msg(
                "依第四十条解除，未提前三十日书面通知的，另应支付代通知金 1 × 上一个月工资 {wage}"
                " = {amount}（与经济补偿分别计算，不计入下方经济补偿合计）",
                wage=yuan(last_month_wage),
                amount=yuan(amount),
            ),
            value=format_amount(amount),
            basis=basis,
        )
    )
    return amount


def economic_compensation(
    *,
    start_date: dt.date,
    end_date: dt.date,
    monthly_wage: Decimal,
    local_average_monthly_wage: Decimal | None = None,
    local_minimum_wage: Decimal | None = None,
    termination_reason: str = TerminationReason.ART40,
    pre2008_monthly_wage: Decimal | None = None,
    enterprise_average_monthly_wage: Decimal | None = None,
    last_month_wage: Decimal | None = None,
) -> Result:
    """经济补偿 N (and, beside an art 40 ground, 代通知金)."""
    reason = parse_reason(termination_reason)
    check_service_dates(start_date, end_date)
    errors: list[FieldError] = []
    if pre2008_monthly_wage is not None and pre2008_monthly_wage < 0:
        errors.append(
            {
                "field": "pre2008_monthly_wage",
                "message": msg("2008 年前工作年限的月工资（pre2008_monthly_wage）不能为负数"),
            }
        )
    if enterprise_average_monthly_wage is not None and enterprise_average_monthly_wage < 0:
        errors.append(
            {
                "field": "enterprise_average_monthly_wage",
                "message": msg("企业月平均工资（enterprise_average_monthly_wage）不能为负数"),
            }
        )
    rule = REASONS[reason]
    if last_month_wage is not None and not rule.art40:
        errors.append(
            {
                "field": "last_month_wage",
                "message": msg(
                    "代通知金只在用人单位依第四十条解除且未提前三十日书面通知时支付；解除或者终止原因为"
                    "“{ground}”，不适用，请将上一个月工资（last_month_wage）留空",
                    ground=rule.label,
                ),
            }
        )
    if errors:
        raise CalculatorInputError(errors)
    if rule.pays and rule.pre2008_choose and start_date < LABOUR_CONTRACT_LAW_EFFECTIVE:
        raise _choose_clause(rule)
    wage = wage_base(monthly_wage, local_minimum_wage, local_average_monthly_wage)
    if not rule.pays:
        # Art 46 lists when N is owed; a dismissal for the worker's fault (art 39) is not among them, before
        # 2008 no more than after it (劳动法 art 25; 481号 pays only its arts 5–9).
        steps = [
            Step(
                text=msg(
                    "解除原因：{ground}。用人单位依第三十九条合法解除劳动合同的，不支付经济补偿；"
                    "如解除不符合第三十九条的条件，属违法解除，请改用违法解除赔偿金（2N）计算",
                    ground=rule.label,
                ),
                value=reason.value,
                basis=rule.basis,
            )
        ]
        return conclude(
            steps,
            Fraction(0),
            text=msg("经济补偿 {amount}", amount=yuan(Fraction(0))),
            basis=rule.basis,
            extra={"months": "0", "base_wage": format_money(wage.base), "capped": False},
        )
    steps = [
        Step(
            text=msg("解除或者终止原因：{ground}，用人单位应当支付经济补偿", ground=rule.label),
            # The value column is read by people (the web page, the case's claims, documents): never the key.
            value=gettext_noop("应支付经济补偿"),
            basis=rule.basis,
        ),
        *wage.steps,
    ]
    total = Fraction(0)
    months_total = Fraction(0)
    pre_wage = wage.wage

    # Art 97 ¶3: service before 2008-01-01 is compensated under the rules of the time, service from that day
    # under art 47. Both parts are counted separately; the 3× cap touches only the post-2008 part.
    post2008 = end_date >= LABOUR_CONTRACT_LAW_EFFECTIVE
    if start_date < LABOUR_CONTRACT_LAW_EFFECTIVE:
        pre_end = min(end_date, LABOUR_CONTRACT_LAW_EFFECTIVE - dt.timedelta(days=1))
        pre_service = measure_service(start_date, pre_end)
        if post2008:
            steps.append(
                Step(
                    text=msg(
                        "工作年限跨越 2008-01-01：此前的年限按当时规定计算，此后的年限自 2008-01-01 起"
                        "按《劳动合同法》计算，两段分别计算后相加"
                    ),
                    value=gettext_noop("分段计算"),
                    basis=f"{LCL}第九十七条第三款",
                )
            )
        pre_wage = _pre2008_wage(
            rule, monthly_wage, pre2008_monthly_wage, local_minimum_wage, enterprise_average_monthly_wage, steps
        )
        pre_years = pre_service.years + (1 if pre_service.has_part_year else 0)
        steps.append(
            Step(
                text=msg(
                    "2008 年前工作年限：{span}，共 {length}；当时规定每满一年一个月，不满一年按一年计，计 {years} 年",
                    span=pre_service.span(),
                    length=pre_service.describe(),
                    years=pre_years,
                ),
                value=str(pre_years),
                basis=f"{MEASURES_1994}第五条至第九条；{EXPLANATION_1995}",
            )
        )
        if not rule.pre2008_pays:
            pre_months = Fraction(0)
            steps.append(
                Step(
                    text=msg(
                        "2008 年前的工作年限：{ground}，{note}，此段计 0 个月",
                        ground=rule.pre2008_name or rule.label,
                        note=rule.pre2008_note or gettext_noop("当时规定不支付经济补偿"),
                    ),
                    value="0",
                    basis=rule.pre2008_basis,
                )
            )
        else:
            pre_months = Fraction(pre_years)
            if rule.pre2008_cap_months is not None and pre_months > rule.pre2008_cap_months:
                pre_months = Fraction(rule.pre2008_cap_months)
                text = msg(
                    "2008 年前部分计 {months} 个月，当时规定此情形最多不超过十二个月，按 {cap} 个月计",
                    months=pre_years,
                    cap=rule.pre2008_cap_months,
                )
            elif rule.pre2008_cap_months is not None:
                text = msg("2008 年前部分计 {months} 个月（当时规定此情形最多不超过十二个月）", months=pre_years)
            else:
                text = msg("2008 年前部分计 {months} 个月（当时规定此情形不设十二个月上限）", months=pre_years)
            if rule.pre2008_note:
                text = msg("{text}（{note}）", text=text, note=rule.pre2008_note)
            steps.append(Step(text=text, value=format_number(pre_months), basis=rule.pre2008_basis))
        pre_amount = pre_months * Fraction(pre_wage)
        steps.append(
            Step(
                text=msg(
                    "2008 年前部分：{months} 个月 × {wage}（不适用三倍封顶）= {amount}",
                    months=format_number(pre_months),
                    wage=yuan(pre_wage),
                    amount=yuan(pre_amount),
                ),
                value=format_amount(pre_amount),
                basis=f"{MEASURES_1994}第十一条；{LCL}第九十七条第三款",
            )
        )
        total += pre_amount
        months_total += pre_months
        if not post2008:
            steps.append(
                Step(
                    text=msg("劳动关系在 2008-01-01 前已结束，全部年限按当时规定计算"),
                    value="0",
                    basis=f"{LCL}第九十七条第三款",
                )
            )

    if post2008:
        post_service = measure_service(max(start_date, LABOUR_CONTRACT_LAW_EFFECTIVE), end_date)
        post_months = art47_months(post_service)
        steps.append(
            Step(
                text=msg("工作年限：{span}，共 {length}", span=post_service.span(), length=post_service.describe()),
                value=post_service.describe(),
                basis=f"{LCL}第四十七条第一款",
            )
        )
        steps.append(
            Step(
                text=_art47_months_text(post_service, post_months),
                value=format_number(post_months),
                basis=f"{LCL}第四十七条第一款",
            )
        )
        post_months = _capped_months(post_months, wage, steps)
        post_amount = post_months * Fraction(wage.base)
        steps.append(
            Step(
                text=msg(
                    "按《劳动合同法》计算部分：{months} 个月 × {wage} = {amount}",
                    months=format_number(post_months),
                    wage=yuan(wage.base),
                    amount=yuan(post_amount),
                ),
                value=format_amount(post_amount),
                basis=f"{LCL}第四十七条",
            )
        )
        total += post_amount
        months_total += post_months

    notice = _notice_pay_steps(rule, last_month_wage, steps)
    extra: dict[str, str | bool | None] = {
        "months": format_number(months_total),
        "base_wage": format_money(wage.base if post2008 else pre_wage),
        "capped": wage.capped and post2008,
    }
    if notice is not None:
        extra["notice_pay"] = format_amount(notice)
    return conclude(
        steps,
        total,
        text=(
            msg("经济补偿合计 {amount}，四舍五入到分", amount=yuan(total))
            if notice is None
            else msg("经济补偿合计 {amount}，四舍五入到分（代通知金另计，见上一步）", amount=yuan(total))
        ),
        basis=f"{LCL}第四十六条、第四十七条",
        extra=extra,
    )


def _pre2008_wage(
    rule: ReasonRule,
    monthly_wage: Decimal,
    pre2008_monthly_wage: Decimal | None,
    local_minimum_wage: Decimal | None,
    enterprise_average: Decimal | None,
    steps: list[Step],
) -> Decimal:
    # 481号 art 11 ¶1 also takes the average of the 12 months before termination, so the wage defaults to
    # the one above, and the same minimum-wage floor governed those months; the 3× cap does not reach it.
    pre_wage = monthly_wage if pre2008_monthly_wage is None else pre2008_monthly_wage
    if local_minimum_wage is not None and pre_wage < local_minimum_wage:
        pre_wage = local_minimum_wage
    if pre2008_monthly_wage is not None:
        steps.append(
            Step(
                text=(
                    msg("2008 年前部分的月工资另行提供：{wage}", wage=yuan(pre2008_monthly_wage))
                    if pre_wage == pre2008_monthly_wage
                    else msg(
                        "2008 年前部分的月工资另行提供：{wage}，低于当地最低工资标准，按最低工资标准计",
                        wage=yuan(pre2008_monthly_wage),
                    )
                ),
                value=format_money(pre_wage),
                basis=f"{MEASURES_1994}第十一条",
            )
        )
    if rule.pre2008_enterprise_floor:
        if enterprise_average is None:
            steps.append(
                Step(
                    text=msg(
                        "此情形下劳动者月平均工资低于企业月平均工资的，2008 年前部分按企业月平均工资计；"
                        "未填写企业月平均工资，未适用此下限"
                    ),
                    value=gettext_noop("未填写"),
                    basis=f"{MEASURES_1994}第十一条",
                )
            )
        elif pre_wage < enterprise_average:
            steps.append(
                Step(
                    text=msg(
                        "2008 年前部分的月工资 {wage}低于企业月平均工资 {average}，按企业月平均工资计",
                        wage=yuan(pre_wage),
                        average=yuan(enterprise_average),
                    ),
                    value=format_money(enterprise_average),
                    basis=f"{MEASURES_1994}第十一条",
                )
            )
            pre_wage = enterprise_average
        else:
            steps.append(
                Step(
                    text=msg(
                        "2008 年前部分的月工资 {wage}不低于企业月平均工资 {average}",
                        wage=yuan(pre_wage),
                        average=yuan(enterprise_average),
                    ),
                    value=format_money(pre_wage),
                    basis=f"{MEASURES_1994}第十一条",
                )
            )
    elif enterprise_average is not None:
        steps.append(
            Step(
                text=msg(
                    "企业月平均工资下限只适用于患病或非因工负伤、客观情况发生重大变化、经济性裁员三种情形"
                    "2008 年前的部分，本情形不适用，已忽略"
                ),
                value=gettext_noop("不适用"),
                basis=f"{MEASURES_1994}第十一条",
            )
        )
    return pre_wage


def unlawful_termination(
    *,
    start_date: dt.date,
    end_date: dt.date,
    monthly_wage: Decimal,
    local_average_monthly_wage: Decimal | None = None,
    local_minimum_wage: Decimal | None = None,
    termination_reason: str = TerminationReason.ART40,
    last_month_wage: Decimal | None = None,
) -> Result:
    """违法解除或者终止劳动合同的赔偿金 2N."""
    reason = parse_reason(termination_reason)
    check_service_dates(start_date, end_date)
    rule = REASONS[reason]
    if rule.worker_resigned:
        # Arts 48 and 87 sanction the employer's unlawful dismissal or termination; a worker who resigns
        # under art 38 is owed N (art 46 (一)), not 2N.
        raise input_error(
            "termination_reason",
            msg("劳动者依第三十八条解除劳动合同的，用人单位应支付经济补偿（N），不适用违法解除赔偿金（2N）"),
        )
    if last_month_wage is not None:
        # 代通知金 is the price of a *lawful* art 40 dismissal without notice; 2N replaces every consequence
        # of a lawful end (实施条例 art 25), so the two are not awarded together.
        raise input_error(
            "last_month_wage",
            msg(
                "主张违法解除赔偿金（2N）的，不再支付代通知金（额外一个月工资）：代通知金以依第四十条合法解除为前提。"
                "请将上一个月工资（last_month_wage）留空；如主张合法解除的经济补偿加代通知金，请改用经济补偿（N）计算"
            ),
        )
    if end_date < LABOUR_CONTRACT_LAW_EFFECTIVE:
        raise input_error(
            "end_date",
            msg("违法解除赔偿金（二倍经济补偿）依据《劳动合同法》，离职日期（end_date）须在 2008-01-01 或以后"),
        )
    wage = wage_base(monthly_wage, local_minimum_wage, local_average_monthly_wage)
    service = measure_service(start_date, end_date)
    months = art47_months(service)
    # The verb is part of the sentence, so each has its own msgid (a translation may word them differently).
    if rule.verb == "终止":
        ground = msg(
            "用人单位以“{ground}”为由终止劳动合同，但违反法律规定；劳动者不要求"
            "或者不能继续履行的，用人单位按经济补偿标准的二倍支付赔偿金，支付赔偿金的不再支付经济补偿",
            ground=rule.label,
        )
    else:
        ground = msg(
            "用人单位以“{ground}”为由解除劳动合同，但违反法律规定；劳动者不要求"
            "或者不能继续履行的，用人单位按经济补偿标准的二倍支付赔偿金，支付赔偿金的不再支付经济补偿",
            ground=rule.label,
        )
    steps = [
        Step(
            text=ground,
            value=gettext_noop("赔偿金 = 2 × 经济补偿"),
            basis=f"{LCL}第四十八条、第八十七条；{REGULATION}第二十五条",
        ),
        *wage.steps,
        Step(
            text=msg(
                "工作年限自用工之日起计算，不区分 2008 年前后：{span}，共 {length}",
                span=service.span(),
                length=service.describe(),
            ),
            value=service.describe(),
            basis=f"{REGULATION}第二十五条",
        ),
        Step(
            text=_art47_months_text(service, months),
            value=format_number(months),
            basis=f"{LCL}第四十七条第一款",
        ),
    ]
    months = _capped_months(months, wage, steps)
    single = months * Fraction(wage.base)
    total = 2 * single
    steps.append(
        Step(
            text=msg(
                "经济补偿标准：{months} 个月 × {wage} = {amount}",
                months=format_number(months),
                wage=yuan(wage.base),
                amount=yuan(single),
            ),
            value=format_amount(single),
            basis=f"{LCL}第四十七条",
        )
    )
    if rule.art40:
        steps.append(
            Step(
                text=msg("违法解除支付赔偿金的，不再另付第四十条的代通知金（额外一个月工资）"),
                value="0",
                basis=f"{LCL}第四十条、第八十七条；{REGULATION}第二十五条",
            )
        )
    return conclude(
        steps,
        total,
        text=msg("赔偿金 = 2 × {single} = {total}，四舍五入到分", single=yuan(single), total=yuan(total)),
        basis=f"{LCL}第八十七条",
        extra={"months": format_number(months), "base_wage": format_money(wage.base), "capped": wage.capped},
    )
