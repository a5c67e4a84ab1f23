"""服务期违约金的上限 (《劳动合同法》arts 22, 25; 实施条例 arts 16, 26; docs/law.md §7).

A worker who breaks an agreed service period owes the agreed penalty, but never more than the training cost
the employer paid (art 22 ¶2), and the employer may ask no more than the part of that cost apportioned to the
unserved part of the period. Training cost means the documented fees, travel during training and other direct
costs for this worker (实施条例 art 16). A worker who resigns under art 38 breaks nothing (实施条例 art 26 ¶1).

Apportioning (本项目口径): by calendar days, the first and the last day of the period both counted, so the cap is
cost × unserved days ÷ days of the period.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from .core import CalculatorInputError, FieldError, Result, Step, conclude, format_amount, show, yuan

LCL = "《劳动合同法》"
REGULATION = "《劳动合同法实施条例》"
YES_NO = (("no", "否"), ("yes", "是"))


def service_period_penalty(
    *,
    training_cost: Decimal,
    service_start_date: dt.date,
    service_end_date: dt.date,
    left_on: dt.date,
    agreed_penalty: Decimal | None = None,
    resigned_under_art38: str = "no",
) -> Result:
    errors: list[FieldError] = []
    if service_end_date < service_start_date:
        errors.append(
            {
                "field": "service_end_date",
                "message": "服务期届满日（service_end_date）不能早于服务期起始日（service_start_date）",
            }
        )
    if left_on < service_start_date:
        errors.append({"field": "left_on", "message": "离职日期（left_on）不能早于服务期起始日（service_start_date）"})
    if errors:
        raise CalculatorInputError(errors)
    steps: list[Step] = []
    if resigned_under_art38 == "yes":
        steps.append(
            Step(
                text="劳动者依第三十八条解除劳动合同，不属于违反服务期约定，用人单位不得要求支付违约金",
                value="0",
                basis=f"{REGULATION}第二十六条第一款",
            )
        )
        return conclude(steps, Fraction(0), text="服务期违约金 0 元", basis=f"{REGULATION}第二十六条第一款")

    total_days = (service_end_date - service_start_date).days + 1
    unserved_days = max(0, (service_end_date - left_on).days)  # the day of leaving is served
    cost = Fraction(training_cost)
    steps.append(
        Step(
            text=(
                f"培训费用 {yuan(training_cost)}（有凭证的培训费、培训期间差旅费及因培训产生的其他直接费用）；"
                f"违约金不得超过培训费用"
            ),
            value=format_amount(cost),
            basis=f"{LCL}第二十二条第二款；{REGULATION}第十六条",
        )
    )
    cap = cost * unserved_days / total_days
    steps.append(
        Step(
            text=(
                f"服务期 {service_start_date.isoformat()} 至 {service_end_date.isoformat()} 共 {total_days} 天，"
                f"{left_on.isoformat()} 离职，尚未履行 {unserved_days} 天；应分摊的培训费用 = "
                f"{yuan(training_cost)} × {unserved_days} ÷ {total_days} = {yuan(cap)}（按日历天数分摊，系本计算口径）"
            ),
            value=show(cap, 4),
            basis=f"{LCL}第二十二条第二款",
        )
    )
    amount = cap
    if agreed_penalty is not None:
        if agreed_penalty <= cap:
            amount = Fraction(agreed_penalty)
            text = f"约定的违约金 {yuan(agreed_penalty)}不超过上限，按约定支付"
        else:
            text = f"约定的违约金 {yuan(agreed_penalty)}超过上限 {yuan(cap)}，按上限支付"
        steps.append(Step(text=text, value=format_amount(amount), basis=f"{LCL}第二十二条第二款"))
    return conclude(
        steps,
        amount,
        text=f"劳动者最多应支付的服务期违约金 {yuan(amount)}，四舍五入到分",
        basis=f"{LCL}第二十二条第二款、第二十五条",
        extra={"cap": format_amount(cap)},
    )
