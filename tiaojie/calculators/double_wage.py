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

Given `application_date` (the day arbitration is or was applied for, or the limitation interrupted), both
calculators warn about the months already out of time (调解仲裁法 art 27; docs/law.md §5a): a warning step and
`time_barred` in the result, never a silently smaller amount.
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
    Text,
    add_months,
    conclude,
    day_before,
    format_money,
    format_number,
    gettext_noop,
    measure_service,
    msg,
    round_yuan,
    show,
    yuan,
)
from .limitation import LIMITATION_YEAR_BASIS, YEAR_BASIS, Calendar, WeekendsOnly, one_year_from

LCL = "《劳动合同法》"
REGULATION = "《劳动合同法实施条例》"
MAX_MONTHS = 11


def double_wage(
    *,
    start_date: dt.date,
    monthly_wage: Decimal,
    contract_signed_date: dt.date | None,
    end_date: dt.date,
    application_date: dt.date | None = None,
    calendar: Calendar | None = None,
) -> Result:
    errors: list[FieldError] = []
    if end_date < start_date:
        errors.append({"field": "end_date", "message": msg("计算截止日期（end_date）不能早于入职日期（start_date）")})
    if monthly_wage < 0:
        errors.append({"field": "monthly_wage", "message": msg("月工资（monthly_wage）不能为负数")})
    if errors:
        raise CalculatorInputError(errors)

    steps: list[Step] = []
    # Art 97 ¶2: a relationship that existed on 2008-01-01 without a written contract had one month from
    # that day to sign one, so the month of grace runs from 2008-01-01 for earlier hires.
    counted_from = max(start_date, LABOUR_CONTRACT_LAW_EFFECTIVE)
    if counted_from != start_date:
        steps.append(
            Step(
                text=msg("用工始于 2008-01-01 之前，签订书面劳动合同的一个月期限自 2008-01-01 起算"),
                value=counted_from.isoformat(),
                basis=f"{LCL}第九十七条第二款",
            )
        )
    period_start = add_months(counted_from, 1)
    first_year_end = day_before(add_months(counted_from, 12))
    steps.append(
        Step(
            text=msg(
                "用工之日 {hired} 记为第 1 天；满一个月之日为 {month_done}，二倍工资自其次日 {start} 起算",
                hired=counted_from.isoformat(),
                month_done=day_before(period_start).isoformat(),
                start=period_start.isoformat(),
            ),
            value=period_start.isoformat(),
            basis=f"{LCL}第十条第二款、第八十二条第一款；{REGULATION}第六条第二款",
        )
    )

    ends = [
        (end_date, gettext_noop("计算截止日（离职日）")),
        (first_year_end, gettext_noop("用工满一年前的最后一日（最多十一个月）")),
    ]
    if contract_signed_date is not None:
        ends.append((day_before(contract_signed_date), gettext_noop("补订书面劳动合同的前一日")))
    period_end, why = min(ends, key=lambda item: item[0])
    signed = (
        msg("未签订") if contract_signed_date is None else msg("于 {day} 签订", day=contract_signed_date.isoformat())
    )
    steps.append(
        Step(
            text=msg(
                "书面劳动合同{signed}；截止日取补订合同的前一日、离职日、用工第一年最后一日"
                "（{first_year_end}）中最早者：{why} {end}",
                signed=signed,
                first_year_end=first_year_end.isoformat(),
                why=why,
                end=period_end.isoformat(),
            ),
            value=period_end.isoformat(),
            basis=f"{REGULATION}第六条第二款、第七条",
        )
    )

    if period_end < period_start:
        steps.append(
            Step(
                text=msg("截止日早于起算日：未满一个月即已签订书面劳动合同或已离职，无二倍工资"),
                value="0",
                basis=f"{LCL}第十条第二款",
            )
        )
        return conclude(
            steps,
            Fraction(0),
            text=msg("二倍工资差额为 0 元"),
            basis=f"{LCL}第八十二条第一款",
            extra={"months": "0", "period_start": None, "period_end": None},
        )

    # Service months from the hire day up to period_end, less the first (grace) month.
    service = measure_service(counted_from, period_end)
    whole = service.months - 1
    months = whole + Fraction(service.days, service.month_length)
    part = (
        msg(
            "，另有 {days} 天按日历天数折算：{days} ÷ {month_length}（该用工月的日历天数）",
            days=service.days,
            month_length=service.month_length,
        )
        if service.days
        else ""
    )
    steps.append(
        Step(
            text=msg(
                "二倍工资期间 {start} 至 {end}（首尾两日均计入）："
                "整月按自用工之日起的周年月计 {whole} 个月{part}，合计 {months} 个月",
                start=period_start.isoformat(),
                end=period_end.isoformat(),
                whole=whole,
                part=part,
                months=show(months, 4),
            ),
            value=format_number(months),
            basis=msg(
                "{citation}（按月支付，不足一个月的按该月日历天数折算，系本计算口径）",
                citation=f"{LCL}第八十二条第一款",
            ),
        )
    )
    amount = months * Fraction(monthly_wage)
    extra: dict[str, str | bool | None] = {
        "months": format_number(months),
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
    }
    if application_date is not None:
        month_list = _service_months(counted_from, 1, service.months, service.days, service.month_length, period_end)
        steps += _limitation_steps(month_list, monthly_wage, application_date, calendar, extra)
    return conclude(
        steps,
        amount,
        text=_difference_text(months, monthly_wage, amount),
        basis=f"{LCL}第八十二条第一款；{REGULATION}第六条、第七条",
        extra=extra,
    )


