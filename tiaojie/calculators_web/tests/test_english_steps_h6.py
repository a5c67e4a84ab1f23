"""Overtime (by kind and by date) and annual leave in English (issue 14 item 3; docs/i18n.md "Calculator steps"):
every branch of the two calculators, and each input error, leaves no Chinese on the English page. These pass
with the branch's translations applied (the lead merges them into the catalogue)."""

import pytest

from .english import chinese_left, english_result

pytestmark = pytest.mark.django_db

WAGE = {"monthly_wage": "17400"}
LEAVE = {"monthly_wage": "8700", "cumulative_years": "5", "period_start": "2023-01-01", "period_end": "2023-12-31"}

CASES = {
    "overtime by kind, all three": (
        "overtime",
        {**WAGE, "weekday_hours": "1.5", "rest_day_hours": "2", "holiday_hours": "3"},
    ),
    "overtime by kind, one": ("overtime", {**WAGE, "weekday_hours": "2"}),
    "overtime by date, every kind": (
        "overtime",
        # statutory, 调休 rest day, weekend, 调休 Saturday, working day; 春节 and 国庆节
        {**WAGE, "days_worked": "2026-10-01 8；2026-10-04 6；2026-03-07 3；2026-02-14 2；2026-03-03 2；2025-01-28 8"},
    ),
    "overtime by date, 2020 common day": ("overtime", {**WAGE, "days_worked": "2020-10-01 8"}),
    # (An entry is quoted as typed: one in Latin letters, so what is left is the page's own words.)
    "overtime by date, unreadable": ("overtime", {**WAGE, "days_worked": "Oct 1 8"}),
    "overtime by date, no such day": ("overtime", {**WAGE, "days_worked": "2026-02-30 8"}),
    "overtime by date, too many hours": ("overtime", {**WAGE, "days_worked": "2026-10-01 25"}),
    "overtime by date, twice": ("overtime", {**WAGE, "days_worked": "2026-10-01 8；2026-10-01 1"}),
    "overtime by date, empty": ("overtime", {**WAGE, "days_worked": "；"}),
    "overtime by date, year not configured": ("overtime", {**WAGE, "days_worked": "2099-10-01 8"}),
    "overtime, both modes": ("overtime", {**WAGE, "days_worked": "2026-10-01 8", "weekday_hours": "1"}),
    "overtime, neither mode": ("overtime", WAGE),
    "overtime, negative hours": ("overtime", {**WAGE, "rest_day_hours": "-1"}),
    "overtime, bad wage": ("overtime", {"monthly_wage": "x", "weekday_hours": "1"}),
    "leave given directly": ("annual-leave", {"monthly_wage": "8700", "unused_days": "3"}),
    "leave computed": ("annual-leave", {**LEAVE, "days_taken": "2"}),
    "leave in a leap year": (
        "annual-leave",
        {**LEAVE, "period_start": "2024-01-01", "period_end": "2024-12-31", "days_taken": "0"},
    ),
    "leave, more taken than earned": ("annual-leave", {**LEAVE, "period_end": "2023-03-31", "days_taken": "5"}),
    "leave, school holidays": ("annual-leave", {**LEAVE, "days_taken": "0", "school_holiday_days": "30"}),
    "leave, personal leave after leave taken": (
        "annual-leave",
        {**LEAVE, "days_taken": "2", "paid_personal_leave_days": "20"},
    ),
    "leave, sick leave": ("annual-leave", {**LEAVE, "days_taken": "0", "sick_leave_months": "2"}),
    "leave, excluded last year": ("annual-leave", {**LEAVE, "days_taken": "0", "excluded_last_year": "yes"}),
    "leave, both ways": ("annual-leave", {"monthly_wage": "8700", "unused_days": "3", "cumulative_years": "5"}),
    "leave, missing fields": ("annual-leave", {"monthly_wage": "8700", "cumulative_years": "5"}),
    "leave, end before start": ("annual-leave", {**LEAVE, "period_end": "2022-12-31", "days_taken": "0"}),
    "leave, two years": ("annual-leave", {**LEAVE, "period_end": "2024-01-31", "days_taken": "0"}),
    "leave, exclusions with days given": (
        "annual-leave",
        {"monthly_wage": "8700", "unused_days": "3", "sick_leave_months": "1"},
    ),
}


@pytest.mark.parametrize("label", list(CASES))
def test_english_page_shows_no_chinese(client, label):
    name, data = CASES[label]
    assert chinese_left(client, name, data) == []


def test_an_overtime_day_reads_in_english(client):
    english, errors = english_result(client, "overtime", {**WAGE, "days_worked": "2026-10-04 6"})
    assert errors == []
    assert english["steps"][1]["text"] == (
        "2026-10-04 (Sun, day off in the National Day holidays moved by the holiday arrangement, not a statutory"
        " holiday): 6 hours × 200% (Work on a rest day without time off in lieu) × hourly wage = 1200.00 yuan"
    )
    assert english["steps"][1]["basis"] == "Labour Law, art. 44 item (2)"


def test_annual_leave_reads_in_english(client):
    english, _ = english_result(client, "annual-leave", {**LEAVE, "days_taken": "2"})
    assert english["steps"][-1]["text"] == (
        "Pay for annual leave not taken = 200% × 400.00 yuan × 3 days = 2400.00 yuan, rounded to the fen"
    )
