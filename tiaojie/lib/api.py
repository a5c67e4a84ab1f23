"""What every API v1 operation shares: the one error body, the status codes it is declared under, and the input
types whose JSON schema says exactly what the server accepts (docs/api.md).

The contract is tested by schemathesis (tiaojie/api/tests/test_schemathesis.py): a request the schema allows must
be accepted, one it forbids must be refused, and every answer must match the schema of its status code. So a type
here validates what its schema says, no more (pydantic's lax parsing would take `0` for 1970-01-01) and no less.

The lowest layer: no tiaojie model, only ninja and pydantic."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema

# The largest id either database stores (a 64-bit signed integer): a bigger one is refused as input, never sent
# to the database.
MAX_ID = 2**63 - 1


class ErrorOut(Schema):
    """Every refusal of API v1, whatever its status code."""

    detail: str = Field(..., description="给人看的说明（中文）")
    errors: dict[str, str] = Field(
        ...,
        description="逐字段的说明：键为字段路径（如 workers.0.id_number、cursor；整个请求为 __all__），没有时为空对象",
    )


def error_body(detail: str, errors: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {"detail": str(detail), "errors": {str(k): str(v) for k, v in (errors or {}).items()}}


def refusals(*codes: int) -> dict[int, type[ErrorOut]]:
    """`response={200: X, **refusals(401, 422)}`: the error codes an operation declares, all with ErrorOut."""
    return dict.fromkeys(codes, ErrorOut)


# --- pydantic's errors, in Chinese, keyed by field path ------------------------------------------------------


def field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Pydantic's list of errors as {"workers.0.name": "必填", …}: the shape of ErrorOut.errors. The first item
    of a location is where the value was (query, path, body); for the body the second is the parameter's name."""
    out: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        parts = loc[2:] if loc[:1] == ["body"] else loc[1:]
        key = ".".join(parts) or "__all__"
        message = _message(error)
        out[key] = f"{out[key]}；{message}" if key in out else message
    return out


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("必填")
    if kind == "string_too_short":
        return _("不能为空") if ctx.get("min_length") == 1 else _("至少 %(n)s 个字符") % {"n": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("不超过 %(n)s 个字符") % {"n": ctx.get("max_length")}
    if kind in ("too_short", "too_long"):
        return _("项数须在规定范围内（%(detail)s）") % {"detail": _english(error)}
    if kind in ("enum", "literal_error"):
        return _("须为以下之一：%(values)s") % {"values": ctx.get("expected", "")}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("须为整数")
    if kind in ("greater_than_equal", "greater_than"):
        return _("不能小于 %(n)s") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("不能大于 %(n)s") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind.startswith(("date_", "datetime_")):
        return _("不是有效的日期或时间")
    if kind in ("bool_parsing", "bool_type"):
        return _("须为 true 或 false")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("须为 JSON 对象")
    if kind == "list_type":
        return _("须为 JSON 数组")
    if kind in ("string_type", "string_pattern_mismatch"):
        return _("须为符合格式的文字")
    if kind == "extra_forbidden":
        return _("未知字段")
    if kind == "value_error":
        return str(ctx.get("error", "")) or _("取值无效")
    return _("取值无效（%(detail)s）") % {"detail": _english(error)}


def _english(error: Mapping[str, Any]) -> str:
    return str(error.get("msg", ""))


# --- input types whose schema is what they accept ---------------------------------------------------------------


def _upto(n: int) -> str:
    """A regex for the whole numbers 0..n written with at most as many digits as n (leading zeros allowed)."""
    digits = str(n)
    width = len(digits)
    if set(digits) == {"9"}:
        return f"[0-9]{{1,{width}}}"
    below = [f"[0-9]{{1,{width - 1}}}"] if width > 1 else []
    for i, d in enumerate(digits):  # same width, smaller from position i on
        if d != "0":
            rest = f"[0-9]{{{width - i - 1}}}" if width - i - 1 else ""
            below.append(f"{digits[:i]}[0-{int(d) - 1}]{rest}")
    return f"(?:(?:{'|'.join(below)})(?:\\.[0-9]{{1,2}})?|{digits}(?:\\.0{{1,2}})?)"


def decimal_type(maximum: Decimal, *, positive: bool = False, description: str = "") -> Any:
    """A non-negative amount with at most two places, up to `maximum` (above zero if `positive`): a decimal string
    matching the schema's pattern, or a JSON number. Validated here exactly as the schema says."""
    integer = int(maximum)
    if maximum != integer and (maximum != integer + Decimal("0.99") or set(str(integer)) != {"9"}):
        raise ValueError("maximum must be a whole number, or nines ending in .99")
    text_re = re.compile(
        f"[0-9]{{1,{len(str(integer))}}}(?:\\.[0-9]{{1,2}})?" if maximum != integer else _upto(integer)
    )
    zero = re.compile(r"0+(?:\.0{1,2})?")
    floor: dict[str, Any] = {"exclusiveMinimum": 0} if positive else {"minimum": 0}
    number_schema = {"type": "number", **floor, "maximum": float(maximum), "multipleOf": 0.01}
    text_schema: dict[str, Any] = {"type": "string", "pattern": f"^{text_re.pattern}$"}
    if positive:
        text_schema["not"] = {"pattern": f"^{zero.pattern}$"}

    def check(value: object) -> object:
        if isinstance(value, Decimal):
            return value
        message = _('须为 %(low)s 到 %(high)s 之间、最多两位小数的数，如 "8000.00" 或 8000') % {
            "low": _("大于 0") if positive else "0",
            "high": maximum,
        }
        if isinstance(value, str):
            if not text_re.fullmatch(value) or (positive and zero.fullmatch(value)):
                raise ValueError(message)
            return Decimal(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(message)
        try:
            number = Decimal(str(value))  # a float through its shortest text: 5000.1 → "5000.1"
        except InvalidOperation:
            raise ValueError(message) from None
        if not number.is_finite() or number > maximum or number < 0 or (positive and number == 0):
            raise ValueError(message)
        if number != number.quantize(Decimal("0.01")):
            raise ValueError(message)
        return number + 0  # + 0 turns -0.0 into 0

    schema: dict[str, Any] = {"anyOf": [text_schema, number_schema]}
    if description:
        schema["description"] = description
    return Annotated[Decimal, BeforeValidator(check), WithJsonSchema(schema)]


MAX_AMOUNT = Decimal("999999999999.99")  # below the 一万亿 cases.actions refuses
Amount = decimal_type(MAX_AMOUNT, description='元：十进制文字（如 "8000.00"）或 JSON 数字，最多两位小数')

_DAY = "(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DAY_1900_2100 = f"(19[0-9]{{2}}|20[0-9]{{2}}|2100)-{_DAY}"


def iso_date(pattern: str = DAY_1900_2100) -> Any:
    """A calendar day written YYYY-MM-DD (no timestamp, no time of day), matching `pattern` (years 1900–2100 by
    default: outside them a day is a typing error, and at the ends of the calendar its Beijing bounds overflow)."""
    form = re.compile(pattern)

    def check(value: object) -> object:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if not isinstance(value, str) or not form.fullmatch(value):
            raise ValueError(_("须为 YYYY-MM-DD 格式的日期（1900 至 2100 年），如 2026-03-10"))
        return value  # pydantic then refuses a day that does not exist (2026-02-30)

    return Annotated[
        dt.date,
        BeforeValidator(check),
        WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{pattern}$"}),
    ]


IsoDate = iso_date()

# Years 2000–2099: a received_at outside them is a typing error, and at the ends of the calendar (year 1 at +14:00,
# year 9999 at −23:59) converting to Beijing time overflows. Offsets up to ±14:59, as real ones are: PostgreSQL
# refuses one beyond ±15:59 (a 500 before).
_MOMENT = re.compile(
    f"20[0-9]{{2}}-{_DAY}"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])"
)


