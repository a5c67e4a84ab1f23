"""Shared pieces of the settlement calculators (docs/law.md §7).

Pure Python on purpose (docs/style.md: `calculators` depends on nothing of ours and not on Django), so the same
functions serve the web form, the HTTP API and the command line, and their tests need no database.

Arithmetic policy (docs/law.md §7): inputs are `Decimal`; every intermediate value is an exact `Fraction`, so
a division such as ÷ 21.75 or ÷ 365 loses nothing; only the final amount is rounded, half up, to 0.01 yuan.

Counting service (one convention for every calculator, pinned by tests):
  * both the first and the last day are working days: 2024-01-01..2024-06-30 is exactly 6 months;
  * a service month runs from a day to the day before the same day of the next month; if the next month has
    no such day (a start on the 29th–31st), that service month ends on the next month's last day
    (民法典 art 202: "没有对应日的，月末日为期间的最后一日"), so 2024-01-31..2024-02-29 is one month and
    2023-08-31..2024-02-29 is six;
  * each anniversary is taken from the original start, never chained (2024-01-31 + 2 months = 2024-03-31).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, TypedDict

CENT = Decimal("0.01")

# 月计薪天数 = (365 − 104) ÷ 12 = 21.75; 小时工资 = 月工资 ÷ (21.75 × 8).
PAY_DAYS_PER_MONTH = Fraction(87, 4)
HOURS_PER_DAY = 8
PAY_DAYS_BASIS = "《关于职工全年月平均工作时间和工资折算问题的通知》（劳社部发〔2008〕3号）第二条"

# 《劳动合同法》took effect on this day (art 98); service before it follows the then rules (art 97).
LABOUR_CONTRACT_LAW_EFFECTIVE = dt.date(2008, 1, 1)


# A JSON object as returned to the CLI and the API.
JSONObject = dict[str, Any]


class FieldError(TypedDict):
    field: str
    message: str


class CalculatorInputError(ValueError):
    """Bad input, reported per field in Chinese so a form can show each message beside its field."""

    def __init__(self, fields: list[FieldError]) -> None:
        self.fields = fields
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return msg("输入有误：{messages}", messages=joined([f["message"] for f in self.fields]))

    def as_dict(self) -> JSONObject:
        return {"error": self.message, "fields": [dict(f) for f in self.fields]}


def input_error(field_name: str, message: str) -> CalculatorInputError:
    return CalculatorInputError([{"field": field_name, "message": message}])


def gettext_noop(message: str) -> str:
    """Marks a Chinese title or label for the translation catalogue: makemessages extracts `gettext_noop("…")`
    while this library stays free of Django; calculators_web translates the text when it shows it."""
    return message


ROUNDING_POLICY = gettext_noop(
    "全程按精确数值计算，中间步骤不做任何舍入；仅对最终金额按四舍五入（逢五进一）保留到 0.01 元（分）。"
)


class Text(str):
    """A Chinese text that remembers how it was made, so a page can show it in its reader's language.

    It *is* the Chinese string (the CLI, the API, the tests and the steps stored with a claim see plain
    Chinese), and it keeps its template and parameters: `in_language(gettext)` formats the translated
    template with each parameter translated the same way. Make one with `msg()`, never by concatenation
    (`Text + str` is a plain str and loses the template)."""

    template: str
    params: Mapping[str, object]

    def __new__(cls, template: str, params: Mapping[str, object] | None = None) -> Text:
        # `params=None` is also how copy/pickle rebuild a Text (from its text, then its __dict__).
        self = super().__new__(cls, template if params is None else template.format_map(_rendered(params)))
        self.template = template
        self.params = dict(params or {})
        return self

    def in_language(self, translate: Callable[[str], str]) -> str:
        """This text with `translate` applied to its template and to every text parameter."""
        params = _rendered(self.params, translate)
        try:
            return translate(self.template).format_map(params)
        except (KeyError, IndexError, ValueError):
            return self.template.format_map(params)  # a translation with wrong placeholders: keep the Chinese

    def as_json(self) -> JSONObject:
        """The template and parameters as JSON, kept beside the Chinese text where a step is stored (a claim's
        explanation) so a later page can still show it translated (tiaojie/lib/stored_text.py)."""
        return {
            "template": self.template,
            "params": {k: v.as_json() if isinstance(v, Text) else str(v) for k, v in self.params.items()},
        }


def _rendered(params: Mapping[str, object], translate: Callable[[str], str] | None = None) -> dict[str, str]:
    out = {}
    for key, value in params.items():
        if isinstance(value, Text):
            out[key] = value if translate is None else value.in_language(translate)
        elif isinstance(value, str) and translate is not None and value:
            out[key] = translate(value)  # a label that is a msgid; any other text comes back unchanged
        else:
            out[key] = str(value)
    return out


class FieldLabel(Text):
    """A field's label inside a message: the short Chinese (before its unit: '月工资' of '月工资（元）') for the
    CLI and the API, and the translated label cut the same way on a page read in another language."""

    def __new__(cls, label: str) -> FieldLabel:
        self = str.__new__(cls, label.split("（")[0])
        self.template, self.params = label, {}
        return self

    def in_language(self, translate: Callable[[str], str]) -> str:
        translated = translate(self.template)
        # Short in English too: the label without its parenthesised unit or hint, as the Chinese is cut at "（".
        return str(self) if translated == self.template else translated.split(" (")[0]


def concatenated(*texts: Text) -> Text:
    """Texts one after another with nothing between them (each brings its own "；"), each still translatable."""
    return Text("".join(f"{{p{i}}}" for i in range(len(texts))), {f"p{i}": text for i, text in enumerate(texts)})


def msg(template: str, /, **params: object) -> Text:
    """A step text, message or label: `msg("工作年限 {years} 年", years=…)`. The template is a msgid
    (makemessages extracts `msg("…")`, tiaojie/site/management/commands/makemessages.py), written in Chinese
    with `{name}` placeholders; a parameter may be a number, a Text or a msgid such as a ground's label."""
    return Text(template, params)


