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


@pytest.mark.parametrize("reason", ["art40", "art40_1", "art40_2", "art40_3"])
def test_an_art40_ground_is_shown_with_its_clause(reason):
    result = calculate("notice-pay", {"last_month_wage": "6500", "termination_reason": reason})
    assert result["amount"] == "6500.00"
    assert result["steps"][0]["value"] == reason
    assert "第四十条" in result["steps"][0]["basis"]


def test_another_ground_is_refused_with_its_name():
    with pytest.raises(CalculatorInputError) as error:
        notice_pay(last_month_wage=Decimal("6500"), termination_reason="art39")
    assert error.value.fields[0]["field"] == "termination_reason"
    assert "第三十九条" in error.value.fields[0]["message"]
    # Only art 40's clauses are offered by the form.
    with pytest.raises(CalculatorInputError):
        calculate("notice-pay", {"last_month_wage": "6500", "termination_reason": "art41"})


def test_notice_pay_is_refused_when_2n_is_claimed():
    with pytest.raises(CalculatorInputError) as error:
        calculate("notice-pay", {"last_month_wage": "6500", "claims_unlawful_termination": "yes"})
    assert error.value.fields[0]["field"] == "claims_unlawful_termination"
    assert "不能同时主张" in error.value.fields[0]["message"]
    assert calculate("notice-pay", {"last_month_wage": "6500", "claims_unlawful_termination": "no"})["amount"] == (
        "6500.00"
    )
