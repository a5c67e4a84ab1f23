"""竞业限制经济补偿: 30 % of the 12-month average, not below the local minimum (解释一 art 36), ≤ 24 months."""

import pytest

from tiaojie.calculators import CalculatorInputError, calculate


def run(**data):
    return calculate("non-compete", {"average_monthly_wage": "10000", "months_observed": "12", **data})


def test_thirty_percent_a_month():
    result = run()
    assert (result["monthly"], result["amount"]) == ("3000.00", "36000.00")


def test_minimum_wage_floor_on_both_sides():
    assert run(local_minimum_wage="3000")["monthly"] == "3000.00"
    assert run(local_minimum_wage="3000.01")["monthly"] == "3000.01"
    assert run(local_minimum_wage="2999.99")["monthly"] == "3000.00"


def test_agreed_compensation_governs():
    assert run(agreed_monthly_compensation="5000")["amount"] == "60000.00"


def test_at_most_two_years():
    assert run(months_observed="24")["amount"] == "72000.00"
    with pytest.raises(CalculatorInputError) as error:
        run(months_observed="24.5")
    assert error.value.fields[0]["field"] == "months_observed"


def test_release_by_employer_adds_three_months():
    result = run(months_observed="6", released_by_employer="yes")
    assert result["amount"] == "27000.00"
    assert any("第三十九条第二款" in s["basis"] for s in result["steps"])