# How a list is joined: the separator is a word of the language ("；" reads "; " in English), so it is a
# msgid too, and a list is folded pair by pair into one Text a page can still translate.
_JOINS = {"；": gettext_noop("{head}；{tail}"), "、": gettext_noop("{head}、{tail}")}


def joined(parts: Sequence[str], separator: str = "；") -> str:
    """`separator.join(parts)` as a Text whose pieces stay translatable (a lone part is returned as it is)."""
    if not parts:
        return ""
    result = parts[0]
    for part in parts[1:]:
        result = msg(_JOINS[separator], head=result, tail=part)
    return result


@dataclass(frozen=True)
class Step:
    """One line of the worked calculation shown to the parties: what was done, its value, and the rule."""

    text: str
    value: str
    basis: str

    def as_dict(self) -> dict[str, str]:
        # `text` stays a Text (a str) so the web page can translate it; JSON sees the Chinese.
        return {"text": self.text, "value": self.value, "basis": self.basis}


@dataclass
class Result:
    """A calculation: `exact` is the unrounded amount (kept for tests and audits), `amount` is rounded."""

    exact: Fraction
    steps: list[Step]
    extra: dict[str, str | bool | None] = field(default_factory=dict)

    @property
    def amount(self) -> Decimal:
        return round_yuan(self.exact)

    def as_dict(self) -> JSONObject:
        return {
            "amount": format_money(self.amount),
            "steps": [step.as_dict() for step in self.steps],
            "rounding": ROUNDING_POLICY,
            **self.extra,
        }


def conclude(
    steps: list[Step], exact: Fraction, *, text: str, basis: str, extra: dict[str, str | bool | None] | None = None
) -> Result:
    """Every calculation ends here: a last step showing the amount rounded to the fen, the same figure as
    Result.amount, so the steps and the result cannot disagree; the Result keeps the exact amount."""
    steps.append(Step(text=text, value=format_money(round_yuan(exact)), basis=basis))
    return Result(exact=exact, steps=steps, extra=extra or {})


# --- numbers -------------------------------------------------------------------------------------------


def exact(value: Decimal | int) -> Fraction:
    return Fraction(value)


def round_yuan(value: Fraction) -> Decimal:
    """Round half up (away from zero) to 0.01 yuan — the only rounding a calculation ever does."""
    scaled = abs(value) * 100
    cents = math.floor(scaled + Fraction(1, 2))
    if value < 0:
        cents = -cents
    return Decimal(cents).scaleb(-2)


