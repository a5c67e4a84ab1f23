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
from .core import (
    CENT,
    CalculatorInputError,
    FieldError,
    FieldLabel,
    JSONObject,
    Result,
    Text,
    gettext_noop,
    input_error,
    msg,
)
from .double_wage import OPEN_ENDED_GROUNDS, double_wage, open_ended_double_wage
from .limitation import KIND_CHOICES, Calendar, Limitation, limitation_calculator
from .non_compete import non_compete
from .notice_pay import CLAIMS_2N_CHOICES, notice_pay
from .overtime import overtime
from .probation import CONTRACT_KINDS, unlawful_probation
from .service_period import service_period_penalty
from .sick_leave import sick_leave
from .work_injury import OUTCOME_CHOICES, PROVINCE_CHOICES, STOPPAGE_MAX_MONTHS, work_injury

FieldType = Literal["money", "date", "number", "choice", "text"]

# Bounds that keep exact arithmetic cheap and catch typos (an extra zero, a year 20244); generous for any
# real case.
MAX_MONEY = Decimal("999999999.99")
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A text field (overtime's dates and hours) is read by its calculator; this only bounds its size.
MAX_TEXT = 8000


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
    help: str | None = None  # how to write a text field, shown under it

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
        if self.help is not None:
            meta["help"] = self.help
        return meta


@dataclass(frozen=True)
class Calculator:
    name: str
    title: str
    function: Callable[..., Result | Limitation]
    fields: tuple[Field, ...]
    # Keyword arguments that are not inputs but facts the caller looks up for the function (overtime's
    # `day_kinds`: the holiday calendar lives in the database, which this library does not reach).
    context: tuple[str, ...] = ()
    # Takes the caller's holiday calendar as `calendar=` (the library has none of its own: calculate()).
    needs_calendar: bool = False

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


# Optional on the double-wage calculators: with it, the months already out of time are warned about.
_APPLICATION_DATE = Field(
    "application_date",
    "date",
    gettext_noop("申请仲裁或者时效中断之日（如申请调解之日，选填：填写后提示已超过仲裁时效的月份）"),
    required=False,
)


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
                _APPLICATION_DATE,
            ),
            needs_calendar=True,
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
                Field(
                    "days_worked",
                    "text",
                    gettext_noop("按日期填写：加班日期和超出正常工作时间的小时数（每天一项）"),
                    required=False,
                    help=gettext_noop(
                        "每行或每个分号一项：日期 空格 小时数，如“2026-10-01 8；2026-10-04 6；2026-03-03 2”。"
                        "系统按节假日安排逐日判断是法定节假日（300%）、休息日或调休休息日（200%）"
                        "还是工作日或调休上班日（150%）。按日期填写的，下面三项留空。"
                    ),
                ),
                Field(
                    "weekday_hours",
                    "number",
                    gettext_noop("工作日延长工作时间（小时）"),
                    required=False,
                    maximum=Decimal(100000),
                ),
                Field(
                    "rest_day_hours",
                    "number",
                    gettext_noop("休息日工作且未补休（小时）"),
                    required=False,
                    maximum=Decimal(100000),
                ),
                Field(
                    "holiday_hours",
                    "number",
                    gettext_noop("法定休假日工作（小时）"),
                    required=False,
                    maximum=Decimal(100000),
                ),
            ),
            context=("day_kinds",),
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
        Calculator(
            "work-injury",
            gettext_noop("工伤待遇"),
            work_injury,
            (
                Field("monthly_wage", "money", gettext_noop("本人工资（元，受伤前十二个月平均月缴费工资）")),
                Field("local_average_monthly_wage", "money", gettext_noop("统筹地区上年度职工月平均工资（元）")),
                Field(
                    "outcome",
                    "choice",
                    gettext_noop("伤残等级或者因工死亡"),
                    required=False,
                    choices=OUTCOME_CHOICES,
                    default="none",
                ),
                Field(
                    "employer_insured",
                    "choice",
                    gettext_noop("用人单位是否参加了工伤保险"),
                    required=False,
                    choices=(("yes", gettext_noop("是")), ("no", gettext_noop("否：全部待遇由用人单位支付"))),
                    default="yes",
                ),
                Field(
                    "stoppage_months",
                    "number",
                    gettext_noop("停工留薪期（月，一般不超过 12 个月，经确认延长的最多 24 个月）"),
                    required=False,
                    maximum=Decimal(STOPPAGE_MAX_MONTHS),
                ),
                Field(
                    "original_monthly_wage",
                    "money",
                    gettext_noop("停工留薪期的原工资福利（元/月，默认同本人工资）"),
                    required=False,
                ),
                Field(
                    "suitable_work_arranged",
                    "choice",
                    gettext_noop("五级、六级伤残：用人单位是否已安排适当工作"),
                    required=False,
                    choices=(("no", gettext_noop("否：难以安排工作，按月发给伤残津贴")), ("yes", gettext_noop("是"))),
                    default="no",
                ),
                Field(
                    "local_minimum_wage",
                    "money",
                    gettext_noop("当地最低月工资标准（元，伤残津贴的下限）"),
                    required=False,
                ),
                Field(
                    "employment_end_date",
                    "date",
                    gettext_noop("解除或者终止劳动关系日期（五级至十级伤残，未解除的留空）"),
                    required=False,
                ),
                Field(
                    "province",
                    "choice",
                    gettext_noop("一次性工伤医疗补助金、伤残就业补助金适用的省份标准"),
                    required=False,
                    choices=PROVINCE_CHOICES,
                    default="none",
                ),
                Field(
                    "province_average_monthly_wage",
                    "money",
                    gettext_noop("上年度全省职工月平均工资（元，按省份标准计算补助金的基数）"),
                    required=False,
                ),
                Field(
                    "years_to_retirement",
                    "number",
                    gettext_noop("解除时距法定退休年龄的年数（不足五年的就业补助金递减）"),
                    required=False,
                    maximum=Decimal(100),
                ),
                Field("death_date", "date", gettext_noop("死亡日期（因工死亡的填写）"), required=False),
                Field(
                    "national_urban_income",
                    "money",
                    gettext_noop("上一年度全国城镇居民人均可支配收入（元，未收录该年度时填写）"),
                    required=False,
                ),
            ),
        ),
        Calculator(
            "unlawful-probation",
            gettext_noop("违法约定试用期的赔偿金"),
            unlawful_probation,
            (
                Field("contract_start_date", "date", gettext_noop("劳动合同起始日（试用期起始日）")),
                Field(
                    "probation_served_until",
                    "date",
                    gettext_noop("试用期实际履行至（约定试用期的最后一日或者离职日，取早者）"),
                ),
                Field("post_probation_wage", "money", gettext_noop("试用期满月工资（元，劳动合同约定的转正工资）")),
                Field(
                    "contract_kind",
                    "choice",
                    gettext_noop("劳动合同类型"),
                    required=False,
                    choices=CONTRACT_KINDS,
                    default="fixed",
                ),
                Field(
                    "contract_end_date",
                    "date",
                    gettext_noop("劳动合同终止日期（固定期限劳动合同填写）"),
                    required=False,
                ),
                Field(
                    "earlier_probation",
                    "choice",
                    gettext_noop("此前是否已与该劳动者约定过试用期"),
                    required=False,
                    choices=(("no", gettext_noop("否")), ("yes", gettext_noop("是：同一用人单位只能约定一次试用期"))),
                    default="no",
                ),
            ),
        ),
        Calculator(
            "open-ended-double-wage",
            gettext_noop("未订立无固定期限劳动合同的二倍工资"),
            open_ended_double_wage,
            (
                Field("due_date", "date", gettext_noop("应当订立无固定期限劳动合同之日")),
                Field("monthly_wage", "money", gettext_noop("月工资（元）")),
                Field("end_date", "date", gettext_noop("计算截止日期（补订之日的前一日或者离职日）")),
                Field(
                    "ground",
                    "choice",
                    gettext_noop("应当订立无固定期限劳动合同的情形"),
                    required=False,
                    choices=OPEN_ENDED_GROUNDS,
                    default="art14_2_1",
                ),
                _APPLICATION_DATE,
            ),
            needs_calendar=True,
        ),
        Calculator(
            "service-period-penalty",
            gettext_noop("服务期违约金上限"),
            service_period_penalty,
            (
                Field("training_cost", "money", gettext_noop("用人单位提供的专项培训费用（元）")),
                Field("service_start_date", "date", gettext_noop("服务期起始日")),
                Field("service_end_date", "date", gettext_noop("服务期届满日")),
                Field("left_on", "date", gettext_noop("劳动者离职日期（最后工作日）")),
                Field(
                    "agreed_penalty", "money", gettext_noop("约定的违约金（元，未约定具体数额的留空）"), required=False
                ),
                Field(
                    "resigned_under_art38",
                    "choice",
                    gettext_noop("劳动者是否依第三十八条解除劳动合同"),
                    required=False,
                    choices=(("no", gettext_noop("否")), ("yes", gettext_noop("是：不属于违反服务期约定"))),
                    default="no",
                ),
            ),
        ),
        Calculator(
            "non-compete",
            gettext_noop("竞业限制经济补偿"),
            non_compete,
            (
                Field("average_monthly_wage", "money", gettext_noop("解除或者终止前十二个月的月平均工资（元）")),
                Field(
                    "months_observed",
                    "number",
                    gettext_noop("劳动者已履行竞业限制的月数（不超过 24）"),
                    maximum=Decimal(24),
                ),
                Field(
                    "local_minimum_wage", "money", gettext_noop("劳动合同履行地最低月工资标准（元）"), required=False
                ),
                Field(
                    "agreed_monthly_compensation",
                    "money",
                    gettext_noop("约定的每月经济补偿（元，未约定的留空）"),
                    required=False,
                ),
                Field(
                    "released_by_employer",
                    "choice",
                    gettext_noop("用人单位是否在竞业限制期限内解除了竞业限制协议"),
                    required=False,
                    choices=(("no", gettext_noop("否")), ("yes", gettext_noop("是：另付三个月经济补偿"))),
                    default="no",
                ),
            ),
        ),
        Calculator(
            "sick-leave",
            gettext_noop("医疗期和病假工资"),
            sick_leave,
            (
                Field(
                    "total_work_years",
                    "number",
                    gettext_noop("实际工作年限（年，含在其他单位的年限）"),
                    maximum=Decimal(100),
                ),
                Field("years_with_employer", "number", gettext_noop("在本单位工作年限（年）"), maximum=Decimal(100)),
                Field("local_minimum_wage", "money", gettext_noop("当地最低月工资标准（元）")),
                Field("sick_pay_paid", "money", gettext_noop("每月实发病假工资（元，计算差额时填写）"), required=False),
                Field(
                    "sick_months",
                    "number",
                    gettext_noop("病休月数（计算差额时填写）"),
                    required=False,
                    maximum=Decimal(120),
                ),
            ),
        ),
        Calculator(
            "arbitration-limitation",
            gettext_noop("仲裁时效：申请仲裁的最后一日"),
            limitation_calculator,
            (
                Field(
                    "kind",
                    "choice",
                    gettext_noop("请求事项的类别"),
                    required=False,
                    choices=KIND_CHOICES,
                    default="other",
                ),
                Field(
                    "known_on",
                    "date",
                    gettext_noop("知道或者应当知道权利被侵害之日（劳动报酬在职期间的可留空）"),
                    required=False,
                ),
                Field(
                    "employment_ended_on",
                    "date",
                    gettext_noop("劳动关系终止之日（仍在职的留空）"),
                    required=False,
                ),
                Field("claimed_on", "date", gettext_noop("向用人单位主张权利之日（选填）"), required=False),
                Field("employer_agreed_on", "date", gettext_noop("用人单位同意履行之日（选填）"), required=False),
                Field(
                    "mediation_requested_on",
                    "date",
                    gettext_noop("申请调解、协商或者其他权利救济之日（选填）"),
                    required=False,
                ),
                Field(
                    "mediation_ended_on",
                    "date",
                    gettext_noop("调解或者协商结束之日（尚未结束的留空）"),
                    required=False,
                ),
                Field(
                    "application_date", "date", gettext_noop("申请仲裁之日（选填：核对是否超过时效）"), required=False
                ),
            ),
            needs_calendar=True,
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


def _named(field: Field) -> Text:
    """'月工资（monthly_wage）': the short Chinese label and the key, so a message names its field."""
    return msg("{label}（{key}）", label=FieldLabel(field.label), key=field.name)


def _parse_value(field: Field, value: object) -> tuple[object, str | None]:
    """The parsed value, or an error message naming the field."""
    named = _named(field)
    if field.type in ("money", "number"):
        number = _decimal_from(value)
        if number is None:
            example = msg("如 8000.00") if field.type == "money" else msg("如 2 或 1.5")
            return None, msg("{field}须为数字（{example}）", field=named, example=example)
        if number < 0:
            return None, msg("{field}不能为负数", field=named)
        limit = MAX_MONEY if field.type == "money" else field.maximum
        if limit is not None and number > limit:
            return None, msg("{field}超出合理范围（不超过 {limit}）", field=named, limit=limit)
        if number != number.quantize(CENT):
            return None, msg("{field}最多保留两位小数", field=named)
        return number + 0, None  # + 0 turns "-0" into 0
    if field.type == "date":
        if not isinstance(value, str) or not _DATE_FORM.fullmatch(value.strip()):
            return None, msg("{field}须为 YYYY-MM-DD 格式的日期，如 2024-06-30", field=named)
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None, msg("{field}不是有效日期：{value}", field=named, value=value.strip())
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            return None, msg(
                "{field}超出合理范围（{first}–{last} 年）", field=named, first=EARLIEST_DATE.year, last=LATEST_DATE.year
            )
        return day, None
    if field.type == "text":
        if not isinstance(value, str):
            return None, msg("{field}须为文字", field=named)
        if len(value) > MAX_TEXT:
            return None, msg("{field}过长（不超过 {limit} 个字）", field=named, limit=MAX_TEXT)
        return value.strip(), None
    allowed = [choice for choice, _label in field.choices]
    if not isinstance(value, str) or value not in allowed:
        return None, msg("{field}须为以下之一：{allowed}", field=named, allowed="、".join(allowed))
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
                    "message": msg(
                        "未知字段（{key}）；{title}可用的字段：{known}",
                        key=key,
                        title=calculator.title,
                        known="、".join(known),
                    ),
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
                named = _named(field)
                text = (
                    msg("请填写{field}；没有的填 null", field=named)
                    if field.nullable
                    else msg("请填写{field}", field=named)
                )
                errors.append({"field": field.name, "message": text})
            continue
        result, message = _parse_value(field, value)
        if message is not None:
            errors.append({"field": field.name, "message": message})
        else:
            parsed[field.name] = result
    if errors:
        raise CalculatorInputError(errors)
    return parsed


def calculate(
    name: str, data: object, *, context: Mapping[str, object] | None = None, calendar: Calendar | None = None
) -> JSONObject:
    """Run calculator `name` on a JSON-like object; raise CalculatorInputError on bad input. `context` carries
    what the caller looked up for it (only the keys the calculator declares are passed on); `calendar` (any
    object with `is_working_day` and `covers`) is handed to the calculators that count to a last day; without
    it they roll only weekends and mark the day uncertain."""
    calculator = CALCULATORS.get(name)
    if calculator is None:
        raise input_error("name", msg("未知的计算器“{name}”，可选：{names}", name=name, names="、".join(CALCULATORS)))
    kwargs: dict[str, object] = {**parse_input(calculator, data)}
    kwargs.update({key: value for key, value in (context or {}).items() if key in calculator.context})
    if calculator.needs_calendar:
        kwargs["calendar"] = calendar
    return calculator.function(**kwargs).as_dict()
