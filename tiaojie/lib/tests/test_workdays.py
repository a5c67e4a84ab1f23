import datetime as dt

import pytest

from tiaojie.lib.workdays import (
    LEGAL_TZ,
    WorkCalendar,
    calendar_days_deadline,
    days_left,
    legal_date,
    working_days_deadline,
)

D = dt.date
# A small calendar with 2026's Spring Festival: 15–23 Feb off, Saturdays 14 and 28 Feb worked (调休).
CAL = WorkCalendar(
    first_year=2026,
    last_year=2026,
    rest_days=frozenset(D(2026, 2, d) for d in range(15, 24)),
    shifted_workdays=frozenset({D(2026, 2, 14), D(2026, 2, 28)}),
)


def test_start_day_not_counted_and_plain_period():
    # Received Monday 2 March: 15 days later is Tuesday 17 March, a working day.
    deadline = calendar_days_deadline(D(2026, 3, 2), 15, CAL)
    assert deadline.last_day == D(2026, 3, 17)
    assert deadline.rolled_from is None and not deadline.uncertain


def test_period_ending_on_holiday_rolls_to_next_working_day():
    # 1 Feb + 15 = 16 Feb, inside the Spring Festival; the first working day after is Tuesday 24 Feb.
    deadline = calendar_days_deadline(D(2026, 2, 1), 15, CAL)
    assert deadline.last_day == D(2026, 2, 24)
    assert deadline.rolled_from == D(2026, 2, 16)


def test_period_ending_on_ordinary_weekend_rolls_to_monday():
    deadline = calendar_days_deadline(D(2026, 3, 6), 15, CAL)  # 21 March is a Saturday
    assert deadline.last_day == D(2026, 3, 23)


def test_period_ending_on_a_shifted_saturday_does_not_roll():
    # 30 Jan + 15 = Saturday 14 Feb, a 调休 working day: the period ends that day.
    deadline = calendar_days_deadline(D(2026, 1, 30), 15, CAL)
    assert deadline.last_day == D(2026, 2, 14)
    assert deadline.rolled_from is None


def test_working_days_skip_holidays_and_count_shifted_saturday():
    # Thursday 12 Feb: Fri 13 (1), Sat 14 调休 (2), 15–23 holiday, Tue 24 (3).
    assert working_days_deadline(D(2026, 2, 12), 3, CAL).last_day == D(2026, 2, 24)


def test_working_days_skip_a_plain_weekend():
    assert working_days_deadline(D(2026, 3, 5), 3, CAL).last_day == D(2026, 3, 10)  # Thu → Tue


def test_past_the_configured_years_is_flagged_not_guessed():
    deadline = calendar_days_deadline(D(2026, 12, 20), 15, CAL)
    assert deadline.uncertain
    assert not calendar_days_deadline(D(2026, 11, 1), 15, CAL).uncertain
    assert working_days_deadline(D(2026, 12, 30), 3, CAL).uncertain


def test_deadline_ends_at_midnight_beijing():
    deadline = calendar_days_deadline(D(2026, 3, 2), 15, CAL)
    assert deadline.ends_at == dt.datetime(2026, 3, 18, 0, 0, tzinfo=LEGAL_TZ)


def test_legal_date_uses_beijing_day():
    # 15:59 UTC is 23:59 in Beijing, 16:00 UTC is already the next day there.
    assert legal_date(dt.datetime(2026, 3, 2, 15, 59, tzinfo=dt.UTC)) == D(2026, 3, 2)
    assert legal_date(dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)) == D(2026, 3, 3)
    with pytest.raises(ValueError):
        legal_date(dt.datetime(2026, 3, 2, 12, 0))


def test_days_left_counts_to_the_last_day():
    deadline = calendar_days_deadline(D(2026, 3, 2), 15, CAL)
    last_minute = dt.datetime(2026, 3, 17, 23, 59, tzinfo=LEGAL_TZ)
    assert days_left(deadline, last_minute) == 0
    assert days_left(deadline, last_minute + dt.timedelta(minutes=1)) == -1


def test_zero_day_period_is_refused():
    with pytest.raises(ValueError):
        calendar_days_deadline(D(2026, 3, 2), 0, CAL)
