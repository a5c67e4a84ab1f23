"""代通知金: one month at the previous month's wage (实施条例 art 20)."""

from decimal import Decimal

import pytest

from tiaojie.calculators import CalculatorInputError, calculate
from tiaojie.calculators.notice_pay import notice_pay


def test_last_month_wage_is_the_amount():
    result = calculate("notice-pay", {"last_month_wage": "6500"})
    assert result["amount"] == "6500.00"
    assert any("第二十条" in step["basis"] for step in result["steps"])
    assert any("第四十条" in step["basis"] for step in result["steps"])


def test_number_input():
    assert calculate("notice-pay", {"last_month_wage": 6500.5})["amount"] == "6500.50"


def test_negative_wage_in_the_function():
    with pytest.raises(CalculatorInputError):
        notice_pay(last_month_wage=Decimal("-1"))
