"""未休年休假工资: entitlement, pro-rating by calendar days ÷ 365 with fractions dropped, 200% owed."""

import pytest

from tiaojie.calculators import CalculatorInputError, calculate


def leave(**data):
    return calculate("annual-leave", {"monthly_wage": "8700", **data})


def test_worked_example_leaving_on_30_june():
    result = leave(cumulative_years="12", period_start="2024-01-01", period_end="2024-06-30", days_taken="2")
    # 2024-01-01..2024-06-30 is 182 days: 182 / 365 × 10 − 2 = 2.986… → 2 days.
    assert result["unused_days"] == "2"
    assert result["amount"] == "1600.00"  # 200% × 8700 / 21.75 × 2 = 2 × 400 × 2
    assert any("≈2.99" in step["text"] and "第十二条" in step["basis"] for step in result["steps"])
    assert any("300%" in step["text"] for step in result["steps"])


@pytest.mark.parametrize(
    ("years", "days"),
    [
        ("0", "0"),
        ("0.99", "0"),
        ("1", "5"),
        ("9.99", "5"),
        ("10", "10"),
        ("19", "10"),
        ("20", "15"),
        ("35", "15"),
    ],
)
def test_entitlement_by_cumulative_years(years, days):
    result = leave(cumulative_years=years, period_start="2023-01-01", period_end="2023-12-31", days_taken=0)
    assert result["unused_days"] == days


def test_full_leap_year_is_not_more_than_the_entitlement():
    # 366 days count as 365: 15 − 0.01 = 14.99 → 14, where 366/365 × 15 − 0.01 = 15.03 would give 15.
    result = leave(cumulative_years="25", period_start="2024-01-01", period_end="2024-12-31", days_taken="0.01")
    assert result["unused_days"] == "14"


def test_more_taken_than_earned_is_not_clawed_back():
    result = leave(cumulative_years="5", period_start="2024-01-01", period_end="2024-03-31", days_taken="5")
    assert (result["unused_days"], result["amount"]) == ("0", "0.00")
    assert any("不再扣回" in step["text"] for step in result["steps"])


def test_unused_days_given_directly():
    result = leave(unused_days="3")
    assert result["unused_days"] == "3"
    assert result["amount"] == "2400.00"


def test_either_unused_days_or_the_four_fields():
    with pytest.raises(CalculatorInputError) as error:
        leave(unused_days="3", days_taken="1")
    assert [f["field"] for f in error.value.fields] == ["days_taken"]
    with pytest.raises(CalculatorInputError) as error:
        leave(cumulative_years="3")
    assert [f["field"] for f in error.value.fields] == ["period_start", "period_end", "days_taken"]


def test_period_within_one_calendar_year():
    with pytest.raises(CalculatorInputError) as error:
        leave(cumulative_years="3", period_start="2024-07-01", period_end="2025-06-30", days_taken="0")
    assert error.value.fields[0]["field"] == "period_end"
    with pytest.raises(CalculatorInputError) as error:
        leave(cumulative_years="3", period_start="2024-07-01", period_end="2024-06-30", days_taken="0")
    assert error.value.fields[0]["field"] == "period_end"


# --- issue 14 item 4: the exclusions of 条例 art 4 and 实施办法 art 8 -------------------------------------

FULL_YEAR = {"period_start": "2023-01-01", "period_end": "2023-12-31", "days_taken": "0"}


@pytest.mark.parametrize(
    ("years", "months", "unused"),
    [
        # 条例 art 4 (三)–(五): 2 / 3 / 4 months "以上", the threshold itself included
        ("5", "1.99", "5"),
        ("5", "2", "0"),
        ("12", "2.99", "10"),
        ("12", "3", "0"),
        ("25", "3.99", "15"),
        ("25", "4", "0"),
    ],
)
def test_long_sick_leave_takes_away_the_year(years, months, unused):
    result = leave(cumulative_years=years, sick_leave_months=months, **FULL_YEAR)
    assert result["unused_days"] == unused
    if unused == "0":
        assert result["amount"] == "0.00"
        assert any("第四条第" in step["basis"] and "病假" in step["text"] for step in result["steps"])


@pytest.mark.parametrize(("days", "unused"), [("19", "5"), ("20", "0"), ("45", "0")])
def test_paid_personal_leave_of_twenty_days_or_more(days, unused):
    result = leave(cumulative_years="5", paid_personal_leave_days=days, **FULL_YEAR)
    assert result["unused_days"] == unused
    if unused == "0":
        assert any("第四条第（二）项" in step["basis"] for step in result["steps"])


@pytest.mark.parametrize(("days", "unused"), [("10", "10"), ("10.5", "0"), ("60", "0")])
def test_school_holidays_longer_than_the_leave(days, unused):
    # "多于": ten days of school holiday against ten days of leave still leaves the leave.
    result = leave(cumulative_years="12", school_holiday_days=days, **FULL_YEAR)
    assert result["unused_days"] == unused


def test_leave_taken_before_the_sick_leave_is_kept_but_next_year_is_lost():
    result = leave(
        cumulative_years="5",
        period_start="2023-01-01",
        period_end="2023-12-31",
        days_taken="3",
        sick_leave_months="2.5",
    )
    assert result["amount"] == "0.00"
    art8 = next(step for step in result["steps"] if "第八条" in step["basis"])
    assert "不扣回" in art8["text"] and "下一年度" in art8["text"]


def test_the_year_after_such_a_case_has_no_leave():
    result = leave(cumulative_years="5", excluded_last_year="yes", **FULL_YEAR)
    assert (result["unused_days"], result["amount"]) == ("0", "0.00")
    assert any("第八条" in step["basis"] for step in result["steps"])
    assert leave(cumulative_years="5", excluded_last_year="no", **FULL_YEAR)["unused_days"] == "5"


def test_exclusions_need_the_computed_form():
    with pytest.raises(CalculatorInputError) as error:
        leave(unused_days="3", sick_leave_months="3")
    assert error.value.fields[0]["field"] == "sick_leave_months"


def test_negative_sick_leave_is_refused():
    with pytest.raises(CalculatorInputError) as error:
        leave(cumulative_years="5", sick_leave_months="-1", **FULL_YEAR)
    assert error.value.fields[0]["field"] == "sick_leave_months"