def _moment(value: object) -> object:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    if not isinstance(value, str) or not _MOMENT.fullmatch(value):
        raise ValueError(_("须为 2000 至 2099 年间带时区的时间，例如 2026-03-10T09:00:00+08:00"))
    return value


AwareMoment = Annotated[
    dt.datetime,
    BeforeValidator(_moment),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": f"^{_MOMENT.pattern}$"}),
]
"""An instant with its offset (RFC 3339), in the years 2000–2099."""


# No NUL anywhere: PostgreSQL refuses it in a text column (a 500 before; Django's form fields refuse it too).
NO_NUL = r"^[^\u0000]*$"
# ...and a character Python's str.strip() keeps, which is what the actions test ("not blank"): JSON Schema's \S
# would let through the separators U+001C–U+001F and U+0085, which strip() removes.
_KEPT = r"[^\u0000\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
SAYS_SOMETHING = rf"^[^\u0000]*{_KEPT}[^\u0000]*$"


def plain(default: str = "", *, max_length: int, description: str = "") -> Any:
    """An optional text: anything but NUL."""
    return Field(default, max_length=max_length, pattern=NO_NUL, description=description or None)


def text(*, max_length: int, description: str = "") -> Any:
    """A required text that must say something: not empty, not only spaces."""
    return Field(..., min_length=1, max_length=max_length, pattern=SAYS_SOMETHING, description=description or None)
