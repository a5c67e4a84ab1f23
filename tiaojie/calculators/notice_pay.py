"""代通知金 ("N+1"'s "+1"): 《劳动合同法》art 40; 实施条例 art 20; docs/law.md §7.

An art-40 dismissal without thirty days' written notice costs one extra month's wage, and that month is
valued at the worker's wage of the *previous month* (实施条例 art 20) — not the 12-month average that N uses.
It belongs to a lawful art 40 dismissal only: another ground, or a claim of 2N for an unlawful one (which
replaces every consequence of a lawful end, 实施条例 art 25), is refused with the reason.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .compensation import REASONS, parse_reason
from .core import (
    CalculatorInputError,
    FieldError,
    Result,
    Step,
    conclude,
    format_money,
    gettext_noop,
    input_error,
    msg,
    yuan,
)

LCL = "《劳动合同法》"
REGULATION = "《劳动合同法实施条例》"


# "Is 2N claimed for this dismissal?" as a form choice.
CLAIMS_2N_CHOICES = (
    ("no", gettext_noop("否：依第四十条合法解除，仅未提前三十日书面通知")),
    ("yes", gettext_noop("是：主张违法解除赔偿金（2N）")),
)


def notice_pay(
    *, last_month_wage: Decimal, termination_reason: str | None = None, claims_unlawful_termination: str = "no"
) -> Result:
    if last_month_wage < 0:
        raise input_error("last_month_wage", msg("上一个月工资（last_month_wage）不能为负数"))
    errors: list[FieldError] = []
    ground = None
    if termination_reason is not None:
        ground = REASONS[parse_reason(termination_reason)]
        if not ground.art40:
            errors.append(
                {
                    "field": "termination_reason",
                    "message": msg(
                        "代通知金只在用人单位依第四十条解除时支付；解除或者终止原因为“{ground}”，不适用",
                        ground=ground.label,
                    ),
                }
            )
    if claims_unlawful_termination == "yes":
        errors.append(
            {
                "field": "claims_unlawful_termination",
                "message": msg(
                    "主张违法解除赔偿金（2N）的，不再支付代通知金：代通知金以依第四十条合法解除为前提，二者不能同时主张"
                ),
            }
        )
    if errors:
        raise CalculatorInputError(errors)
    amount = Fraction(last_month_wage)
    steps = []
    if ground is not None:
        steps.append(
            Step(text=msg("解除原因：{ground}", ground=ground.label), value=str(termination_reason), basis=ground.basis)
        )
    steps += [
        Step(
            text=msg(
                "用人单位依第四十条解除劳动合同，未提前三十日以书面形式通知劳动者本人的，应额外支付一个月工资"
                "（与经济补偿分别计算，俗称“N+1”中的“1”）"
            ),
            value="1",
            basis=f"{LCL}第四十条",
        ),
        Step(
            text=msg("额外支付的一个月工资按劳动者上一个月的工资标准确定：{wage}", wage=yuan(last_month_wage)),
            value=format_money(last_month_wage),
            basis=f"{REGULATION}第二十条",
        ),
    ]
    return conclude(
        steps,
        amount,
        text=msg("代通知金 = 1 × {wage} = {amount}", wage=yuan(last_month_wage), amount=yuan(amount)),
        basis=f"{LCL}第四十条；{REGULATION}第二十条",
    )
