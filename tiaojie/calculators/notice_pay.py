"""代通知金 ("N+1"'s "+1"): 《劳动合同法》art 40; 实施条例 art 20; docs/law.md §7.

An art-40 dismissal without thirty days' written notice costs one extra month's wage, and that month is
valued at the worker's wage of the *previous month* (实施条例 art 20) — not the 12-month average that N uses.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .core import Result, Step, conclude, format_money, input_error, yuan

LCL = "《劳动合同法》"
REGULATION = "《劳动合同法实施条例》"


def notice_pay(*, last_month_wage: Decimal) -> Result:
    if last_month_wage < 0:
        raise input_error("last_month_wage", "上一个月工资（last_month_wage）不能为负数")
    amount = Fraction(last_month_wage)
    steps = [
        Step(
            text=(
                "用人单位依第四十条解除劳动合同，未提前三十日以书面形式通知劳动者本人的，应额外支付一个月工资"
                "（与经济补偿分别计算，俗称“N+1”中的“1”）"
            ),
            value="1",
            basis=f"{LCL}第四十条",
        ),
        Step(
            text=f"额外支付的一个月工资按劳动者上一个月的工资标准确定：{yuan(last_month_wage)}",
            value=format_money(last_month_wage),
            basis=f"{REGULATION}第二十条",
        ),
    ]
    return conclude(
        steps,
        amount,
        text=f"代通知金 = 1 × {yuan(last_month_wage)} = {yuan(amount)}",
        basis=f"{LCL}第四十条；{REGULATION}第二十条",
    )
