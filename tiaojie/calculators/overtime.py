"""加班费 (《劳动法》art 44; 劳社部发〔2008〕3号; docs/law.md §7).

Hourly wage = monthly wage ÷ (21.75 × 8). A working-day extension is paid at 150%, rest-day work for which
no time off in lieu was given at 200%, work on a statutory holiday at 300% of the hourly wage. The hourly
wage is kept as an exact fraction and the whole sum divided once, so 5000 × 150% × 2 ÷ 174 = 86.2069… and
only that total is rounded (→ 86.21).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .core import (
    HOURS_PER_DAY,
    PAY_DAYS_BASIS,
    PAY_DAYS_PER_MONTH,
    CalculatorInputError,
    FieldError,
    Result,
    Step,
    conclude,
    format_amount,
    format_number,
    yuan,
)

LABOUR_LAW = "《劳动法》"


@dataclass(frozen=True)
class OvertimeRate:
    field: str
    label: str
    percent: int
    basis: str


# 《劳动法》art 44 (一)–(三), as data with their source (docs/style.md habit 6).
RATES = (
    OvertimeRate("weekday_hours", "工作日延长工作时间", 150, f"{LABOUR_LAW}第四十四条第（一）项"),
    OvertimeRate("rest_day_hours", "休息日工作且未安排补休", 200, f"{LABOUR_LAW}第四十四条第（二）项"),
    OvertimeRate("holiday_hours", "法定休假日工作", 300, f"{LABOUR_LAW}第四十四条第（三）项"),
)


def hourly_wage(monthly_wage: Decimal) -> Fraction:
    return Fraction(monthly_wage) / (PAY_DAYS_PER_MONTH * HOURS_PER_DAY)


def overtime(
    *,
    monthly_wage: Decimal,
    weekday_hours: Decimal,
    rest_day_hours: Decimal,
    holiday_hours: Decimal,
) -> Result:
    hours = {"weekday_hours": weekday_hours, "rest_day_hours": rest_day_hours, "holiday_hours": holiday_hours}
    errors: list[FieldError] = []
    if monthly_wage < 0:
        errors.append({"field": "monthly_wage", "message": "月工资（monthly_wage）不能为负数"})
    for rate in RATES:
        if hours[rate.field] < 0:
            errors.append({"field": rate.field, "message": f"{rate.label}时数（{rate.field}）不能为负数"})
    if errors:
        raise CalculatorInputError(errors)

    hourly = hourly_wage(monthly_wage)
    steps = [
        Step(
            text=(
                f"小时工资 = 月工资 ÷ (月计薪天数 21.75 × 8 小时) = {yuan(monthly_wage)} ÷ 174"
                f" = {yuan(hourly)}"
                "（不舍入，带入后续计算）"
            ),
            value=format_number(hourly),
            basis=PAY_DAYS_BASIS,
        )
    ]
    total = Fraction(0)
    for rate in RATES:
        part = hourly * Fraction(hours[rate.field]) * Fraction(rate.percent, 100)
        total += part
        steps.append(
            Step(
                text=(
                    f"{rate.label}：{format_number(Fraction(hours[rate.field]))} 小时 × {rate.percent}%"
                    f" × 小时工资 = {yuan(part)}"
                ),
                value=format_amount(part),
                basis=rate.basis,
            )
        )
    return conclude(
        steps,
        total,
        text=f"加班费合计 {yuan(total)}，四舍五入到分",
        basis=f"{LABOUR_LAW}第四十四条",
        extra={"hourly_wage": format_number(hourly)},
    )
