"""违法约定试用期的赔偿金: the limits of 劳动合同法 art 19, compensation of art 83 for the excess served."""

import pytest

from tiaojie.calculators import CalculatorInputError, calculate


def run(**data):
    return calculate("unlawful-probation", {"post_probation_wage": "6000", **data})


@pytest.mark.parametrize(
    ("end", "limit"),
    [
        ("2024-03-31", 1),  # exactly 3 months: "三个月以上"
        ("2024-03-30", 0),  # one day short of 3 months: no probation at all
        ("2024-12-31", 2),  # exactly one year: "一年以上不满三年"
        ("2024-12-30", 1),
        ("2026-12-31", 6),  # exactly three years
        ("2026-12-30", 2),
    ],
)
def test_lawful_limit_on_both_sides_of_each_threshold(end, limit):
    result = run(contract_start_date="2024-01-01", contract_end_date=end, probation_served_until="2024-01-01")
    assert result["lawful_probation_months"] == str(limit)


def test_excess_served_is_paid_at_the_post_probation_wage():
    # One-year contract: 2 months lawful; 6 months agreed and served → 4 months × 6,000.
    result = run(contract_start_date="2024-01-01", contract_end_date="2024-12-31", probation_served_until="2024-06-30")
    assert result["amount"] == "24000.00"
    assert result["months"] == "4"
    assert any("第八十三条" in s["basis"] for s in result["steps"])


def test_excess_part_month_by_calendar_days_and_the_edge():
    base = {"contract_start_date": "2024-01-01", "contract_end_date": "2024-12-31"}
    assert run(**base, probation_served_until="2024-02-29")["amount"] == "0.00"  # the lawful two months exactly
    # One day over: 2024-03-01 of a 31-day service month.
    assert run(**base, probation_served_until="2024-03-01")["amount"] == "193.55"  # 6000 / 31


def test_open_ended_and_task_contracts():
    start = {"contract_start_date": "2024-01-01", "probation_served_until": "2024-07-31"}
    assert run(**start, contract_kind="open_ended")["amount"] == "6000.00"  # 7 months − 6
    assert run(**start, contract_kind="task")["amount"] == "42000.00"  # none allowed: all 7 months


def test_a_second_probation_is_unlawful_in_full():
    result = run(
        contract_start_date="2024-01-01",
        contract_end_date="2026-12-31",
        probation_served_until="2024-01-31",
        earlier_probation="yes",
    )
    assert result["amount"] == "6000.00"
    assert any("第十九条第二款" in s["basis"] for s in result["steps"])


def test_bad_input():
    with pytest.raises(CalculatorInputError) as error:
        run(contract_start_date="2024-01-01", probation_served_until="2023-12-31")
    assert {f["field"] for f in error.value.fields} == {"probation_served_until", "contract_end_date"}
