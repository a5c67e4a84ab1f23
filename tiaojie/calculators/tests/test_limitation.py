"""仲裁时效 (调解仲裁法 art 27), counted as 民法典 arts 201–203: the edges the issue names."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from tiaojie.calculators import CalculatorInputError, calculate
from tiaojie.calculators.double_wage import double_wage, open_ended_double_wage
from tiaojie.calculators.limitation import (
    Interruption,
    State,
    WeekendsOnly,
    arbitration_limitation,
    one_year_from,
)

D = dt.date


class SpringFestival2025:
    """2025's 春节: 28 January to 4 February off, Sunday 26 January and Saturday 8 February worked."""

    rest = {D(2025, 1, 28) + dt.timedelta(days=n) for n in range(8)}
    worked = {D(2025, 1, 26), D(2025, 2, 8)}

    def is_working_day(self, day):
        return day in self.worked or (day not in self.rest and day.weekday() < 5)

    def covers(self, day):
        return day.year == 2025


def test_a_year_from_1_march_ends_on_1_march_not_365_days_later():
    year = one_year_from(D(2023, 3, 1), WeekendsOnly())
    assert year.nominal == D(2024, 3, 1)  # 2024 is a leap year: 365 days later would be 29 February
    assert year.last_day == D(2024, 3, 1)  # a Friday


def test_a_year_from_29_february_ends_on_28_february():
    assert one_year_from(D(2024, 2, 29), WeekendsOnly()).nominal == D(2025, 2, 28)


def test_a_last_day_in_the_spring_festival_moves_to_the_next_working_day():
    year = one_year_from(D(2024, 1, 29), SpringFestival2025())
    assert (year.nominal, year.last_day, year.uncertain) == (D(2025, 1, 29), D(2025, 2, 5), False)
    # without the calendar only the weekend would roll, and the day is flagged
    assert one_year_from(D(2024, 1, 29), WeekendsOnly()).last_day == D(2025, 1, 29)
    assert one_year_from(D(2024, 1, 29), WeekendsOnly()).uncertain


def test_a_shifted_saturday_is_a_working_day():
    assert one_year_from(D(2024, 2, 8), SpringFestival2025()).last_day == D(2025, 2, 8)


def test_one_year_from_knowing_the_right_infringed():
    result = arbitration_limitation(known_on=D(2023, 3, 1))
    assert (result.state, result.last_day) == (State.RUNNING, D(2024, 3, 1))
    assert result.steps[-1].text == "申请仲裁的最后一日：2024-03-01（当日 24 时止）"


def test_an_interruption_restarts_the_year_from_its_day():
    result = arbitration_limitation(
        known_on=D(2023, 3, 1), interruptions=[Interruption(D(2023, 12, 1), D(2023, 12, 1))]
    )
    assert result.last_day == D(2024, 12, 2)  # 2024-12-01 is a Sunday


def test_a_mediation_interrupts_while_it_runs_and_the_year_restarts_when_it_ends():
    running = arbitration_limitation(known_on=D(2023, 3, 1), interruptions=[Interruption(D(2023, 12, 1), None)])
    assert (running.state, running.last_day) == (State.INTERRUPTED, None)
    ended = arbitration_limitation(known_on=D(2023, 3, 1), interruptions=[Interruption(D(2023, 12, 1), D(2024, 1, 15))])
    assert ended.last_day == D(2025, 1, 15)


def test_an_interruption_after_the_year_ran_out_does_not_revive_it():
    result = arbitration_limitation(
        known_on=D(2023, 3, 1),
        interruptions=[Interruption(D(2024, 3, 4), None)],
        application_date=D(2024, 4, 1),
    )
    assert (result.state, result.last_day, result.in_time) == (State.EXPIRED, D(2024, 3, 1), False)
    assert result.steps[-1].text.startswith("警告：")