def _difference_text(months: Fraction, monthly_wage: Decimal, amount: Fraction) -> Text:
    return msg(
        "正常工资已支付，另应支付一倍工资差额：{months} 个月 × {wage} = {amount}，四舍五入到分",
        months=show(months, 4),
        wage=yuan(monthly_wage),
        amount=yuan(amount),
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
    application_date: dt.date | None = None,
    calendar: Calendar | None = None,
) -> Result:
    """二倍工资 for an open-ended contract the employer refused to conclude (art 82 ¶2): the extra one-fold wage
    from the day the open-ended contract should have been concluded to the day before it was, or the end date.

    The statute sets no eleven-month ceiling here (unlike art 82 ¶1 with 实施条例 art 7); the arbitration
    limitation (调解仲裁法 art 27) may bar the earlier months: given `application_date`, they are warned about."""
    if end_date < due_date:
        raise CalculatorInputError(
            [
                {
                    "field": "end_date",
                    "message": msg("计算截止日期（end_date）不能早于应当订立无固定期限劳动合同之日（due_date）"),
                }
            ]
        )
    labels = dict(OPEN_ENDED_GROUNDS)
    steps = [
        Step(
            text=msg("应当订立无固定期限劳动合同的情形：{ground}", ground=labels[ground]),
            value=ground,
            basis=f"{LCL}第十四条",
        )
    ]
    if ground == "art14_3":
        steps.append(
            Step(
                text=msg(
                    "满一年未订立书面劳动合同的，视为自满一年之日起已订立无固定期限劳动合同，应立即补订书面合同；"
                    "此后不再支付第八十二条第二款的二倍工资（此前的二倍工资请用“未签订书面劳动合同的二倍工资”计算）"
                ),
                value="0",
                basis=f"{LCL}第十四条第三款；{REGULATION}第七条",
            )
        )
        return conclude(
            steps, Fraction(0), text=msg("二倍工资差额为 0 元"), basis=f"{REGULATION}第七条", extra={"months": "0"}
        )
    service = measure_service(due_date, end_date)
    months = service.months + Fraction(service.days, service.month_length)
    part = (
        msg(
            "，另有 {days} 天按该月日历天数 {month_length} 天折算", days=service.days, month_length=service.month_length
        )
        if service.days
        else ""
    )
    limitation_note = (
        msg("（法律未设十一个月上限；仲裁时效可能限制较早的月份，本计算未适用）")
        if application_date is None
        else msg("（法律未设十一个月上限；仲裁时效见下一步）")
    )
    steps.append(
        Step(
            text=msg(
                "自应当订立之日起算：{start} 至 {end}（首尾两日均计入），"
                "整月 {whole} 个月{part}，合计 {months} 个月{note}",
                start=service.start.isoformat(),
                end=service.end.isoformat(),
                whole=service.months,
                part=part,
                months=show(months, 4),
                note=limitation_note,
            ),
            value=format_number(months),
            basis=msg("{citation}（不足一个月的按日历天数折算，系本计算口径）", citation=f"{LCL}第八十二条第二款"),
        )
    )
    amount = months * Fraction(monthly_wage)
    extra: dict[str, str | bool | None] = {"months": format_number(months)}
    if application_date is not None:
        month_list = _service_months(due_date, 0, service.months, service.days, service.month_length, end_date)
        steps += _limitation_steps(month_list, monthly_wage, application_date, calendar, extra)
    return conclude(
        steps,
        amount,
        text=_difference_text(months, monthly_wage, amount),
        basis=f"{LCL}第八十二条第二款",
        extra=extra,
    )


