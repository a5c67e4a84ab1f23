"""二倍工资: the day convention (hire day = day 1) and the calendar-day pro-rating of part months."""

import pytest

from tiaojie.calculators import CalculatorInputError, calculate


def double(start, end, signed=None, wage="6000"):
    return calculate(
        "double-wage",
        {"start_date": start, "end_date": end, "contract_signed_date": signed, "monthly_wage": wage},
    )


def test_never_signed_gives_eleven_months_from_the_day_after_the_first_month():
    result = double("2024-01-01", "2024-12-31")
    assert (result["period_start"], result["period_end"]) == ("2024-02-01", "2024-12-31")
    assert result["months"] == "11"
    assert result["amount"] == "66000.00"


def test_at_most_eleven_months_however_long_the_work():
    result = double("2024-01-01", "2026-06-30")
    assert result["period_end"] == "2024-12-31"
    assert result["months"] == "11"


@pytest.mark.parametrize("signed", ["2024-01-01", "2024-01-31", "2024-02-01"])
def test_signed_within_the_first_month_or_on_the_first_double_day_owes_nothing(signed):
    result = double("2024-01-01", "2024-12-31", signed)
    assert result["amount"] == "0.00"
    assert result["months"] == "0"
    assert result["period_start"] is None and result["period_end"] is None


def test_signed_on_the_second_double_day_owes_one_day_of_february():
    result = double("2024-01-01", "2024-12-31", "2024-02-02")
    assert (result["period_start"], result["period_end"]) == ("2024-02-01", "2024-02-01")
    assert result["amount"] == "206.90"  # 6000 × 1/29 (a leap February)


def test_part_month_is_calendar_days_over_the_days_of_that_service_month():
    result = double("2024-01-15", "2024-12-31", "2024-05-20")
    assert (result["period_start"], result["period_end"]) == ("2024-02-15", "2024-05-19")
    # 15 Feb–14 Mar, 15 Mar–14 Apr, 15 Apr–14 May, then 15–19 May = 5 of the 31 days to 14 June.
    assert result["amount"] == "18967.74"
    assert result["months"].startswith("3.16129")
    assert any("日历天数" in step["text"] and "第八十二条" in step["basis"] for step in result["steps"])


def test_leaving_ends_the_period():
    result = double("2024-01-01", "2024-03-31")
    assert (result["period_start"], result["period_end"], result["months"]) == (
        "2024-02-01",
        "2024-03-31",
        "2",
    )


def test_month_end_hire():
    # Hired 31 January 2024: the first service month is 31 Jan – 29 Feb, so double wage starts 1 March,
    # and the first year ends on 30 January 2025: still exactly eleven months.
    result = double("2024-01-31", "2025-06-30")
    assert (result["period_start"], result["period_end"], result["months"]) == (
        "2024-03-01",
        "2025-01-30",
        "11",
    )


def test_relationship_existing_on_1_january_2008_counts_from_that_day():
    result = double("2006-05-10", "2009-12-31")
    assert (result["period_start"], result["period_end"], result["months"]) == (
        "2008-02-01",
        "2008-12-31",
        "11",
    )
    assert any("第九十七条第二款" in step["basis"] for step in result["steps"])


def test_contract_signed_date_must_be_sent_but_may_be_null():
    with pytest.raises(CalculatorInputError) as error:
        calculate("double-wage", {"start_date": "2024-01-01", "end_date": "2024-12-31", "monthly_wage": "6000"})
    assert [f["field"] for f in error.value.fields] == ["contract_signed_date"]
    assert double("2024-01-01", "2024-12-31", "")["months"] == "11"  # a blank form field means null


def test_end_before_start():
    with pytest.raises(CalculatorInputError) as error:
        double("2024-05-01", "2024-04-30")
    assert error.value.fields[0]["field"] == "end_date"
