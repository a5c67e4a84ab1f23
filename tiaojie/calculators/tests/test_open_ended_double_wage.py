"""二倍工资 for not concluding an open-ended contract (劳动合同法 art 82 ¶2)."""

import pytest

from tiaojie.calculators import CalculatorInputError, calculate


def run(**data):
    return calculate("open-ended-double-wage", {"due_date": "2024-01-01", "monthly_wage": "6000", **data})


def test_months_from_the_due_date_without_an_eleven_month_ceiling():
    assert run(end_date="2024-12-31")["amount"] == "72000.00"
    assert run(end_date="2025-06-30")["amount"] == "108000.00"  # 18 months: no ceiling in art 82 ¶2


def test_part_month_and_first_day():
    assert run(end_date="2024-01-01")["amount"] == "193.55"  # 1 of 31 days
    assert run(end_date="2024-01-31")["amount"] == "6000.00"


def test_deemed_open_ended_after_a_year_pays_nothing_here():
    result = run(end_date="2024-12-31", ground="art14_3")
    assert result["amount"] == "0.00"
    assert "第七条" in result["steps"][-2]["basis"]


def test_end_before_due():
    with pytest.raises(CalculatorInputError) as error:
        run(end_date="2023-12-31")
    assert error.value.fields[0]["field"] == "end_date"
