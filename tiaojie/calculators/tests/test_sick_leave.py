"""医疗期 (劳部发〔1994〕479号 arts 3–4) and the 80 % sick-pay floor (劳部发〔1995〕309号 art 59)."""

import pytest

from tiaojie.calculators import CalculatorInputError, calculate


def run(total, employer, **data):
    return calculate(
        "sick-leave",
        {"total_work_years": total, "years_with_employer": employer, "local_minimum_wage": "2490", **data},
    )


@pytest.mark.parametrize(
    ("total", "employer", "months", "window"),
    [
        ("9.99", "4.99", 3, 6),
        ("9.99", "5", 6, 12),
        ("10", "4.99", 6, 12),
        ("10", "5", 9, 15),
        ("20", "9.99", 9, 15),
        ("20", "10", 12, 18),
        ("20", "14.99", 12, 18),
        ("20", "15", 18, 24),
        ("25", "19.99", 18, 24),
        ("25", "20", 24, 30),
    ],
)
def test_medical_period_on_both_sides_of_each_band(total, employer, months, window):
    result = run(total, employer)
    assert (result["medical_period_months"], result["counting_window_months"]) == (str(months), str(window))


def test_sick_pay_floor_and_shortfall():
    result = run("3", "1")
    assert result["amount"] == result["monthly_floor"] == "1992.00"
    owed = run("3", "1", sick_pay_paid="1500", sick_months="2")
    assert owed["amount"] == "984.00"
    assert run("3", "1", sick_pay_paid="1992", sick_months="2")["amount"] == "0.00"
    assert run("3", "1", sick_pay_paid="1991.99", sick_months="2")["amount"] == "0.02"


def test_months_beyond_the_medical_period_are_flagged():
    result = run("3", "1", sick_pay_paid="1500", sick_months="4")
    assert any("超过医疗期" in s["text"] for s in result["steps"])


def test_years_with_employer_cannot_exceed_the_total():
    with pytest.raises(CalculatorInputError) as error:
        run("3", "4")
    assert error.value.fields[0]["field"] == "years_with_employer"


def test_half_of_the_shortfall_pair_is_named_not_dropped():
    result = run("3", "1", sick_pay_paid="1500")
    assert result["amount"] == "1992.00"
    assert any("病休月数（sick_months）" in s["text"] for s in result["steps"])
    assert not any(s["value"] == "未计算" for s in run("3", "1")["steps"])
