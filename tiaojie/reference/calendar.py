"""The working-day calendar built from the editable holiday table.

Each process caches the built calendar together with the revision number it was built from
(CalendarRevision). Every use reads the current number, one primary-key lookup, and rebuilds when it moved:
an edit made in any process (the entry page, the admin, a management command) is seen by every other process
on its next deadline, so two cases received on the same day always get the same deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import django.dispatch
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tiaojie.lib.workdays import (
    Deadline,
    WorkCalendar,
    calendar_days_deadline,
    working_days_deadline,
)
from tiaojie.reference.models import CalendarRevision, CalendarYear, SpecialDay

_cache: dict[str, tuple[int, WorkCalendar]] = {}

# Sent inside the transaction that entered or replaced a year (reference.actions.do_enter_calendar_year) with
# `year`: the apps that store deadlines flagged uncertain recompute them (cases.deadlines, mediation.deadlines).
# This app is below them, so it announces and they listen.
calendar_year_entered = django.dispatch.Signal()


def current_revision() -> int:
    row = CalendarRevision.objects.filter(pk=1).values_list("revision", flat=True).first()
    return row or 0


def bump_revision() -> None:
    """Record that the table changed (inside the caller's transaction, so the number and the rows commit
    together)."""
    if not CalendarRevision.objects.filter(pk=1).update(revision=F("revision") + 1):
        CalendarRevision.objects.get_or_create(pk=1, defaults={"revision": 1})


def _build() -> WorkCalendar:
    years = list(CalendarYear.objects.values_list("year", flat=True))
    rest: set[dt.date] = set()
    worked: set[dt.date] = set()
    for day, kind in SpecialDay.objects.values_list("date", "kind"):
        # Statutory holidays and 调休 rest days alike are days off: they differ in pay, not in counting.
        (worked if kind == SpecialDay.Kind.WORKDAY else rest).add(day)
    return WorkCalendar(
        first_year=min(years, default=0),
        last_year=max(years, default=0),
        rest_days=frozenset(rest),
        shifted_workdays=frozenset(worked),
    )


def work_calendar() -> WorkCalendar:
    """The calendar for deadline counting, rebuilt whenever the table's revision moved (in any process)."""
    revision = current_revision()
    cached = _cache.get("cal")
    if cached is not None and cached[0] == revision:
        return cached[1]
    cal = _build()
    _cache["cal"] = (revision, cal)
    return cal


def clear_calendar_cache() -> None:
    _cache.clear()


@receiver(post_save, sender=SpecialDay)
@receiver(post_delete, sender=SpecialDay)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
def _calendar_changed(**kwargs: object) -> None:
    # An edit through the admin (or any save) moves the revision for every process; this process's own
    # copy goes at once. Raw saves (fixtures loading) leave the revision alone.
    if kwargs.get("raw"):
        return
    clear_calendar_cache()
    transaction.on_commit(clear_calendar_cache)
    bump_revision()


class DayKind(StrEnum):
    """What a date is, for pay: the five kinds the overtime calculator tells apart (docs/law.md §6, §7)."""

    STATUTORY_HOLIDAY = "statutory_holiday"
    SHIFTED_REST_DAY = "shifted_rest_day"  # 调休休息日
    REST_DAY = "rest_day"  # a weekend day
    SHIFTED_WORKING_DAY = "shifted_working_day"  # 调休上班日
    WORKING_DAY = "working_day"


@dataclass(frozen=True)
class ClassifiedDay:
    kind: DayKind
    festival: str = ""  # the holiday period's name, for the 调休 kinds and statutory days


_KINDS = {
    SpecialDay.Kind.HOLIDAY: DayKind.STATUTORY_HOLIDAY,
    SpecialDay.Kind.REST: DayKind.SHIFTED_REST_DAY,
    SpecialDay.Kind.WORKDAY: DayKind.SHIFTED_WORKING_DAY,
}


def classify_days(days: Iterable[dt.date]) -> tuple[dict[dt.date, ClassifiedDay], list[int]]:
    """Each day's kind from the table (one query each for the years and the days), and the years asked for
    that are not configured: their days are left out, never guessed from the weekday."""
    wanted = set(days)
    configured = set(CalendarYear.objects.filter(year__in={d.year for d in wanted}).values_list("year", flat=True))
    special = {row.date: row for row in SpecialDay.objects.filter(date__in=[d for d in wanted if d.year in configured])}
    out: dict[dt.date, ClassifiedDay] = {}
    for day in wanted:
        if day.year not in configured:
            continue
        row = special.get(day)
        if row is not None:
            out[day] = ClassifiedDay(_KINDS[SpecialDay.Kind(row.kind)], row.name)
        else:
            out[day] = ClassifiedDay(DayKind.WORKING_DAY if day.weekday() < 5 else DayKind.REST_DAY)
    return out, sorted({d.year for d in wanted} - configured)


def calendar_deadline(start: dt.date, days: int) -> Deadline:
    return calendar_days_deadline(start, days, work_calendar())


def workday_deadline(start: dt.date, days: int) -> Deadline:
    return working_days_deadline(start, days, work_calendar())
