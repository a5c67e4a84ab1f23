"""医疗期 and the 病假工资 floor (劳部发〔1994〕479号 arts 3–4; 劳部发〔1995〕309号 art 59; docs/law.md §7).

医疗期 (479号 art 3), by the worker's total years of work and years with this employer:

    total < 10 years:  with this employer < 5 → 3 months; ≥ 5 → 6 months
    total ≥ 10 years:  < 5 → 6; 5–10 → 9; 10–15 → 12; 15–20 → 18; ≥ 20 → 24 months

counted as the cumulative sick days within a window (art 4): 3 months within 6, 6 within 12, 9 within 15, 12
within 18, 18 within 24, 24 within 30. The text's "以上" and "以下" both include the figure where the bands
meet; the code puts the figure itself in the higher band (10 years total is "十年以上"; 5 years with the employer
is "五年以上") — 本项目口径.

病假工资 (309号 art 59): sick pay may be below the local minimum wage, but not below 80 % of it. A province may set
more (上海, 北京 do): the national floor is what this computes. Neither instrument is among the texts the project
holds, so both tables are 待核对 and kept as data here.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .core import Result, Step, conclude, format_amount, format_number, input_error, msg, yuan

RULES_1994 = "《企业职工患病或非因工负伤医疗期规定》（劳部发〔1994〕479号）"
OPINION_1995 = "《关于贯彻执行〈中华人民共和国劳动法〉若干问题的意见》（劳部发〔1995〕309号）"

SICK_PAY_FLOOR_PERCENT = 80

# (total years at least, years with this employer at least, medical period months) — first match wins.
MEDICAL_PERIODS: tuple[tuple[int, int, int], ...] = (
    (10, 20, 24),
    (10, 15, 18),
    (10, 10, 12),
    (10, 5, 9),
    (10, 0, 6),
    (0, 5, 6),
    (0, 0, 3),
)
# 479号 art 4: medical period months → the window (months) in which the sick days are counted.
COUNTING_WINDOWS = {3: 6, 6: 12, 9: 15, 12: 18, 18: 24, 24: 30}


def medical_period_months(total_years: Decimal, years_with_employer: Decimal) -> int:
    for total_at_least, employer_at_least, months in MEDICAL_PERIODS:
        if total_years >= total_at_least and years_with_employer >= employer_at_least:
            return months
    raise AssertionError("unreachable")


def sick_leave(
    *,
    total_work_years: Decimal,
    years_with_employer: Decimal,
    local_minimum_wage: Decimal,
    sick_pay_paid: Decimal | None = None,
    sick_months: Decimal | None = None,
) -> Result:
    if years_with_employer > total_work_years:
        raise input_error(
            "years_with_employer",
            msg("在本单位工作年限（years_with_employer）不能超过实际工作年限（total_work_years，含在本单位的年限）"),
        )
    months = medical_period_months(total_work_years, years_with_employer)
    window = COUNTING_WINDOWS[months]
    steps = [
        Step(
            text=msg(
                "实际工作年限 {total} 年、在本单位工作年限 {here} 年：医疗期 {months} 个月，"
                "按 {window} 个月内累计病休时间计算（两档相接之数计入较高一档，系本计算口径）",
                total=format_number(Fraction(total_work_years)),
                here=format_number(Fraction(years_with_employer)),
                months=months,
                window=window,
            ),
            value=str(months),
            basis=f"{RULES_1994}第三条、第四条（待核对）",
        )
    ]
    floor = Fraction(local_minimum_wage) * SICK_PAY_FLOOR_PERCENT / 100
    steps.append(
        Step(
            text=msg(
                "病假工资可以低于当地最低工资标准，但不能低于其 {percent}%：{minimum} × {percent}% = {floor}"
                "（每月；地方规定更高的从其规定）",
                percent=SICK_PAY_FLOOR_PERCENT,
                minimum=yuan(local_minimum_wage),
                floor=yuan(floor),
            ),
            value=format_amount(floor),
            basis=f"{OPINION_1995}第五十九条（待核对）",
        )
    )
    extra: dict[str, str | bool | None] = {
        "medical_period_months": str(months),
        "counting_window_months": str(window),
        "monthly_floor": format_amount(floor),
    }
    if sick_pay_paid is None or sick_months is None:
        if (sick_pay_paid is None) != (sick_months is None):
            # One of the pair without the other: say so rather than drop it without a word.
            missing = (
                msg("病休月数（sick_months）") if sick_months is None else msg("每月实发病假工资（sick_pay_paid）")
            )
            steps.append(
                Step(
                    text=msg("计算差额还需填写{missing}；未计算差额，结果为每月病假工资下限", missing=missing),
                    value=msg("未计算"),
                    basis=f"{OPINION_1995}第五十九条",
                )
            )
        return conclude(
            steps,
            floor,
            text=msg("每月病假工资不低于 {floor}（填写实发病假工资和病休月数后计算差额）", floor=yuan(floor)),
            basis=f"{OPINION_1995}第五十九条",
            extra=extra,
        )
    shortfall = max(Fraction(0), floor - Fraction(sick_pay_paid))
    owed = shortfall * Fraction(sick_months)
    steps.append(
        Step(
            text=msg(
                "每月实发病假工资 {paid}，{compared}；病休 {months} 个月",
                paid=yuan(sick_pay_paid),
                compared=msg("低于下限，每月差额 {shortfall}", shortfall=yuan(shortfall))
                if shortfall
                else msg("不低于下限，无差额"),
                months=format_number(Fraction(sick_months)),
            ),
            value=format_amount(shortfall),
            basis=f"{OPINION_1995}第五十九条",
        )
    )
    if sick_months > months:
        steps.append(
            Step(
                text=msg(
                    "病休 {sick} 个月超过医疗期 {months} 个月：医疗期满后的待遇另行确定，本计算仍按所填月数计差额",
                    sick=format_number(Fraction(sick_months)),
                    months=months,
                ),
                value=str(months),
                basis=f"{RULES_1994}第三条",
            )
        )
    return conclude(
        steps,
        owed,
        text=msg(
            "应补发的病假工资差额 = {shortfall} × {months} = {owed}，四舍五入到分",
            shortfall=yuan(shortfall),
            months=format_number(Fraction(sick_months)),
            owed=yuan(owed),
        ),
        basis=f"{OPINION_1995}第五十九条",
        extra=extra,
    )
