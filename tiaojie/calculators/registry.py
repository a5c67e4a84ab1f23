"""The calculators by name, their input fields, and the single entry point `calculate(name, data)`.

The CLI (`cli.run`), the future HTTP API and the web form all go through `calculate`, so parsing and
validation happen once. `CALCULATORS` is plain data (name, Chinese title, fields with type, required flag
and Chinese label) from which a form or an API schema can be generated.

Input conventions: money is a decimal string or JSON number with at most two places ("8000.00", 8000);
a number is parsed from its text (Decimal(str(x))), never through binary floating point arithmetic; dates
are "YYYY-MM-DD"; an empty string counts as "not given" so a blank form field behaves like an omitted key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from .annual_leave import YES_NO_CHOICES, annual_leave
from .compensation import REASONS, TerminationReason, economic_compensation, unlawful_termination
from .core import CENT, CalculatorInputError, FieldError, JSONObject, Result, gettext_noop, input_error
from .double_wage import double_wage
from .notice_pay import CLAIMS_2N_CHOICES, notice_pay
from .overtime import overtime

FieldType = Literal["money", "date", "number", "choice"]

# Bounds that keep exact arithmetic cheap and catch typos (an extra zero, a year 20244); generous for any
# real case.
MAX_MONEY = Decimal("999999999.99")
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    label: str
    required: bool = True
    nullable: bool = False  # the key must be sent but may be null (a blank form field)
    choices: tuple[tuple[str, str], ...] = ()  # (value, Chinese label)
    maximum: Decimal | None = None  # for numbers; money is bounded by MAX_MONEY
    default: str | None = None

    def as_dict(self) -> dict[str, object]:
        meta: dict[str, object] = {
            "name": self.name,
            "type": self.type,
            "label": self.label,
            "required": self.required,
            "nullable": self.nullable,
        }
        if self.choices:
            meta["choices"] = [{"value": value, "label": label} for value, label in self.choices]
        if self.maximum is not None:
            meta["maximum"] = str(self.maximum)
        if self.default is not None:
            meta["default"] = self.default
        return meta


@dataclass(frozen=True)
class Calculator:
    name: str
    title: str
    function: Callable[..., Result]
    fields: tuple[Field, ...]

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "title": self.title, "fields": [f.as_dict() for f in self.fields]}


_REASON_CHOICES = tuple((reason.value, REASONS[reason].label) for reason in TerminationReason)
_ART40_CHOICES = tuple((value, label) for value, label in _REASON_CHOICES if REASONS[TerminationReason(value)].art40)


def _service_fields(*, pre2008: bool) -> tuple[Field, ...]:
    fields = [
        Field("start_date", "date", gettext_noop("入职日期（用工之日）")),
        Field("end_date", "date", gettext_noop("劳动合同解除或者终止日期（最后工作日）")),
        Field("monthly_wage", "money", gettext_noop("解除或者终止前十二个月的月平均工资（元）")),
        Field(
            "local_average_monthly_wage",
            "money",
            gettext_noop("当地上年度职工月平均工资（元，填写后适用三倍封顶）"),
            required=False,
        ),
        Field(
            "local_minimum_wage", "money", gettext_noop("当地最低月工资标准（元，填写后作为工资下限）"), required=False
        ),
        Field(
            "termination_reason",
            "choice",
            gettext_noop("解除或者终止原因"),
            required=False,
            choices=_REASON_CHOICES,
            default=TerminationReason.ART40.value,
        ),
    ]
    if pre2008:
        fields += [
            Field(
                "pre2008_monthly_wage",
                "money",
                gettext_noop("2008 年前工作年限适用的月工资（元，默认同上）"),
                required=False,
            ),
            Field(
                "enterprise_average_monthly_wage",
                "money",
                gettext_noop("企业月平均工资（元，2008 年前部分因患病、客观情况变化、裁员解除的工资下限）"),
                required=False,
            ),
            Field(
                "last_month_wage",
                "money",
                gettext_noop("上一个月的工资（元，第四十条解除未提前三十日通知的，另列代通知金）"),
                required=False,
            ),
        ]
    return tuple(fields)


CALCULATORS: dict[str, Calculator] = {
    calculator.name: calculator
    for calculator in (
        Calculator(
            "economic-compensation", gettext_noop("经济补偿（N）"), economic_compensation, _service_fields(pre2008=True)
        ),
        Calculator(
            "unlawful-termination",
            gettext_noop("违法解除或者终止劳动合同赔偿金（2N）"),
            unlawful_termination,
            _service_fields(pre2008=False),
        ),
        Calculator(
            "double-wage",
            gettext_noop("未签订书面劳动合同的二倍工资"),
            double_wage,
            (
                Field("start_date", "date", gettext_noop("入职日期（用工之日）")),
                Field("monthly_wage", "money", gettext_noop("月工资（元）")),
                Field(
                    "contract_signed_date",
                    "date",
                    gettext_noop("书面劳动合同签订日期（未签订的留空）"),
                    nullable=True,
                ),
                Field("end_date", "date", gettext_noop("计算截止日期（已离职的填最后工作日）")),
            ),
        ),
        Calculator(
            "notice-pay",
            gettext_noop("代通知金（N+1 中的 1）"),
            notice_pay,
            (
                Field("last_month_wage", "money", gettext_noop("上一个月的工资（元）")),
                Field(
                    "termination_reason",
                    "choice",
                    gettext_noop("解除原因（第四十条的情形）"),
                    required=False,
                    choices=_ART40_CHOICES,
                    default=TerminationReason.ART40.value,
                ),
                Field(
                    "claims_unlawful_termination",
                    "choice",
                    gettext_noop("是否主张违法解除赔偿金（2N）"),
                    required=False,
                    choices=CLAIMS_2N_CHOICES,
                    default="no",
                ),
            ),
        ),
        Calculator(
            "overtime",
            gettext_noop("加班费"),
            overtime,
            (
                Field("monthly_wage", "money", gettext_noop("月工资（元，加班费计算基数）")),
                Field("weekday_hours", "number", gettext_noop("工作日延长工作时间（小时）"), maximum=Decimal(100000)),
                Field("rest_day_hours", "number", gettext_noop("休息日工作且未补休（小时）"), maximum=Decimal(100000)),
                Field("holiday_hours", "number", gettext_noop("法定休假日工作（小时）"), maximum=Decimal(100000)),
            ),
        ),
        Calculator(
            "annual-leave",
            gettext_noop("未休年休假工资"),
            annual_leave,
            (
                Field("monthly_wage", "money", gettext_noop("前十二个月剔除加班工资后的月平均工资（元）")),
                Field(
                    "unused_days",
                    "number",
                    gettext_noop("应休未休年休假天数（已知时直接填写，以下各项留空）"),
                    required=False,
                    maximum=Decimal(3660),
                ),
                Field(
                    "cumulative_years",
                    "number",
                    gettext_noop("累计工作年限（年，含在其他单位的工作时间）"),
                    required=False,
                    maximum=Decimal(100),
                ),
                Field(
                    "period_start",
                    "date",
                    gettext_noop("本年度在本单位的起始日（入职当年填入职日，否则填 1 月 1 日）"),
                    required=False,
                ),
                Field("period_end", "date", gettext_noop("本年度在本单位的截止日（离职日）"), required=False),
                Field(
                    "days_taken", "number", gettext_noop("本年度已休年休假天数"), required=False, maximum=Decimal(366)
                ),
                Field(
                    "school_holiday_days",
                    "number",
                    gettext_noop("本年度依法享受的寒暑假天数（教职工等，没有的留空）"),
                    required=False,
                    maximum=Decimal(366),
                ),
                Field(
                    "paid_personal_leave_days",
                    "number",
                    gettext_noop("本年度累计事假天数（仅计单位按规定不扣工资的）"),
                    required=False,
                    maximum=Decimal(366),
                ),
                Field(
                    "sick_leave_months",
                    "number",
                    gettext_noop("本年度累计病假（月）"),
                    required=False,
                    maximum=Decimal(12),
                ),
                Field(
                    "excluded_last_year",
                    "choice",
                    gettext_noop("上一年度已休年休假后，又请事假累计 20 天以上且不扣工资或者长期病假"),
                    required=False,
                    choices=YES_NO_CHOICES,
                    default="no",
                ),
            ),
        ),
    )
}


def metadata() -> list[dict[str, object]]:
    """Every calculator's name, title and fields, JSON-ready, for generating a form or an API schema."""
    return [calculator.as_dict() for calculator in CALCULATORS.values()]


