"""未签书面劳动合同的二倍工资 (《劳动合同法》art 82; 实施条例 arts 6–7; docs/law.md §7).

The claim is the *extra* one-fold wage for the months worked without a written contract, from the day after
one month of work until the day before the contract was signed, at most eleven months.

Day convention (pinned by tests): the hire day is day 1, and months are service months counted from it
(core.measure_service). Hired 2024-01-01: one month of work is complete at the end of 2024-01-31, so the
period starts 2024-02-01; it ends on the earliest of the day before signing, the last day worked
(end_date) and the last day of the first year of service (2024-12-31), which makes eleven months at most.

Part months are pro-rated by calendar days: the days worked in a service month ÷ the calendar days of that
service month. Calendar days need no holiday calendar, never make a part month worth more than a whole
one (as ÷ 21.75 working days could), and give exactly 1 for every full month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from .core import (
    LABOUR_CONTRACT_LAW_EFFECTIVE,
    CalculatorInputError,
    FieldError,
    Result,
    Step,
    add_months,
    conclude,
    day_before,
    format_number,
    gettext_noop,
    measure_service,
    show,
    yuan,
)

LCL = "《劳动合同法》"
REGULATION = "《劳动合同法实施条例》"
MAX_MONTHS = 11


def double_wage(
    *,
    start_date: dt.date,
    monthly_wage: Decimal,
    contract_signed_date: dt.date | None,
    end_date: dt.date,
) -> Result:
    errors: list[FieldError] = []
    if end_date < start_date:
        errors.append({"field": "end_date", "message": "计算截止日期（end_date）不能早于入职日期（start_date）"})
    if monthly_wage < 0:
        errors.append({"field": "monthly_wage", "message": "月工资（monthly_wage）不能为负数"})
    if errors:
        raise CalculatorInputError(errors)

    steps: list[Step] = []
    # Art 97 ¶2: a relationship that existed on 2008-01-01 without a written contract had one month from
    # that day to sign one, so the month of grace runs from 2008-01-01 for earlier hires.
    counted_from = max(start_date, LABOUR_CONTRACT_LAW_EFFECTIVE)
    if counted_from != start_date:
        steps.append(
            Step(
                text="用工始于 2008-01-01 之前，签订书面劳动合同的一个月期限自 2008-01-01 起算",
                value=counted_from.isoformat(),
                basis=f"{LCL}第九十七条第二款",
            )
        )
    period_start = add_months(counted_from, 1)
    first_year_end = day_before(add_months(counted_from, 12))
    steps.append(
        Step(
            text=(
                f"用工之日 {counted_from.isoformat()} 记为第 1 天；满一个月之日为 "
                f"{day_before(period_start).isoformat()}，二倍工资自其次日 {period_start.isoformat()} 起算"
            ),
            value=period_start.isoformat(),
            basis=f"{LCL}第十条第二款、第八十二条第一款；{REGULATION}第六条第二款",
        )
    )

    ends = [
        (end_date, "计算截止日（离职日）"),
        (first_year_end, "用工满一年前的最后一日（最多十一个月）"),
    ]
    if contract_signed_date is not None:
        ends.append((day_before(contract_signed_date), "补订书面劳动合同的前一日"))
    period_end, why = min(ends, key=lambda item: item[0])
    signed = "未签订" if contract_signed_date is None else f"于 {contract_signed_date.isoformat()} 签订"
    steps.append(
        Step(
            text=(
                f"书面劳动合同{signed}；截止日取补订合同的前一日、离职日、用工第一年最后一日"
                f"（{first_year_end.isoformat()}）中最早者：{why} {period_end.isoformat()}"
            ),
            value=period_end.isoformat(),
            basis=f"{REGULATION}第六条第二款、第七条",
        )
    )

    if period_end < period_start:
        steps.append(
            Step(
                text="截止日早于起算日：未满一个月即已签订书面劳动合同或已离职，无二倍工资",
                value="0",
                basis=f"{LCL}第十条第二款",
            )
        )
        return conclude(
            steps,
            Fraction(0),
            text="二倍工资差额为 0 元",
            basis=f"{LCL}第八十二条第一款",
            extra={"months": "0", "period_start": None, "period_end": None},
        )

    # Service months from the hire day up to period_end, less the first (grace) month.
    service = measure_service(counted_from, period_end)
    whole = service.months - 1
    months = whole + Fraction(service.days, service.month_length)
    fraction = f"{service.days} ÷ {service.month_length}"
    part = f"，另有 {service.days} 天按日历天数折算：{fraction}（该用工月的日历天数）" if service.days else ""
    steps.append(
        Step(
            text=(
                f"二倍工资期间 {period_start.isoformat()} 至 {period_end.isoformat()}（首尾两日均计入）："
                f"整月按自用工之日起的周年月计 {whole} 个月{part}，合计 {show(months, 4)} 个月"
            ),
            value=format_number(months),
            basis=f"{LCL}第八十二条第一款（按月支付，不足一个月的按该月日历天数折算，系本计算口径）",
        )
    )
    amount = months * Fraction(monthly_wage)
    return conclude(
        steps,
        amount,
        text=(
            f"正常工资已支付，另应支付一倍工资差额：{show(months, 4)} 个月 × {yuan(monthly_wage)}"
            f" = {yuan(amount)}，四舍五入到分"
        ),
        basis=f"{LCL}第八十二条第一款；{REGULATION}第六条、第七条",
        extra={
            "months": format_number(months),
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
        },
    )


# 《劳动合同法》art 14 ¶2: the cases where an open-ended contract must be concluded; art 14 ¶3 (a year without
# a written contract) is deemed open-ended already (实施条例 art 7), which art 82 ¶2 does not reach.
OPEN_ENDED_GROUNDS = (
    ("art14_2_1", gettext_noop("在该用人单位连续工作满十年（第十四条第二款第（一）项）")),
    (
        "art14_2_2",
        gettext_noop("初次实行劳动合同制度或者国有企业改制时，连续工作满十年且距法定退休年龄不足十年（第（二）项）"),
    ),
    (
        "art14_2_3",
        gettext_noop("连续订立二次固定期限劳动合同后续订，且无第三十九条和第四十条第一项、第二项情形（第（三）项）"),
    ),
    ("art14_3", gettext_noop("自用工之日起满一年未订立书面劳动合同（第十四条第三款，视为已订立无固定期限劳动合同）")),
)


def open_ended_double_wage(
    *,
    due_date: dt.date,
    monthly_wage: Decimal,
    end_date: dt.date,
    ground: str = "art14_2_1",
) -> Result:
    """二倍工资 for an open-ended contract the employer refused to conclude (art 82 ¶2): the extra one-fold wage
    from the day the open-ended contract should have been concluded to the day before it was, or the end date.

    The statute sets no eleven-month ceiling here (unlike art 82 ¶1 with 实施条例 art 7); the arbitration
    limitation (调解仲裁法 art 27) may bar the earlier months and is not applied by this calculator."""
    if end_date < due_date:
        raise CalculatorInputError(
            [
                {
                    "field": "end_date",
                    "message": "计算截止日期（end_date）不能早于应当订立无固定期限劳动合同之日（due_date）",
                }
            ]
        )
    labels = dict(OPEN_ENDED_GROUNDS)
    steps = [Step(text=f"应当订立无固定期限劳动合同的情形：{labels[ground]}", value=ground, basis=f"{LCL}第十四条")]
    if ground == "art14_3":
        steps.append(
            Step(
                text=(
                    "满一年未订立书面劳动合同的，视为自满一年之日起已订立无固定期限劳动合同，应立即补订书面合同；"
                    "此后不再支付第八十二条第二款的二倍工资（此前的二倍工资请用“未签订书面劳动合同的二倍工资”计算）"
                ),
                value="0",
                basis=f"{LCL}第十四条第三款；{REGULATION}第七条",
            )
        )
        return conclude(
            steps, Fraction(0), text="二倍工资差额为 0 元", basis=f"{REGULATION}第七条", extra={"months": "0"}
        )
    service = measure_service(due_date, end_date)
    months = service.months + Fraction(service.days, service.month_length)
    part = f"，另有 {service.days} 天按该月日历天数 {service.month_length} 天折算" if service.days else ""
    steps.append(
        Step(
            text=(
                f"自应当订立之日起算：{service.span()}，整月 {service.months} 个月{part}，"
                f"合计 {show(months, 4)} 个月（法律未设十一个月上限；仲裁时效可能限制较早的月份，本计算未适用）"
            ),
            value=format_number(months),
            basis=f"{LCL}第八十二条第二款（不足一个月的按日历天数折算，系本计算口径）",
        )
    )
    amount = months * Fraction(monthly_wage)
    return conclude(
        steps,
        amount,
        text=(
            f"正常工资已支付，另应支付一倍工资差额：{show(months, 4)} 个月 × {yuan(monthly_wage)}"
            f" = {yuan(amount)}，四舍五入到分"
        ),
        basis=f"{LCL}第八十二条第二款",
        extra={"months": format_number(months)},
    )
