"""经济补偿 N and 违法解除赔偿金 2N (docs/law.md §7).

N (《劳动合同法》arts 46–47, 97; 实施条例 art 27): one month's wage per full year of service; a remaining
part of six months or more counts as one month, a remaining part under six months (but over zero) as half
a month. The wage is the 12-month average before the end, not below the local minimum wage. A wage
*higher than* three times the local average monthly wage is replaced by that triple and the years are
capped at twelve. Service before 2008-01-01 follows the then rules (劳部发〔1994〕481号, via art 97 ¶3):
one month per year, a part-year counts as a full year, capped at twelve months for mutual termination and
incompetence, nothing for contract expiry, and no 3× cap.

2N (arts 48, 87; 实施条例 art 25): twice N, counted from the first day of employment without the 2008
split, with the same wage floor and 3× cap; it replaces N, never adds to it.
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
    input_error,
    measure_service,
    yuan,
)

LCL = "《劳动合同法》"
REGULATION = "《劳动合同法实施条例》"
MEASURES_1994 = "《违反和解除劳动合同的经济补偿办法》（劳部发〔1994〕481号）"

# 481号 arts 5 and 7: "最多不超过十二个月" for mutual termination and for incompetence.
PRE2008_CAP_MONTHS = 12
# 《劳动合同法》art 47 ¶2: "向其支付经济补偿的年限最高不超过十二年" once the 3× cap bites.
CAPPED_YEARS = 12


class TerminationReason(StrEnum):
    EMPLOYER_PROPOSED_MUTUAL = "employer_proposed_mutual"
    EMPLOYEE_RESIGNED_ART38 = "employee_resigned_art38"
    ART40 = "art40"
    ART41 = "art41"
    CONTRACT_EXPIRED = "contract_expired"
    BANKRUPTCY_OR_CLOSURE = "bankruptcy_or_closure"


@dataclass(frozen=True)
class ReasonRule:
    label: str
    art46_basis: str  # why N is owed for service from 2008 on
    pre2008_basis: str
    # The common case of 481号 is the default: service before 2008 pays, without a twelve-month cap; an entry
    # below names only where its reason differs.
    pre2008_pays: bool = True
    pre2008_cap_months: int | None = None
    pre2008_note: str = ""


# Rules as data with their source (docs/style.md habit 6). Every reason here gives N under art 46; they differ
# only in how service before 2008 was treated.
REASONS: dict[TerminationReason, ReasonRule] = {
    TerminationReason.EMPLOYER_PROPOSED_MUTUAL: ReasonRule(
        label="用人单位提出、双方协商一致解除劳动合同",
        art46_basis=f"{LCL}第四十六条第（二）项、第三十六条",
        pre2008_cap_months=PRE2008_CAP_MONTHS,
        pre2008_basis=f"{MEASURES_1994}第五条",
    ),
    TerminationReason.EMPLOYEE_RESIGNED_ART38: ReasonRule(
        label="劳动者因用人单位过错解除劳动合同（第三十八条）",
        art46_basis=f"{LCL}第四十六条第（一）项、第三十八条",
        pre2008_basis=(
            "《最高人民法院关于审理劳动争议案件适用法律若干问题的解释》（法释〔2001〕14号，已废止）第十五条"
        ),
        pre2008_note="当时规定对此未设十二个月上限，本计算不封顶",
    ),
    TerminationReason.ART40: ReasonRule(
        label="无过失性辞退（第四十条：患病或非因工负伤、不能胜任工作、客观情况发生重大变化）",
        art46_basis=f"{LCL}第四十六条第（三）项、第四十条",
        pre2008_cap_months=PRE2008_CAP_MONTHS,
        pre2008_basis=f"{MEASURES_1994}第六条至第八条",
        pre2008_note=(
            "本计算按“不能胜任工作”（第七条）封顶十二个月；若系患病或非因工负伤（第六条）、客观情况"
            "发生重大变化（第八条）解除，当时规定不封顶，患病解除另应支付不低于六个月工资的医疗补助费"
        ),
    ),
    TerminationReason.ART41: ReasonRule(
        label="经济性裁员（第四十一条）",
        art46_basis=f"{LCL}第四十六条第（四）项、第四十一条",
        pre2008_basis=f"{MEASURES_1994}第九条",
    ),
    TerminationReason.CONTRACT_EXPIRED: ReasonRule(
        label="劳动合同期满终止（用人单位维持或者提高条件续订而劳动者不同意续订的除外）",
        art46_basis=f"{LCL}第四十六条第（五）项、第四十四条第（一）项",
        pre2008_pays=False,
        pre2008_basis=f"《劳动法》第二十三条；{MEASURES_1994}未规定期满终止的经济补偿",
    ),
    TerminationReason.BANKRUPTCY_OR_CLOSURE: ReasonRule(
        label="用人单位被依法宣告破产、被吊销营业执照、责令关闭、撤销或者决定提前解散而终止",
        art46_basis=f"{LCL}第四十六条第（六）项、第四十四条第（四）项、第（五）项",
        pre2008_basis=f"{MEASURES_1994}第九条（参照）",
        pre2008_note=("2008 年前此类终止的补偿各地口径不一，本计算按每满一年一个月、不封顶计，请按当地规定核对"),
    ),
}


def parse_reason(value: str) -> TerminationReason:
    try:
        return TerminationReason(value)
    except ValueError:
        options = "、".join(reason.value for reason in TerminationReason)
        raise input_error("termination_reason", f"终止原因（termination_reason）须为以下之一：{options}") from None


def check_service_dates(start_date: dt.date, end_date: dt.date) -> None:
    if end_date < start_date:
        raise input_error("end_date", "离职日期（end_date）不能早于入职日期（start_date）")


def art47_months(service: Service) -> Fraction:
    """《劳动合同法》art 47 ¶1: a month per full year; the rest ≥ 6 months → 1, > 0 and < 6 months → ½."""
    months = Fraction(service.years)
    if service.months_after_years >= 6:
        months += 1
    elif service.has_part_year:
        months += Fraction(1, 2)
    return months


def _art47_months_text(service: Service, months: Fraction) -> str:
    rest = f"剩余 {service.months_after_years} 个月 {service.days} 天"
    if service.months_after_years >= 6:
        rest += "，满六个月按一年计，计 1 个月"
    elif service.has_part_year:
        rest += "，不满六个月，计半个月"
    else:
        rest = "无不满一年的部分"
    return f"满 {service.years} 年计 {service.years} 个月；{rest}；合计 {format_number(months)} 个月"


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
        errors.append({"field": "monthly_wage", "message": "月工资（monthly_wage）不能为负数"})
    if local_minimum_wage is not None and local_minimum_wage < 0:
        errors.append({"field": "local_minimum_wage", "message": "当地最低工资标准（local_minimum_wage）不能为负数"})
    if local_average_monthly_wage is not None and local_average_monthly_wage <= 0:
        errors.append(
            {
                "field": "local_average_monthly_wage",
                "message": "当地上年度职工月平均工资（local_average_monthly_wage）须大于零",
            }
        )
    if errors:
        raise CalculatorInputError(errors)

    steps = [
        Step(
            text=(
                f"月工资按解除或者终止前十二个月的平均工资计（工作不满十二个月的按实际工作月数平均）："
                f"{yuan(monthly_wage)}"
            ),
            value=format_money(monthly_wage),
            basis=f"{LCL}第四十七条第三款；{REGULATION}第二十七条",
        )
    ]
    wage = monthly_wage
    if local_minimum_wage is not None and wage < local_minimum_wage:
        wage = local_minimum_wage
        minimum = yuan(local_minimum_wage)
        steps.append(
            Step(
                text=f"平均工资 {yuan(monthly_wage)}低于当地最低工资标准 {minimum}，按最低工资标准计",
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
                    text=(
                        f"月工资 {yuan(wage)}高于当地上年度职工月平均工资 "
                        f"{yuan(local_average_monthly_wage)}的三倍（{yuan(triple)}），"
                        "计算基数按三倍计，补偿年限最高不超过十二年"
                    ),
                    value=format_money(base),
                    basis=f"{LCL}第四十七条第二款",
                )
            )
        else:
            steps.append(
                Step(
                    text=f"月工资 {yuan(wage)}不高于当地上年度职工月平均工资的三倍（{yuan(triple)}），不封顶",
                    value=format_money(base),
                    basis=f"{LCL}第四十七条第二款",
                )
            )
    return WageBase(wage=wage, base=base, capped=capped, steps=steps)


def _capped_months(months: Fraction, wage: WageBase, steps: list[Step]) -> Fraction:
    if wage.capped and months > CAPPED_YEARS:
        steps.append(
            Step(
                text=f"月工资封顶后补偿年限最高十二年：{format_number(months)} 个月按 {CAPPED_YEARS} 个月计",
                value=str(CAPPED_YEARS),
                basis=f"{LCL}第四十七条第二款",
            )
        )
        return Fraction(CAPPED_YEARS)
    return months


def economic_compensation(
    *,
    start_date: dt.date,
    end_date: dt.date,
    monthly_wage: Decimal,
    local_average_monthly_wage: Decimal | None = None,
    local_minimum_wage: Decimal | None = None,
    termination_reason: str = TerminationReason.ART40,
    pre2008_monthly_wage: Decimal | None = None,
) -> Result:
    """经济补偿 N."""
    reason = parse_reason(termination_reason)
    check_service_dates(start_date, end_date)
    if pre2008_monthly_wage is not None and pre2008_monthly_wage < 0:
        raise input_error("pre2008_monthly_wage", "2008 年前工作年限的月工资（pre2008_monthly_wage）不能为负数")
    rule = REASONS[reason]
    wage = wage_base(monthly_wage, local_minimum_wage, local_average_monthly_wage)
    steps = [
        Step(
            text=f"解除或者终止原因：{rule.label}，用人单位应当支付经济补偿",
            # The value column is read by people (the web page, the case's claims, documents): never the key.
            value="应支付经济补偿",
            basis=rule.art46_basis,
        ),
        *wage.steps,
    ]
    total = Fraction(0)
    months_total = Fraction(0)

    # Art 97 ¶3: service before 2008-01-01 is compensated under the rules of the time, service from that day
    # under art 47. Both parts are counted separately; the 3× cap touches only the post-2008 part.
    post2008 = end_date >= LABOUR_CONTRACT_LAW_EFFECTIVE
    if start_date < LABOUR_CONTRACT_LAW_EFFECTIVE:
        pre_end = min(end_date, LABOUR_CONTRACT_LAW_EFFECTIVE - dt.timedelta(days=1))
        pre_service = measure_service(start_date, pre_end)
        if post2008:
            steps.append(
                Step(
                    text=(
                        "工作年限跨越 2008-01-01：此前的年限按当时规定计算，此后的年限自 2008-01-01 起"
                        "按《劳动合同法》计算，两段分别计算后相加"
                    ),
                    value="分段计算",
                    basis=f"{LCL}第九十七条第三款",
                )
            )
        # Pre-2008 wage: 481号 art 11 also takes the average of the 12 months before termination, so it
        # defaults to the wage above, and the same minimum-wage floor governed those months; the 3× cap
        # does not reach this part.
        pre_wage = monthly_wage if pre2008_monthly_wage is None else pre2008_monthly_wage
        if local_minimum_wage is not None and pre_wage < local_minimum_wage:
            pre_wage = local_minimum_wage
        if pre2008_monthly_wage is not None:
            steps.append(
                Step(
                    text=(
                        f"2008 年前部分的月工资另行提供：{yuan(pre2008_monthly_wage)}"
                        + ("，低于当地最低工资标准，按最低工资标准计" if pre_wage != pre2008_monthly_wage else "")
                    ),
                    value=format_money(pre_wage),
                    basis=f"{MEASURES_1994}第十一条",
                )
            )
        pre_years = pre_service.years + (1 if pre_service.has_part_year else 0)
        steps.append(
            Step(
                text=(
                    f"2008 年前工作年限：{pre_service.span()}，共 {pre_service.describe()}；"
                    f"当时规定每满一年一个月，不满一年按一年计，计 {pre_years} 年"
                ),
                value=str(pre_years),
                basis=f"{MEASURES_1994}第五条至第九条",
            )
        )
        if not rule.pre2008_pays:
            pre_months = Fraction(0)
            steps.append(
                Step(
                    text="2008 年前劳动合同期满终止，当时规定不支付经济补偿，此段计 0 个月",
                    value="0",
                    basis=rule.pre2008_basis,
                )
            )
        else:
            pre_months = Fraction(pre_years)
            text = f"2008 年前部分计 {pre_years} 个月"
            if rule.pre2008_cap_months is not None and pre_months > rule.pre2008_cap_months:
                pre_months = Fraction(rule.pre2008_cap_months)
                text += f"，当时规定最多不超过十二个月，按 {rule.pre2008_cap_months} 个月计"
            elif rule.pre2008_cap_months is not None:
                text += "（当时规定最多不超过十二个月）"
            if rule.pre2008_note:
                text += f"（{rule.pre2008_note}）"
            steps.append(Step(text=text, value=format_number(pre_months), basis=rule.pre2008_basis))
        pre_amount = pre_months * Fraction(pre_wage)
        steps.append(
            Step(
                text=(
                    f"2008 年前部分：{format_number(pre_months)} 个月 × {yuan(pre_wage)}"
                    f"（不适用三倍封顶）= {yuan(pre_amount)}"
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
                    text="劳动关系在 2008-01-01 前已结束，全部年限按当时规定计算",
                    value="0",
                    basis=f"{LCL}第九十七条第三款",
                )
            )

    if post2008:
        post_service = measure_service(max(start_date, LABOUR_CONTRACT_LAW_EFFECTIVE), end_date)
        post_months = art47_months(post_service)
        steps.append(
            Step(
                text=f"工作年限：{post_service.span()}，共 {post_service.describe()}",
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
                text=(
                    f"按《劳动合同法》计算部分：{format_number(post_months)} 个月 × {yuan(wage.base)}"
                    f" = {yuan(post_amount)}"
                ),
                value=format_amount(post_amount),
                basis=f"{LCL}第四十七条",
            )
        )
        total += post_amount
        months_total += post_months

    return conclude(
        steps,
        total,
        text=f"经济补偿合计 {yuan(total)}，四舍五入到分",
        basis=f"{LCL}第四十六条、第四十七条",
        extra={
            "months": format_number(months_total),
            "base_wage": format_money(wage.base if post2008 else pre_wage),
            "capped": wage.capped and post2008,
        },
    )


def unlawful_termination(
    *,
    start_date: dt.date,
    end_date: dt.date,
    monthly_wage: Decimal,
    local_average_monthly_wage: Decimal | None = None,
    local_minimum_wage: Decimal | None = None,
    termination_reason: str = TerminationReason.ART40,
) -> Result:
    """违法解除或者终止劳动合同的赔偿金 2N."""
    reason = parse_reason(termination_reason)
    check_service_dates(start_date, end_date)
    if reason is TerminationReason.EMPLOYEE_RESIGNED_ART38:
        # Arts 48 and 87 sanction the employer's unlawful dismissal or termination; a worker who resigns
        # under art 38 is owed N (art 46 (一)), not 2N.
        raise input_error(
            "termination_reason",
            "劳动者依第三十八条解除劳动合同的，用人单位应支付经济补偿（N），不适用违法解除赔偿金（2N）",
        )
    if end_date < LABOUR_CONTRACT_LAW_EFFECTIVE:
        raise input_error(
            "end_date",
            "违法解除赔偿金（二倍经济补偿）依据《劳动合同法》，离职日期（end_date）须在 2008-01-01 或以后",
        )
    wage = wage_base(monthly_wage, local_minimum_wage, local_average_monthly_wage)
    service = measure_service(start_date, end_date)
    months = art47_months(service)
    steps = [
        Step(
            text=(
                f"用人单位以“{REASONS[reason].label}”为由解除或者终止劳动合同，但违反法律规定；劳动者不要求"
                "或者不能继续履行的，用人单位按经济补偿标准的二倍支付赔偿金，支付赔偿金的不再支付经济补偿"
            ),
            value="赔偿金 = 2 × 经济补偿",
            basis=f"{LCL}第四十八条、第八十七条；{REGULATION}第二十五条",
        ),
        *wage.steps,
        Step(
            text=f"工作年限自用工之日起计算，不区分 2008 年前后：{service.span()}，共 {service.describe()}",
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
            text=f"经济补偿标准：{format_number(months)} 个月 × {yuan(wage.base)} = {yuan(single)}",
            value=format_amount(single),
            basis=f"{LCL}第四十七条",
        )
    )
    return conclude(
        steps,
        total,
        text=f"赔偿金 = 2 × {yuan(single)} = {yuan(total)}，四舍五入到分",
        basis=f"{LCL}第八十七条",
        extra={"months": format_number(months), "base_wage": format_money(wage.base), "capped": wage.capped},
    )