def test_labour_pay_while_employed_is_not_barred_and_then_runs_a_year_from_leaving():
    employed = arbitration_limitation(kind="labour_pay", known_on=D(2015, 1, 1), application_date=D(2026, 1, 1))
    assert (employed.state, employed.last_day, employed.in_time) == (State.NOT_RUNNING, None, True)
    left = arbitration_limitation(kind="labour_pay", known_on=D(2015, 1, 1), employment_ended_on=D(2025, 6, 30))
    assert left.last_day == D(2026, 6, 30)


def test_other_claims_need_the_day_the_right_was_known_infringed():
    with pytest.raises(CalculatorInputError) as error:
        arbitration_limitation(kind="other")
    assert error.value.fields[0]["field"] == "known_on"


def test_the_registered_calculator_returns_a_day_not_an_amount():
    result = calculate(
        "arbitration-limitation",
        {"known_on": "2023-03-01", "mediation_requested_on": "2023-10-09", "mediation_ended_on": "2023-11-20"},
    )
    assert "amount" not in result
    assert (result["kind"], result["state"], result["last_day"]) == ("date", "running", "2024-11-20")
    assert result["uncertain"] is True  # the pure library has no holiday table
    json.dumps(result, ensure_ascii=False)  # plain JSON: dates as text


def test_the_calculator_refuses_an_end_of_mediation_without_its_start():
    with pytest.raises(CalculatorInputError) as error:
        calculate("arbitration-limitation", {"known_on": "2023-03-01", "mediation_ended_on": "2023-11-20"})
    assert error.value.fields[0]["field"] == "mediation_ended_on"


# --- the double-wage calculators warn about months out of time ----------------------------------------------


def test_double_wage_filed_too_late_gets_a_warning_and_a_flag_not_a_silent_amount():
    # hired 2024-01-01, never signed, left 2024-12-31: the double wage runs February to December 2024.
    args = dict(
        start_date=D(2024, 1, 1), monthly_wage=Decimal(6000), contract_signed_date=None, end_date=D(2024, 12, 31)
    )
    plain = double_wage(**args)
    late = double_wage(**args, application_date=D(2025, 6, 10))
    assert late.amount == plain.amount == Decimal("66000.00")  # the amount is not silently cut
    assert late.extra["time_barred"] is True
    # February to May 2024 have their years ended before 2025-06-10 (May's: 2025-05-31 is a Saturday, so it
    # ended on Monday 2025-06-02); June's runs to 2025-06-30.
    assert late.extra["time_barred_months"] == "4"
    assert late.extra["amount_within_limitation"] == "42000.00"
    warning = [s for s in late.steps if s.text.startswith("警告：")]
    assert len(warning) == 1 and "2024-02-01 至 2024-05-31 的 4 个月已超过一年" in warning[0].text
    assert "time_barred" not in plain.extra  # no date given: nothing is claimed about time


def test_double_wage_in_time_says_so():
    # February 2024's year ends on 2025-02-28, a Friday: applying that day is in time, a day later is not.
    result = double_wage(
        start_date=D(2024, 1, 1),
        monthly_wage=Decimal(6000),
        contract_signed_date=None,
        end_date=D(2024, 12, 31),
        application_date=D(2025, 2, 28),
    )
    assert result.extra["time_barred"] is False
    a_day_late = double_wage(
        start_date=D(2024, 1, 1),
        monthly_wage=Decimal(6000),
        contract_signed_date=None,
        end_date=D(2024, 12, 31),
        application_date=D(2025, 3, 1),
    )
    assert (a_day_late.extra["time_barred"], a_day_late.extra["time_barred_months"]) == (True, "1")
    assert any(s.text.startswith("仲裁时效：于 2025-02-28") for s in result.steps)


def test_open_ended_double_wage_warns_about_its_early_months():
    result = open_ended_double_wage(
        due_date=D(2022, 1, 1), monthly_wage=Decimal(5000), end_date=D(2024, 12, 31), application_date=D(2025, 1, 20)
    )
    assert result.extra["time_barred"] is True
    assert result.extra["time_barred_months"] == "24"  # 2022 and 2023; January 2024's year runs to 2025-01-31
    assert result.amount == Decimal("180000.00")
