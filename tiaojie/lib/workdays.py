"""Counting legal periods (docs/law.md §6).

民法典 arts 200–204: the start day is not counted; a period whose last day is a statutory rest day ends on
the next working day; the day ends at 24:00. "N 个工作日" skip weekends and holidays but count 调休 Saturdays.

This module is pure: it takes a WorkCalendar (built from the editable holiday table by
tiaojie.reference.calendar) and never guesses beyond the years the calendar covers: a result that had to
look past the last configured year carries `uncertain=True`, and the UI says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

# Statutory periods run on Beijing time whatever zone a screen uses.
LEGAL_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class WorkCalendar:
    """Exceptions to the Monday–Friday week for the years first_year..last_year."""

    first_year: int
    last_year: int
    rest_days: frozenset[dt.date] = field(default_factory=frozenset)  # holidays falling on any day
    shifted_workdays: frozenset[dt.date] = field(default_factory=frozenset)  # 调休: weekend days worked

    def covers(self, day: dt.date) -> bool:
        return self.first_year <= day.year <= self.last_year

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.shifted_workdays:
            return True
        if day in self.rest_days:
            return False
        return day.weekday() < 5


@dataclass(frozen=True)
class Deadline:
    """The last day of a period; it ends at 24:00 Beijing time on that day."""

    last_day: dt.date
    uncertain: bool = False  # looked past the configured calendar years
    rolled_from: dt.date | None = None  # the nominal last day, when it fell on a rest day

    @property
    def ends_at(self) -> dt.datetime:
        """The first instant after the period: 00:00 of the following day, Beijing time."""
        return dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LEGAL_TZ)


def legal_date(moment: dt.datetime) -> dt.date:
    """The calendar day in Beijing on which an aware moment falls."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: store and pass aware datetimes only")
    return moment.astimezone(LEGAL_TZ).date()


def calendar_days_deadline(start: dt.date, days: int, calendar: WorkCalendar) -> Deadline:
    """Last day of a period of `days` calendar days starting after `start` (民法典 arts 201, 203)."""
    if days < 1:
        raise ValueError("a period has at least one day")
    nominal = start + dt.timedelta(days=days)
    last = nominal
    uncertain = not calendar.covers(last)
    while not calendar.is_working_day(last):
        last += dt.timedelta(days=1)
        uncertain = uncertain or not calendar.covers(last)
    return Deadline(last_day=last, uncertain=uncertain, rolled_from=nominal if last != nominal else None)


def working_days_deadline(start: dt.date, days: int, calendar: WorkCalendar) -> Deadline:
    """Last day of a period of `days` working days starting after `start`."""
    if days < 1:
        raise ValueError("a period has at least one day")
    day = start
    counted = 0
    uncertain = False
    while counted < days:
        day += dt.timedelta(days=1)
        uncertain = uncertain or not calendar.covers(day)
        if calendar.is_working_day(day):
            counted += 1
    return Deadline(last_day=day, uncertain=uncertain)


def days_left(deadline: Deadline, now: dt.datetime) -> int:
    """Whole calendar days from today (Beijing) to the last day: 0 on the last day, negative when passed."""
    return (deadline.last_day - legal_date(now)).days
