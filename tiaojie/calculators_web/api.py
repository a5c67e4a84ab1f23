"""API v1 for the calculators: `POST /api/v1/calculators/NAME` takes the same JSON object as
`tiaojie calc NAME` and returns the same result object.

Each calculator is its own operation, with the request schema of its fields (from `calculators.registry`), so
the schema says what the calculator accepts: types, bounds, which fields are required, no unknown keys. What
the registry cannot say field by field is in the schema too where JSON Schema can (annual leave takes either
the unused days or the four inputs they are computed from; `on_date` needs `city_code`) and in the description
where it cannot (an end date not before the start date): those are 422s from the calculator, with its message.
The API is stricter than the command in one way only: numbers are a decimal string matching the schema's
pattern or a JSON number ("1e3" and " 8000 " are for the command line).

Authentication: like the rest of API v1, a token (`Authorization: Bearer …`); no case is needed. The public
web pages do not call this API: they post their form to a Django view (`views.calculator`), which runs the
same `lookup.calculate_with_tables`, so calculating needs no token and the API has no unauthenticated hole.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status as Reply
from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as PydanticField

from tiaojie.calculators.compensation import REASONS, TerminationReason
from tiaojie.calculators.core import LABOUR_CONTRACT_LAW_EFFECTIVE, CalculatorInputError
from tiaojie.calculators.registry import CALCULATORS, MAX_MONEY, MAX_TEXT, Calculator, metadata
from tiaojie.calculators.registry import Field as CalculatorField
from tiaojie.calculators_web.lookup import TABLE_FIELDS, calculate_with_tables
from tiaojie.knowledge.links import citation_links
from tiaojie.lib.api import DAY_1900_2100, ErrorOut, IsoDate, decimal_type, error_body, iso_date, refusals

router = Router(tags=["calculators"])


# --- what the list says -----------------------------------------------------------------------------------------


class ChoiceOut(Schema):
    value: str
    label: str


class FieldOut(Schema):
    name: str
    type: Literal["money", "date", "number", "choice", "text"]
    label: str
    required: bool
    nullable: bool
    choices: list[ChoiceOut] | None = None
    maximum: str | None = None
    default: str | None = None
    help: str | None = None


class CalculatorOut(Schema):
    name: str
    title: str
    fields: list[FieldOut]


class BasisLinkOut(Schema):
    citation: str
    url: str


class StepOut(Schema):
    text: str
    value: str
    basis: str
    # Each citation of `basis` the law library holds, with its article's page (docs/knowledge.md, "Citations
    # and links"); a citation the library lacks is not listed.
    basis_links: list[BasisLinkOut] = []


class CalculationOut(BaseModel):
    """The amount, rounded to the fen, and every step with its legal basis; some calculators add a few
    named figures (months counted, whether the cap applied…). A pydantic model, not a ninja Schema: ninja's
    reads only the declared fields of a dict, and would drop those."""

    model_config = ConfigDict(extra="allow")

    amount: str
    steps: list[StepOut]
    rounding: str


class LimitationOut(BaseModel):
    """A day, not an amount (the arbitration limitation, docs/law.md §5a): the last day to apply, or null
    while it does not run (labour pay while employed) or is interrupted (a mediation still running)."""

    model_config = ConfigDict(extra="allow")

    kind: Literal["date"]
    state: Literal["running", "interrupted", "not_running", "expired"]
    last_day: str | None
    nominal_last_day: str | None
    uncertain: bool
    in_time: bool | None
    steps: list[StepOut]


@router.get(
    "",
    response={200: list[CalculatorOut], **refusals(401)},
    exclude_none=True,
    summary="计算器列表及各自的输入字段",
)
def list_calculators(request: HttpRequest) -> Any:
    return metadata()


# --- one operation per calculator -------------------------------------------------------------------------------

LOOKUP = {"city_code", "on_date"}
_CITY_CODE = "^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3})?)?)?$"  # lookup._CODE_FORM
# 《劳动合同法》 took effect on 2008-01-01: 2N is for a dismissal on or after that day (compensation.py).
_FROM_2008 = "(200[89]|20[1-9][0-9]|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_BEFORE_2008 = "(19[0-9][0-9]|200[0-7])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
assert LABOUR_CONTRACT_LAW_EFFECTIVE.isoformat() == "2008-01-01"
_DATES_IN_ORDER = "结束日期不能早于开始日期（end_date ≥ start_date，period_end ≥ period_start 且同一年），否则为 422。"


# Amounts a calculator divides by or multiplies as a base: zero is refused (422), so the schema says > 0.
_POSITIVE = {"local_average_monthly_wage", "province_average_monthly_wage"}
_NOT_NULL = {"not": {"type": "null"}}


def _required_if(condition: dict[str, Any], *names: str) -> dict[str, Any]:
    """JSON Schema for "when `condition` holds, these keys are present and not null"."""
    return {"if": condition, "then": {"required": list(names), "properties": dict.fromkeys(names, _NOT_NULL)}}


def _given(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"required": [name], "properties": {name: schema or _NOT_NULL}}


# What a calculator judges from its own tables or across numbers, which JSON Schema cannot say: a 422 with its message.
_BEYOND_THE_SCHEMA = {
    "work-injury": (
        "因工死亡且死亡前一年不在全国城镇居民人均可支配收入表中的，须填写 national_urban_income；"
        "省份标准在解除日期尚未施行的（浙江自 2018-01-01），为 422。"
    ),
    "sick-leave": "在本单位工作年限不能超过实际工作年限，否则为 422。",
    "arbitration-limitation": (
        "返回的是日期而不是金额：last_day 为申请仲裁的最后一日（按管理员录入的节假日安排顺延），"
        "uncertain 表示该年度节假日安排尚未录入。kind 不是 labour_pay 的须填写 known_on；"
        "填写 mediation_ended_on 的须同时填写 mediation_requested_on，且不早于它，否则为 422。"
    ),
    "unlawful-probation": "试用期实际履行至、劳动合同终止日期均不能早于劳动合同起始日。",
    "service-period-penalty": "服务期届满日、离职日期均不能早于服务期起始日。",
    "open-ended-double-wage": "计算截止日期不能早于应当订立无固定期限劳动合同之日。",
    "overtime": (
        "按日期（days_worked，如“2026-10-01 8；2026-10-04 6”）或按类别填写时数，二者选一；按日期的，每天按"
        "节假日安排表分为法定节假日、调休休息日、休息日、调休上班日、工作日，表中未录入的年份为 422。"
    ),
}


def _value_type(field: CalculatorField) -> Any:
    if field.type == "date":
        return IsoDate
    if field.type == "text":
        return Annotated[str, PydanticField(max_length=MAX_TEXT)]
    if field.type == "choice":
        return Literal[tuple(value for value, _label in field.choices)]
    maximum = MAX_MONEY if field.type == "money" else (field.maximum or Decimal(0))
    return decimal_type(maximum, positive=field.name in _POSITIVE)


def _field(field: CalculatorField, extra: dict[str, Any] | None = None) -> tuple[Any, Any]:
    value = _value_type(field)
    options: dict[str, Any] = {"description": field.label, "json_schema_extra": extra}
    if field.required and not field.nullable:
        return value, PydanticField(..., **options)
    if field.required:  # the key must be there, and may be null
        return value | None, PydanticField(..., **options)
    return value | None, PydanticField(None, **options)


def _schema_rules(calculator: Calculator) -> dict[str, Any]:
    """What JSON Schema can say across fields, for this calculator."""
    names = {f.name for f in calculator.fields}
    rules: dict[str, Any] = {}
    if calculator.name == "annual-leave":
        computed = ["cumulative_years", "period_start", "period_end", "days_taken"]
        # The exclusions of 条例 art 4 need the computed entitlement, so they come with the computed form only.
        exclusions = ["school_holiday_days", "paid_personal_leave_days", "sick_leave_months"]
        null = {"type": "null"}
        rules["anyOf"] = [
            {
                "required": ["unused_days"],
                "properties": {
                    "unused_days": {"not": null},
                    **dict.fromkeys(computed + exclusions, null),
                    "excluded_last_year": {"enum": ["no", None]},
                },
            },
            {
                "required": computed,
                "properties": {"unused_days": null, **{name: {"not": null} for name in computed}},
            },
        ]
    if calculator.name == "economic-compensation":
        # Service before 2008 needs the precise clause of art 38 or art 40 (481号 and 法释〔2001〕14号 treat
        # them differently), and 代通知金 belongs to an art 40 ground only: the calculator answers 422 otherwise.
        values = [v for v in TerminationReason]
        precise = [v.value for v in values if not REASONS[v].pre2008_choose]
        art40 = [v.value for v in values if REASONS[v].art40]
        # Either date, not only start_date: a client (and the fuzzing hook) may send them in either order.
        rules["allOf"] = [
            *(
                {
                    "if": {"required": [name], "properties": {name: {"pattern": f"^{_BEFORE_2008}$"}}},
                    "then": {
                        "required": ["termination_reason"],
                        "properties": {"termination_reason": {"enum": precise}},
                    },
                }
                for name in ("start_date", "end_date")
            ),
            {
                "if": {"required": ["last_month_wage"], "properties": {"last_month_wage": {"not": {"type": "null"}}}},
                "then": {"properties": {"termination_reason": {"enum": [*art40, None]}}},
            },
        ]
    if calculator.name == "work-injury":
        from tiaojie.calculators.work_injury import PROVINCIAL_SUBSIDIES

        provinces = [p.province for p in PROVINCIAL_SUBSIDIES]
        grades_5_10 = [str(g) for g in range(5, 11)]
        rules.setdefault("allOf", []).extend(
            [
                _required_if(_given("outcome", {"const": "death"}), "death_date"),
                # A grade 5–10 worker leaving, with a province's table: the table's base is the province's average.
                _required_if(
                    {
                        "required": ["outcome", "province", "employment_end_date"],
                        "properties": {
                            "outcome": {"enum": grades_5_10},
                            "province": {"enum": provinces},
                            "employment_end_date": _NOT_NULL,
                        },
                    },
                    "province_average_monthly_wage",
                ),
            ]
        )
    if calculator.name == "unlawful-probation":
        # A fixed-term contract's term decides the lawful probation (劳动合同法 art 19): its end date is needed.
        rules.setdefault("allOf", []).append(
            {"if": _given("contract_kind", {"enum": ["open_ended", "task"]}), "else": _given("contract_end_date")}
        )
    if calculator.name == "arbitration-limitation":
        # Only labour pay may leave the day the right was known infringed out (art 27 ¶4: not running while
        # employed), and a mediation's end needs its start.
        rules.setdefault("allOf", []).extend(
            [
                {
                    "if": {"properties": {"kind": {"not": {"const": "labour_pay"}}}},
                    "then": {"required": ["known_on"], "properties": {"known_on": _NOT_NULL}},
                },
                _required_if(_given("mediation_ended_on"), "mediation_requested_on"),
            ]
        )
    if calculator.name == "overtime":
        # By date or by category, one of the two (the same hours must not be counted twice).
        hours = ["weekday_hours", "rest_day_hours", "holiday_hours"]
        null = {"type": "null"}
        rules["anyOf"] = [
            {
                "required": ["days_worked"],
                "properties": {"days_worked": {"type": "string", "pattern": r"\S"}, **dict.fromkeys(hours, null)},
            },
            {"properties": {"days_worked": null}, "anyOf": [_given(name) for name in hours]},
        ]
    if names & set(TABLE_FIELDS) and "end_date" not in names:
        # No end date to default the lookup day to: a city code needs its on_date.
        rules.setdefault("allOf", []).append(
            _required_if({"required": ["city_code"], "properties": {"city_code": {"type": "string"}}}, "on_date")
        )
    if names & set(TABLE_FIELDS):
        rules["if"] = {"required": ["on_date"], "properties": {"on_date": {"type": "string"}}}
        rules["then"] = {"required": ["city_code"], "properties": {"city_code": {"type": "string"}}}
    return rules


def _input_model(calculator: Calculator) -> type[Schema]:
    fields: dict[str, Any] = {}
    for field in calculator.fields:
        extra: dict[str, Any] | None = None
        if calculator.name == "unlawful-termination" and field.name == "termination_reason":
            # Who resigns under art 38 is owed N, not 2N: the calculator refuses it with that reason.
            allowed = [v for v, _label in field.choices if not REASONS[TerminationReason(v)].worker_resigned]
            extra = {"enum": [*allowed, None]}
        if calculator.name == "notice-pay" and field.name == "claims_unlawful_termination":
            # Claiming 2N excludes 代通知金: the calculator refuses "yes" with that reason (422).
            extra = {"enum": ["no", None]}
        if calculator.name == "unlawful-termination" and field.name == "end_date":
            extra = {"pattern": f"^{_FROM_2008}$"}
        fields[field.name] = _field(field, extra)
    if {f.name for f in calculator.fields} & set(TABLE_FIELDS):
        city = (str | None, PydanticField(None, pattern=_CITY_CODE, json_schema_extra={"format": "wage-city-code"}))
        fields["city_code"] = city
        fields["on_date"] = (
            iso_date(DAY_1900_2100) | None,
            PydanticField(None, description="查表日期，默认为 end_date；须与 city_code 一起填写"),
        )
    model = create_model(
        "".join(part.title() for part in calculator.name.split("-")) + "Input",
        __base__=Schema,
        **fields,
    )
    model.model_config["extra"] = "forbid"  # the calculator refuses an unknown key: additionalProperties false
    model.model_config["json_schema_extra"] = _schema_rules(calculator) or None
    model.model_rebuild(force=True)
    return model


def _field_errors(exc: CalculatorInputError) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in exc.fields:
        key, message = str(item["field"]), str(item["message"])
        out[key] = f"{out[key]}；{message}" if key in out else message
    return out


def _operation(calculator: Calculator) -> Callable[..., Any]:
    name = calculator.name
    model = _input_model(calculator)

    def run(request: HttpRequest, payload: Any) -> Any:
        try:
            result = calculate_with_tables(name, payload.model_dump(mode="json", exclude_unset=True))
        except CalculatorInputError as exc:
            return Reply(422, error_body(exc.message, _field_errors(exc)))
        return {
            **result,
            "steps": [{**step, "basis_links": citation_links(str(step["basis"]))} for step in result["steps"]],
        }

    # ninja reads the body's schema from the annotation; `from __future__ import annotations` made it a string.
    run.__annotations__ = {"request": HttpRequest, "payload": model, "return": Any}
    run.__name__ = f"run_{name.replace('-', '_')}"
    return run


for _calculator in CALCULATORS.values():
    router.add_api_operation(
        f"/{_calculator.name}",
        ["POST"],
        _operation(_calculator),
        response={
            200: LimitationOut if _calculator.name == "arbitration-limitation" else CalculationOut,
            **refusals(400, 401, 422),
        },
        operation_id=f"calculate_{_calculator.name.replace('-', '_')}",
        summary=_calculator.title,
        description=(
            f"输入与 tiaojie calc {_calculator.name} 相同的 JSON 对象，返回金额与逐步计算过程。"
            + (
                _DATES_IN_ORDER
                if any(f.type == "date" for f in _calculator.fields) and _calculator.name != "arbitration-limitation"
                else ""
            )
            + _BEYOND_THE_SCHEMA.get(_calculator.name, "")
        ),
    )


@router.post("/{name}", response={404: ErrorOut}, include_in_schema=False)
def unknown_calculator(request: HttpRequest, name: str) -> Any:
    detail = _("未知的计算器“%(name)s”，可选：%(names)s") % {"name": name, "names": "、".join(CALCULATORS)}
    return Reply(404, error_body(detail, {"name": detail}))
