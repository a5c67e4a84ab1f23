"""未休年休假工资 (《职工带薪年休假条例》arts 3–5; 《企业职工带薪年休假实施办法》arts 4–5, 10–12).

Entitlement: 5 / 10 / 15 days a year for ≥ 1 / ≥ 10 / ≥ 20 cumulative years of work (0 below one year).
In a year of joining or leaving, the entitlement is pro-rated by calendar days ÷ 365 and fractions of a day
are dropped. Unused days are paid at 300% of the daily wage, but that 300% *includes* the 100% already paid
with the monthly wage, so the amount still owed is 200% × daily wage × unused days. Daily wage = the
12-month average wage without overtime ÷ 21.75.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

from .core import (
    PAY_DAYS_BASIS,
    PAY_DAYS_PER_MONTH,
    CalculatorInputError,
    FieldError,
    Result,
    Step,
    conclude,
    format_number,
    show,
    yuan,
)

REGULATION = "《职工带薪年休假条例》"
MEASURES = "《企业职工带薪年休假实施办法》"

# 条例 art 3, as (minimum cumulative years, days a year), highest first.
ENTITLEMENTS: tuple[tuple[int, int], ...] = ((20, 15), (10, 10), (1, 5))
# 实施办法 arts 5 and 12 divide by 365 in every year, leap or not.
DAYS_IN_LEAVE_YEAR = 365
# 条例 art 5 ¶3: 300% in all; 实施办法 art 10: that includes the normal wage already paid.
TOTAL_PERCENT = 300
OWED_PERCENT = 200

_COMPUTED_FIELDS = ("cumulative_years", "period_start", "period_end", "days_taken")
_LABELS = {
    "cumulative_years": "累计工作年限",
    "period_start": "本年度在本单位的起始日",
    "period_end": "本年度在本单位的截止日",
    "days_taken": "本年度已休年休假天数",
}


def entitlement(cumulative_years: Decimal) -> int:
    for years, days in ENTITLEMENTS:
        if cumulative_years >= years:
            return days
    return 0


def annual_leave(
    *,
    monthly_wage: Decimal,
    unused_days: Decimal | None = None,
    cumulative_years: Decimal | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    days_taken: Decimal | None = None,
) -> Result:
    errors: list[FieldError] = []
    if monthly_wage < 0:
        errors.append({"field": "monthly_wage", "message": "月平均工资（monthly_wage）不能为负数"})
    given = {
        "cumulative_years": cumulative_years,
        "period_start": period_start,
        "period_end": period_end,
        "days_taken": days_taken,
    }
    if unused_days is not None:
        if unused_days < 0:
            errors.append({"field": "unused_days", "message": "未休年休假天数（unused_days）不能为负数"})
        for name, value in given.items():
            if value is not None:
                errors.append(
                    {
                        "field": name,
                        "message": f"已直接填写未休天数（unused_days），请勿再填写{_LABELS[name]}（{name}）",
                    }
                )
    else:
        for name, value in given.items():
            if value is None:
                errors.append(
                    {
                        "field": name,
                        "message": (f"请填写{_LABELS[name]}（{name}），或直接填写未休年休假天数（unused_days）"),
                    }
                )
        if cumulative_years is not None and cumulative_years < 0:
            errors.append({"field": "cumulative_years", "message": "累计工作年限（cumulative_years）不能为负数"})
        if days_taken is not None and days_taken < 0:
            errors.append({"field": "days_taken", "message": "已休年休假天数（days_taken）不能为负数"})
        if period_start is not None and period_end is not None:
            if period_end < period_start:
                errors.append(
                    {
                        "field": "period_end",
                        "message": "本年度截止日（period_end）不能早于起始日（period_start）",
                    }
                )
            elif period_end.year != period_start.year:
                # 实施办法 arts 5 and 12 pro-rate within one 年度 (the calendar year).
                errors.append(
                    {
                        "field": "period_end",
                        "message": ("年休假按自然年度折算：起始日（period_start）与截止日（period_end）须在同一年"),
                    }
                )
    if errors:
        raise CalculatorInputError(errors)

    steps: list[Step] = []
    if unused_days is not None:
        days = Fraction(unused_days)
        steps.append(
            Step(
                text=f"应休未休年休假天数（直接提供）：{format_number(days)} 天",
                value=format_number(days),
                basis=f"{REGULATION}第五条第三款",
            )
        )
    else:
        assert cumulative_years is not None and period_start is not None and period_end is not None
        assert days_taken is not None
        yearly = entitlement(cumulative_years)
        steps.append(
            Step(
                text=(
                    f"累计工作 {format_number(Fraction(cumulative_years))} 年，全年应休年休假 {yearly} 天"
                    "（已满 1 年不满 10 年 5 天，已满 10 年不满 20 年 10 天，已满 20 年 15 天）"
                ),
                value=str(yearly),
                basis=f"{REGULATION}第三条；{MEASURES}第四条",
            )
        )
        calendar_days = (period_end - period_start).days + 1
        counted = min(calendar_days, DAYS_IN_LEAVE_YEAR)
        raw = Fraction(counted, DAYS_IN_LEAVE_YEAR) * yearly - Fraction(days_taken)
        leap_note = "（闰年全年 366 天按 365 天计，折算不超过全年应休天数）" if counted != calendar_days else ""
        steps.append(
            Step(
                text=(
                    f"当年度在本单位的日历天数：{period_start.isoformat()} 至 {period_end.isoformat()}"
                    f"（首尾两日均计入）共 {calendar_days} 天{leap_note}；折算：{counted} ÷ 365 × {yearly}"
                    f" − 已休 {format_number(Fraction(days_taken))} 天 = {show(raw)} 天"
                ),
                value=format_number(raw),
                basis=f"{MEASURES}第五条、第十二条第二款",
            )
        )
        if raw < 0:
            days = Fraction(0)
            steps.append(
                Step(
                    text="当年已安排的年休假多于折算应休天数，多出部分不再扣回，未休天数计 0 天",
                    value="0",
                    basis=f"{MEASURES}第十二条第三款",
                )
            )
        else:
            days = Fraction(math.floor(raw))
            steps.append(
                Step(
                    text=f"折算后不足 1 整天的部分不支付：未休年休假 {format_number(days)} 天",
                    value=format_number(days),
                    basis=f"{MEASURES}第十二条第一款",
                )
            )

    daily = Fraction(monthly_wage) / PAY_DAYS_PER_MONTH
    steps.append(
        Step(
            text=(
                f"日工资 = 前十二个月剔除加班工资后的月平均工资 {yuan(monthly_wage)} ÷ 21.75 = {yuan(daily)}"
                "（不舍入，带入后续计算）"
            ),
            value=format_number(daily),
            basis=f"{MEASURES}第十一条；{PAY_DAYS_BASIS}",
        )
    )
    steps.append(
        Step(
            text=(
                f"应休未休的年休假按日工资的 {TOTAL_PERCENT}% 支付，其中包含已随月工资发放的正常工作期间工资"
                f"（100%），尚应支付 {OWED_PERCENT}%"
            ),
            value=f"{OWED_PERCENT}%",
            basis=f"{REGULATION}第五条第三款；{MEASURES}第十条第一款",
        )
    )
    amount = daily * days * Fraction(OWED_PERCENT, 100)
    return conclude(
        steps,
        amount,
        text=(
            f"未休年休假工资 = {OWED_PERCENT}% × {yuan(daily)} × {format_number(days)} 天"
            f" = {yuan(amount)}，四舍五入到分"
        ),
        basis=f"{MEASURES}第十条第一款",
        extra={"unused_days": format_number(days), "daily_wage": format_number(daily)},
    )
