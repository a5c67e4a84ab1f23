"""加班费: 150 / 200 / 300% of monthly ÷ 174, rounded once at the end."""

import pytest

from tiaojie.calculators import CalculatorInputError, calculate


def overtime(wage="5000", weekday=0, rest=0, holiday=0):
    return calculate(
        "overtime",
        {"monthly_wage": wage, "weekday_hours": weekday, "rest_day_hours": rest, "holiday_hours": holiday},
    )


def test_worked_example_weekday_two_hours():
    result = overtime(weekday=2)
    assert result["amount"] == "86.21"
    assert result["hourly_wage"].startswith("28.7356321839")


def test_rates_per_kind_of_day():
    # 17400 / 174 = 100 yuan an hour keeps the arithmetic visible.
    assert overtime("17400", weekday=1)["amount"] == "150.00"
    assert overtime("17400", rest=1)["amount"] == "200.00"
    assert overtime("17400", holiday=1)["amount"] == "300.00"
    assert overtime("17400", weekday="1.5", rest=2, holiday=3)["amount"] == "1525.00"


def test_no_intermediate_rounding():
    # Rounding each part first would give 28.74 × 1.5 × 3 = 129.33; exact arithmetic gives 129.31.
    assert overtime(weekday=3)["amount"] == "129.31"


def test_steps_cite_article_44_and_the_21_75_rule():
    bases = [step["basis"] for step in overtime(weekday=1, rest=1, holiday=1)["steps"]]
    assert "劳社部发〔2008〕3号" in bases[0]
    assert any("第四十四条第（一）项" in b for b in bases)
    assert any("第四十四条第（二）项" in b for b in bases)
    assert any("第四十四条第（三）项" in b for b in bases)


def test_negative_hours_name_the_field():
    with pytest.raises(CalculatorInputError) as error:
        overtime(rest=-1)
    assert error.value.fields == [{"field": "rest_day_hours", "message": error.value.fields[0]["message"]}]
    assert "rest_day_hours" in error.value.fields[0]["message"]
    assert "负数" in error.value.fields[0]["message"]
