"""Local wage figures from the tables, and the one function all three doors calculate through.

The calculator library stays pure (no Django, no database): it takes `local_minimum_wage` and
`local_average_monthly_wage` as plain inputs. `calculate_with_tables` is the thin layer the `tiaojie calc`
command, the API and the web form share: when the input names a place (`city_code`, and optionally
`on_date`, default `end_date`), it fills those two inputs from `LocalWageStandard` rows unless they were
given explicitly, and puts a step naming the row's published source in front of the library's own steps.
It also looks up, for the overtime calculator, what each date it is given is (statutory holiday, 调休 rest
day, weekend, 调休 working day, working day) in reference's holiday table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from django.utils.translation import gettext as _

from tiaojie.calculators.core import (
    CalculatorInputError,
    FieldError,
    FieldLabel,
    JSONObject,
    concatenated,
    gettext_noop,
    msg,
)
from tiaojie.calculators.overtime import CalendarDay, DayKind, dates_in
from tiaojie.calculators.registry import CALCULATORS, calculate
from tiaojie.calculators_web.models import LocalWageStandard
from tiaojie.lib.workdays import WorkCalendar
from tiaojie.reference.calendar import classify_days, work_calendar
from tiaojie.reference.models import Division

Kind = LocalWageStandard.Kind

# Calculator input → the table that can supply it.
TABLE_FIELDS: dict[str, LocalWageStandard.Kind] = {
    "local_minimum_wage": Kind.MINIMUM_MONTHLY,
    "local_average_monthly_wage": Kind.AVERAGE_MONTHLY,
}
LOOKUP_KEYS = ("city_code", "on_date")
_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE_FORM = re.compile(r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{3})?)?)?")


def wage_standard(kind: str, division_code: str, on_date: dt.date) -> LocalWageStandard | None:
    """The figure of `kind` in force on `on_date` for a place: the latest row effective on or before that day
    for its city, else for its province, else None.

    `division_code` may be any level (a county or township is looked up by its city, since figures are
    published per city or province). The city's own rows win even if the province published later: a
    province with tiers (浙江, 广东) only has rows per city, and a single-tier one (北京, 上海) only its own.
    """
    prefixes = [division_code[:n] for n in (4, 2) if len(division_code) >= n]
    for code in prefixes:
        row = (
            LocalWageStandard.objects.select_related("division")
            .filter(kind=kind, division_id=code, effective_from__lte=on_date)
            .order_by("-effective_from")
            .first()
        )
        if row is not None:
            return row
    return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_day(value: object) -> dt.date | None:
    if not isinstance(value, str) or not _DATE_FORM.fullmatch(value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _place_name(division: Division) -> str:
    """'杭州市'; a municipality's '市辖区' grouping is shown as the municipality itself."""
    if division.is_placeholder and division.parent_id:
        parent = Division.objects.filter(code=division.parent_id).first()
        if parent is not None:
            return parent.name
    return division.name


def _lookup_step(label: str, field_name: str, row: LocalWageStandard, asked: Division, day: dt.date) -> dict[str, str]:
    # Composed with the calculators' msg(), like the library's own steps: Chinese for the API and the claim's
    # kept explanation, and rebuilt in the reader's language on the page (docs/i18n.md).
    parts = [
        msg(
            "按地区查表：{place}{label}（{field}），取 {day} 及以前最近施行的标准（{start} 起施行）",
            place=row.division.name,
            label=FieldLabel(label),
            field=field_name,
            day=day.isoformat(),
            start=row.effective_from.isoformat(),
        )
    ]
    if row.division_id != asked.code and _place_name(asked) != row.division.name:
        parts.append(
            msg("；{asked}没有单独的记录，适用{place}的标准", asked=_place_name(asked), place=row.division.name)
        )
    if row.note:
        parts.append(msg("；备注：{note}", note=row.note))
    return {"text": concatenated(*parts), "value": f"{row.amount:.2f}", "basis": row.source}


def _missing_step(label: str, field_name: str, asked: Division, day: dt.date) -> dict[str, str]:
    consequence = msg("未适用三倍封顶") if field_name == "local_average_monthly_wage" else msg("未适用最低工资下限")
    return {
        "text": msg(
            "按地区查表：{place}在 {day} 及以前没有{label}（{field}）的记录，{consequence}；如需适用请直接填写",
            place=_place_name(asked),
            day=day.isoformat(),
            label=FieldLabel(label),
            field=field_name,
            consequence=consequence,
        ),
        "value": "—",
        "basis": gettext_noop("当地工资标准表（管理员维护）"),
    }


