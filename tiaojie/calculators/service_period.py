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

from .core import CalculatorInputError, FieldError, Result, Step, conclude, format_amount, gettext_noop, msg, show, yuan

LCL = "《劳动合同法》"
REGULATION = "《劳动合同法实施条例》"
YES_NO = (("no", gettext_noop("否")), ("yes", gettext_noop("是")))


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
                "message": msg("服务期届满日（service_end_date）不能早于服务期起始日（service_start_date）"),
            }
        )
    if left_on < service_start_date:
        errors.append(
            {"field": "left_on", "message": msg("离职日期（left_on）不能早于服务期起始日（service_start_date）")}
        )
    if errors:
        raise CalculatorInputError(errors)
    steps: list[Step] = []
    if resigned_under_art38 == "yes":
        steps.append(
            Step(
                text=msg("劳动者依第三十八条解除劳动合同，不属于违反服务期约定，用人单位不得要求支付违约金"),
                value="0",
                basis=f"{REGULATION}第二十六条第一款",
            )
        )
        return conclude(steps, Fraction(0), text=msg("服务期违约金 0 元"), basis=f"{REGULATION}第二十六条第一款")

    total_days = (service_end_date - service_start_date).days + 1
    unserved_days = max(0, (service_end_date - left_on).days)  # the day of leaving is served
    cost = Fraction(training_cost)
    steps.append(
        Step(
            text=msg(
                "培训费用 {cost}（有凭证的培训费、培训期间差旅费及因培训产生的其他直接费用）；违约金不得超过培训费用",
                cost=yuan(training_cost),
            ),
            value=format_amount(cost),
            basis=f"{LCL}第二十二条第二款；{REGULATION}第十六条",
        )
    )
    cap = cost * unserved_days / total_days
    steps.append(
        Step(
            text=msg(
                "服务期 {start} 至 {end} 共 {total} 天，{left} 离职，尚未履行 {unserved} 天；应分摊的培训费用 = "
                "{cost} × {unserved} ÷ {total} = {cap}（按日历天数分摊，系本计算口径）",
                start=service_start_date.isoformat(),
                end=service_end_date.isoformat(),
                total=total_days,
                left=left_on.isoformat(),
                unserved=unserved_days,
                cost=yuan(training_cost),
                cap=yuan(cap),
            ),
            value=show(cap, 4),
            basis=f"{LCL}第二十二条第二款",
        )
    )
    amount = cap
    if agreed_penalty is not None:
        if agreed_penalty <= cap:
            amount = Fraction(agreed_penalty)
            text = msg("约定的违约金 {agreed}不超过上限，按约定支付", agreed=yuan(agreed_penalty))
        else:
            text = msg("约定的违约金 {agreed}超过上限 {cap}，按上限支付", agreed=yuan(agreed_penalty), cap=yuan(cap))
        steps.append(Step(text=text, value=format_amount(amount), basis=f"{LCL}第二十二条第二款"))
    return conclude(
        steps,
        amount,
        text=msg("劳动者最多应支付的服务期违约金 {amount}，四舍五入到分", amount=yuan(amount)),
        basis=f"{LCL}第二十二条第二款、第二十五条",
        extra={"cap": format_amount(cap)},
    )