def _decimal_from(value: object) -> Decimal | None:
    # bool is an int subclass; true/false is never an amount.
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        text = str(value)  # a float is read through its shortest text: 5000.1 → "5000.1"
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _named(field: Field) -> str:
    """'月工资（monthly_wage）': the short Chinese label and the key, so a message names its field."""
    return f"{field.label.split('（')[0]}（{field.name}）"


def _parse_value(field: Field, value: object) -> tuple[object, str | None]:
    """The parsed value, or an error message naming the field."""
    named = _named(field)
    if field.type in ("money", "number"):
        number = _decimal_from(value)
        if number is None:
            example = "如 8000.00" if field.type == "money" else "如 2 或 1.5"
            return None, f"{named}须为数字（{example}）"
        if number < 0:
            return None, f"{named}不能为负数"
        limit = MAX_MONEY if field.type == "money" else field.maximum
        if limit is not None and number > limit:
            return None, f"{named}超出合理范围（不超过 {limit}）"
        if number != number.quantize(CENT):
            return None, f"{named}最多保留两位小数"
        return number + 0, None  # + 0 turns "-0" into 0
    if field.type == "date":
        if not isinstance(value, str) or not _DATE_FORM.fullmatch(value.strip()):
            return None, f"{named}须为 YYYY-MM-DD 格式的日期，如 2024-06-30"
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None, f"{named}不是有效日期：{value.strip()}"
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            return None, f"{named}超出合理范围（{EARLIEST_DATE.year}–{LATEST_DATE.year} 年）"
        return day, None
    allowed = [choice for choice, _label in field.choices]
    if not isinstance(value, str) or value not in allowed:
        return None, f"{named}须为以下之一：{'、'.join(allowed)}"
    return value, None


