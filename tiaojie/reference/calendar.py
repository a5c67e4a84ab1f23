"""The working-day calendar built from the editable holiday table, cached and refreshed on every edit."""

from __future__ import annotations

import datetime as dt

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tiaojie.lib.workdays import (
    Deadline,
    WorkCalendar,
    calendar_days_deadline,
    working_days_deadline,
)
from tiaojie.reference.models import CalendarYear, SpecialDay

_cache: dict[str, WorkCalendar] = {}


def work_calendar() -> WorkCalendar:
    """The calendar for deadline counting. Cached per process; edits in the admin clear the cache."""
    cal = _cache.get("cal")
    if cal is None:
        years = list(CalendarYear.objects.values_list("year", flat=True))
        rest: set[dt.date] = set()
        worked: set[dt.date] = set()
        for day, kind in SpecialDay.objects.values_list("date", "kind"):
            (rest if kind == SpecialDay.Kind.HOLIDAY else worked).add(day)
        cal = WorkCalendar(
            first_year=min(years, default=0),
            last_year=max(years, default=0),
            rest_days=frozenset(rest),
            shifted_workdays=frozenset(worked),
        )
        _cache["cal"] = cal
    return cal


def clear_calendar_cache() -> None:
    _cache.clear()


@receiver(post_save, sender=SpecialDay)
@receiver(post_delete, sender=SpecialDay)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
def _calendar_changed(**kwargs: object) -> None:
    clear_calendar_cache()


def calendar_deadline(start: dt.date, days: int) -> Deadline:
    return calendar_days_deadline(start, days, work_calendar())


def workday_deadline(start: dt.date, days: int) -> Deadline:
    return working_days_deadline(start, days, work_calendar())