# --- the arbitration limitation of each month (调解仲裁法 art 27; docs/law.md §5a) ---------------------------
#
# The national text says only "one year from when the right was known infringed". Whether each month's double
# wage has its own year (from that month's end) or the whole claim runs from the last month of the period is
# disputed in local practice. The calculators take the reading that warns earlier, each month separately, so
# a worker is never told a month is in time that a commission may hold barred (本项目口径, 待核对: §13).
EACH_MONTH_BASIS = msg(
    "{citation}（二倍工资逐月计算仲裁时效，自各月届满之日起算，系本项目口径，待核对）",
    citation=LIMITATION_YEAR_BASIS,
)


def _service_months(
    anchor: dt.date, first: int, months: int, days: int, month_length: int, period_end: dt.date
) -> list[tuple[dt.date, dt.date, Fraction]]:
    """The whole service months `first`..`months - 1` counted from `anchor`, then the part month of `days`
    days ending on `period_end`, each as (first day, last day, weight)."""
    out = [(add_months(anchor, k), day_before(add_months(anchor, k + 1)), Fraction(1)) for k in range(first, months)]
    if days:
        out.append((add_months(anchor, months), period_end, Fraction(days, month_length)))
    return out


def _limitation_steps(
    month_list: list[tuple[dt.date, dt.date, Fraction]],
    monthly_wage: Decimal,
    application_date: dt.date,
    calendar: Calendar | None,
    extra: dict[str, str | bool | None],
) -> list[Step]:
    calendar = calendar or WeekendsOnly()
    barred = [m for m in month_list if application_date > one_year_from(m[1], calendar).last_day]
    barred_months = sum((m[2] for m in barred), start=Fraction(0))
    total = sum((m[2] for m in month_list), start=Fraction(0))
    extra["application_date"] = application_date.isoformat()
    extra["time_barred"] = bool(barred)
    extra["time_barred_months"] = format_number(barred_months)
    in_time_amount = (total - barred_months) * Fraction(monthly_wage)
    extra["amount_within_limitation"] = format_money(round_yuan(in_time_amount))
    if not barred:
        earliest = one_year_from(month_list[0][1], calendar)
        return [
            Step(
                text=msg(
                    "仲裁时效：于 {day} 申请仲裁或者时效中断，各月均未超过一年（最早一个月的时效至 {last} 届满）",
                    day=application_date.isoformat(),
                    last=earliest.last_day.isoformat(),
                ),
                value="0",
                basis=EACH_MONTH_BASIS,
            )
        ]
    last_barred = barred[-1]
    return [
        Step(
            text=msg(
                "警告：仲裁时效。于 {day} 申请仲裁或者时效中断，{first} 至 {last} 的 {months} 个月已超过一年"
                "（各月自该月最后一日起算，其中最晚一个月的时效至 {expired} 届满）；"
                "用人单位提出时效抗辩的，这部分可能不被支持。时效内的部分：{in_time} 个月 × {wage} = {amount}",
                day=application_date.isoformat(),
                first=barred[0][0].isoformat(),
                last=last_barred[1].isoformat(),
                months=show(barred_months, 4),
                expired=one_year_from(last_barred[1], calendar).last_day.isoformat(),
                in_time=show(total - barred_months, 4),
                wage=yuan(monthly_wage),
                amount=yuan(in_time_amount),
            ),
            value=format_number(barred_months),
            basis=msg("{each}；{year}", each=EACH_MONTH_BASIS, year=YEAR_BASIS),
        )
    ]
