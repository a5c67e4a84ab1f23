"""Service counting, the one rounding rule, and number formatting (core.py)."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from tiaojie.calculators.core import (
    add_months,
    format_money,
    format_number,
    measure_service,
    round_yuan,
    show,
)

D = dt.date


@pytest.mark.parametrize(
    ("anchor", "months", "expected"),
    [
        (D(2024, 1, 1), 1, D(2024, 2, 1)),
        (D(2024, 1, 31), 1, D(2024, 3, 1)),  # no 31 February: the service month ends on 29 February
        (D(2023, 1, 29), 1, D(2023, 3, 1)),  # no 29 February in 2023
        (D(2024, 1, 29), 1, D(2024, 2, 29)),
        (D(2024, 1, 31), 2, D(2024, 3, 31)),  # taken from the original start, not chained
        (D(2024, 2, 29), 12, D(2025, 3, 1)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2023, 12, 15), 1, D(2024, 1, 15)),
        (D(2024, 3, 31), 1, D(2024, 5, 1)),
    ],
)
def test_add_months(anchor, months, expected):
    assert add_months(anchor, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "months", "days"),
    [
        (D(2024, 1, 1), D(2024, 6, 30), 6, 0),  # end day included: exactly six months
        (D(2024, 1, 1), D(2024, 6, 29), 5, 29),
        (D(2024, 3, 1), D(2024, 8, 30), 5, 30),  # five months thirty days is still under six months
        (D(2024, 3, 1), D(2024, 8, 31), 6, 0),
        (D(2024, 1, 1), D(2024, 1, 1), 0, 1),  # one day
        (D(2024, 1, 31), D(2024, 2, 29), 1, 0),  # month-end start in a leap February
        (D(2023, 1, 31), D(2023, 2, 28), 1, 0),
        (D(2024, 1, 31), D(2024, 2, 28), 0, 29),
        (D(2023, 8, 31), D(2024, 2, 29), 6, 0),
        (D(2023, 8, 31), D(2024, 2, 28), 5, 29),
        (D(2024, 2, 29), D(2025, 2, 28), 12, 0),  # a 29 February start completes a year on 28 February
        (D(2020, 2, 29), D(2024, 2, 28), 48, 0),
        (D(2024, 3, 31), D(2024, 4, 30), 1, 0),
        (D(2005, 3, 1), D(2010, 8, 31), 66, 0),
    ],
)
def test_measure_service(start, end, months, days):
    service = measure_service(start, end)
    assert (service.months, service.days) == (months, days)


def test_measure_service_reports_the_length_of_the_part_month():
    service = measure_service(D(2024, 1, 15), D(2024, 5, 19))
    assert (service.months, service.days, service.month_length) == (4, 5, 31)  # 15 May .. 14 June


def test_measure_service_rejects_end_before_start():
    with pytest.raises(ValueError):
        measure_service(D(2024, 1, 2), D(2024, 1, 1))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(86206896551724137931, 10**18), "86.21"),
        (Fraction(617285, 1000), "617.29"),  # exactly half a cent rounds up
        (Fraction(617284999, 10**6), "617.28"),
        (Fraction(0), "0.00"),
        (Fraction(-617285, 1000), "-617.29"),  # half away from zero
        (Fraction(5000 * 3, 174), "86.21"),
    ],
)
def test_round_yuan_half_up(value, expected):
    assert str(round_yuan(value)) == expected


def test_format_money():
    assert format_money(Decimal("8000")) == "8000.00"
    assert format_money(Decimal("-0")) == "0.00"
    assert format_money(Decimal("1E+3")) == "1000.00"


def test_format_number_exact_or_28_digits():
    assert format_number(Fraction(9, 2)) == "4.5"
    assert format_number(Fraction(6)) == "6"
    assert format_number(Fraction(0)) == "0"
    assert format_number(Fraction(5000, 174)) == "28.73563218390804597701149425"
    assert show(Fraction(1090, 365)) == "≈2.99"
    assert show(Fraction(3, 2)) == "1.5"
