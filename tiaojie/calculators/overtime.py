"""加班费 (《劳动法》art 44; 劳社部发〔2008〕3号; docs/law.md §7).

Hourly wage = monthly wage ÷ (21.75 × 8). A working-day extension is paid at 150%, rest-day work for which
no time off in lieu was given at 200%, work on a statutory holiday at 300% of the hourly wage. The hourly
wage is kept as an exact fraction and the whole sum divided once, so 5000 × 150% × 2 ÷ 174 = 86.2069… and
only that total is rounded (→ 86.21).

Two ways in: the hours of each kind (`weekday_hours`, `rest_day_hours`, `holiday_hours`), or the dates and the
hours worked beyond the normal schedule on each (`days_worked`, "2026-10-01 8；2026-10-04 6"), each day classified
by itself. Which kind a date is depends on the State Council's arrangement of that year, held in the
database: this library does not look it up (it imports nothing of ours), the caller passes `day_kinds`
(date → CalendarDay), and a date it does not cover is refused, never guessed from the weekday.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from .core import (
    HOURS_PER_DAY,
    PAY_DAYS_BASIS,
    PAY_DAYS_PER_MONTH,
    CalculatorInputError,
    FieldError,
    Result,
    Step,
    Text,
    conclude,
    format_amount,
    format_number,
    gettext_noop,
    msg,
    yuan,
)

LABOUR_LAW = "《劳动法》"
HOLIDAYS_MEASURES = "《全国年节及纪念日放假办法》"


@dataclass(frozen=True)
class OvertimeRate:
    field: str
    label: str
    percent: int
    basis: str


# 《劳动法》art 44 (一)–(三), as data with their source (docs/style.md habit 6).
RATES = (
    OvertimeRate("weekday_hours", gettext_noop("工作日延长工作时间"), 150, f"{LABOUR_LAW}第四十四条第（一）项"),
    OvertimeRate("rest_day_hours", gettext_noop("休息日工作且未安排补休"), 200, f"{LABOUR_LAW}第四十四条第（二）项"),
    OvertimeRate("holiday_hours", gettext_noop("法定休假日工作"), 300, f"{LABOUR_LAW}第四十四条第（三）项"),
)
WEEKDAY_RATE, REST_DAY_RATE, HOLIDAY_RATE = RATES


class DayKind(StrEnum):
    """What a date is for overtime pay (the values reference.calendar.DayKind uses too)."""

    STATUTORY_HOLIDAY = "statutory_holiday"  # a day 《全国年节及纪念日放假办法》 lists: 300 %
    SHIFTED_REST_DAY = "shifted_rest_day"  # 调休休息日, another day off of a holiday period: 200 %
    REST_DAY = "rest_day"  # a Saturday or Sunday not worked by 调休: 200 %
    SHIFTED_WORKING_DAY = "shifted_working_day"  # 调休上班日, a weekend day worked: 150 %
    WORKING_DAY = "working_day"  # 150 %


@dataclass(frozen=True)
class CalendarDay:
    kind: DayKind
    festival: str = ""  # the holiday period's name, for the kinds that belong to one


@dataclass(frozen=True)
class KindRule:
    rate: OvertimeRate
    label: str  # "{festival}" is the holiday period's name
    basis: str


# Which rate each kind of day takes: statutory days by 放假办法 art 2 (the days it lists, docs/law.md §6), every
# other day off at the rest-day rate (劳动法 art 44 (二): a 调休 rest day is a rest day, not a holiday), a 调休
# Saturday worked at the working-day rate (it is a working day: extended hours only).
KIND_RULES: dict[DayKind, KindRule] = {
    DayKind.STATUTORY_HOLIDAY: KindRule(
        HOLIDAY_RATE, gettext_noop("{festival}，法定节假日"), f"{HOLIDAY_RATE.basis}；{HOLIDAYS_MEASURES}第二条"
    ),
    DayKind.SHIFTED_REST_DAY: KindRule(
        REST_DAY_RATE, gettext_noop("{festival}假期中的调休休息日，不是法定节假日"), REST_DAY_RATE.basis
    ),
    DayKind.REST_DAY: KindRule(REST_DAY_RATE, gettext_noop("休息日"), REST_DAY_RATE.basis),
    DayKind.SHIFTED_WORKING_DAY: KindRule(
        WEEKDAY_RATE, gettext_noop("{festival}调休上班日，按工作日计"), WEEKDAY_RATE.basis
    ),
    DayKind.WORKING_DAY: KindRule(WEEKDAY_RATE, gettext_noop("工作日"), WEEKDAY_RATE.basis),
}
WEEKDAYS = (
    gettext_noop("周一"),
    gettext_noop("周二"),
    gettext_noop("周三"),
    gettext_noop("周四"),
    gettext_noop("周五"),
    gettext_noop("周六"),
    gettext_noop("周日"),
)

# One day cannot hold more than 24 hours; a year and a bit of days is more than any claim lists one by one.
MAX_HOURS_PER_DAY = Decimal(24)
MAX_DAYS = 400
DAYS_FIELD = "days_worked"
_SEPARATORS = re.compile(r"[;；,，、\n\r]+")
_ENTRY = re.compile(
    r"(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?\s*[:：]?\s*(?P<h>\d+(?:\.\d+)?)\s*(?:小时|h|H)?"
)


def hourly_wage(monthly_wage: Decimal) -> Fraction:
    return Fraction(monthly_wage) / (PAY_DAYS_PER_MONTH * HOURS_PER_DAY)


def parse_days_worked(text: str) -> tuple[list[tuple[dt.date, Decimal]], list[Text]]:
    """The (date, hours) entries of `days_worked` in the order written, and a message for each one that cannot
    be read. Entries are separated by ；, ; , or a new line; each is a date and the hours, "2026-10-01 8"
    (also "2026/10/01 8", "2026年10月1日 8小时", "2026-10-01：8")."""
    entries: list[tuple[dt.date, Decimal]] = []
    errors: list[Text] = []
    seen: set[dt.date] = set()
    items = [item.strip() for item in _SEPARATORS.split(text) if item.strip()]
    for number, item in enumerate(items, start=1):
        found = _ENTRY.fullmatch(item)
        if found is None:
            errors.append(msg("第 {n} 项“{entry}”应写成“2026-10-01 8”：日期、空格、小时数", n=number, entry=item))
            continue
        try:
            day = dt.date(int(found["y"]), int(found["m"]), int(found["d"]))
            hours = Decimal(found["h"])
        except (ValueError, InvalidOperation):
            errors.append(msg("第 {n} 项“{entry}”的日期不存在", n=number, entry=item))
            continue
        if not 0 < hours <= MAX_HOURS_PER_DAY or hours != hours.quantize(Decimal("0.01")):
            errors.append(
                msg("第 {n} 项“{entry}”：每天的小时数须大于 0、不超过 24，最多两位小数", n=number, entry=item)
            )
            continue
        if day in seen:
            errors.append(msg("{day} 填写了两次，请合并为一项", day=day.isoformat()))
            continue
        seen.add(day)
        entries.append((day, hours))
    if len(entries) > MAX_DAYS:
        errors.append(msg("按日期最多填写 {n} 天", n=MAX_DAYS))
    return entries, errors


def overtime(
    *,
    monthly_wage: Decimal,
    weekday_hours: Decimal | None = None,
    rest_day_hours: Decimal | None = None,
    holiday_hours: Decimal | None = None,
    days_worked: str | None = None,
    day_kinds: Mapping[dt.date, CalendarDay] | None = None,
) -> Result:
    hours = {"weekday_hours": weekday_hours, "rest_day_hours": rest_day_hours, "holiday_hours": holiday_hours}
    errors: list[FieldError] = []
    if monthly_wage < 0:
        errors.append({"field": "monthly_wage", "message": msg("月工资（monthly_wage）不能为负数")})
    for rate in RATES:
        value = hours[rate.field]
        if value is not None and value < 0:
            errors.append(
                {
                    "field": rate.field,
                    "message": msg("{label}时数（{field}）不能为负数", label=rate.label, field=rate.field),
                }
            )
    by_category = any(value is not None for value in hours.values())
    if days_worked is not None and by_category:
        errors.append(
            {
                "field": DAYS_FIELD,
                "message": msg("按日期填写（days_worked）时，请不要再按类别填写时数，以免同一时间计算两次；二者选一"),
            }
        )
    elif days_worked is None and not by_category:
        errors.append(
            {
                "field": DAYS_FIELD,
                "message": msg(
                    "请按日期填写加班日期和时数（days_worked，如“2026-10-01 8；2026-10-04 6”），"
                    "或按类别填写工作日、休息日、法定休假日的加班时数"
                ),
            }
        )
    if errors:
        raise CalculatorInputError(errors)
    if days_worked is not None:
        return _by_date(monthly_wage, days_worked, day_kinds)

    hourly = hourly_wage(monthly_wage)
    steps = [_hourly_step(monthly_wage, hourly)]
    total = Fraction(0)
    for rate in RATES:
        rate_hours = Fraction(hours[rate.field] or 0)
        part = hourly * rate_hours * Fraction(rate.percent, 100)
        total += part
        steps.append(
            Step(
                text=msg(
                    "{label}：{hours} 小时 × {percent}% × 小时工资 = {amount}",
                    label=rate.label,
                    hours=format_number(rate_hours),
                    percent=rate.percent,
                    amount=yuan(part),
                ),
                value=format_amount(part),
                basis=rate.basis,
            )
        )
    return _conclude(steps, total, hourly)


def _hourly_step(monthly_wage: Decimal, hourly: Fraction) -> Step:
    return Step(
        text=msg(
            "小时工资 = 月工资 ÷ (月计薪天数 21.75 × 8 小时) = {wage} ÷ 174 = {hourly}（不舍入，带入后续计算）",
            wage=yuan(monthly_wage),
            hourly=yuan(hourly),
        ),
        value=format_number(hourly),
        basis=PAY_DAYS_BASIS,
    )


def _conclude(steps: list[Step], total: Fraction, hourly: Fraction) -> Result:
    return conclude(
        steps,
        total,
        text=msg("加班费合计 {amount}，四舍五入到分", amount=yuan(total)),
        basis=f"{LABOUR_LAW}第四十四条",
        extra={"hourly_wage": format_number(hourly)},
    )


def _kind_label(day: CalendarDay) -> Text:
    rule = KIND_RULES[day.kind]
    if "{festival}" in rule.label:
        return msg(rule.label, festival=day.festival or msg("节假日"))
    return msg(rule.label)


def _by_date(monthly_wage: Decimal, days_worked: str, day_kinds: Mapping[dt.date, CalendarDay] | None) -> Result:
    entries, messages = parse_days_worked(days_worked)
    if not entries and not messages:
        messages.append(msg("请按日期填写加班日期和时数，如“2026-10-01 8；2026-10-04 6”"))
    if day_kinds is None and entries:
        messages.append(msg("按日期计算需要节假日安排表：请在本系统的计算器页面、接口或 tiaojie calc 命令中计算"))
    elif day_kinds is not None:
        unknown = sorted({day.year for day, _hours in entries if day not in day_kinds})
        for year in unknown:
            messages.append(
                msg(
                    "{year} 年的节假日安排尚未录入本系统，无法判断该年的日期是法定节假日、休息日还是工作日；"
                    "请按类别填写时数，或等管理员录入该年安排后再计算",
                    year=year,
                )
            )
    if messages:
        raise CalculatorInputError([{"field": DAYS_FIELD, "message": m} for m in messages])
    assert day_kinds is not None

    hourly = hourly_wage(monthly_wage)
    steps = [_hourly_step(monthly_wage, hourly)]
    total = Fraction(0)
    hours_by_rate: dict[str, Fraction] = {rate.field: Fraction(0) for rate in RATES}
    for day, day_hours in sorted(entries):
        calendar_day = day_kinds[day]
        rule = KIND_RULES[calendar_day.kind]
        part = hourly * Fraction(day_hours) * Fraction(rule.rate.percent, 100)
        total += part
        hours_by_rate[rule.rate.field] += Fraction(day_hours)
        steps.append(
            Step(
                text=msg(
                    "{day}（{weekday}，{kind}）：{hours} 小时 × {percent}%（{rate}）× 小时工资 = {amount}",
                    day=day.isoformat(),
                    weekday=WEEKDAYS[day.weekday()],
                    kind=_kind_label(calendar_day),
                    hours=format_number(Fraction(day_hours)),
                    percent=rule.rate.percent,
                    rate=rule.rate.label,
                    amount=yuan(part),
                ),
                value=format_amount(part),
                basis=rule.basis,
            )
        )
    steps.append(
        Step(
            text=msg(
                "共 {days} 天：工作日延长 {weekday} 小时，休息日 {rest} 小时，法定节假日 {holiday} 小时",
                days=len(entries),
                weekday=format_number(hours_by_rate[WEEKDAY_RATE.field]),
                rest=format_number(hours_by_rate[REST_DAY_RATE.field]),
                holiday=format_number(hours_by_rate[HOLIDAY_RATE.field]),
            ),
            value=format_number(sum(hours_by_rate.values(), Fraction(0))),
            basis=f"{LABOUR_LAW}第四十四条第（一）项至第（三）项",
        )
    )
    return _conclude(steps, total, hourly)


def dates_in(text: object) -> list[dt.date]:
    """The dates `days_worked` names (those it can read), for a caller that looks their kinds up."""
    if not isinstance(text, str):
        return []
    return [day for day, _hours in parse_days_worked(text)[0]]
