"""竞业限制经济补偿 (《劳动合同法》arts 23–24; 劳动争议解释一 arts 36, 39; docs/law.md §7).

Where the parties agreed a non-compete but no compensation, and the worker kept to it, the worker is owed each
month 30 % of the average monthly wage of the twelve months before the end of the contract, and not less than
the minimum wage of the place where the contract was performed (解释一 art 36). An agreed compensation governs
instead (art 37, as the parties set it). The restriction may not exceed two years (劳动合同法 art 24 ¶2), so no
more than 24 months are paid. When the employer releases the worker during the term, three more months of
compensation are owed (解释一 art 39 ¶2).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .core import (
    CalculatorInputError,
    FieldError,
    Result,
    Step,
    conclude,
    format_amount,
    format_number,
    gettext_noop,
    msg,
    yuan,
)

LCL = "《劳动合同法》"
INTERPRETATION = "《最高人民法院关于审理劳动争议案件适用法律问题的解释（一）》（法释〔2020〕26号）"
YES_NO = (("no", gettext_noop("否")), ("yes", gettext_noop("是")))

PERCENT = 30  # 解释一 art 36 ¶1
MAX_MONTHS = 24  # 劳动合同法 art 24 ¶2: "不得超过二年"
RELEASE_EXTRA_MONTHS = 3  # 解释一 art 39 ¶2


def non_compete(
    *,
    average_monthly_wage: Decimal,
    months_observed: Decimal,
    local_minimum_wage: Decimal | None = None,
    agreed_monthly_compensation: Decimal | None = None,
    released_by_employer: str = "no",
) -> Result:
    errors: list[FieldError] = []
    if months_observed > MAX_MONTHS:
        errors.append(
            {
                "field": "months_observed",
                "message": msg(
                    "竞业限制期限不得超过二年：已履行竞业限制的月数（months_observed）不能超过 {limit}",
                    limit=MAX_MONTHS,
                ),
            }
        )
    if errors:
        raise CalculatorInputError(errors)
    steps: list[Step] = []
    if agreed_monthly_compensation is not None:
        monthly = Fraction(agreed_monthly_compensation)
        steps.append(
            Step(
                text=msg("双方约定了竞业限制经济补偿，按约定每月 {monthly}", monthly=yuan(monthly)),
                value=format_amount(monthly),
                basis=f"{LCL}第二十三条第二款；{INTERPRETATION}第三十七条",
            )
        )
    else:
        monthly = Fraction(average_monthly_wage) * PERCENT / 100
        steps.append(
            Step(
                text=msg(
                    "未约定经济补偿：按解除或者终止前十二个月平均工资的 {percent}% 按月支付，"
                    "{average} × {percent}% = {monthly}",
                    percent=PERCENT,
                    average=yuan(average_monthly_wage),
                    monthly=yuan(monthly),
                ),
                value=format_amount(monthly),
                basis=f"{INTERPRETATION}第三十六条第一款",
            )
        )
        if local_minimum_wage is not None and monthly < local_minimum_wage:
            monthly = Fraction(local_minimum_wage)
            steps.append(
                Step(
                    text=msg("低于劳动合同履行地最低工资标准，按最低工资标准 {minimum}支付", minimum=yuan(monthly)),
                    value=format_amount(monthly),
                    basis=f"{INTERPRETATION}第三十六条第二款",
                )
            )
    months = Fraction(months_observed)
    amount = monthly * months
    steps.append(
        Step(
            text=msg(
                "劳动者已履行竞业限制 {months} 个月（不超过二年）：{monthly} × {months} = {amount}",
                months=format_number(months),
                monthly=yuan(monthly),
                amount=yuan(amount),
            ),
            value=format_amount(amount),
            basis=f"{LCL}第二十四条第二款；{INTERPRETATION}第三十六条",
        )
    )
    if released_by_employer == "yes":
        bonus = monthly * RELEASE_EXTRA_MONTHS
        amount += bonus
        steps.append(
            Step(
                text=msg(
                    "用人单位在竞业限制期限内解除竞业限制协议，另付三个月经济补偿：{extra} × {monthly} = {bonus}",
                    extra=RELEASE_EXTRA_MONTHS,
                    monthly=yuan(monthly),
                    bonus=yuan(bonus),
                ),
                value=format_amount(bonus),
                basis=f"{INTERPRETATION}第三十九条第二款",
            )
        )
    return conclude(
        steps,
        amount,
        text=msg("竞业限制经济补偿合计 {amount}，四舍五入到分", amount=yuan(amount)),
        basis=f"{LCL}第二十三条；{INTERPRETATION}第三十六条",
        extra={"monthly": format_amount(monthly)},
    )