def parse_input(calculator: Calculator, data: object) -> dict[str, object]:
    """Check and convert a JSON object into keyword arguments for the calculator's function."""
    if not isinstance(data, Mapping):
        raise input_error("__all__", '输入须为 JSON 对象，如 {"monthly_wage": "8000.00"}')
    known = {field.name: field for field in calculator.fields}
    errors: list[FieldError] = []
    for key in data:
        if key not in known:
            errors.append(
                {
                    "field": str(key),
                    "message": f"未知字段（{key}）；{calculator.title}可用的字段：{'、'.join(known)}",
                }
            )
    parsed: dict[str, object] = {}
    for field in calculator.fields:
        value = data.get(field.name)
        blank = value is None or (isinstance(value, str) and not value.strip())
        if blank:
            if field.nullable and field.name in data:
                parsed[field.name] = None
            elif field.required:
                hint = "；没有的填 null" if field.nullable else ""
                errors.append({"field": field.name, "message": f"请填写{_named(field)}{hint}"})
            continue
        result, message = _parse_value(field, value)
        if message is not None:
            errors.append({"field": field.name, "message": message})
        else:
            parsed[field.name] = result
    if errors:
        raise CalculatorInputError(errors)
    return parsed


def calculate(name: str, data: object) -> JSONObject:
    """Run calculator `name` on a JSON-like object; raise CalculatorInputError on bad input."""
    calculator = CALCULATORS.get(name)
    if calculator is None:
        raise input_error("name", f"未知的计算器“{name}”，可选：{'、'.join(CALCULATORS)}")
    return calculator.function(**parse_input(calculator, data)).as_dict()