def format_money(value: Decimal) -> str:
    """'8000.00': two places, no exponent, no negative zero."""
    quantized = value.quantize(CENT)
    if quantized.is_zero():
        quantized = abs(quantized)
    return f"{quantized:f}"


def _terminating_places(value: Fraction) -> int | None:
    """Decimal places needed to write `value` exactly, or None if its decimal expansion repeats."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    return max(twos, fives) if den == 1 else None


def format_number(value: Fraction) -> str:
    """A derived quantity as a decimal string: exact when it terminates ('4.5', '6'), otherwise 28
    significant digits ('28.73563218390804597701149425'); never rounded to fewer places, because the
    rounding policy keeps intermediate values unrounded."""
    places = _terminating_places(value)
    if places is not None:
        text = f"{Decimal(value.numerator * 10**places // value.denominator).scaleb(-places):f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    with localcontext() as ctx:
        ctx.prec = 28
        return f"{Decimal(value.numerator) / Decimal(value.denominator):f}"


def show(value: Fraction, places: int = 2) -> str:
    """For step text only: the exact value if it fits in `places`, else '≈' and the value rounded half up."""
    exact_places = _terminating_places(value)
    if exact_places is not None and exact_places <= places:
        return format_number(value)
    scaled = abs(value) * 10**places
    digits = math.floor(scaled + Fraction(1, 2)) * (-1 if value < 0 else 1)
    return "≈" + f"{Decimal(digits).scaleb(-places):f}"


def format_amount(value: Fraction) -> str:
    """A partial sum for a step's value: two places when exact in cents, otherwise unrounded digits."""
    if (value * 100).denominator == 1:
        return format_money(Decimal(value.numerator * 100 // value.denominator).scaleb(-2))
    return format_number(value)


def yuan(value: Decimal | Fraction) -> Text:
    """Money for step text: '6000.00 元' when exact in cents, else the unrounded value marked '≈'."""
    fraction = Fraction(value)
    if (fraction * 100).denominator == 1:
        return msg(
            "{amount} 元", amount=format_money(Decimal(fraction.numerator * 100 // fraction.denominator).scaleb(-2))
        )
    return msg("{amount} 元", amount=show(fraction, 4))


# --- dates ---------------------------------------------------------------------------------------------


def add_months(anchor: dt.date, months: int) -> dt.date:
    """The first day of service month `months + 1` counted from `anchor` (see the module docstring):
    the same day of the month, or, when that month is too short, the first day of the month after it."""
    years, month_index = divmod(anchor.month - 1 + months, 12)
    year, month = anchor.year + years, month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    if anchor.day <= last_day:
        return dt.date(year, month, anchor.day)
    return dt.date(year, month, last_day) + dt.timedelta(days=1)


@dataclass(frozen=True)
class Service:
    """Length of service from `start` to `end`, both days included: `months` whole service months, then
    `days` more days of a service month that is `month_length` calendar days long."""

    start: dt.date
    end: dt.date
    months: int
    days: int
    month_length: int

    @property
    def years(self) -> int:
        return self.months // 12

    @property
    def months_after_years(self) -> int:
        return self.months % 12

    @property
    def has_part_year(self) -> bool:
        return self.months_after_years > 0 or self.days > 0

    def describe(self) -> Text:
        return msg(
            "{years} 年 {months} 个月 {days} 天", years=self.years, months=self.months_after_years, days=self.days
        )

    def span(self) -> Text:
        return msg("{start} 至 {end}（首尾两日均计入）", start=self.start.isoformat(), end=self.end.isoformat())


def measure_service(start: dt.date, end: dt.date) -> Service:
    if end < start:
        raise ValueError("end before start")
    stop = end + dt.timedelta(days=1)  # first day no longer worked
    months = (stop.year - start.year) * 12 + stop.month - start.month
    # add_months(start, months) lies in stop's month or the month after it, so at most one step back.
    while months > 0 and add_months(start, months) > stop:
        months -= 1
    anchor = add_months(start, months)
    return Service(
        start=start,
        end=end,
        months=months,
        days=(stop - anchor).days,
        month_length=(add_months(start, months + 1) - anchor).days,
    )


def day_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)
