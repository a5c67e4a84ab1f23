"""未休年休假工资 (《职工带薪年休假条例》arts 3–5; 《企业职工带薪年休假实施办法》arts 4–5, 10–12).

Entitlement: 5 / 10 / 15 days a year for ≥ 1 / ≥ 10 / ≥ 20 cumulative years of work (0 below one year).
In a year of joining or leaving, the entitlement is pro-rated by calendar days ÷ 365 and fractions of a day
are dropped. Unused days are paid at 300% of the daily wage, but that 300% *includes* the 100% already paid
with the monthly wage, so the amount still owed is 200% × daily wage × unused days. Daily wage = the
12-month average wage without overtime ÷ 21.75.

Exclusions (条例 art 4): school holidays longer than the leave, 20 days or more of personal leave kept on full
pay, or sick leave of 2 / 3 / 4 months or more (by cumulative years) take away the year's leave altogether, so
nothing is owed for it. A worker who had already taken leave that year when such a case arose keeps it, but
loses the next year's leave instead (实施办法 art 8), which is asked as its own question.
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
    Text,
    conclude,
    format_number,
    gettext_noop,
    msg,
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
    "cumulative_years": gettext_noop("累计工作年限"),
    "period_start": gettext_noop("本年度在本单位的起始日"),
    "period_end": gettext_noop("本年度在本单位的截止日"),
    "days_taken": gettext_noop("本年度已休年休假天数"),
    "school_holiday_days": gettext_noop("本年度依法享受的寒暑假天数"),
    "paid_personal_leave_days": gettext_noop("本年度累计事假天数（单位按规定不扣工资的）"),
    "sick_leave_months": gettext_noop("本年度累计病假（月）"),
    "excluded_last_year": gettext_noop("上一年度已休年休假后又出现不享受年休假的情形"),
}
_EXCLUSION_FIELDS = ("school_holiday_days", "paid_personal_leave_days", "sick_leave_months", "excluded_last_year")

# 条例 art 4 (二): "请事假累计20天以上且单位按照规定不扣工资的"; "以上" includes the number itself
# (《民法典》art 1259), so 20 days already excludes.
PERSONAL_LEAVE_DAYS_LIMIT = 20
# 条例 art 4 (三)–(五): sick leave of this many months or more, keyed by the yearly entitlement, which already
# encodes the bracket of cumulative years (1–10 → 5 days, 10–20 → 10, 20+ → 15).
SICK_LEAVE_MONTHS_LIMIT: dict[int, tuple[int, str, str]] = {
    5: (2, "（三）", gettext_noop("累计工作满 1 年不满 10 年")),
    10: (3, "（四）", gettext_noop("累计工作满 10 年不满 20 年")),
    15: (4, "（五）", gettext_noop("累计工作满 20 年以上")),
}
YES_NO_CHOICES = (("no", gettext_noop("否")), ("yes", gettext_noop("是")))


def _exclusion(
    yearly: int,
    school_holiday_days: Decimal | None,
    paid_personal_leave_days: Decimal | None,
    sick_leave_months: Decimal | None,
) -> tuple[Text, str] | None:
    """The first case of 条例 art 4 that applies, as (text, clause), or None."""
    if yearly == 0:
        return None
    if school_holiday_days is not None and school_holiday_days > yearly:
        # "休假天数多于年休假天数": strictly more; compared with the full year's entitlement (docs/law.md §13).
        return (
            msg(
                "依法享受寒暑假 {days} 天，多于年休假 {yearly} 天",
                days=format_number(Fraction(school_holiday_days)),
                yearly=yearly,
            ),
            "（一）",
        )
    if paid_personal_leave_days is not None and paid_personal_leave_days >= PERSONAL_LEAVE_DAYS_LIMIT:
        return (
            msg(
                "请事假累计 {days} 天（20 天以上）且单位按规定不扣工资",
                days=format_number(Fraction(paid_personal_leave_days)),
            ),
            "（二）",
        )
    limit, clause, bracket = SICK_LEAVE_MONTHS_LIMIT[yearly]
    if sick_leave_months is not None and sick_leave_months >= limit:
        return (
            msg(
                "{bracket}的职工请病假累计 {months} 个月（{limit} 个月以上）",
                bracket=bracket,
                months=format_number(Fraction(sick_leave_months)),
                limit=limit,
            ),
            clause,
        )
    return None


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
    school_holiday_days: Decimal | None = None,
    paid_personal_leave_days: Decimal | None = None,
    sick_leave_months: Decimal | None = None,
    excluded_last_year: str = "no",
) -> Result:
    errors: list[FieldError] = []
    exclusions: dict[str, Decimal | str | None] = {
        "school_holiday_days": school_holiday_days,
        "paid_personal_leave_days": paid_personal_leave_days,
        "sick_leave_months": sick_leave_months,
        "excluded_last_year": None if excluded_last_year == "no" else excluded_last_year,
    }
    for name, excluded_by in exclusions.items():
        if isinstance(excluded_by, Decimal) and excluded_by < 0:
            errors.append({"field": name, "message": msg("{label}（{key}）不能为负数", label=_LABELS[name], key=name)})
    if monthly_wage < 0:
        errors.append({"field": "monthly_wage", "message": msg("月平均工资（monthly_wage）不能为负数")})
    given: dict[str, Decimal | dt.date | str | None] = {
        "cumulative_years": cumulative_years,
        "period_start": period_start,
        "period_end": period_end,
        "days_taken": days_taken,
    }
    if unused_days is not None:
        if unused_days < 0:
            errors.append({"field": "unused_days", "message": msg("未休年休假天数（unused_days）不能为负数")})
        for name, named_value in {**given, **exclusions}.items():
            if named_value is not None:
                errors.append(
                    {
                        "field": name,
                        "message": msg(
                            "已直接填写未休天数（unused_days），请勿再填写{label}（{key}）",
                            label=_LABELS[name],
                            key=name,
                        ),
                    }
                )
    else:
        for name, value in given.items():
            if value is None:
                errors.append(
                    {
                        "field": name,
                        "message": msg(
                            "请填写{label}（{key}），或直接填写未休年休假天数（unused_days）",
                            label=_LABELS[name],
                            key=name,
                        ),
                    }
                )
        if cumulative_years is not None and cumulative_years < 0:
            errors.append({"field": "cumulative_years", "message": msg("累计工作年限（cumulative_years）不能为负数")})
        if days_taken is not None and days_taken < 0:
            errors.append({"field": "days_taken", "message": msg("已休年休假天数（days_taken）不能为负数")})
        if period_start is not None and period_end is not None:
            if period_end < period_start:
                errors.append(
                    {
                        "field": "period_end",
                        "message": msg("本年度截止日（period_end）不能早于起始日（period_start）"),
                    }
                )
            elif period_end.year != period_start.year:
                # 实施办法 arts 5 and 12 pro-rate within one 年度 (the calendar year).
                errors.append(
                    {
                        "field": "period_end",
                        "message": msg("年休假按自然年度折算：起始日（period_start）与截止日（period_end）须在同一年"),
                    }
                )
    if errors:
        raise CalculatorInputError(errors)

    steps: list[Step] = []
    if unused_days is not None:
        days = Fraction(unused_days)
        steps.append(
            Step(
                text=msg("应休未休年休假天数（直接提供）：{days} 天", days=format_number(days)),
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
                text=msg(
                    "累计工作 {years} 年，全年应休年休假 {yearly} 天"
                    "（已满 1 年不满 10 年 5 天，已满 10 年不满 20 年 10 天，已满 20 年 15 天）",
                    years=format_number(Fraction(cumulative_years)),
                    yearly=yearly,
                ),
                value=str(yearly),
                basis=f"{REGULATION}第三条；{MEASURES}第四条",
            )
        )
        excluded = _exclusion(yearly, school_holiday_days, paid_personal_leave_days, sick_leave_months)
        if excluded is not None or excluded_last_year == "yes":
            return _excluded_year(steps, monthly_wage, excluded, days_taken, excluded_last_year == "yes")
        calendar_days = (period_end - period_start).days + 1
        counted = min(calendar_days, DAYS_IN_LEAVE_YEAR)
        raw = Fraction(counted, DAYS_IN_LEAVE_YEAR) * yearly - Fraction(days_taken)
        figures = {
            "start": period_start.isoformat(),
            "end": period_end.isoformat(),
            "calendar_days": calendar_days,
            "counted": counted,
            "yearly": yearly,
            "taken": format_number(Fraction(days_taken)),
            "raw": show(raw),
        }
        # Two whole templates rather than a note spliced in: each is one msgid (docs/i18n.md).
        text = (
            msg(
                "当年度在本单位的日历天数：{start} 至 {end}（首尾两日均计入）共 {calendar_days} 天"
                "（闰年全年 366 天按 365 天计，折算不超过全年应休天数）；"
                "折算：{counted} ÷ 365 × {yearly} − 已休 {taken} 天 = {raw} 天",
                **figures,
            )
            if counted != calendar_days
            else msg(
                "当年度在本单位的日历天数：{start} 至 {end}（首尾两日均计入）共 {calendar_days} 天；"
                "折算：{counted} ÷ 365 × {yearly} − 已休 {taken} 天 = {raw} 天",
                **figures,
            )
        )
        steps.append(
            Step(
                text=text,
                value=format_number(raw),
                basis=f"{MEASURES}第五条、第十二条第二款",
            )
        )
        if raw < 0:
            days = Fraction(0)
            steps.append(
                Step(
                    text=msg("当年已安排的年休假多于折算应休天数，多出部分不再扣回，未休天数计 0 天"),
                    value="0",
                    basis=f"{MEASURES}第十二条第三款",
                )
            )
        else:
            days = Fraction(math.floor(raw))
            steps.append(
                Step(
                    text=msg("折算后不足 1 整天的部分不支付：未休年休假 {days} 天", days=format_number(days)),
                    value=format_number(days),
                    basis=f"{MEASURES}第十二条第一款",
                )
            )

    daily = Fraction(monthly_wage) / PAY_DAYS_PER_MONTH
    steps.append(
        Step(
            text=msg(
                "日工资 = 前十二个月剔除加班工资后的月平均工资 {wage} ÷ 21.75 = {daily}（不舍入，带入后续计算）",
                wage=yuan(monthly_wage),
                daily=yuan(daily),
            ),
            value=format_number(daily),
            basis=f"{MEASURES}第十一条；{PAY_DAYS_BASIS}",
        )
    )
    steps.append(
        Step(
            text=msg(
                "应休未休的年休假按日工资的 {total}% 支付，其中包含已随月工资发放的正常工作期间工资（100%），"
                "尚应支付 {owed}%",
                total=TOTAL_PERCENT,
                owed=OWED_PERCENT,
            ),
            value=f"{OWED_PERCENT}%",
            basis=f"{REGULATION}第五条第三款；{MEASURES}第十条第一款",
        )
    )
    amount = daily * days * Fraction(OWED_PERCENT, 100)
    return conclude(
        steps,
        amount,
        text=msg(
            "未休年休假工资 = {owed}% × {daily} × {days} 天 = {amount}，四舍五入到分",
            owed=OWED_PERCENT,
            daily=yuan(daily),
            days=format_number(days),
            amount=yuan(amount),
        ),
        basis=f"{MEASURES}第十条第一款",
        extra={"unused_days": format_number(days), "daily_wage": format_number(daily)},
    )


def _excluded_year(
    steps: list[Step],
    monthly_wage: Decimal,
    excluded: tuple[Text, str] | None,
    days_taken: Decimal,
    excluded_last_year: bool,
) -> Result:
    """A year without leave: nothing is owed for it, whatever the days taken."""
    if excluded is not None:
        text, clause = excluded
        steps.append(
            Step(
                text=msg("{reason}，不享受当年的年休假，本年度应休年休假 0 天", reason=text),
                value="0",
                basis=f"{REGULATION}第四条第{clause}项",
            )
        )
        if days_taken > 0 and clause != "（一）":
            steps.append(
                Step(
                    text=msg(
                        "本年度已休年休假 {days} 天后才出现上述情形的，已休的不扣回，但职工不享受下一年度的年休假",
                        days=format_number(Fraction(days_taken)),
                    ),
                    value=msg("下一年度 0 天"),
                    basis=f"{MEASURES}第八条",
                )
            )
    if excluded_last_year:
        steps.append(
            Step(
                text=msg(
                    "上一年度已享受年休假后，年度内又出现请事假累计 20 天以上且不扣工资或者长期病假的情形，"
                    "不享受本年度的年休假，本年度应休年休假 0 天"
                ),
                value="0",
                basis=f"{MEASURES}第八条；{REGULATION}第四条第（二）项至第（五）项",
            )
        )
    return conclude(
        steps,
        Fraction(0),
        text=msg("本年度不享受年休假，无应休未休年休假，未休年休假工资 0.00 元"),
        basis=f"{REGULATION}第四条" + (f"；{MEASURES}第八条" if excluded_last_year else ""),
        extra={"unused_days": "0", "daily_wage": format_number(Fraction(monthly_wage) / PAY_DAYS_PER_MONTH)},
    )
