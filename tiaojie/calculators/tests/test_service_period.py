"""服务期违约金: never above the training cost apportioned to the unserved part (劳动合同法 art 22 ¶2)."""

import pytest

from tiaojie.calculators import CalculatorInputError, calculate

BASE = {"training_cost": "36600", "service_start_date": "2024-01-01", "service_end_date": "2024-12-31"}


def run(**data):
    return calculate("service-period-penalty", {**BASE, **data})


def test_cap_by_unserved_days():
    # 366 days in the period; left on 2024-06-30 → 184 days unserved.
    result = run(left_on="2024-06-30")
    assert result["amount"] == "18400.00"


def test_agreed_penalty_on_both_sides_of_the_cap():
    assert run(left_on="2024-06-30", agreed_penalty="18400")["amount"] == "18400.00"
    assert run(left_on="2024-06-30", agreed_penalty="18399.99")["amount"] == "18399.99"
    result = run(left_on="2024-06-30", agreed_penalty="50000")
    assert result["amount"] == "18400.00"
    assert any("超过上限" in s["text"] for s in result["steps"])


def test_edges_of_the_period():
    assert run(left_on="2024-12-31")["amount"] == "0.00"  # served to the last day
    assert run(left_on="2025-03-01")["amount"] == "0.00"
    assert run(left_on="2024-01-01")["amount"] == "36500.00"  # first day served: 365 of 366 unserved
    assert run(left_on="2024-12-30")["amount"] == "100.00"


def test_art38_resignation_owes_nothing():
    result = run(left_on="2024-03-01", resigned_under_art38="yes")
    assert result["amount"] == "0.00"
    assert "第二十六条" in result["steps"][0]["basis"]


def test_dates_out_of_order():
    with pytest.raises(CalculatorInputError) as error:
        run(service_end_date="2023-12-31", left_on="2023-06-01")
    assert {f["field"] for f in error.value.fields} == {"service_end_date", "left_on"}