def _fill_from_tables(name: str, data: dict[str, object]) -> tuple[list[FieldError], list[dict[str, str]]]:
    """Pop `city_code` / `on_date` from `data` and fill the local wage inputs from the tables in place.
    Returns per-field errors about the lookup itself and the steps to show first."""
    city_code = data.pop("city_code", None)
    on_date = data.pop("on_date", None)
    errors: list[FieldError] = []
    steps: list[dict[str, str]] = []
    if _blank(city_code):
        if not _blank(on_date):
            errors.append({"field": "on_date", "message": _("查表日期（on_date）须与城市代码（city_code）一起填写")})
        return errors, steps
    calculator = CALCULATORS.get(name)
    if calculator is None:
        return errors, steps  # calculate() names the unknown calculator
    wanted = [f for f in calculator.fields if f.name in TABLE_FIELDS]
    if not wanted:
        message = _("%(title)s不使用当地工资标准，请不要填写城市代码（city_code）") % {"title": calculator.title}
        errors.append({"field": "city_code", "message": message})
        return errors, steps
    code = city_code.strip() if isinstance(city_code, str) else str(city_code)
    asked = Division.objects.filter(code=code).first() if _CODE_FORM.fullmatch(code) else None
    if asked is None:
        message = _("城市代码（city_code）不是有效的行政区划代码，如上海市 31、杭州市 3301：%(code)s") % {"code": code}
        errors.append({"field": "city_code", "message": message})
    day: dt.date | None
    if not _blank(on_date):
        day = _parse_day(on_date)
        if day is None:
            message = _("查表日期（on_date）须为 YYYY-MM-DD 格式的日期，如 2024-06-30")
            errors.append({"field": "on_date", "message": message})
    elif any(f.name == "end_date" for f in calculator.fields):
        day = _parse_day(data.get("end_date"))  # a bad or missing end_date is reported by the calculator
    else:
        day = None
        message = _("%(title)s没有解除或者终止日期，按地区查表请填写查表日期（on_date）") % {"title": calculator.title}
        errors.append({"field": "on_date", "message": message})
    if asked is None or day is None:
        return errors, steps
    to_fill = [f for f in wanted if _blank(data.get(f.name))]
    found = 0
    for field in to_fill:
        row = wage_standard(TABLE_FIELDS[field.name], asked.code, day)
        label = field.label  # shown short in Chinese, whole in English (FieldLabel)
        if row is None:
            steps.append(_missing_step(label, field.name, asked, day))
            continue
        found += 1
        data[field.name] = f"{row.amount:.2f}"
        steps.append(_lookup_step(label, field.name, row, asked, day))
    if to_fill and not found:
        message = _(
            "当地工资标准表中没有%(place)s在 %(day)s 及以前施行的记录，请直接填写当地工资标准或去掉城市代码"
        ) % {
            "place": _place_name(asked),
            "day": day.isoformat(),
        }
        errors.append({"field": "city_code", "message": message})
        steps.clear()
    return errors, steps


def day_kinds(text: object) -> dict[dt.date, CalendarDay]:
    """What each date named in overtime's `days_worked` is, from the holiday table (reference.calendar): the
    library classifies nothing itself. Dates of a year not configured are left out, and the library refuses
    them with its message (docs/law.md §7)."""
    found, _missing_years = classify_days(dates_in(text))
    return {day: CalendarDay(DayKind(c.kind.value), c.festival) for day, c in found.items()}


def _context(name: str, data: object) -> dict[str, object]:
    calculator = CALCULATORS.get(name)
    if calculator is None or "day_kinds" not in calculator.context or not isinstance(data, Mapping):
        return {}
    return {"day_kinds": day_kinds(data.get("days_worked"))}


def _calendar_for(name: str, data: object) -> WorkCalendar | None:
    """The holiday calendar, read only when the calculation counts to a last day: the limitation itself, or a
    double wage given an application date (so the other calculations never touch the database)."""
    calculator = CALCULATORS.get(name)
    if calculator is None or not calculator.needs_calendar or not isinstance(data, Mapping):
        return None
    if name != "arbitration-limitation" and _blank(data.get("application_date")):
        return None
    return work_calendar()


def calculate_with_tables(name: str, data: object) -> JSONObject:
    """`calculate(name, data)`, after filling local wage inputs from the tables when `data` names a place, and
    with the kinds of the dates overtime is given (`day_kinds`) looked up in the holiday table.

    Raises CalculatorInputError with every field's message at once: the lookup's and the calculator's. The
    calculators that count to a last day get the holiday calendar the administrators keep (docs/law.md §6)."""
    context = _context(name, data)
    if not isinstance(data, Mapping) or not any(key in data for key in LOOKUP_KEYS):
        return calculate(name, data, context=context, calendar=_calendar_for(name, data))
    values = dict(data)
    errors, steps = _fill_from_tables(name, values)
    try:
        result = calculate(name, values, context=context, calendar=_calendar_for(name, values))
    except CalculatorInputError as exc:
        raise CalculatorInputError(errors + exc.fields) from None
    if errors:
        raise CalculatorInputError(errors)
    result["steps"] = steps + result["steps"]
    return result
